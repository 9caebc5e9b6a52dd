"""Publishing a run's results into Redis read models, the way projections publish theirs.

Documents of the ``analytics`` read model (a generation per run, swapped in by
its pointer key, so readers see one whole run or the previous one):

- ``impact:summary``: platform totals, by month, country and category, with the
  factor version, the ``as_of`` time and the lake position the run read;
- ``leaderboard:{board}:{period}``: ``co2e-saved`` or ``eco-points``, for
  ``week``, ``month`` or ``all``; names are pseudonyms, never an email;
- ``impact:customer:{id}``: a customer's footprint, savings and eco points;
- ``impact:product:{id}``: units bought and kg CO2e saved per product.

The generation's ``checkpoint`` is the lake position, so every answer says
which part of the log it reflects (``X-Read-Position``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import msgspec
import polars as pl
import redis.asyncio as aioredis

from analytics.pipelines.run import RunResult
from analytics.read_model import NAME
from projections import keys
from projections.store import GenerationStore
from write_side.adapters.privacy import pseudonym

_encoder = msgspec.json.Encoder()


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 4)
    return value


def _rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    return [{k: _plain(v) for k, v in row.items()} for row in frame.iter_rows(named=True)]


def summary(result: RunResult, computed_at: datetime) -> dict[str, Any]:
    t = result.tables
    by_category = (
        t["by_category_month"]
        .group_by("category")
        .agg(pl.col("units", "kg_co2e", "baseline_kg_co2e", "saved_kg_co2e").sum())
        .sort("category")
    )
    platform = _rows(t["platform"])[0] if t["platform"].height else {}
    shares = {
        row.pop("category"): row
        for row in _rows(t.get("evidence", pl.DataFrame(schema={"category": pl.String})))
    }
    no_evidence = {"cited_share": 0.0, "estimated_share": 0.0}
    return {
        "factor_version": result.factor_version,
        "as_of": result.as_of.isoformat(),
        "computed_at": computed_at.isoformat(),
        "lake_position": result.lake_position,
        "engine": result.engine,
        "platform": platform,
        "by_month": _rows(t["by_month"]),
        "by_country": _rows(t["by_country"]),
        "by_category": [
            {**row, "evidence": shares.get(row["category"], no_evidence)} for row in _rows(by_category)
        ],
        "unrated_products": result.unrated.height,
        "evidence": shares.get("all", no_evidence),
    }


def documents(result: RunResult, computed_at: datetime) -> dict[str, dict[str, Any]]:
    """Every document of the run, keyed as the query endpoints read them."""
    docs: dict[str, dict[str, Any]] = {"impact:summary": summary(result, computed_at)}
    boards = result.tables["leaderboards"]
    for (board, period), rows in boards.group_by(["board", "period"], maintain_order=True):
        start = rows["period_start"][0]
        docs[f"leaderboard:{board}:{period}"] = {
            "board": board,
            "period": period,
            "period_start": start.isoformat() if start else None,
            "as_of": result.as_of.isoformat(),
            "factor_version": result.factor_version,
            "entries": [
                {"rank": r["rank"], "name": pseudonym(r["customer_id"]), "value": round(r["value"], 4)}
                for r in rows.iter_rows(named=True)
            ],
        }
    for row in _rows(result.tables["by_customer"]):
        docs[f"impact:customer:{row.pop('customer_id')}"] = {**row, "factor_version": result.factor_version}
    for row in _rows(result.tables["by_product"]):
        docs[f"impact:product:{row.pop('product_id')}"] = {**row, "factor_version": result.factor_version}
    return docs


async def publish(redis: aioredis.Redis, result: RunResult, computed_at: datetime) -> int:
    """Write the run as a new generation, swap it in, drop the previous one; returns the generation."""
    live = int(await redis.get(keys.pointer(NAME)) or 0)
    target = live + 1
    store = GenerationStore(redis, NAME, target)
    await store.drop()  # leftovers of a run that died while publishing
    items = list(documents(result, computed_at).items())
    for start in range(0, len(items), 5000):
        async with redis.pipeline(transaction=False) as pipe:
            for key, document in items[start : start + 5000]:
                pipe.set(store.prefix + key, _encoder.encode(document))
            await pipe.execute()
    await redis.set(store.checkpoint_key, result.lake_position)
    await redis.set(keys.pointer(NAME), target)
    if live:
        await GenerationStore(redis, NAME, live).drop()
    return target

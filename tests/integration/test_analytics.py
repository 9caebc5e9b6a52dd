"""The lake and the analytics run against real PostgreSQL and Redis, served by the query API."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
import redis.asyncio as aioredis
from arq.worker import Worker
from litestar.testing import AsyncTestClient
from polars.testing import assert_frame_equal

from analytics.factor_tables import load_factors
from analytics.lake import (
    COMPACTED_FROM,
    RETIRED,
    GenerationsLock,
    LakeBusyError,
    LakeGenerations,
    LakeWriter,
)
from analytics.pipelines.run import compute
from analytics.pipelines.sources import Lake
from ecolaura.settings import libpq_url
from projections.jobs import worker_settings
from projections.lake_projection import LakeProjectionRunner, rebuild_lake
from read_side.search.config import SearchConfig
from tests.factories import (
    admin_headers,
    create_customer,
    create_product,
    customer_headers,
    mark_paid,
    place_order,
)
from tests.projection_helpers import catch_up, export_lake, publish_analytics
from write_side.adapters.event_log import EventLogReader


def _table(root: Path, name: str) -> pl.DataFrame:
    return Lake(LakeGenerations(root).live_events()).scan(name).drop("recorded_at").sort("position").collect()


async def _shop(client: AsyncTestClient) -> dict[str, object]:  # type: ignore[type-arg]
    category = f"cat-{uuid.uuid4().hex[:6]}"
    board = await create_product(
        client,
        category="kitchen",
        weight_kg=1.0,
        materials=[{"material": "fsc wood", "kg": 0.9}],
        origin_country="DE",
        certifications=["FSC"],
    )
    tote = await create_product(client, category=category)
    saver, spender = await create_customer(client, "DE"), await create_customer(client, "FR")
    paid = await place_order(
        client, saver, (board["id"], 2), (tote["id"], 1), country="DE", method="slow-green"
    )
    await mark_paid(client, paid["id"])
    await place_order(client, spender, (tote["id"], 9), country="FR")  # never paid: not counted
    return {"board": board, "tote": tote, "saver": saver, "spender": spender, "paid": paid}


async def test_an_analytics_run_is_served_by_the_query_api(
    client: AsyncTestClient,  # type: ignore[type-arg]
    redis_client: aioredis.Redis,
    database_url: str,
    tmp_path: Path,
) -> None:
    shop = await _shop(client)
    run = await publish_analytics(redis_client, database_url, tmp_path)
    assert run.orders >= 1 and (run.results / "leaderboards.parquet").exists()

    paid = shop["paid"]
    summary = await client.get("/api/v1/impact/summary")
    assert summary.status_code == 200, summary.text
    body = summary.json()
    assert body["factor_version"] == run.factor_version and body["lake_position"] == run.lake_position
    assert body["platform"]["orders"] == run.orders
    assert summary.headers["x-read-position"] == run.lake_position
    # what the totals rest on, over all units sold and per category: the run's evidence table
    evidence = pl.read_parquet(run.results / "evidence.parquet")
    shares = {r.pop("category"): r for r in evidence.to_dicts()}
    assert body["evidence"] == shares["all"]
    assert {c["category"]: c["evidence"] for c in body["by_category"]} == {
        c: s for c, s in shares.items() if c != "all"
    }
    if run.factor_version != "2025.1":  # a newer version says how the totals moved from the previous one
        rerating = pl.read_parquet(run.results / "rerating.parquet")
        assert set(rerating["category"]) == set(shares)

    board = (await client.get("/api/v1/analytics/leaderboards/co2e-saved", params={"period": "all"})).json()
    entry = next(e for e in board["entries"] if e["name"] == f"Shopper {shop['saver'][-8:]}")  # type: ignore[index]
    assert entry["value"] == pytest.approx(paid["footprint"]["savings_kg_co2e"], abs=1e-3)  # type: ignore[index]
    assert all("@" not in e["name"] for e in board["entries"])
    assert not any(e["name"].endswith(shop["spender"][-8:]) for e in board["entries"])  # type: ignore[index]

    await catch_up(redis_client, database_url)
    answer = await client.get(f"/api/v1/impact/products/{shop['board']['id']}")  # type: ignore[index]
    card = await client.get(f"/api/v1/catalog/products/{shop['board']['id']}")  # type: ignore[index]
    status = await client.get("/api/v1/admin/projections", headers=admin_headers())
    assert answer.status_code == 200, (answer.text, card.text, status.text)
    product = answer.json()
    assert [s["name"] for s in product["stages"]] == ["materials", "manufacturing", "packaging", "transport"]
    assert product["stages"][0]["items"][0]["source"] == "DESNZ2024"
    assert product["purchases"]["units"] == 2
    # What the figure rests on: the materials line is cited (DESNZ); the process energy is our estimate.
    cited = sum(
        i["kg_co2e"]["central"]
        for st in product["stages"]
        for i in st["items"]
        if "ECOLAURA" not in i["source"]
    )
    assert product["evidence"]["cited_share"] == pytest.approx(
        cited / product["kg_co2e"]["central"], abs=1e-3
    )
    assert product["evidence"]["cited_share"] + product["evidence"]["estimated_share"] == pytest.approx(1)

    mine = (await client.get("/api/v1/me/dashboard", headers=customer_headers(shop["saver"]))).json()  # type: ignore[arg-type]
    assert mine["saved_kg_co2e"] == pytest.approx(paid["footprint"]["savings_kg_co2e"], abs=1e-3)  # type: ignore[index]
    assert mine["footprint_kg_co2e"] == pytest.approx(paid["footprint"]["kg_co2e"]["central"], abs=1e-3)  # type: ignore[index]
    # Paid but not delivered: no points yet, in the ledger (live) or in the analytics run.
    assert mine["eco_points"] == mine["impact"]["points"] == 0


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/analytics/leaderboards/most-purchases", 400),
        ("/api/v1/analytics/leaderboards/co2e-saved?period=decade", 400),
        ("/api/v1/impact/products/not-a-uuid", 404),
        (f"/api/v1/impact/products/{uuid.uuid4()}", 404),
    ],
)
async def test_bad_analytics_queries_are_clear_4xx(client: AsyncTestClient, path: str, status: int) -> None:  # type: ignore[type-arg]
    response = await client.get(path)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_a_crash_between_files_and_checkpoint_exports_nothing_twice(
    client: AsyncTestClient,  # type: ignore[type-arg]
    database_url: str,
    tmp_path: Path,
) -> None:
    await _shop(client)
    clean, crashed = tmp_path / "clean", tmp_path / "crashed"
    await export_lake(database_url, clean)
    # The crashed lake wrote a batch's part files but died before its checkpoint: simulate it
    # by exporting, then putting the checkpoint back where it was before the last flush.
    await export_lake(database_url, crashed)
    folder = LakeGenerations(crashed).path(1)
    stale = (folder / "checkpoint.json").read_text()
    await _shop(client)
    await export_lake(database_url, crashed)
    (folder / "checkpoint.json").write_text(stale)
    await export_lake(database_url, crashed)  # reopens: drops the unflushed parts, exports them again
    await export_lake(database_url, clean)
    for table in ("OrderPlaced", "OrderLine", "OrderPaid", "Product", "StockLevelChanged"):
        assert _table(crashed, table).equals(_table(clean, table)), table


async def test_a_rebuild_equals_the_incremental_export_and_one_writer_holds_a_generation(
    client: AsyncTestClient,  # type: ignore[type-arg]
    database_url: str,
    tmp_path: Path,
) -> None:
    await _shop(client)
    await export_lake(database_url, tmp_path)
    before = {t: _table(tmp_path, t) for t in ("OrderPlaced", "OrderLine", "Product")}
    holder = LakeWriter(LakeGenerations(tmp_path).path(1))
    with pytest.raises(LakeBusyError):
        LakeWriter(LakeGenerations(tmp_path).path(1))
    holder.close()
    async with EventLogReader(libpq_url(database_url)) as reader:
        assert await rebuild_lake(reader, tmp_path) == 2
    assert LakeGenerations(tmp_path).live_generation() == 2
    assert not LakeGenerations(tmp_path).path(1).exists()
    for table, frame in before.items():
        assert _table(tmp_path, table).equals(frame), table


def _parts(folder: Path) -> dict[str, int]:
    """Part files per partition (``table/date=...``) of a generation."""
    return {
        f"{p.parent.name}/{p.name}": len(list(p.glob("*.parquet")))
        for p in sorted((folder / "events").glob("*/date=*"))
    }


async def _compact(database_url: str, root: Path, **kw: object) -> int:
    async with EventLogReader(libpq_url(database_url)) as reader:
        runner = LakeProjectionRunner(reader, root)
        try:
            return await runner.compact(**kw)  # type: ignore[arg-type]
        finally:
            runner.close()


async def _exported_shops(
    client: AsyncTestClient,  # type: ignore[type-arg]
    database_url: str,
    root: Path,
    times: int,
) -> LakeGenerations:
    """``times`` shops, each exported on its own: ``times`` part files in each of today's partitions."""
    for _ in range(times):
        await _shop(client)
        await export_lake(database_url, root)
    return LakeGenerations(root)


TOMORROW = datetime.now(UTC).date() + timedelta(days=1)  # so that today counts as a closed day


async def test_compaction_merges_closed_days_and_changes_no_row_and_no_report(
    client: AsyncTestClient,  # type: ignore[type-arg]
    database_url: str,
    tmp_path: Path,
) -> None:
    generations = await _exported_shops(client, database_url, tmp_path, 3)
    parts = _parts(generations.path(1))
    assert parts[f"OrderLine/date={datetime.now(UTC).date()}"] >= 3  # more with other tests' events
    tables = ("OrderPlaced", "OrderLine", "OrderPaid", "Product", "StockLevelChanged")
    before = {t: _table(tmp_path, t) for t in tables}
    reports = compute(Lake(generations.live_events()), load_factors()).tables

    assert (
        await _compact(database_url, tmp_path, closed_before=datetime.now(UTC).date()) == 0
    )  # today is open
    assert generations.live_generation() == 1
    merged = await _compact(database_url, tmp_path, closed_before=TOMORROW)
    assert merged == sum(1 for n in parts.values() if n > 1)
    assert generations.live_generation() == 2
    assert set(_parts(generations.path(2)).values()) == {1}
    for table in tables:
        assert _table(tmp_path, table).equals(before[table]), table
    after = compute(Lake(generations.live_events()), load_factors()).tables
    for name, frame in reports.items():  # sums of floats may differ in their last bits with file layout
        assert_frame_equal(after[name], frame, check_exact=False, rel_tol=1e-12)
    # The replaced generation stays for runs still reading it, then goes.
    assert (generations.path(1) / RETIRED).exists()
    assert generations.drop_retired(grace_seconds=3600) == []
    assert generations.drop_retired(grace_seconds=0) == [1]

    # Exporting goes on in the new generation, exactly once.
    await _shop(client)
    await export_lake(database_url, tmp_path)
    await export_lake(database_url, tmp_path / "clean")
    for table in tables:
        assert _table(tmp_path, table).equals(_table(tmp_path / "clean", table)), table


async def test_compaction_leaves_a_rebuilds_generation_alone_and_clears_a_stale_copy(
    client: AsyncTestClient,  # type: ignore[type-arg]
    database_url: str,
    tmp_path: Path,
) -> None:
    generations = await _exported_shops(client, database_url, tmp_path, 2)
    rebuilding = LakeWriter(generations.path(2))  # a rebuild filling generation 2
    assert await _compact(database_url, tmp_path, closed_before=TOMORROW) == 0
    (generations.path(2) / COMPACTED_FROM).write_text("1")  # even a marked copy, while written to
    assert await _compact(database_url, tmp_path, closed_before=TOMORROW) == 0
    rebuilding.close()
    swapping = GenerationsLock(tmp_path)  # a rebuild claiming, swapping or dropping generations
    assert swapping.acquire(blocking=False)
    assert await _compact(database_url, tmp_path, closed_before=TOMORROW) == 0
    swapping.release()
    assert generations.live_generation() == 1
    # A copy a crashed compaction made but never swapped in: stale, so it is thrown away and redone.
    assert await _compact(database_url, tmp_path, closed_before=TOMORROW) > 0
    assert generations.live_generation() == 2
    assert set(_parts(generations.path(2)).values()) == {1}


async def test_a_rebuild_starts_afresh_over_a_compactions_unswapped_copy(
    client: AsyncTestClient,  # type: ignore[type-arg]
    database_url: str,
    tmp_path: Path,
) -> None:
    generations = await _exported_shops(client, database_url, tmp_path, 2)
    before = {t: _table(tmp_path, t) for t in ("OrderPlaced", "OrderLine", "Product")}
    stale = generations.path(2)  # a copy of generation 1 at some earlier point, never swapped in
    (stale / "events").mkdir(parents=True)
    (stale / "checkpoint.json").write_text((generations.path(1) / "checkpoint.json").read_text())
    (stale / COMPACTED_FROM).write_text("1")
    async with EventLogReader(libpq_url(database_url)) as reader:
        assert await rebuild_lake(reader, tmp_path) == 2  # from position zero, not from that checkpoint
    for table, frame in before.items():
        assert _table(tmp_path, table).equals(frame), table


async def test_the_following_projector_compacts_days_gone_by(
    client: AsyncTestClient,  # type: ignore[type-arg]
    database_url: str,
    tmp_path: Path,
) -> None:
    generations = await _exported_shops(client, database_url, tmp_path, 2)
    # Every event here was recorded today; moving one partition back in time stands in for the
    # files a projector leaves behind over a day.
    old = generations.path(1) / "events" / "OrderPlaced"
    (old / f"date={datetime.now(UTC).date()}").rename(old / "date=2026-01-05")
    today = f"OrderLine/date={datetime.now(UTC).date()}"
    open_parts = _parts(generations.path(1))[today]
    async with EventLogReader(libpq_url(database_url)) as reader:
        runner = LakeProjectionRunner(reader, tmp_path, compact_every=0.0)
        try:
            await runner.step()
            assert generations.live_generation() == 2
            await _shop(client)
            await runner.step()
            runner.flush()
        finally:
            runner.close()
    assert _parts(generations.path(2))["OrderPlaced/date=2026-01-05"] == 1
    assert _parts(generations.path(2))[today] == open_parts + 1  # today is open: kept, and one flush more


async def test_admins_run_analytics_as_a_job_with_progress(
    client: AsyncTestClient,  # type: ignore[type-arg]
    redis_client: aioredis.Redis,
    database_url: str,
    clean_redis: str,
    tmp_path: Path,
) -> None:
    await _shop(client)
    await export_lake(database_url, tmp_path)
    denied = await client.post("/api/v1/admin/analytics/run", headers=customer_headers(str(uuid.uuid4())))
    assert denied.status_code == 403
    bad = await client.post("/api/v1/admin/analytics/run", json={"engine": "excel"}, headers=admin_headers())
    assert bad.status_code == 400
    started = await client.post(
        "/api/v1/admin/analytics/run", json={"engine": "duckdb"}, headers=admin_headers()
    )
    assert started.status_code == 202, started.text
    job_id = started.json()["job_id"]
    again = await client.post("/api/v1/admin/analytics/run", headers=admin_headers())
    assert again.status_code == 409
    worker = Worker(
        **worker_settings(database_url, clean_redis, SearchConfig(tmp_path / "search"), tmp_path),  # type: ignore[arg-type]
        burst=True,
        poll_delay=0.05,
    )
    try:
        await worker.async_run()
    finally:
        await worker.close()
    job = (await client.get(f"/api/v1/admin/jobs/{job_id}", headers=admin_headers())).json()
    assert job["state"] == "done", job
    assert (job["kind"], job["engine"], job["done"], job["total"]) == ("analytics", "duckdb", "4", "4")
    summary = (await client.get("/api/v1/impact/summary")).json()
    assert summary["engine"] == "duckdb"

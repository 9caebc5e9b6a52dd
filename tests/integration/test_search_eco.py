"""The eco score in search: from a product's recorded footprint, through the search projection, to the API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
from litestar.testing import AsyncTestClient

from ecolaura.settings import libpq_url
from projections.search_projection import search_document
from tests.factories import admin_headers, create_product
from tests.projection_helpers import project_search
from write_side.adapters.event_log import EventLogReader
from write_side.contracts import events as ev


async def _project(client: AsyncTestClient, database_url: str, search_dir: Path, q: str) -> None:  # type: ignore[type-arg]
    await project_search(client, database_url, search_dir, q)


async def _search(client: AsyncTestClient, **params: object) -> dict[str, Any]:  # type: ignore[type-arg]
    response = await client.get("/api/v1/search", params=params)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _score(product: dict[str, Any]) -> int:
    return int(product["footprint"]["eco_score"]["score"])


async def test_the_search_projection_indexes_the_eco_score_a_product_was_recorded_with(
    client: AsyncTestClient,
    database_url: str,
    search_dir: Path,  # type: ignore[type-arg]
) -> None:
    marker = "Ecoqzzv"
    # A certified organic tote in paper, and a plain one in plastic film: their scores differ.
    better = await create_product(client, name=f"{marker} organic tote")
    worse = await create_product(
        client,
        name=f"{marker} plain tote",
        materials=[{"material": "conventional cotton", "kg": 0.18}],
        packaging="plastic-film",
        certifications=[],
    )
    assert _score(better) > _score(worse)
    await _project(client, database_url, search_dir, marker.lower())

    body = await _search(client, q=marker.lower(), sort="eco")
    assert [(h["id"], h["eco_score"]) for h in body["hits"]] == [
        (better["id"], _score(better)),
        (worse["id"], _score(worse)),
    ]
    kept = await _search(client, q=marker.lower(), eco_min=_score(better))
    assert [h["id"] for h in kept["hits"]] == [better["id"]]
    counted = {f["value"]: f["count"] for f in body["facets"]["eco"]}
    assert sum(counted.values()) == 2 and list(counted) == ["-40", "40-60", "60-80", "80-"]

    # A change that recomputes the footprint moves the product's score in the index.
    changed = await client.patch(
        f"/api/v1/products/{worse['id']}",
        json={"materials": [{"material": "organic cotton", "kg": 0.18}], "packaging": "paper"},
        headers={**admin_headers(), "If-Match": f'"{worse["version"]}"'},
    )
    assert changed.status_code == 200, changed.text
    await _project(client, database_url, search_dir, marker.lower())
    hits = (await _search(client, q=marker.lower(), sort="eco"))["hits"]
    assert {h["id"]: h["eco_score"] for h in hits}[worse["id"]] == _score(changed.json())


async def test_a_product_recorded_without_a_footprint_has_no_eco_score(
    client: AsyncTestClient,
    database_url: str,  # type: ignore[type-arg]
) -> None:
    product = await create_product(client)
    async with EventLogReader(libpq_url(database_url)) as reader:
        recorded = [
            e.event
            for e in await reader.read_from(ev.LogCursor(), 100_000)
            if isinstance(e.event, ev.ProductCreated) and e.event.product.product_id == product["id"]
        ]
    (created,) = recorded
    assert search_document(created.product, 1).eco_score == _score(product)
    older = msgspec.structs.replace(created.product, footprint=None)  # as events before footprints were
    assert search_document(older, 1).eco_score is None

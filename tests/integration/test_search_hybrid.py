"""Hybrid search: offline embeddings, vectors kept by the search projection, filters first, the quality set."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
from litestar.testing import AsyncTestClient

from projections.search_projection import with_vectors
from read_side.search.embedding import DIMENSIONS, embed
from read_side.search.hybrid import hybrid_search
from read_side.search.port import SearchDocument, SearchRequest
from read_side.search.tantivy_index import TantivyEngine
from tests.factories import create_product
from tests.projection_helpers import project_search
from tests.search_quality.evaluation import CLASSES, build_index, catalog_documents, evaluate, load_set
from write_side.contracts.events import LogCursor

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TantivyEngine]:
    # Built once for the module, on its own loop: the engine holds no loop-bound state.
    catalog = load_set()["catalog"]
    engine = asyncio.run(build_index(tmp_path_factory.mktemp("quality"), catalog["count"], catalog["seed"]))
    yield engine
    asyncio.run(engine.close())


def test_the_model_loads_from_its_wheel_with_the_network_blocked(tmp_path: Path) -> None:
    # A fresh process, an empty home (no ~/.cache/wordllama), the hub offline and every socket refused.
    script = (
        "import socket\n"
        "def refuse(*a, **k):\n"
        "    raise OSError('network blocked by the test')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "from read_side.search.embedding import embed\n"
        "v = embed(['a reusable water bottle'])\n"
        "print(v.shape[1], round(float((v * v).sum()), 3))\n"
    )
    env = {**os.environ, "HOME": str(tmp_path), "HF_HUB_OFFLINE": "1", "XDG_CACHE_HOME": str(tmp_path)}
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(DIMENSIONS), "1.0"]
    assert not (tmp_path / ".cache").exists()  # nothing was written to a cache either


async def test_hybrid_beats_bm25_on_descriptive_queries_without_losing_on_exact_ones(
    demo_engine: TantivyEngine,
) -> None:
    bm25 = await evaluate(demo_engine, "bm25")
    hybrid = await evaluate(demo_engine, "hybrid")
    assert sum(len(bm25.scores[c]) for c in CLASSES) >= 40
    assert hybrid.mean("descriptive") > bm25.mean("descriptive")
    assert hybrid.mean("exact") >= bm25.mean("exact")


async def test_filters_come_first_and_facets_count_exactly_the_blended_list(
    demo_engine: TantivyEngine,
) -> None:
    request = SearchRequest(q="keep my drinks cold on a hike", category="drinkware", size=25, mode="hybrid")
    first = await hybrid_search(demo_engine, request)
    assert first.hits and {h.category for h in first.hits} == {"drinkware"}
    seen = [h.id for h in first.hits]
    page = 2
    while len(seen) < first.total:
        more = await hybrid_search(demo_engine, msgspec.structs.replace(request, page=page))
        assert more.total == first.total and more.hits
        seen += [h.id for h in more.hits]
        page += 1
    assert len(seen) == len(set(seen)) == first.total  # pages walk the set once
    assert sum(f.count for f in first.facets["price"]) == first.total
    assert {f.value: f.count for f in first.facets["category"]} == {"drinkware": first.total}
    scores = [h.score or 0 for h in first.hits]
    assert scores == sorted(scores, reverse=True)


async def test_a_search_with_nothing_to_blend_is_answered_as_bm25(demo_engine: TantivyEngine) -> None:
    for request in (
        SearchRequest(category="drinkware", mode="hybrid"),
        SearchRequest(q="bottle", sort="price", mode="hybrid"),
    ):
        hybrid = await demo_engine.search(request)
        plain = await demo_engine.search(msgspec.structs.replace(request, mode="bm25"))
        assert hybrid == plain and hybrid.total > 0


async def test_a_negation_stays_a_filter(demo_engine: TantivyEngine) -> None:
    materials = {d.id: d.materials for d in catalog_documents(**_catalog())}
    result = await hybrid_search(
        demo_engine, SearchRequest(q="something to carry lunch without plastic", size=50, mode="hybrid")
    )
    assert result.excluded_materials == ["plastic"]
    assert result.hits
    assert not [h.id for h in result.hits if any("plastic" in m for m in materials[h.id])]


async def test_words_that_match_nothing_still_find_products_by_meaning(demo_engine: TantivyEngine) -> None:
    bm25 = await demo_engine.search(SearchRequest(q="somewhere for my cat to scratch"))
    hybrid = await hybrid_search(
        demo_engine, SearchRequest(q="somewhere for my cat to scratch", mode="hybrid")
    )
    assert bm25.total == 0
    assert "Cat Scratcher" in hybrid.hits[0].name


async def test_vectors_follow_the_index_changes_and_removals(tmp_path: Path) -> None:
    engine = TantivyEngine(tmp_path)
    index = await engine.open(1)
    bottle, jar = _doc("a", "Insulated steel water bottle"), _doc("b", "Glass storage jar")
    index.upsert(with_vectors([bottle, jar]))
    await index.commit(LogCursor(position=1))
    query = embed(["a flask for hot tea"])[0]
    assert [i for i, _ in await engine.nearest(query, SearchRequest(), 2)] == ["a", "b"]

    # "a" becomes a jar, "b" a bottle: the reader's table follows the commit.
    index.upsert(with_vectors([_doc("a", "Glass storage jar"), _doc("b", "Insulated steel water bottle")]))
    await index.commit(LogCursor(position=2))
    engine._reloaded = float("-inf")
    assert [i for i, _ in await engine.nearest(query, SearchRequest(), 2)] == ["b", "a"]

    index.delete(["b"])
    await index.commit(LogCursor(position=3))
    engine._reloaded = float("-inf")
    assert [i for i, _ in await engine.nearest(query, SearchRequest(), 2)] == ["a"]  # never a removed one
    assert await engine.nearest(query, SearchRequest(category="garden"), 2) == []
    await index.close()
    await engine.close()


async def test_the_api_answers_mode_hybrid_and_refuses_an_unknown_mode(
    client: AsyncTestClient,  # type: ignore[type-arg]
    database_url: str,
    search_dir: Path,
) -> None:
    marker = "Hybqzzv"
    product = await create_product(client, name=f"{marker} insulated water bottle")
    await project_search(client, database_url, search_dir, marker.lower())

    async def search(**params: object) -> dict[str, Any]:
        response = await client.get("/api/v1/search", params=params)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    body = await search(q=f"{marker.lower()} flask", mode="hybrid")
    assert product["id"] in [h["id"] for h in body["hits"]]
    assert sum(f["count"] for f in body["facets"]["price"]) == body["total"]
    bad = await client.get("/api/v1/search", params={"q": "bottle", "mode": "vector"})
    assert bad.status_code == 400
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert "mode" in bad.text


def _catalog() -> dict[str, int]:
    catalog = load_set()["catalog"]
    return {"count": catalog["count"], "seed": catalog["seed"]}


def _doc(product_id: str, name: str) -> SearchDocument:
    return SearchDocument(
        id=product_id,
        name=name,
        description="",
        brand="Test",
        category="drinkware",
        materials=[],
        certifications=[],
        price_minor=1000,
        currency="EUR",
        created=1,
    )

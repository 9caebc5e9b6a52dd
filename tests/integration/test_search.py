"""Search: one contract suite for every engine adapter, and the search projection behind the API."""

from __future__ import annotations

from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient

from ecolaura.settings import libpq_url
from projections.search_projection import SearchProjectionRunner, live_generation, rebuild_search
from read_side.search.port import AbstractSearchIndex, SearchDocument, SearchError, SearchRequest
from read_side.search.tantivy_index import TantivyIndex
from tests.factories import admin_headers, create_product
from write_side.adapters.event_log import EventLogReader
from write_side.contracts.events import LogCursor


def _doc(i: int, name: str, **kw: object) -> SearchDocument:
    values: dict[str, object] = {
        "id": f"p{i}",
        "name": name,
        "description": "",
        "brand": "Leaf",
        "category": "home",
        "materials": ["cork"],
        "certifications": [],
        "price_minor": 1000,
        "currency": "EUR",
        "created": i,
    }
    values.update(kw)
    return SearchDocument(**values)  # type: ignore[arg-type]


CATALOG = [
    _doc(1, "Bamboo toothbrush", category="bathroom", price_minor=499, certifications=["FSC"]),
    _doc(
        2,
        "Cork yoga mat",
        description="a mat with bamboo fibre",
        category="sport",
        brand="Terra",
        price_minor=4500,
    ),
    _doc(3, "Bamboo cutting board", category="kitchen", price_minor=2500, certifications=["FSC", "B Corp"]),
    _doc(4, "Linen tea towel", category="kitchen", brand="Terra", price_minor=1200, materials=["linen"]),
    _doc(
        5,
        "Organic cotton tote",
        category="bags",
        price_minor=1500,
        certifications=["GOTS"],
        materials=["organic cotton"],
    ),
]


class SearchContract:
    """What every search adapter must do. Subclasses provide ``make_index``."""

    def make_index(self, tmp_path: Path) -> AbstractSearchIndex:
        raise NotImplementedError

    @pytest.fixture
    def index(self, tmp_path: Path) -> AbstractSearchIndex:
        index = self.make_index(tmp_path)
        index.upsert(CATALOG)
        index.commit(LogCursor(10, 20))
        return index

    def ids(self, index: AbstractSearchIndex, **kw: object) -> list[str]:
        return [h.id for h in index.search(SearchRequest(**kw)).hits]  # type: ignore[arg-type]

    def test_membership_and_a_name_match_ranks_above_a_description_match(
        self, index: AbstractSearchIndex
    ) -> None:
        found = self.ids(index, q="bamboo")
        assert set(found) == {"p1", "p2", "p3"}
        assert found[-1] == "p2"  # bamboo only in the description

    @pytest.mark.parametrize("typo", ["bambo", "bamboi", "toothbrsh"])
    def test_typos_are_tolerated(self, index: AbstractSearchIndex, typo: str) -> None:
        assert self.ids(index, q=typo)

    def test_short_words_must_match_exactly(self, index: AbstractSearchIndex) -> None:
        assert self.ids(index, q="xq") == []

    def test_filters(self, index: AbstractSearchIndex) -> None:
        assert self.ids(index, category="kitchen", sort="price") == ["p4", "p3"]
        assert self.ids(index, brand="Terra", sort="price") == ["p4", "p2"]
        assert set(self.ids(index, certification="FSC")) == {"p1", "p3"}
        assert self.ids(index, price_min=1000, price_max=1500, sort="price") == ["p4", "p5"]
        assert self.ids(index, q="bamboo", category="kitchen") == ["p3"]

    def test_sorts_and_pages(self, index: AbstractSearchIndex) -> None:
        assert self.ids(index, sort="price") == ["p1", "p4", "p5", "p3", "p2"]
        assert self.ids(index, sort="-price")[0] == "p2"
        assert self.ids(index, sort="newest")[0] == "p5"
        assert self.ids(index, sort="price", page=2, size=2) == ["p5", "p3"]
        assert index.search(SearchRequest(sort="price", page=2, size=2)).total == 5

    def test_facets_count_what_matched(self, index: AbstractSearchIndex) -> None:
        facets = index.search(SearchRequest(q="bamboo")).facets
        assert {f.value: f.count for f in facets["category"]} == {"bathroom": 1, "sport": 1, "kitchen": 1}
        assert {f.value: f.count for f in facets["certification"]} == {"FSC": 2, "B Corp": 1}
        assert {f.value: f.count for f in facets["price"]} == {
            "-1000": 1,
            "1000-2500": 0,
            "2500-5000": 2,
            "5000-10000": 0,
            "10000-": 0,
        }

    def test_upsert_replaces_and_delete_removes(self, index: AbstractSearchIndex) -> None:
        index.upsert([_doc(1, "Bamboo toothbrush", price_minor=999, category="bathroom")])
        index.delete(["p3"])
        index.commit(LogCursor(11, 1))
        assert self.ids(index, q="bamboo", sort="price") == ["p1", "p2"]
        assert index.search(SearchRequest(q="toothbrush")).hits[0].price_minor == 999
        assert index.checkpoint() == LogCursor(11, 1)


class TestTantivyContract(SearchContract):
    def make_index(self, tmp_path: Path) -> AbstractSearchIndex:
        return TantivyIndex(tmp_path / "index", writer=True)

    def test_a_read_only_index_refuses_writes(self, tmp_path: Path, index: AbstractSearchIndex) -> None:
        with pytest.raises(SearchError, match="read-only"):
            TantivyIndex(tmp_path / "other").upsert(CATALOG)


async def test_the_search_projection_feeds_the_search_api_and_rebuilds(
    client: AsyncTestClient,
    database_url: str,
    search_dir: Path,  # type: ignore[type-arg]
) -> None:
    marker = "Qwertyzz"
    product = await create_product(client, name=f"{marker} bamboo lamp", category="lighting")
    await create_product(client, name=f"{marker} draft lamp", status="draft")
    async with EventLogReader(libpq_url(database_url)) as reader:
        runner = SearchProjectionRunner(reader, search_dir)
        while await runner.step():
            pass
        runner.close()
    found = await client.get("/api/v1/search", params={"q": marker.lower()})
    assert found.status_code == 200, found.text
    body = found.json()
    assert [h["id"] for h in body["hits"]] == [product["id"]]  # drafts are not searchable
    assert body["facets"]["category"] == [{"value": "lighting", "count": 1}]
    assert found.headers["x-read-position"] == body["position"]

    retired = await client.patch(
        f"/api/v1/products/{product['id']}",
        json={"status": "retired"},
        headers={**admin_headers(), "If-Match": '"1"'},
    )
    assert retired.status_code == 200
    generation = live_generation(search_dir)
    async with EventLogReader(libpq_url(database_url)) as reader:
        assert await rebuild_search(reader, search_dir) == generation + 1
    assert not (search_dir / f"g{generation}").exists()
    gone = await client.get("/api/v1/search", params={"q": marker.lower()})
    assert gone.json()["hits"] == [] and gone.json()["total"] == 0


@pytest.mark.parametrize(
    ("params", "needle"),
    [
        ({"page": 0}, "page"),
        ({"size": 1000}, "size"),
        ({"sort": "cheapest"}, "sort"),
        ({"price_min": 500, "price_max": 100}, "price_min"),
        ({"price_min": -1}, "price_min"),
    ],
)
async def test_bad_searches_are_400(client: AsyncTestClient, params: dict[str, object], needle: str) -> None:  # type: ignore[type-arg]
    response = await client.get("/api/v1/search", params=params)
    assert response.status_code == 400, response.text
    assert needle in response.json()["detail"]

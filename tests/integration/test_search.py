"""Search: one contract suite for every engine adapter, and the search projection behind the API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import msgspec
import pytest
import tantivy
from litestar.testing import AsyncTestClient
from prometheus_client import REGISTRY

from ecolaura.settings import libpq_url
from projections.search_projection import SearchProjectionRunner, rebuild_search, with_vectors
from projections.store import encode_cursor
from read_side.search import tantivy_index
from read_side.search.cache import SearchAnswers
from read_side.search.elasticsearch_index import _MAPPINGS, ElasticsearchEngine, build_sort
from read_side.search.port import (
    FacetCount,
    SearchDocument,
    SearchEngine,
    SearchError,
    SearchIndex,
    SearchRequest,
    SearchResult,
)
from read_side.search.tantivy_index import TantivyEngine, TantivyIndex
from tests.factories import admin_headers, create_customer, create_product, place_order
from tests.search_engines import NO_REAL_CLUSTER, REAL_CLUSTER, osmem_engine, real_cluster_engine
from tests.waiting import wait_for
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


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True)
    return path


CATALOG = [
    _doc(1, "Bamboo toothbrush", category="bathroom", price_minor=499, certifications=["FSC"], eco_score=92),
    _doc(
        2,
        "Cork yoga mat",
        description="a mat with bamboo fibre",
        category="sport",
        brand="Terra",
        price_minor=4500,
        eco_score=40,
    ),
    _doc(
        3,
        "Bamboo cutting board",
        category="kitchen",
        price_minor=2500,
        certifications=["FSC", "B Corp"],
        eco_score=72,
    ),
    # Recorded before footprints existed: no eco score.
    _doc(4, "Linen tea towel", category="kitchen", brand="Terra", price_minor=1200, materials=["linen"]),
    _doc(
        5,
        "Organic cotton tote",
        category="bags",
        price_minor=1500,
        certifications=["GOTS"],
        materials=["organic cotton"],
        eco_score=72,
    ),
]


class SearchContract:
    """What every search adapter must do. Subclasses provide the ``engine`` fixture."""

    ranks_like_lucene = True  # osmem's scores are not BM25: ranking order is asserted elsewhere

    @pytest.fixture
    async def index(self, engine: SearchEngine) -> AsyncIterator[SearchIndex]:
        index = await engine.open(1)
        index.upsert(CATALOG)
        await index.commit(LogCursor(10, 20))
        yield index
        await index.close()

    async def ids(self, index: SearchIndex, **kw: object) -> list[str]:
        return [h.id for h in (await index.search(SearchRequest(**kw))).hits]  # type: ignore[arg-type]

    async def test_membership_and_a_name_match_ranks_above_a_description_match(
        self, index: SearchIndex
    ) -> None:
        found = await self.ids(index, q="bamboo")
        assert set(found) == {"p1", "p2", "p3"}
        if self.ranks_like_lucene:
            assert found[-1] == "p2"  # bamboo only in the description

    async def test_excluded_materials_leave_products_out(self, index: SearchIndex) -> None:
        assert set(await self.ids(index, q="bamboo", exclude_materials=("cork",))) == set()
        assert await self.ids(index, exclude_materials=("cork",)) == ["p4", "p5"] or set(
            await self.ids(index, exclude_materials=("cork",))
        ) == {"p4", "p5"}
        assert set(await self.ids(index, exclude_materials=("cotton",))) == {"p1", "p2", "p3", "p4"}

    async def test_every_word_must_match(self, index: SearchIndex) -> None:
        assert await self.ids(index, q="bamboo board") == ["p3"]
        assert await self.ids(index, q="bamboo linen") == []

    @pytest.mark.parametrize("typo", ["bambo", "bamboi", "toothbrsh"])
    async def test_typos_are_tolerated(self, index: SearchIndex, typo: str) -> None:
        assert await self.ids(index, q=typo)

    async def test_short_words_must_match_exactly(self, index: SearchIndex) -> None:
        assert await self.ids(index, q="xq") == []

    async def test_filters(self, index: SearchIndex) -> None:
        assert await self.ids(index, category="kitchen", sort="price") == ["p4", "p3"]
        assert await self.ids(index, brand="Terra", sort="price") == ["p4", "p2"]
        assert set(await self.ids(index, certification="FSC")) == {"p1", "p3"}
        assert await self.ids(index, price_min=1000, price_max=1500, sort="price") == ["p4", "p5"]
        assert await self.ids(index, q="bamboo", category="kitchen") == ["p3"]

    async def test_sorts_and_pages(self, index: SearchIndex) -> None:
        assert await self.ids(index, sort="price") == ["p1", "p4", "p5", "p3", "p2"]
        assert (await self.ids(index, sort="-price"))[0] == "p2"
        assert (await self.ids(index, sort="newest"))[0] == "p5"
        assert await self.ids(index, sort="price", page=2, size=2) == ["p5", "p3"]
        assert (await index.search(SearchRequest(sort="price", page=2, size=2))).total == 5

    async def test_facets_count_what_matched(self, index: SearchIndex) -> None:
        facets = (await index.search(SearchRequest(q="bamboo"))).facets
        assert {f.value: f.count for f in facets["category"]} == {"bathroom": 1, "sport": 1, "kitchen": 1}
        assert {f.value: f.count for f in facets["certification"]} == {"FSC": 2, "B Corp": 1}
        assert {f.value: f.count for f in facets["brand"]} == {"Leaf": 2, "Terra": 1}
        assert {f.value: f.count for f in facets["price"]} == {
            "-1000": 1,
            "1000-2500": 0,
            "2500-5000": 2,
            "5000-10000": 0,
            "10000-": 0,
        }

    @pytest.mark.parametrize(
        ("params", "total"),
        [
            ({}, 5),
            ({"q": "bamboo"}, 3),  # names and a description
            ({"q": "cork"}, 3),  # a name and materials
            ({"q": "leaf"}, 3),  # the brand
            ({"q": "bambo"}, 3),  # a typo
            ({"q": "bamboo", "category": "kitchen"}, 1),
            ({"brand": "Terra"}, 2),
            ({"eco_min": 60}, 3),
        ],
    )
    async def test_the_total_counts_every_match(
        self, index: SearchIndex, params: dict[str, object], total: int
    ) -> None:
        result = await index.search(SearchRequest(size=1, **params))  # type: ignore[arg-type]
        assert result.total == total
        assert sum(f.count for f in result.facets["category"]) == total  # one category per product

    async def test_pages_of_equal_sort_values_never_overlap_or_skip(self, index: SearchIndex) -> None:
        index.upsert([_doc(10 + i, f"Twin jar {i}", price_minor=777) for i in range(7)])
        await index.commit(LogCursor(11, 1))
        pages = [await self.ids(index, q="twin", sort="price", page=n, size=2) for n in range(1, 5)]
        seen = [doc_id for page in pages for doc_id in page]
        assert sorted(seen) == sorted(f"p{10 + i}" for i in range(7))

    async def test_the_eco_filter_keeps_scores_at_or_above_it_and_never_products_without_one(
        self, index: SearchIndex
    ) -> None:
        assert set(await self.ids(index, eco_min=60)) == {"p1", "p3", "p5"}
        assert set(await self.ids(index, eco_min=40)) == {"p1", "p2", "p3", "p5"}  # the bound is kept
        assert set(await self.ids(index, eco_min=0)) == {"p1", "p2", "p3", "p5"}  # p4 has no score
        assert await self.ids(index, eco_min=93) == []
        assert set(await self.ids(index, q="bamboo", eco_min=60)) == {"p1", "p3"}
        assert await self.ids(index, category="kitchen", eco_min=60, sort="price") == ["p3"]
        assert (await index.search(SearchRequest(eco_min=60))).total == 3

    async def test_the_eco_sort_puts_the_best_first_and_products_without_a_score_last(
        self, index: SearchIndex
    ) -> None:
        hits = (await index.search(SearchRequest(sort="eco"))).hits
        assert [h.eco_score for h in hits] == [92, 72, 72, 40, None]
        assert (hits[0].id, {hits[1].id, hits[2].id}, hits[3].id, hits[4].id) == (
            "p1",
            {"p3", "p5"},
            "p2",
            "p4",
        )
        assert all(h.score is None for h in hits)
        # Ties are broken the same way on every page: pages neither overlap nor skip.
        pages = [await self.ids(index, sort="eco", page=page, size=2) for page in (1, 2, 3)]
        assert [i for page in pages for i in page] == [h.id for h in hits]
        assert await self.ids(index, q="bamboo", sort="eco") == ["p1", "p3", "p2"]
        assert await self.ids(index, sort="eco", eco_min=50) == [h.id for h in hits[:3]]

    async def test_the_eco_facet_counts_scores_in_bands(self, index: SearchIndex) -> None:
        everything = (await index.search(SearchRequest())).facets["eco"]
        # In the bands' order, labelled as the price bands are; p4 (no score) is in none.
        assert everything == [
            FacetCount("-40", 0),
            FacetCount("40-60", 1),
            FacetCount("60-80", 2),
            FacetCount("80-", 1),
        ]
        bamboo = (await index.search(SearchRequest(q="bamboo"))).facets["eco"]
        assert {f.value: f.count for f in bamboo} == {"-40": 0, "40-60": 1, "60-80": 1, "80-": 1}
        filtered = (await index.search(SearchRequest(eco_min=60, category="kitchen"))).facets["eco"]
        assert {f.value: f.count for f in filtered} == {"-40": 0, "40-60": 0, "60-80": 1, "80-": 0}

    async def test_an_update_can_give_or_take_away_an_eco_score(self, index: SearchIndex) -> None:
        index.upsert(
            [_doc(4, "Linen tea towel", category="kitchen", eco_score=81), _doc(1, "Bamboo toothbrush")]
        )
        await index.commit(LogCursor(11, 1))
        assert await self.ids(index, eco_min=80) == ["p4"]
        assert (await self.ids(index, sort="eco"))[-1] == "p1"

    async def test_hits_carry_what_a_result_list_shows(self, index: SearchIndex) -> None:
        (hit,) = (await index.search(SearchRequest(q="cutting board"))).hits
        assert (hit.id, hit.name, hit.brand, hit.category) == (
            "p3",
            "Bamboo cutting board",
            "Leaf",
            "kitchen",
        )
        assert (hit.price_minor, hit.currency, sorted(hit.certifications)) == (2500, "EUR", ["B Corp", "FSC"])
        assert hit.eco_score == 72
        assert (await index.search(SearchRequest(q="linen"))).hits[0].eco_score is None
        assert hit.score is not None and hit.score > 0
        assert (await index.search(SearchRequest(q="cutting board", sort="price"))).hits[0].score is None

    async def test_upsert_replaces_and_delete_removes(self, index: SearchIndex) -> None:
        index.upsert([_doc(1, "Bamboo toothbrush", price_minor=999, category="bathroom")])
        index.delete(["p3", "never-indexed"])
        await index.commit(LogCursor(11, 1))
        assert await self.ids(index, q="bamboo", sort="price") == ["p1", "p2"]
        assert (await index.search(SearchRequest(q="toothbrush"))).hits[0].price_minor == 999
        assert await index.checkpoint() == LogCursor(11, 1)

    async def test_the_last_queued_change_wins(self, index: SearchIndex) -> None:
        index.upsert([_doc(6, "Hemp backpack")])
        index.delete(["p6"])
        index.delete(["p4"])
        index.upsert([_doc(4, "Linen apron", category="kitchen")])
        await index.commit(LogCursor(12, 1))
        assert await self.ids(index, q="hemp") == []
        assert await self.ids(index, q="apron") == ["p4"]

    async def test_nothing_is_visible_before_commit(self, index: SearchIndex) -> None:
        index.upsert([_doc(7, "Wool socks")])
        assert await self.ids(index, q="wool") == []
        assert await index.checkpoint() == LogCursor(10, 20)

    async def test_created_of_remembers_creation_times(self, index: SearchIndex) -> None:
        assert await index.created_of(["p2", "p5", "nope"]) == {"p2": 2, "p5": 5}
        assert await index.created_of([]) == {}

    async def test_generations_swap_atomically(self, engine: SearchEngine, index: SearchIndex) -> None:
        assert await engine.live_generation() == 1
        assert {h.id for h in (await engine.search(SearchRequest(q="bamboo"))).hits} == {"p1", "p2", "p3"}
        next_generation = await engine.open(2)
        assert await next_generation.checkpoint() == LogCursor()
        next_generation.upsert([_doc(9, "Bamboo lamp")])
        await next_generation.commit(LogCursor(30, 1))
        # Built beside the live generation: readers do not see it until the swap.
        assert len((await engine.search(SearchRequest(q="bamboo"))).hits) == 3
        await engine.swap(2)
        assert await engine.live_generation() == 2
        found = await engine.search(SearchRequest(q="bamboo"))
        assert [h.id for h in found.hits] == ["p9"]
        assert found.position == encode_cursor(LogCursor(30, 1))
        with pytest.raises(SearchError, match="live"):
            await engine.drop(2)
        await next_generation.close()
        await engine.drop(1)
        assert [h.id for h in (await engine.search(SearchRequest(q="bamboo"))).hits] == ["p9"]

    async def test_an_ids_filter_keeps_only_those_products(self, index: SearchIndex) -> None:
        found = await index.search(SearchRequest(ids=("p1", "p3", "p404"), category="kitchen"))
        assert [h.id for h in found.hits] == ["p3"] and found.total == 1

    async def test_a_search_without_facets_still_counts_its_total(self, index: SearchIndex) -> None:
        plain = await index.search(SearchRequest(q="bamboo", size=1, facets=False))
        assert plain.total == 3 and plain.facets == {} and len(plain.hits) == 1

    async def test_hybrid_finds_by_meaning_within_the_filters(
        self, engine: SearchEngine, index: SearchIndex
    ) -> None:
        index.upsert(with_vectors(CATALOG))  # the same products, now with their vectors
        await index.commit(LogCursor(10, 21))
        await wait_for(engine.live_position, lambda position: position == encode_cursor(LogCursor(10, 21)))
        words = "somewhere to chop vegetables"
        assert (await engine.search(SearchRequest(q=words))).total == 0  # no product says any of it
        found = await engine.search(SearchRequest(q=words, mode="hybrid"))
        assert found.hits[0].id == "p3"  # the cutting board
        assert found.total == len(CATALOG) == sum(f.count for f in found.facets["price"])
        kitchen = await engine.search(SearchRequest(q=words, mode="hybrid", category="kitchen", size=1))
        assert [h.id for h in kitchen.hits] == ["p3"] and kitchen.total == 2
        assert {f.value: f.count for f in kitchen.facets["category"]} == {"kitchen": 2}
        without = await engine.search(SearchRequest(q="a tote bag not cotton", mode="hybrid"))
        assert "p5" not in [h.id for h in without.hits] and without.excluded_materials == ["cotton"]


class TestTantivyContract(SearchContract):
    @pytest.fixture
    async def engine(self, tmp_path: Path) -> AsyncIterator[SearchEngine]:
        engine = TantivyEngine(tmp_path / "search")
        yield engine
        await engine.close()

    def test_a_read_only_index_refuses_writes(self, tmp_path: Path) -> None:
        with pytest.raises(SearchError, match="read-only"):
            TantivyIndex(tmp_path / "other").upsert(CATALOG)

    async def test_a_generation_written_with_an_older_schema_is_refilled_by_its_writer(
        self, engine: TantivyEngine
    ) -> None:
        builder = tantivy.SchemaBuilder()  # what an older version wrote: no eco_score
        builder.add_text_field("id", stored=True, tokenizer_name="raw")
        old = tantivy.Index(builder.build(), path=str(_mkdir(engine.generation_dir(1))))
        writer = old.writer(15_000_000, 1)
        writer.add_document(tantivy.Document(id="p1"))
        writer.commit()
        del writer, old
        with pytest.raises(SearchError, match="another schema"):
            await engine.search(SearchRequest(q="bamboo"))
        index = await engine.open(1)
        assert await index.checkpoint() == LogCursor()  # empty: the projector starts from the log's start
        index.upsert(CATALOG)
        await index.commit(LogCursor(3, 1))
        await index.close()
        assert await self.ids(engine, eco_min=60, sort="eco") == ["p1", "p3", "p5"]  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        "params",
        [{"q": "bamboo"}, {"q": "bambo"}, {"q": "cork", "sort": "price"}, {"brand": "Terra"}, {}],
    )
    async def test_facets_counted_beside_the_ranking_match_facets_counted_after_it(
        self, index: SearchIndex, monkeypatch: pytest.MonkeyPatch, params: dict[str, object]
    ) -> None:
        request = SearchRequest(**params)  # type: ignore[arg-type]
        monkeypatch.setattr(tantivy_index, "_PARALLEL_FROM", 10**9)
        inline = await index.search(request)
        monkeypatch.setattr(tantivy_index, "_PARALLEL_FROM", 0)
        beside = await index.search(request)
        assert beside == inline
        assert inline.hits


class TestElasticsearchContractOnOsmem(SearchContract):
    ranks_like_lucene = False

    @pytest.fixture
    async def engine(self, osmem_url: str) -> AsyncIterator[SearchEngine]:
        async for engine in osmem_engine(osmem_url):
            yield engine

    async def test_ties_break_on_the_id_field_not_on_underscore_id(self, index: SearchIndex) -> None:
        # A real 8.x/9.x cluster refuses to sort on _id; the adapter keeps the id as a keyword field.
        assert build_sort(SearchRequest(sort="price"))[-1] == {
            "id": {"order": "asc", "unmapped_type": "keyword"}
        }
        index.upsert([_doc(30 - i, "Twin cup", price_minor=555) for i in range(4)])
        await index.commit(LogCursor(11, 1))
        assert await self.ids(index, q="twin", sort="price") == ["p27", "p28", "p29", "p30"]

    async def test_the_index_template_maps_strictly(self, engine: ElasticsearchEngine) -> None:
        await engine.open(1)
        mapping = await engine.client.indices.get_mapping(index=engine.index_name(1))
        properties = mapping[engine.index_name(1)]["mappings"]["properties"]
        assert properties["category"]["type"] == "keyword" and properties["name"]["type"] == "text"
        assert properties["eco_score"]["type"] == "integer"
        assert mapping[engine.index_name(1)]["mappings"]["dynamic"] == "strict"

    async def test_an_index_from_an_older_template_gains_the_new_fields(
        self, engine: ElasticsearchEngine
    ) -> None:
        older = {k: v for k, v in _MAPPINGS["properties"].items() if k != "eco_score"}
        await engine.client.indices.create(
            index=engine.index_name(1), mappings={"dynamic": "strict", "properties": older}
        )
        index = await engine.open(1)
        index.upsert(CATALOG)  # refused by the older strict mapping if eco_score were not added
        await index.commit(LogCursor(10, 20))
        assert set(await self.ids(index, eco_min=60)) == {"p1", "p3", "p5"}

    async def test_an_empty_cluster_answers_an_empty_search(self, engine: SearchEngine) -> None:
        result = await engine.search(SearchRequest(q="bamboo"))
        assert (result.hits, result.total) == ([], 0)
        assert [f.count for f in result.facets["price"]] == [0] * 5
        assert [(f.value, f.count) for f in result.facets["eco"]] == [
            ("-40", 0),
            ("40-60", 0),
            ("60-80", 0),
            ("80-", 0),
        ]


@pytest.mark.skipif(REAL_CLUSTER is None, reason=NO_REAL_CLUSTER)
class TestElasticsearchContractOnARealCluster(SearchContract):
    @pytest.fixture
    async def engine(self) -> AsyncIterator[SearchEngine]:
        assert REAL_CLUSTER is not None
        async for engine in real_cluster_engine(REAL_CLUSTER):
            yield engine


def _cache_hits() -> float:
    return REGISTRY.get_sample_value("ecolaura_search_cache_total", {"result": "hit"}) or 0.0


async def test_repeated_searches_are_answered_from_the_cache_until_the_index_moves(tmp_path: Path) -> None:
    engine = TantivyEngine(tmp_path / "search")
    index = await engine.open(1)
    index.upsert(CATALOG)
    await index.commit(LogCursor(10, 20))
    first_body = len((await SearchAnswers(engine).answer(SearchRequest(q="bamboo"))).body)
    answers = SearchAnswers(engine, budget_bytes=2 * first_body + 100)
    bamboo = SearchRequest(q="bamboo")

    first = await answers.answer(bamboo)
    before = _cache_hits()
    assert await answers.answer(bamboo) == first and _cache_hits() == before + 1
    assert msgspec.json.decode(first.body, type=SearchResult) == await engine.search(bamboo)

    index.upsert([_doc(8, "Bamboo straw")])
    await index.commit(LogCursor(11, 1))
    # Readers reload at most every half second; the answers follow once this engine's reader has.
    await wait_for(engine.live_position, lambda position: position == encode_cursor(LogCursor(11, 1)))
    moved = await answers.answer(bamboo)
    assert moved.position == encode_cursor(LogCursor(11, 1))
    assert "p8" in {h.id for h in msgspec.json.decode(moved.body, type=SearchResult).hits}

    for q in ("cork", "linen", "bamboo"):  # room for about two answers: bamboo was evicted
        await answers.answer(SearchRequest(q=q))
    assert 1 <= len(answers) < 3 and _cache_hits() == before + 1  # bamboo was evicted, so missed
    assert [a.position for a in [await SearchAnswers(engine, budget_bytes=0).answer(bamboo)]] == [
        moved.position
    ]
    await index.close()
    await engine.close()


async def test_the_search_projection_feeds_the_search_api_and_rebuilds(
    client: AsyncTestClient,
    database_url: str,
    search_dir: Path,  # type: ignore[type-arg]
) -> None:
    marker = "Qwertyzz"
    product = await create_product(client, name=f"{marker} bamboo lamp", category="lighting")
    await create_product(client, name=f"{marker} draft lamp", status="draft")
    engine = TantivyEngine(search_dir)
    async with EventLogReader(libpq_url(database_url)) as reader:
        runner = SearchProjectionRunner(reader, engine)
        while await runner.step():
            pass
        await runner.close()
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
    generation = await engine.live_generation()
    async with EventLogReader(libpq_url(database_url)) as reader:
        assert await rebuild_search(reader, engine) == generation + 1
    assert not (search_dir / f"g{generation}").exists()
    gone = await client.get("/api/v1/search", params={"q": marker.lower()})
    assert gone.json()["hits"] == [] and gone.json()["total"] == 0


async def test_the_search_projection_feeds_elasticsearch_and_rebuilds_behind_the_alias(
    client: AsyncTestClient,  # type: ignore[type-arg]
    database_url: str,
    osmem_url: str,
) -> None:
    marker = "Zyxwvoo"
    first = await create_product(client, name=f"{marker} cork stool", category="furniture")
    async for engine in osmem_engine(osmem_url):
        async with EventLogReader(libpq_url(database_url)) as reader:
            runner = SearchProjectionRunner(reader, engine, batch_size=50)
            while await runner.step():
                pass
            await runner.close()
            second = await create_product(client, name=f"{marker} cork shelf", category="furniture")
            assert await rebuild_search(reader, engine) == 2
        found = await engine.search(SearchRequest(q=marker.lower(), sort="price"))
        assert {h.id for h in found.hits} == {first["id"], second["id"]}
        assert found.facets["category"] == [FacetCount("furniture", 2)]
        indices = await engine.client.indices.get_alias(name=engine.alias)
        assert list(indices.body) == [engine.index_name(2)]
        assert not await engine.client.indices.exists(index=engine.index_name(1))


@pytest.mark.parametrize(
    ("params", "needle"),
    [
        ({"page": 0}, "page"),
        ({"size": 1000}, "size"),
        ({"sort": "cheapest"}, "sort"),
        ({"price_min": 500, "price_max": 100}, "price_min"),
        ({"price_min": -1}, "price_min"),
        ({"eco_min": -1}, "eco_min"),
        ({"eco_min": 101}, "eco_min"),
        ({"eco_min": "high"}, "eco_min"),
        ({"eco_min": 50.5}, "eco_min"),
        ({"sort": "-eco"}, "sort"),
    ],
)
async def test_bad_searches_are_400(client: AsyncTestClient, params: dict[str, object], needle: str) -> None:  # type: ignore[type-arg]
    response = await client.get("/api/v1/search", params=params)
    assert response.status_code == 400, response.text
    assert needle in response.json()["detail"]


async def test_batches_without_products_leave_the_index_and_its_answers_cache_alone(
    client: AsyncTestClient,  # type: ignore[type-arg]
    database_url: str,
    tmp_path: Path,
) -> None:
    engine = TantivyEngine(tmp_path / "search")
    product = await create_product(client, name="Seagrass basket", initial_stock=5)
    async with EventLogReader(libpq_url(database_url)) as reader:
        runner = SearchProjectionRunner(reader, engine)
        while await runner.step():
            pass
        before = await engine.live_position()
        customer = await create_customer(client)
        await place_order(client, customer, (product["id"], 1))  # stock and order events, no product change
        while await runner.step():
            pass
        assert runner.position() != LogCursor() and encode_cursor(runner.position()) != before
        # Nothing a search shows has changed: a reader opened now sees what is on disk, not a cache.
        assert await TantivyEngine(tmp_path / "search").live_position() == before
        await runner.close()  # what was read is committed when the runner stops
        closed = encode_cursor(runner.position())
        assert await wait_for(engine.live_position, lambda position: position == closed) == closed


async def test_a_tantivy_index_nothing_was_committed_to_answers_empty(tmp_path: Path) -> None:
    """Before the projector's first commit the index has no segment, and so no facet buckets."""
    result = await TantivyEngine(tmp_path).search(SearchRequest(q="tote", price_min=0, eco_min=0))
    assert (result.total, result.hits) == (0, [])
    assert [band.count for band in result.facets["price"]] == [0] * 5
    assert [band.count for band in result.facets["eco"]] == [0] * 4

"""Relaxed search over the real Tantivy index: few strict hits relax, negations filter materials."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import msgspec
import pytest

from read_side.search.cache import SearchAnswers
from read_side.search.port import SearchDocument, SearchRequest, SearchResult
from read_side.search.relax import parse_query, relaxed_search
from read_side.search.tantivy_index import TantivyEngine
from write_side.contracts.events import LogCursor


def _doc(
    i: int, name: str, materials: list[str], category: str = "kitchen", description: str = ""
) -> SearchDocument:
    return SearchDocument(
        id=f"r{i}",
        name=name,
        description=description,
        brand="Leaf",
        category=category,
        materials=materials,
        certifications=[],
        price_minor=1000 + i,
        currency="EUR",
        created=i,
        eco_score=50,
    )


SHOP = [
    _doc(1, "Steel water bottle", ["stainless steel"], "drinkware"),
    _doc(2, "Glass bottle", ["glass"], "drinkware"),
    _doc(3, "Kids bottle", ["plastic"], "drinkware"),
    _doc(4, "Reusable beeswax wrap", ["cotton", "beeswax"]),
    _doc(5, "Reusable produce bag", ["organic cotton"], "bags"),
    _doc(6, "Reusable straw set", ["stainless steel"]),
    _doc(7, "Reusable coffee filter", ["cotton"]),
    _doc(8, "Bento lunch box", ["stainless steel"]),
    _doc(9, "Kids lunch box", ["recycled plastic"]),
    _doc(10, "Bamboo lunch box", ["bamboo", "plastic"]),
    _doc(11, "Insulated lunch box", ["stainless steel", "cork"]),
]


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[TantivyEngine]:
    engine = TantivyEngine(tmp_path / "search")
    index = await engine.open(1)
    index.upsert(SHOP)
    await index.commit(LogCursor(1, 1))
    await index.close()
    yield engine
    await engine.close()


def _ids(result: SearchResult) -> set[str]:
    return {h.id for h in result.hits}


@pytest.mark.parametrize(
    ("q", "words", "negated"),
    [
        ("lunch box without plastic", ["lunch", "box"], ["plastic"]),
        ("plastic-free lunch box", ["lunch", "box"], ["plastic"]),
        ("Lunch box, not plastic", ["lunch", "box"], ["plastic"]),
        ("plastic free bottle", ["bottle"], ["plastic"]),
        ("bottle with no plastic", ["bottle", "with"], ["plastic"]),
        ("reusable bottle", ["reusable", "bottle"], []),
    ],
)
def test_negations_are_read_out_of_the_query(q: str, words: list[str], negated: list[str]) -> None:
    parsed = parse_query(q)
    assert (parsed.words, parsed.negated) == (words, negated)


async def test_a_strict_miss_relaxes_to_the_most_informative_word(engine: TantivyEngine) -> None:
    strict = await engine.search(SearchRequest(q="reusable bottle"))
    assert strict.total == 0  # every word must match: no product is a reusable bottle
    result = await relaxed_search(engine.search, SearchRequest(q="reusable bottle"))
    assert result.relaxed
    assert (result.counted_words, result.dropped_words) == (["bottle"], ["reusable"])  # the rarer word counts
    assert _ids(result) == {"r1", "r2", "r3"} and result.total == 3


async def test_a_negation_becomes_a_materials_filter(engine: TantivyEngine) -> None:
    result = await relaxed_search(engine.search, SearchRequest(q="lunch box without plastic"))
    assert _ids(result) == {"r8", "r11"}  # r9 (recycled plastic) and r10 (bamboo, plastic) are left out
    assert (
        result.relaxed
        and result.excluded_materials == ["plastic"]
        and result.counted_words == ["lunch", "box"]
    )
    assert sum(f.count for f in result.facets["category"]) == result.total == 2


async def test_enough_strict_hits_answer_strictly_and_say_nothing(engine: TantivyEngine) -> None:
    result = await relaxed_search(engine.search, SearchRequest(q="lunch box"))
    assert result == await engine.search(SearchRequest(q="lunch box"))
    assert not result.relaxed
    assert b"relaxed" not in msgspec.json.encode(result)  # strict answers keep their old shape


async def test_unknown_words_drop_first_and_nothing_known_stays_empty(engine: TantivyEngine) -> None:
    result = await relaxed_search(engine.search, SearchRequest(q="glass zzzzqqq"))
    assert result.relaxed and result.dropped_words == ["zzzzqqq"] and _ids(result) == {"r2"}
    nothing = await relaxed_search(engine.search, SearchRequest(q="zzzzqqq wwwwxx"))
    assert nothing.total == 0 and not nothing.relaxed


async def test_at_least_half_the_words_must_count(engine: TantivyEngine) -> None:
    # Four words; no product has two of them but "steel cork", and dropping "steel" (the commonest)
    # first leaves no pair: at most two may drop out, so the answer stays strict and empty.
    result = await relaxed_search(engine.search, SearchRequest(q="steel glass cork bento"))
    assert result.total == 0 and not result.relaxed
    assert (await engine.search(SearchRequest(q="steel"))).total == 4


async def test_filters_and_the_cache_carry_the_relaxed_answer(engine: TantivyEngine) -> None:
    answers = SearchAnswers(engine)
    body = (await answers.answer(SearchRequest(q="reusable bottle", category="drinkware"))).body
    decoded = msgspec.json.decode(body)
    assert decoded["relaxed"] is True and decoded["counted_words"] == ["bottle"]
    only = await answers.answer(SearchRequest(q="plastic-free bottle"))
    assert {h["id"] for h in msgspec.json.decode(only.body)["hits"]} == {"r1", "r2"}

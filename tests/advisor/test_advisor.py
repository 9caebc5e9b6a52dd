"""The advisor over the demo shop: intents, grounded numbers, privacy, and the evaluation set."""

from __future__ import annotations

import pytest

from read_side.advisor import Fact, FactSource, SignInRequiredError, ask, detect, unsupported_numbers
from tests.advisor.evaluation import NOW, evaluate
from tests.advisor.shop import CUSTOMER_A, CUSTOMER_B, CUSTOMER_NEW, ShopSources, order_id, pid


def _fact(value: float) -> Fact:
    return Fact("f", value, "kg CO2e", FactSource("factor", "X", "t"))


def test_the_checker_finds_numbers_no_fact_states() -> None:
    assert unsupported_numbers("comes to 3.28 kg CO2e (39.4%)", [_fact(3.2751), _fact(39.4)]) == []
    assert unsupported_numbers("comes to 3.29 kg", [_fact(3.2751)]) == ["3.29"]
    assert (
        unsupported_numbers("“Bottle 750 ml” at 2 kg CO2e/kg", [_fact(2)]) == []
    )  # names and CO2 are not claims
    assert unsupported_numbers("about 12 kg", []) == ["12"]


async def test_the_evaluation_set_meets_its_targets(sources: ShopSources) -> None:
    result = await evaluate(sources)
    assert result.total >= 60
    assert result.intent_accuracy >= 0.95, result.failures
    assert result.recall_at_5 >= 0.9
    assert not [f for f in result.failures if "ungrounded" in f]
    for case, answer in result.answers:
        assert not unsupported_numbers(answer.text, answer.facts), answer.text
        if answer.intent == case["intent"] == "explain":
            assert any(f.id == "total_central" and round(f.value, 2) == case["kg_co2e"] for f in answer.facts)
            assert any(f.source.kind == "factor" and f.source.year and f.source.url for f in answer.facts)
        if answer.intent == case["intent"] == "biggest_purchase":
            assert answer.facts[0].source.ref.startswith(order_id("a1"))
        if answer.intent == case["intent"] == "one_change":
            assert answer.suggestions[0].product_id == case["suggestion"]


async def test_biggest_purchase_ranks_my_paid_lines_and_names_the_main_stage(sources: ShopSources) -> None:
    answer = await ask("Which of my purchases had the biggest footprint?", CUSTOMER_A, sources, NOW)
    lines = [f for f in answer.facts if f.source.kind == "order_line"]
    assert [f.source.ref.split(":")[0] for f in lines] == [order_id("a1"), order_id("a2"), order_id("a1")]
    assert "Synthetic yoga mat" not in answer.text  # a cancelled order does not count
    assert "mostly materials" in answer.text


async def test_an_alternative_is_same_category_lower_and_in_stock(sources: ShopSources) -> None:
    answer = await ask("greener alternative to the stainless steel water bottle", None, sources, NOW)
    assert answer.suggestions and pid("Bamboo travel cup") not in {s.product_id for s in answer.suggestions}
    for s in answer.suggestions:
        assert s.saving_kg > 0 and 0 < s.saving_pct < 100 and s.url == f"/products/{s.product_id}"


async def test_savings_count_this_years_paid_orders_only(sources: ShopSources) -> None:
    answer = await ask("How much have I saved this year?", CUSTOMER_A, sources, NOW)
    refs = answer.facts[0].source.ref.split(",")
    assert set(refs) == {order_id("a1"), order_id("a2")}  # not last year's, not the cancelled one


async def test_personal_questions_need_a_signed_in_shopper(sources: ShopSources) -> None:
    with pytest.raises(SignInRequiredError):
        await ask("How much have I saved this year?", None, sources, NOW)
    assert sources.calls == []


async def test_a_shopper_only_ever_reads_their_own_orders(sources: ShopSources) -> None:
    for question in (
        "Which of my purchases had the biggest footprint?",
        "How much have I saved this year?",
        "What is one change that would cut my footprint most?",
    ):
        answer = await ask(question, CUSTOMER_B, sources, NOW)
        assert order_id("a1") not in str(answer) and "Leather" not in answer.text
    assert set(sources.calls) == {CUSTOMER_B}
    empty = await ask("Which of my purchases had the biggest footprint?", CUSTOMER_NEW, sources, NOW)
    assert empty.facts == [] and not unsupported_numbers(empty.text, [])


async def test_the_fallback_states_no_number(sources: ShopSources) -> None:
    answer = await ask("What are your opening hours?", None, sources, NOW)
    assert answer.intent == "fallback" and answer.facts == [] and not unsupported_numbers(answer.text, [])
    assert detect("lunch box without plastic alternative") == "alternative"

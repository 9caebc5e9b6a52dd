"""The optional language model over real HTTP: a good model's wording is served, a misbehaving one's never."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import pytest

from read_side.advisor import (
    AdvisorAnswer,
    ChatModel,
    LanguageModelConfig,
    ask,
    unsupported_numbers,
    word,
)
from read_side.advisor.wording import WORDINGS, rejection
from tests.advisor.evaluation import NOW
from tests.advisor.model_stub import ModelStub, model_stub
from tests.advisor.shop import CUSTOMER_A, ShopSources

ALTERNATIVE = "greener alternative to the stainless steel water bottle"
BIGGEST = "Which of my purchases had the biggest footprint?"


@pytest.fixture
def stub() -> Iterator[ModelStub]:
    with model_stub() as served:
        yield served


async def _worded(stub: ModelStub, model: str, answer: AdvisorAnswer, question: str) -> AdvisorAnswer:
    chat = ChatModel(LanguageModelConfig(stub.url, model, api_key="sk-stub", timeout=0.5))
    try:
        return await word(question, answer, chat)
    finally:
        await chat.aclose()


async def test_a_good_models_wording_is_served_with_its_citations(
    stub: ModelStub, sources: ShopSources
) -> None:
    template = await ask(BIGGEST, CUSTOMER_A, sources, NOW)
    answer = await _worded(stub, "good", template, BIGGEST)
    assert answer.wording == "model" and answer.fallback_reason is None
    assert answer.text.startswith("Put simply:") and f"[{template.facts[0].id}]" in answer.text
    assert (answer.facts, answer.suggestions) == (template.facts, template.suggestions)  # never its figures
    assert not unsupported_numbers(answer.text, answer.facts)
    # What the model was sent: the instruction to cite, the question, the facts with their ids, the draft.
    sent = stub.requests[-1]
    assert sent["model"] == "good" and sent["temperature"] == 0
    assert "cite" in sent["messages"][0]["content"]
    prompt = json.loads(sent["messages"][1]["content"])
    assert prompt["question"] == BIGGEST and prompt["draft"] == template.text
    assert [f["id"] for f in prompt["facts"]] == [f.id for f in template.facts]
    assert stub.headers[-1]["Authorization"] == "Bearer sk-stub"


@pytest.mark.parametrize(
    ("model", "reason"),
    [
        ("inventor", "unsupported_number"),
        ("sneaky", "unsupported_number"),
        ("miscite", "unknown_citation"),
        ("silent", "no_citation"),
        ("slow", "timeout"),
        ("broken", "http_error"),
        ("garbage", "malformed"),
        ("empty", "malformed"),
        ("badgzip", "malformed"),
    ],
)
async def test_a_misbehaving_model_falls_back_to_the_template_and_says_why(
    stub: ModelStub, sources: ShopSources, model: str, reason: str
) -> None:
    template = await ask(ALTERNATIVE, None, sources, NOW)
    before = WORDINGS.labels("template", reason)._value.get()
    started = time.perf_counter()
    answer = await _worded(stub, model, template, ALTERNATIVE)
    assert answer.wording == "template" and answer.fallback_reason == reason
    assert answer.text == template.text and answer.facts == template.facts
    assert WORDINGS.labels("template", reason)._value.get() == before + 1  # counted
    assert time.perf_counter() - started < 1.5  # the 0.5 s timeout holds, however slow the model


async def test_an_unreachable_model_falls_back(sources: ShopSources) -> None:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    template = await ask(ALTERNATIVE, None, sources, NOW)
    chat = ChatModel(LanguageModelConfig(f"http://127.0.0.1:{port}/v1", "good", timeout=0.5))
    answer = await word(ALTERNATIVE, template, chat)
    await chat.aclose()
    assert (answer.wording, answer.fallback_reason, answer.text) == ("template", "unreachable", template.text)


async def test_no_model_and_no_facts_serve_the_template_without_a_call(
    stub: ModelStub, sources: ShopSources
) -> None:
    template = await ask(ALTERNATIVE, None, sources, NOW)
    assert await word(ALTERNATIVE, template, None) == template
    fallback = await ask("What are your opening hours?", None, sources, NOW)
    assert await _worded(stub, "good", fallback, "What are your opening hours?") == fallback
    assert stub.requests == []


async def test_the_checks_on_a_models_text(sources: ShopSources) -> None:
    answer = await ask(ALTERNATIVE, None, sources, NOW)
    first = answer.facts[0]
    name = answer.text.split("”")[0] + "”"  # the product's quoted name, as the template wrote it
    assert rejection(f"{name} is at {first.value:.2f} kg [{first.id}].", answer) is None
    assert rejection(f"{name} is at {first.value:.1f} kg [{first.id}].", answer) is None  # rounded
    assert rejection(f"It is {first.value + 1:.2f} kg [{first.id}].", answer) is not None
    assert rejection(f"“Bottle 999 ml” [{first.id}]", answer) is not None  # a name the template never quoted
    assert rejection("[ product ] is fine", answer) is None  # ids are compared without spaces
    assert rejection("[1] is not an id", answer) == ("unknown_citation", "unknown ids: ['1']")
    assert rejection("", answer) is not None

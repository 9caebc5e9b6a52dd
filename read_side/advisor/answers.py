"""``ask``: a question in, a grounded answer out (intent, text, facts, suggestions).

Every number the text states is one of the answer's facts; ``ask`` checks it
with ``unsupported_numbers`` before answering and raises ``UngroundedAnswerError``
rather than let an unsupported figure out.
"""

from __future__ import annotations

from datetime import UTC, datetime

from read_side.advisor.catalog import answer_alternative, answer_explain, find_product
from read_side.advisor.intents import Intent, detect, is_personal
from read_side.advisor.model import AdvisorAnswer, Fact, Suggestion, unsupported_numbers
from read_side.advisor.personal import answer_biggest, answer_one_change, answer_savings
from read_side.advisor.sources import AdvisorSources

FALLBACK = (
    "I can answer questions about: which of your purchases had the biggest footprint; "
    "a greener alternative to a product; why a product's footprint is what it is; "
    "how much you have saved this year; and the one change that would cut your footprint most."
)
NOT_FOUND = "I could not find that product in the catalog; try its name as the shop writes it."


class SignInRequiredError(Exception):
    """A personal question from an anonymous caller."""


class UngroundedAnswerError(RuntimeError):
    """An answer stated a number that none of its facts supports (a bug: never served)."""


async def ask(
    question: str, customer_id: str | None, sources: AdvisorSources, now: datetime | None = None
) -> AdvisorAnswer:
    intent: Intent = detect(question)
    if is_personal(intent) and customer_id is None:
        raise SignInRequiredError(f"sign in to ask about your own orders (this question reads as '{intent}')")
    facts: list[Fact] = []
    suggestions: list[Suggestion] = []
    relaxed = False
    if intent == "biggest_purchase":
        assert customer_id is not None  # noqa: S101 - personal intents were refused above
        text, facts = await answer_biggest(customer_id, sources)
    elif intent == "savings":
        assert customer_id is not None  # noqa: S101
        text, facts = await answer_savings(customer_id, sources, now or datetime.now(UTC))
    elif intent == "one_change":
        assert customer_id is not None  # noqa: S101
        text, facts, suggestions = await answer_one_change(customer_id, sources)
    elif intent in ("alternative", "explain"):
        card, relaxed = await find_product(question, sources)
        if card is None:
            text = NOT_FOUND
        elif intent == "alternative":
            text, facts, suggestions = await answer_alternative(card, sources)
        else:
            text, facts = await answer_explain(card, sources)
    else:
        text = FALLBACK
    missing = unsupported_numbers(text, facts)
    if missing:
        raise UngroundedAnswerError(f"the {intent} answer states {missing} without a fact")
    return AdvisorAnswer(intent, text, facts, suggestions, "template", relaxed)

"""Nicer wording from the optional language model, accepted only when it keeps to the answer's facts.

The model gets the question, the facts with their ids, and the templated answer as a draft, with
an instruction to reword it and cite every fact it uses as ``[id]``. Its text replaces the
template's only if every number it states is one of the facts (``unsupported_numbers``, with
quoted names exempt only when the template quoted them too), it cites at least one fact, and it
cites no id it was not given. Otherwise, and whenever the call fails, the template is served with
``wording: "template"`` and the reason; each fallback is logged and counted. The facts and
suggestions are always the template's: the model words the answer, it never supplies a figure.
"""

from __future__ import annotations

import re

import msgspec
import structlog
from prometheus_client import Counter

from read_side.advisor.language_model import ChatMessage, ChatModel, LanguageModelError
from read_side.advisor.model import QUOTED, AdvisorAnswer, FallbackReason, unsupported_numbers

log = structlog.get_logger("ecolaura.advisor")
WORDINGS = Counter(
    "ecolaura_advisor_wording_total",
    "Advisor answers by wording (model or template) and, for fallbacks, why the model's was not served",
    ["wording", "reason"],
)
CITATION = re.compile(r"\[([^\[\]]*)\]")
MAX_TEXT = 2000

INSTRUCTION = (
    "You are the sustainability advisor of an online shop. Reword the draft answer to the shopper's "
    "question so that it reads naturally, in at most four sentences. Use only the facts given: "
    "state no number that is not the value of one of the facts (round it as the draft does), and "
    "add nothing the facts do not say. After each statement that uses a fact, cite it by writing "
    "its id in square brackets, for example [product]. Use no other square brackets. Write product "
    "names exactly as the draft does, inside “ and ”. Answer with the reworded text only."
)


class _FactForModel(msgspec.Struct, frozen=True):
    id: str
    value: float
    unit: str
    source: str


class _Prompt(msgspec.Struct, frozen=True):
    question: str
    facts: list[_FactForModel]
    draft: str


_encode = msgspec.json.Encoder().encode


def messages_for(question: str, answer: AdvisorAnswer) -> list[ChatMessage]:
    """The chat the model receives: the instruction, then the question, facts and draft as JSON."""
    facts = [_FactForModel(f.id, f.value, f.unit, f.source.title) for f in answer.facts]
    prompt = _Prompt(question, facts, answer.text)
    return [ChatMessage("system", INSTRUCTION), ChatMessage("user", _encode(prompt).decode())]


def rejection(text: str, answer: AdvisorAnswer) -> tuple[FallbackReason, str] | None:
    """Why the model's ``text`` cannot replace ``answer``'s template (and the offending part), or None."""
    if not text.strip() or len(text) > MAX_TEXT:
        return "malformed", f"{len(text)} characters"
    ids = {fact.id for fact in answer.facts}
    cited = [c.strip() for c in CITATION.findall(text)]
    unknown = [c for c in cited if c not in ids]
    if unknown:
        return "unknown_citation", f"unknown ids: {unknown[:5]}"
    if not cited:
        return "no_citation", "the text cites no fact"
    names = set(QUOTED.findall(answer.text))
    missing = unsupported_numbers(CITATION.sub(" ", text), answer.facts, names=names)
    if missing:
        return "unsupported_number", f"numbers without a fact: {missing[:5]}"
    return None


def _fallback(answer: AdvisorAnswer, reason: FallbackReason, detail: str) -> AdvisorAnswer:
    WORDINGS.labels("template", reason).inc()
    # The question is the shopper's own words: the log says what failed, never what was asked.
    log.warning("advisor model wording refused", reason=reason, detail=detail, intent=answer.intent)
    return msgspec.structs.replace(answer, wording="template", fallback_reason=reason)


async def word(question: str, answer: AdvisorAnswer, model: ChatModel | None) -> AdvisorAnswer:
    """``answer`` in the model's words when a model is configured and keeps to the facts; else as is."""
    if model is None or not answer.facts:  # no model, or nothing to cite: the template says it plainly
        WORDINGS.labels("template", "off" if model is None else "no_facts").inc()
        return answer
    try:
        text = await model.complete(messages_for(question, answer))
    except LanguageModelError as exc:
        return _fallback(answer, exc.reason, exc.detail)
    refused = rejection(text, answer)
    if refused is not None:
        return _fallback(answer, *refused)
    WORDINGS.labels("model", "").inc()
    return msgspec.structs.replace(answer, text=text, wording="model")

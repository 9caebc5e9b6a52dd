"""What the advisor answers: text, the facts every number in it comes from, and suggestions."""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Annotated, Literal

import msgspec

from read_side.advisor.intents import Intent

SourceKind = Literal["order_line", "product_stage", "factor"]
Wording = Literal["model", "template"]
# Why the language model's wording was not served (read_side/advisor/wording.py).
FallbackReason = Literal[
    "timeout",
    "unreachable",
    "http_error",
    "malformed",
    "unknown_citation",
    "no_citation",
    "unsupported_number",
]


class AdvisorQuestion(msgspec.Struct, forbid_unknown_fields=True):
    question: Annotated[
        str,
        msgspec.Meta(min_length=1, max_length=500, pattern=r"\S", description="a question in plain words"),
    ]
    use_model: Annotated[
        bool,
        msgspec.Meta(
            description="let the language model word the answer, when one is configured; false for "
            "callers that show only the facts and suggestions (the product page's alternative box)"
        ),
    ] = True


class FactSource(msgspec.Struct, frozen=True, omit_defaults=True):
    kind: SourceKind
    ref: str  # order_id:line, product_id:stage, or the factor's source id
    title: str
    year: int | None = None
    url: str | None = None  # where a factor's source can be read


class Fact(msgspec.Struct, frozen=True):
    id: str
    value: float
    unit: str
    source: FactSource


class Suggestion(msgspec.Struct, frozen=True):
    product_id: str
    name: str
    kg_co2e: float
    saving_kg: float
    saving_pct: float
    url: str


class AdvisorAnswer(msgspec.Struct, frozen=True, omit_defaults=True):
    intent: Intent
    text: str
    facts: list[Fact]
    suggestions: list[Suggestion]
    # Who worded the text: the language model (its citations ``[fact id]`` kept in the text) or the template.
    wording: Wording
    relaxed: bool = False  # the product was found by a relaxed search (read_side/search/relax.py)
    fallback_reason: FallbackReason | None = None  # a model is configured but its wording was not served


# Numbers in text: 12, 0.25, 1,234.5, 37%. Product names are quoted “like this” and not checked:
# "Bottle 750 ml" is a name, not a claim.
_NUMBER = re.compile(r"(?<![\w.])\d+(?:,\d{3})*(?:\.\d+)?")
QUOTED = re.compile(r"“[^”]*”")


def unsupported_numbers(text: str, facts: list[Fact], names: Collection[str] | None = None) -> list[str]:
    """The numbers in ``text`` (outside quoted names) that no fact states, at the precision written.

    ``names``, when given, are the only quoted strings (“…” included) exempt: a model's text may
    quote the names the template quoted, not a figure of its own.
    """
    if names is None:
        text = QUOTED.sub(" ", text)
    else:
        text = QUOTED.sub(lambda m: " " if m.group(0) in names else f" {m.group(0)[1:-1]} ", text)
    missing = []
    for token in _NUMBER.findall(text):
        value = float(token.replace(",", ""))
        decimals = len(token.split(".")[1]) if "." in token else 0
        tolerance = 0.5 * 10**-decimals + 1e-9
        if not any(abs(fact.value - value) <= tolerance for fact in facts):
            missing.append(token)
    return missing


def kg(value: float) -> str:
    """kg CO2e as the advisor writes it (and as its facts must support)."""
    return f"{value:.2f}"

"""What the advisor answers: text, the facts every number in it comes from, and suggestions."""

from __future__ import annotations

import re
from typing import Annotated, Literal

import msgspec

from read_side.advisor.intents import Intent

SourceKind = Literal["order_line", "product_stage", "factor"]


class AdvisorQuestion(msgspec.Struct, forbid_unknown_fields=True):
    question: Annotated[
        str,
        msgspec.Meta(min_length=1, max_length=500, pattern=r"\S", description="a question in plain words"),
    ]


class FactSource(msgspec.Struct, frozen=True, omit_defaults=True):
    kind: SourceKind
    ref: str  # order_id:line, product_id:stage, or the factor's source id
    title: str
    year: int | None = None


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
    relaxed: bool = False  # the product was found by a relaxed search (read_side/search/relax.py)


# Numbers in text: 12, 0.25, 1,234.5, 37%. Product names are quoted “like this” and not checked:
# "Bottle 750 ml" is a name, not a claim.
_NUMBER = re.compile(r"(?<![\w.])\d+(?:,\d{3})*(?:\.\d+)?")
_QUOTED = re.compile(r"“[^”]*”")


def unsupported_numbers(text: str, facts: list[Fact]) -> list[str]:
    """The numbers in ``text`` (outside quoted names) that no fact states, at the precision written."""
    missing = []
    for token in _NUMBER.findall(_QUOTED.sub(" ", text)):
        value = float(token.replace(",", ""))
        decimals = len(token.split(".")[1]) if "." in token else 0
        tolerance = 0.5 * 10**-decimals + 1e-9
        if not any(abs(fact.value - value) <= tolerance for fact in facts):
            missing.append(token)
    return missing


def kg(value: float) -> str:
    """kg CO2e as the advisor writes it (and as its facts must support)."""
    return f"{value:.2f}"

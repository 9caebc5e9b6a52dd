"""Intent detection: a small table of keyword rules, read top to bottom; the first rule that matches wins.

No model: the rules are data (``RULES``), so a new phrasing is one more pattern,
and the evaluation set (``tests/advisor/eval_questions.json``) keeps them honest.
Personal intents read the caller's own orders and need a signed-in shopper.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Intent = Literal["biggest_purchase", "alternative", "explain", "savings", "one_change", "fallback"]


@dataclass(frozen=True, slots=True)
class IntentRule:
    intent: Intent
    patterns: tuple[str, ...]  # regular expressions over the lower-cased question; any one matches
    personal: bool  # needs the caller's orders


RULES: tuple[IntentRule, ...] = (
    IntentRule(
        "savings",
        (
            r"\bhow much\b.*\b(saved|save|saving|avoided)\b",
            r"\b(my|i)\b.*\b(savings|saved|avoided)\b",
            r"\bwhat (have|did) i (saved|save|avoid)",
        ),
        personal=True,
    ),
    IntentRule(
        "one_change",
        (
            r"\b(one|single|best|biggest|main|top) (change|thing|step|tip|way)\b",
            r"\bhow (can|could|do|should) i (cut|reduce|lower|shrink|decrease|improve)\b",
            r"\b(cut|reduce|lower|shrink|decrease) my (footprint|emissions|impact|co2|carbon)\b",
            r"\bwhat should i (change|do differently)\b",
        ),
        personal=True,
    ),
    IntentRule(
        "biggest_purchase",
        (
            r"\b(biggest|largest|highest|worst|heaviest|most)\b.*\b(purchase|purchases|order|orders|bought|buy|items?)\b",
            r"\b(purchase|purchases|orders?|bought)\b.*\b(biggest|largest|highest|worst|heaviest|most)\b",
            r"\brank my (purchases|orders|items)\b",
            r"\b(did|have) i (buy|bought|order|ordered)\b.*\b(biggest|largest|highest|most|worst)\b",
        ),
        personal=True,
    ),
    IntentRule(
        "alternative",
        (
            r"\b(greener|eco-?friendlier|cleaner|lower[- ]carbon|more sustainable|less polluting)\b",
            r"\balternatives?\b",
            r"\b(instead of|replace|replacement for|swap|substitute)\b",
            r"\b(less|lower) (co2|carbon|footprint|emissions)\b.*\b(than|like|to)\b",
        ),
        personal=False,
    ),
    IntentRule(
        "explain",
        (
            r"\bwhy\b.*\b(footprint|kg|co2e?|carbon|number|emissions?|high|low|so)\b",
            r"\bexplain\b",
            r"\bhow (is|was|do you|did you)\b.*\b(calculated|computed|measured|worked out|get)\b",
            r"\bbreak ?down\b",
            r"\bwhere does\b.*\bcome from\b",
            r"\bwhat makes up\b",
            r"\b(footprint|co2e?|carbon|emissions) of\b",
        ),
        personal=False,
    ),
)

_BY_INTENT = {rule.intent: rule for rule in RULES}


def detect(question: str) -> Intent:
    """The question's intent by ``RULES``; ``fallback`` when none matches."""
    text = question.lower()
    for rule in RULES:
        if any(re.search(pattern, text) for pattern in rule.patterns):
            return rule.intent
    return "fallback"


def is_personal(intent: Intent) -> bool:
    rule = _BY_INTENT.get(intent)
    return rule is not None and rule.personal

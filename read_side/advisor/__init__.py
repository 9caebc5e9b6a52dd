"""The sustainability advisor: deterministic intents, retrieval from the read models, templated answers.

It never makes a number up: every figure in an answer's text is one of its facts,
each with its source (an order line, a product's footprint stage, a factor row).
"""

from read_side.advisor.answers import SignInRequiredError, UngroundedAnswerError, ask
from read_side.advisor.intents import RULES, Intent, IntentRule, detect
from read_side.advisor.model import (
    AdvisorAnswer,
    AdvisorQuestion,
    Fact,
    FactSource,
    Suggestion,
    unsupported_numbers,
)
from read_side.advisor.sources import AdvisorSources, ReadModelSources

__all__ = [
    "RULES",
    "AdvisorAnswer",
    "AdvisorQuestion",
    "AdvisorSources",
    "Fact",
    "FactSource",
    "Intent",
    "IntentRule",
    "ReadModelSources",
    "SignInRequiredError",
    "Suggestion",
    "UngroundedAnswerError",
    "ask",
    "detect",
    "unsupported_numbers",
]

"""The sustainability advisor: deterministic intents, retrieval from the read models, templated answers.

It never makes a number up: every figure in an answer's text is one of its facts,
each with its source (an order line, a product's footprint stage, a factor row). An optional
language model (``language_model``, ``wording``) may reword an answer; its text is served only
when it keeps to the same facts.
"""

from read_side.advisor.answers import SignInRequiredError, UngroundedAnswerError, ask
from read_side.advisor.intents import RULES, Intent, IntentRule, detect
from read_side.advisor.language_model import ChatModel, LanguageModelConfig, LanguageModelError
from read_side.advisor.model import (
    AdvisorAnswer,
    AdvisorQuestion,
    Fact,
    FactSource,
    FallbackReason,
    Suggestion,
    Wording,
    unsupported_numbers,
)
from read_side.advisor.sources import AdvisorSources, ReadModelSources
from read_side.advisor.wording import word

__all__ = [
    "RULES",
    "AdvisorAnswer",
    "AdvisorQuestion",
    "AdvisorSources",
    "ChatModel",
    "Fact",
    "FactSource",
    "FallbackReason",
    "Intent",
    "IntentRule",
    "LanguageModelConfig",
    "LanguageModelError",
    "ReadModelSources",
    "SignInRequiredError",
    "Suggestion",
    "UngroundedAnswerError",
    "Wording",
    "ask",
    "detect",
    "unsupported_numbers",
    "word",
]

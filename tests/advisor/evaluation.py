"""Running the evaluation set: shared by the test and ``benchmarks/advisor.py``."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from read_side.advisor import AdvisorAnswer, ask, unsupported_numbers
from tests.advisor.shop import CUSTOMER_A, CUSTOMER_B, YEAR, ShopSources

QUESTIONS = Path(__file__).with_name("eval_questions.json")
CUSTOMERS = {"A": CUSTOMER_A, "B": CUSTOMER_B, None: None}
NOW = datetime(YEAR, 12, 3, tzinfo=UTC)


@dataclass
class Evaluation:
    total: int = 0
    intents_right: int = 0
    recalls: list[float] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    answers: list[tuple[dict[str, Any], AdvisorAnswer]] = field(default_factory=list)

    @property
    def intent_accuracy(self) -> float:
        return self.intents_right / self.total

    @property
    def recall_at_5(self) -> float:
        return sum(self.recalls) / len(self.recalls) if self.recalls else 1.0

    def p95_ms(self) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


async def evaluate(sources: ShopSources) -> Evaluation:
    result = Evaluation()
    for case in json.loads(QUESTIONS.read_text()):
        started = time.perf_counter()
        answer = await ask(case["question"], CUSTOMERS[case["customer"]], sources, NOW)
        result.latencies_ms.append(1000 * (time.perf_counter() - started))
        result.total += 1
        result.answers.append((case, answer))
        if answer.intent == case["intent"]:
            result.intents_right += 1
        else:
            result.failures.append(f"{case['question']!r}: {answer.intent} != {case['intent']}")
        if unsupported_numbers(answer.text, answer.facts):
            result.failures.append(f"{case['question']!r}: ungrounded numbers")
        if case.get("alternatives"):
            got = [s.product_id for s in answer.suggestions[:5]]
            result.recalls.append(
                len(set(got) & set(case["alternatives"])) / min(5, len(case["alternatives"]))
            )
    return result

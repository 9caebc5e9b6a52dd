"""What the optional language model's path costs the advisor itself, beside the templated answer in the same run.

    uv run python benchmarks/advisor_wording.py [--rounds 10]

The evaluation set's questions (tests/advisor/eval_questions.json) over the demo shop
(tests/advisor/shop.py), answered three ways: the template alone (the baseline), then worded
through the OpenAI-compatible stub (tests/advisor/model_stub.py, real HTTP on loopback) with the
advisor's pooled client, and with a new client per question (what the pool saves). The stub
answers at once, so the figures are the advisor's own cost of the model path (prompt, HTTP,
the checks); a real model's generation time comes on top, bounded by ``ADVISOR_LLM_TIMEOUT``.
A misbehaving model's round shows the fallback costs no more than the good one's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path

import structlog

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from read_side.advisor import AdvisorAnswer, ChatModel, LanguageModelConfig, ask, word
from tests.advisor.evaluation import CUSTOMERS, NOW, QUESTIONS
from tests.advisor.model_stub import model_stub
from tests.advisor.shop import ShopSources, build_shop

Answer = Callable[[str, str | None], Awaitable[AdvisorAnswer]]


async def _measure(
    cases: list[dict[str, object]], rounds: int, answer: Answer
) -> tuple[list[float], Counter[str]]:
    latencies, wordings = [], Counter[str]()
    for _ in range(rounds):
        for case in cases:
            question, customer = str(case["question"]), CUSTOMERS[case["customer"]]  # type: ignore[index]
            started = time.perf_counter()
            served = await answer(question, customer)
            latencies.append(1000 * (time.perf_counter() - started))
            wordings[served.fallback_reason or served.wording] += 1
    return latencies, wordings


def _line(name: str, latencies: list[float], wordings: Counter[str], baseline: list[float] | None) -> str:
    ordered = sorted(latencies)
    p50, p95 = statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]
    extra = f"  (+{p50 - statistics.median(baseline):.2f} ms p50)" if baseline else ""
    served = ", ".join(f"{k} {v}" for k, v in sorted(wordings.items()))
    return f"{name:<38} p50 {p50:6.2f} ms  p95 {p95:6.2f} ms{extra}   served: {served}"


async def main(rounds: int) -> None:
    cases = json.loads(QUESTIONS.read_text())
    with tempfile.TemporaryDirectory() as directory, model_stub() as stub:
        shop = await build_shop(Path(directory) / "search")
        sources = ShopSources(shop)

        async def template(question: str, customer: str | None) -> AdvisorAnswer:
            return await ask(question, customer, sources, NOW)

        def pooled(model: ChatModel) -> Answer:
            async def answer(question: str, customer: str | None) -> AdvisorAnswer:
                return await word(question, await template(question, customer), model)

            return answer

        def config(model: str) -> LanguageModelConfig:
            return LanguageModelConfig(stub.url, model, timeout=3.0)

        async def fresh_client(question: str, customer: str | None) -> AdvisorAnswer:
            model = ChatModel(config("good"))
            try:
                return await word(question, await template(question, customer), model)
            finally:
                await model.aclose()

        await _measure(cases, 1, template)  # warm the index and the factor tables
        baseline, served = await _measure(cases, rounds, template)
        print(f"questions: {len(cases)} x {rounds} rounds; the stub answers at once")
        print(_line("template only (baseline)", baseline, served, None))
        good, inventor = ChatModel(config("good")), ChatModel(config("inventor"))
        try:
            for name, answer in (
                ("good model, pooled client", pooled(good)),
                ("good model, a client per question", fresh_client),
                ("inventing model, pooled (falls back)", pooled(inventor)),
            ):
                latencies, served = await _measure(cases, rounds, answer)
                print(_line(name, latencies, served, baseline))
        finally:
            await good.aclose()
            await inventor.aclose()
        if shop.engine is not None:
            await shop.engine.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    # Each fallback logs a warning (as it should in service); here they would bury the figures.
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.ERROR))
    asyncio.run(main(parser.parse_args().rounds))

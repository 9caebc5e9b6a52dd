"""The advisor over its demo shop: intent accuracy, recall@5 of the alternatives, p95 answer latency.

    uv run python benchmarks/advisor.py [--rounds 20]

Runs the evaluation set (tests/advisor/eval_questions.json) against the demo shop
(tests/advisor/shop.py: real footprints, a real Tantivy index, in-memory read
models), without a model. Targets: intent accuracy >= 95%, recall@5 >= 0.9,
p95 answer < 150 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.advisor.evaluation import evaluate
from tests.advisor.shop import ShopSources, build_shop


async def main(rounds: int) -> None:
    with tempfile.TemporaryDirectory() as directory:
        shop = await build_shop(Path(directory) / "search")
        sources = ShopSources(shop)
        first = await evaluate(sources)
        latencies = list(first.latencies_ms)
        for _ in range(rounds - 1):
            latencies += (await evaluate(sources)).latencies_ms
        first.latencies_ms = latencies
        if shop.engine is not None:
            await shop.engine.close()
    p95 = first.p95_ms()
    print(f"questions           {first.total} x {rounds} rounds")
    print(
        f"intent accuracy     {first.intent_accuracy:.1%}   target >= 95%: {'met' if first.intent_accuracy >= 0.95 else 'MISSED'}"
    )
    print(
        f"recall@5            {first.recall_at_5:.2f}    target >= 0.9: {'met' if first.recall_at_5 >= 0.9 else 'MISSED'}"
    )
    print(f"p95 answer latency  {p95:.1f} ms  target < 150 ms: {'met' if p95 < 150 else 'MISSED'}")
    for failure in first.failures:
        print("  miss:", failure)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    asyncio.run(main(parser.parse_args().rounds))

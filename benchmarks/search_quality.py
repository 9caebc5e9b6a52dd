"""Search quality and latency: BM25 alone against hybrid search, in the same run, on the same index.

    uv run python benchmarks/search_quality.py [--rounds 5] [--scale 100000]

Runs the labelled storefront queries (tests/search_quality/queries.json: exact,
typo, synonym and descriptive queries with graded relevance 0-3) against the demo
catalog in a real Tantivy index, and prints nDCG@10 per query class for BM25
(relaxed, as the storefront answers today) and for hybrid search with reciprocal
rank fusion (the default) and with a weighted sum, then query latency p50/p99 of
BM25 and hybrid (RRF). Requirement: hybrid beats BM25 on the descriptive queries
without losing on the exact ones. With ``--scale N`` it also indexes N generated
products and times the vector side alone (loading the table from the index, one
nearest-products search within no filter and within a category) at that size.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from read_side.search.embedding import embed
from read_side.search.port import SearchRequest
from tests.search_quality.evaluation import CLASSES, build_index, evaluate, load_set


async def quality(rounds: int) -> None:
    catalog = load_set()["catalog"]
    with tempfile.TemporaryDirectory() as directory:
        engine = await build_index(Path(directory), catalog["count"], catalog["seed"])
        runs = [
            ("bm25", await evaluate(engine, "bm25", rounds=rounds)),
            ("hybrid rrf", await evaluate(engine, "hybrid", "rrf", rounds=rounds)),
            ("hybrid weighted", await evaluate(engine, "hybrid", "weighted", rounds=rounds)),
        ]
        await engine.close()
    counts = {c: len(runs[0][1].scores[c]) for c in CLASSES}
    print(
        f"nDCG@10 over {sum(counts.values())} queries, demo catalog of {catalog['count']} (seed {catalog['seed']})"
    )
    print(f"{'':16}" + "".join(f"{c} ({counts[c]})".rjust(18) for c in CLASSES) + "all".rjust(10))
    for label, run in runs:
        print(f"{label:16}" + "".join(f"{run.mean(c):18.3f}" for c in CLASSES) + f"{run.mean():10.3f}")
    bm25, hybrid = runs[0][1], runs[1][1]
    verdict = hybrid.mean("descriptive") > bm25.mean("descriptive") and hybrid.mean("exact") >= bm25.mean(
        "exact"
    )
    print(f"hybrid beats bm25 on descriptive without losing on exact: {'met' if verdict else 'MISSED'}")
    print(f"latency over {rounds} rounds (ms)   p50      p99")
    for label, run in runs[:2]:
        print(f"  {label:28}{run.percentile(0.5):7.2f}  {run.percentile(0.99):7.2f}")


async def scale(count: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as directory:
        started = time.perf_counter()
        engine = await build_index(Path(directory), count, 7)
        built = time.perf_counter() - started
        reader = engine._live_reader()  # noqa: SLF001 - the benchmark times the reader's parts
        started = time.perf_counter()
        table = reader.vectors()
        loaded = time.perf_counter() - started
        query = embed(["keep my drinks cold on a hike"])[0]
        timings: dict[str, list[float]] = {"no filter": [], "category=drinkware": []}
        for _ in range(rounds * 20):
            for label, request in (
                ("no filter", SearchRequest()),
                ("category=drinkware", SearchRequest(category="drinkware")),
            ):
                started = time.perf_counter()
                await engine.nearest(query, request, 100)
                timings[label].append((time.perf_counter() - started) * 1000)
        await engine.close()
    print(f"\nvector side at {len(table):,} products (indexed with vectors in {built:.1f} s)")
    print(
        f"  table: {len(table) * 256 * 4 / 2**20:.0f} MiB float32 in memory, loaded from the index in {loaded:.2f} s"
    )
    for label, values in timings.items():
        values.sort()
        print(
            f"  nearest 100, {label:20} p50 {statistics.median(values):6.2f} ms"
            f"   p99 {values[int(0.99 * len(values))]:6.2f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--scale", type=int, default=100_000, help="0 skips the scale run")
    args = parser.parse_args()
    asyncio.run(quality(args.rounds))
    if args.scale:
        asyncio.run(scale(args.scale, args.rounds))


if __name__ == "__main__":
    main()

"""Query benchmark: product detail, listing and search over HTTP, against baselines measured in the same run.

* Ceiling: a bare Litestar endpoint returning one Redis GET (benchmarks/baseline_apps.py), same server stack.
* CRUD baseline: the same product card computed from the write tables with SQL joins.
* Search in the engine: 100,000 products with Zipf-distributed words, queries drawn the same way, facets
  included; latency per query in-process.

Load comes from wrk (`apt-get install wrk`), 1 thread, 16 connections, sharing the two cores.

Usage: uv run python benchmarks/queries.py [--seconds 10] [--clients 16]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode
from urllib.request import urlopen

import redis

ROOT = Path(__file__).resolve().parent.parent
# This folder holds a script named like the `projections` package: keep it off the path, import siblings
# as `benchmarks.*` from the repository root.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks"]
sys.path.insert(0, str(ROOT))

from benchmarks.commands import bench_server, fresh_database  # noqa: E402
from benchmarks.support import asgi_server, bench_redis, serve, wrk_run  # noqa: E402
from ecolaura.settings import libpq_url  # noqa: E402
from projections.search_projection import rebuild_search  # noqa: E402
from read_side.search.port import SearchDocument, SearchRequest  # noqa: E402
from read_side.search.tantivy_index import TantivyEngine, TantivyIndex  # noqa: E402
from write_side.adapters.event_log import EventLogReader  # noqa: E402
from write_side.contracts.events import LogCursor  # noqa: E402

WRK_PATHS = """
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
math.randomseed(tonumber(os.getenv("BENCH_SEED") or "1"))
request = function()
  return wrk.format("GET", paths[math.random(1, #paths)])
end
"""


def wrk(port: int, paths: list[str], seconds: int, clients: int) -> tuple[float, float, float, int]:
    """Requests/s, p50 ms, p99 ms and errors (non-2xx and socket errors) for random GETs of ``paths``."""
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "paths").write_text("\n".join(paths) + "\n")
        return wrk_run(port, WRK_PATHS, {"BENCH_PATHS": str(Path(tmp) / "paths")}, seconds, clients)


def zipf_vocabulary(size: int, rng: random.Random) -> tuple[list[str], list[float]]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = {"".join(rng.choice(letters) for _ in range(rng.randint(3, 10))) for _ in range(size * 2)}
    vocabulary = sorted(words)[:size]
    rng.shuffle(vocabulary)
    weights = [1 / (rank + 1) ** 1.07 for rank in range(len(vocabulary))]
    return vocabulary, list(itertools.accumulate(weights))  # cumulative, so choices() need not sum each call


def engine_search(count: int, queries: int) -> dict[str, tuple[float, float]]:
    """Index ``count`` synthetic products with Zipf words; p50/p99 ms of searches with facets.

    Two query mixes, both Zipf-distributed: content words (ranks 100 and below; in real text the top
    ranks are function words such as "the", "and", "with", which shoppers do not search for), and all
    words including the head (the hardest case: the top word is in most products).
    """
    rng = random.Random(5)
    vocabulary, cumulative = zipf_vocabulary(20_000, rng)
    categories = [f"cat-{i}" for i in range(24)]
    brands = [f"brand-{i}" for i in range(60)]
    content = vocabulary[100:]
    content_cumulative = [c - cumulative[99] for c in cumulative[100:]]
    out: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        index = TantivyIndex(Path(tmp) / "ix", writer=True)
        for start in range(0, count, 10_000):
            index.upsert(
                [
                    SearchDocument(
                        id=f"p{i}",
                        name=" ".join(rng.choices(vocabulary, cum_weights=cumulative, k=rng.randint(3, 6))),
                        description=" ".join(
                            rng.choices(vocabulary, cum_weights=cumulative, k=rng.randint(10, 25))
                        ),
                        brand=rng.choice(brands),
                        category=rng.choice(categories),
                        materials=rng.choices(vocabulary[:50], k=2),
                        certifications=rng.sample(["FSC", "GOTS", "B Corp"], 1),
                        price_minor=rng.randint(100, 50_000),
                        currency="EUR",
                        created=i,
                    )
                    for i in range(start, min(start + 10_000, count))
                ]
            )
        asyncio.run(index.commit(LogCursor(1, 1)))
        for label, words, weights in (
            ("content words", content, content_cumulative),
            ("all words (head included)", vocabulary, cumulative),
        ):
            latencies = []
            for n in range(queries):
                q = " ".join(rng.choices(words, cum_weights=weights, k=rng.choice((1, 1, 2))))
                request = SearchRequest(q=q, category=rng.choice([None, None, rng.choice(categories)]))
                t = time.perf_counter()
                index.search_now(request)
                if n >= 50:  # the first queries warm the caches
                    latencies.append((time.perf_counter() - t) * 1000)
            cuts = statistics.quantiles(latencies, n=100, method="inclusive")
            out[label] = (cuts[49], cuts[98])
    return out


WARM_SEARCH = 10  # seconds of search traffic before the measured run


def shopper_searches(db_url: str, count: int) -> list[str]:
    """Search URLs as shoppers would send them, drawn from the demo catalog's own words.

    Words are ranked by how many products use them and drawn with Zipf weights over that rank
    (popular words are searched most, as in real query logs). 1-2 words a query; one query in
    twenty has a typo (a dropped letter); a third filter by category; a tenth sort by price.
    """
    import psycopg

    with psycopg.connect(libpq_url(db_url)) as conn:
        rows = conn.execute(
            "SELECT name, description, category FROM products WHERE status = 'active'"
        ).fetchall()
    frequency: dict[str, int] = {}
    for name, description, _ in rows:
        for word in set(re.findall(r"[a-z]{3,}", f"{name} {description}".lower())):
            frequency[word] = frequency.get(word, 0) + 1
    ranked = sorted(frequency, key=lambda w: (-frequency[w], w))
    cumulative = list(itertools.accumulate(1 / (rank + 1) ** 1.07 for rank in range(len(ranked))))
    categories = sorted({category for _, _, category in rows})
    rng = random.Random(9)
    urls = []
    for _ in range(count):
        words = rng.choices(ranked, cum_weights=cumulative, k=rng.choice((1, 1, 2)))
        if rng.random() < 0.05:
            cut = rng.randrange(len(words[0]))
            words[0] = words[0][:cut] + words[0][cut + 1 :]
        params = {"q": " ".join(words)}
        if rng.random() < 1 / 3:
            params["category"] = rng.choice(categories)
        if rng.random() < 0.1:
            params["sort"] = "price"
        urls.append(f"/api/v1/search?{urlencode(params)}")
    return urls


def cache_counts(port: int) -> tuple[float, float]:
    """Searches the server answered from its cache and from the engine so far, from its own /metrics."""
    with urlopen(f"http://127.0.0.1:{port}/metrics") as response:
        text = response.read().decode()
    counts = {
        result: float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        for result in ("hit", "miss")
        if line.startswith(f'ecolaura_search_cache_total{{result="{result}"}}')
    }
    return counts.get("hit", 0.0), counts.get("miss", 0.0)


def load_demo(
    db_url: str, redis_url: str, search_dir: Path | None, seed: list[str] | None = None, rebuild: str = "all"
) -> list[str]:
    """Seed demo data and project it; returns the active products' ids.

    ``seed`` holds options for ``ecolaura seed``, ``rebuild`` names what ``ecolaura rebuild``
    builds, and the search index is built into ``search_dir`` unless it is None.
    """
    env = {**os.environ, "DATABASE_URL": db_url, "REDIS_URL": redis_url, "LOG_LEVEL": "WARNING"}
    subprocess.run(
        [sys.executable, "-m", "ecolaura.cli", "seed", *(seed or [])],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    subprocess.run(
        [sys.executable, "-m", "ecolaura.cli", "rebuild", rebuild],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    async def index(folder: Path) -> None:
        async with EventLogReader(libpq_url(db_url)) as reader:
            await rebuild_search(reader, TantivyEngine(folder))

    if search_dir is not None:
        asyncio.run(index(search_dir))
    import psycopg

    with psycopg.connect(libpq_url(db_url)) as conn:
        return [r[0] for r in conn.execute("SELECT product_id::text FROM products WHERE status = 'active'")]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--search-docs", type=int, default=100_000)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("this benchmark needs wrk: apt-get install wrk")

    print(f"Search engine: indexing {args.search_docs:,} products with Zipf-distributed words…", flush=True)
    for label, (p50, p99) in engine_search(args.search_docs, 2000).items():
        verdict = "met" if p50 < 1 and p99 < 5 else "MISSED"
        print(
            f"  {label:26} search with facets p50 {p50:.2f} ms, p99 {p99:.2f} ms "
            f"(targets < 1 ms / < 5 ms: {verdict})",
            flush=True,
        )

    with contextlib.ExitStack() as stack:
        server = stack.enter_context(bench_server())
        db_url = stack.enter_context(fresh_database(server))
        redis_url = stack.enter_context(bench_redis())
        tmp = stack.enter_context(tempfile.TemporaryDirectory())
        redis.Redis.from_url(redis_url).flushdb()
        search_dir = Path(tmp) / "search"
        print("Loading the demo data (seed + projections)…", flush=True)
        products = load_demo(db_url, redis_url, search_dir)
        generation = int(redis.Redis.from_url(redis_url).get("el:product_cards:live") or 1)
        env = {
            **os.environ,
            "DATABASE_URL": db_url,
            "REDIS_URL": redis_url,
            "SEARCH_DIR": str(search_dir),
            "LOG_LEVEL": "WARNING",
            "CARD_PREFIX": f"el:product_cards:g{generation}:product:",
        }
        detail = [f"/api/v1/catalog/products/{p}" for p in products]
        listing = [f"/api/v1/catalog/products?sort={s}&limit=24" for s in ("price", "popularity", "newest")]
        search = shopper_searches(db_url, 20_000)
        rows = []
        with serve(
            asgi_server("granian", "benchmarks.baseline_apps:app"),  # the stack `ecolaura serve` runs
            env,
        ) as port:
            rows.append(
                (
                    "ceiling: one Redis GET",
                    *wrk(port, [f"/ceiling/{p}" for p in products], args.seconds, args.clients),
                )
            )
            rows.append(
                (
                    "CRUD: card from SQL joins",
                    *wrk(port, [f"/sql/{p}" for p in products], args.seconds, args.clients),
                )
            )
        with serve([sys.executable, "-m", "ecolaura.cli", "serve", "read"], env) as port:
            rows.append(("product detail", *wrk(port, detail, args.seconds, args.clients)))
            rows.append(("category listing", *wrk(port, listing, args.seconds, args.clients)))
            # A shop's search has been running for a while: the measured run starts after
            # WARM_SEARCH seconds of the same traffic, and the hit rate counts the measured run only.
            wrk(port, search, WARM_SEARCH, args.clients)
            hits, misses = cache_counts(port)
            rows.append(("search over HTTP", *wrk(port, search, args.seconds, args.clients)))
            hits_after, misses_after = cache_counts(port)
            served = (hits_after - hits) + (misses_after - misses)
            hit_rate = (hits_after - hits) / served if served else 0.0
        uncached = {**env, "SEARCH_CACHE_MB": "0"}
        with serve([sys.executable, "-m", "ecolaura.cli", "serve", "read"], uncached) as port:
            wrk(port, search, WARM_SEARCH, args.clients)
            rows.append(("search, cache off", *wrk(port, search, args.seconds, args.clients)))
    ceiling = rows[0]
    print(f"\n{'':30}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>9}{'of ceiling':>12}")
    for name, rps, p50_, p99_, bad in rows:
        print(f"{name:30}{rps:>9.0f}{p50_:>9.2f}{p99_:>9.2f}{bad:>9}{rps / ceiling[1]:>11.0%}")
    named = {r[0]: r for r in rows}
    d, s, sql = named["product detail"], named["search over HTTP"], named["CRUD: card from SQL joins"]
    print(
        f"\nTargets: detail >= 70% of ceiling ({d[1] / ceiling[1]:.0%}), p99 <= 1.5x ceiling "
        f"({d[3] / ceiling[3]:.2f}x), >= 5x SQL ({d[1] / sql[1]:.1f}x); search >= 50% of ceiling "
        f"({s[1] / ceiling[1]:.0%}; {hit_rate:.0%} of searches answered from the cache)"
    )


if __name__ == "__main__":
    main()

"""Web app benchmark: the product and search pages in Chromium with 4x CPU throttling, against the demo shop.

For each page, cold loads (a fresh browser context each: empty cache) with the
CPU slowed 4x through the DevTools protocol (``Emulation.setCPUThrottlingRate``):

* LCP: the largest contentful paint (PerformanceObserver, buffered);
* JS transferred: the compressed bytes of every script the page loaded (as
  sent, brotli here), and the gzip size of the same files for the budget;
* API time: each ``/api/v1`` call the page made (Resource Timing), beside the
  same call made alone (httpx, no browser, median of 20): what the page adds.

Targets: the first route loads ≤ 180 kB of JavaScript gzipped; the product page's
LCP ≤ 1.5 s throttled.

Usage: make run (in another terminal), then
    uv run python benchmarks/frontend.py [--url http://127.0.0.1:8000] [--runs 5]
Chromium is Debian's (``apt-get install chromium``), driven by Playwright.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from playwright.sync_api import Browser, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "frontend" / "dist"
RESULTS = ROOT / "benchmarks" / "results"
JS_BUDGET_GZIP = 180 * 1024
LCP_TARGET_MS = 1500.0
THROTTLE = 4

LCP_OBSERVER = """
window.__lcp = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) window.__lcp = entry.startTime;
}).observe({ type: "largest-contentful-paint", buffered: true });
"""

RESOURCES = """() => performance.getEntriesByType("resource").map((e) => ({
  name: e.name, type: e.initiatorType, encoded: e.encodedBodySize, duration: e.responseEnd - e.startTime,
}))"""


@dataclass
class Load:
    lcp_ms: float
    js_sent_bytes: int
    js_gzip_bytes: int
    api_ms: dict[str, float]


@dataclass
class PageResult:
    page: str
    path: str
    loads: list[Load] = field(default_factory=list)
    api_alone_ms: dict[str, float] = field(default_factory=dict)

    def median(self, attribute: str) -> float:
        return statistics.median(float(getattr(load, attribute)) for load in self.loads)


def gzip_size(url: str) -> int:
    path = DIST / urlsplit(url).path.lstrip("/")
    gz = path.with_name(path.name + ".gz")
    return gz.stat().st_size if gz.exists() else 0


def load_once(browser: Browser, url: str, ready: str) -> Load:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.add_init_script(LCP_OBSERVER)
        cdp = context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": THROTTLE})
        page.goto(url, wait_until="load")
        page.locator(ready).first.wait_for(timeout=30_000)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)
        lcp = float(page.evaluate("() => window.__lcp"))
        resources = page.evaluate(RESOURCES)
        scripts = [
            r
            for r in resources
            if r["name"].endswith(".js") and urlsplit(r["name"]).path.startswith("/assets/")
        ]
        api = {
            urlsplit(r["name"]).path
            + ("?" + urlsplit(r["name"]).query if urlsplit(r["name"]).query else ""): r["duration"]
            for r in resources
            if "/api/v1/" in r["name"]
        }
        return Load(
            lcp_ms=lcp,
            js_sent_bytes=sum(int(r["encoded"]) for r in scripts),
            js_gzip_bytes=sum(gzip_size(r["name"]) for r in scripts),
            api_ms=api,
        )
    finally:
        context.close()


def api_alone(base: str, path: str, repeats: int = 20) -> float:
    with httpx.Client(base_url=base, timeout=30, headers={"Accept-Encoding": "br, gzip"}) as client:
        client.get(path)  # warm the connection
        samples = []
        for _ in range(repeats):
            started = time.perf_counter()
            client.get(path).raise_for_status()
            samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="the demo shop (make run)")
    parser.add_argument("--runs", type=int, default=5, help="cold loads per page")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args()
    base = args.url.rstrip("/")
    try:
        hit = httpx.get(
            f"{base}/api/v1/search", params={"q": "", "sort": "eco", "size": 1}, timeout=10
        ).json()["hits"][0]
    except (httpx.HTTPError, KeyError, IndexError) as exc:
        print(f"no demo shop answering at {base} ({exc}): start one with `make run`", file=sys.stderr)
        return 2
    pages = [
        PageResult("product", f"/products/{hit['id']}"),
        PageResult("search", "/search?q=organic&eco=80-"),
    ]
    ready = {"product": "#footprint-heading", "search": "ul[aria-label='Search results'] li"}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=["--no-sandbox"])
        try:
            for result in pages:
                for _ in range(args.runs):
                    result.loads.append(load_once(browser, base + result.path, ready[result.page]))
        finally:
            browser.close()
    for result in pages:
        for path in result.loads[0].api_ms:
            result.api_alone_ms[path] = api_alone(base, path)

    print(f"\nWeb app at {base}: {args.runs} cold loads per page, CPU throttled {THROTTLE}x (medians)\n")
    print(f"{'page':<8} {'LCP':>9} {'JS sent':>10} {'JS gzip':>10}   API call: in the page / alone")
    for result in pages:
        calls = result.loads[0].api_ms
        lines = [
            f"{path.split('?')[0]}: {statistics.median(load.api_ms.get(path, 0.0) for load in result.loads):.0f} ms"
            f" / {result.api_alone_ms[path]:.1f} ms"
            for path in calls
        ]
        print(
            f"{result.page:<8} {result.median('lcp_ms'):>7.0f} ms {result.median('js_sent_bytes') / 1024:>7.1f} kB"
            f" {result.median('js_gzip_bytes') / 1024:>7.1f} kB   {lines[0] if lines else '-'}"
        )
        for line in lines[1:]:
            print(f"{'':<50}{line}")
    product, search = pages
    first_route_js = max(product.median("js_gzip_bytes"), search.median("js_gzip_bytes"))
    lcp = product.median("lcp_ms")
    print("\nTargets:")
    print(
        f"  first route JS ≤ 180 kB gzipped: {first_route_js / 1024:.1f} kB —"
        f" {'met' if first_route_js <= JS_BUDGET_GZIP else 'MISSED'}"
    )
    print(
        f"  product LCP ≤ 1.5 s at {THROTTLE}x throttling: {lcp:.0f} ms — {'met' if lcp <= LCP_TARGET_MS else 'MISSED'}"
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"frontend-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps([asdict(p) for p in pages], indent=1))
    print(f"\nFigures saved in {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

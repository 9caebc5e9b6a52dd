"""A real Prometheus scrapes a running Ecolaura API with deploy/prometheus/alerts.yml loaded.

It asserts what the dashboard and the alerts rely on: a projection-lag query and a
request-latency quantile return values, and every alert rule evaluates without error.
Debian's `prometheus` package (installed by .ci/run) provides the server.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from ecolaura.embedded import free_port
from tests.deploy.conftest import DEPLOY

PROMETHEUS = shutil.which("prometheus")
pytestmark = pytest.mark.skipif(
    PROMETHEUS is None, reason="prometheus is missing: install Debian's `prometheus` package (.ci/run does)"
)


@pytest.fixture
def prometheus(api_url: str, tmp_path: Path) -> Iterator[str]:
    target = urlsplit(api_url).netloc
    config = tmp_path / "prometheus.yml"
    config.write_text(
        f"""global: {{scrape_interval: 1s, evaluation_interval: 1s}}
rule_files: ["{DEPLOY / "prometheus" / "alerts.yml"}"]
scrape_configs:
  - job_name: ecolaura-read-api
    static_configs: [{{targets: ["{target}"]}}]
"""
    )
    port = free_port()
    with (tmp_path / "prometheus.log").open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 - the machine's prometheus, our own config
            [
                PROMETHEUS or "",
                f"--config.file={config}",
                f"--storage.tsdb.path={tmp_path / 'data'}",
                f"--web.listen-address=127.0.0.1:{port}",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def query(base: str, promql: str) -> list[dict[str, Any]]:
    answer = httpx.get(f"{base}/api/v1/query", params={"query": promql}, timeout=5).json()
    assert answer["status"] == "success", answer
    return answer["data"]["result"]  # type: ignore[no-any-return]


def eventually(check: Any, timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return check()
        except (AssertionError, ValueError, httpx.HTTPError):  # ValueError: not JSON while it starts
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def test_prometheus_scrapes_lag_and_latency_and_evaluates_the_alerts(api_url: str, prometheus: str) -> None:
    def scraped() -> None:
        assert query(prometheus, 'up{job="ecolaura-read-api"} == 1')

    eventually(scraped)

    def lag_and_latency() -> None:
        for _ in range(5):  # traffic between scrapes, so the rate has something to show
            httpx.get(f"{api_url}/api/v1/catalog/products", timeout=10)
        lag = query(prometheus, "max by (projection) (ecolaura_projection_lag_seconds)")
        assert {r["metric"]["projection"] for r in lag} >= {"product_cards", "order_views"}
        p99 = query(
            prometheus,
            "histogram_quantile(0.99, sum by (le) (rate(ecolaura_request_duration_seconds_bucket"
            '{path="/api/v1/catalog/products"}[10s])))',
        )
        assert p99
        assert not math.isnan(float(p99[0]["value"][1]))

    eventually(lag_and_latency)

    def rules_evaluated() -> None:
        groups = httpx.get(f"{prometheus}/api/v1/rules", timeout=5).json()["data"]["groups"]
        rules = [rule for group in groups for rule in group["rules"]]
        assert len(rules) >= 10
        assert all(rule["health"] == "ok" for rule in rules), [r for r in rules if r["health"] != "ok"]
        assert all(rule["lastEvaluation"] != "0001-01-01T00:00:00Z" for rule in rules)

    eventually(rules_evaluated)

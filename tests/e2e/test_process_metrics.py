"""Every process serves /metrics: the API on its port, the projector and the worker on ports of their own.

Real processes over real sockets: ``ecolaura serve all``, ``ecolaura project`` and
``ecolaura worker`` against the session's PostgreSQL and Redis, and localstripe,
which delivers its signed webhook to the served API. An order is placed (twice
with one Idempotency-Key), paid by card and settled by the worker; then each
process's /metrics, scraped over HTTP, shows the work it did.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import stripe

from ecolaura.embedded import free_port, local_stripe, register_stripe_webhook
from tests.conftest import WEBHOOK_SECRET
from tests.factories import admin_headers, customer_headers, order_body, product_body
from tests.served import served_api

_SAMPLE = re.compile(r"^([a-zA-Z_:][\w:]*)(\{[^}]*\})? (\S+)$")


def scrape(url: str) -> dict[str, float]:
    """``name{labels}`` -> value, labels as the exposition writes them."""
    response = httpx.get(url, timeout=5)
    assert response.status_code == 200, response.text
    samples = {}
    for line in response.text.splitlines():
        if match := _SAMPLE.match(line):
            samples[match.group(1) + (match.group(2) or "")] = float(match.group(3))
    return samples


def eventually(check: Callable[[], None], timeout: float = 40.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            check()
        except (AssertionError, httpx.HTTPError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)
        else:
            return


@contextmanager
def running(command: str, env: dict[str, str], log_file: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log_file.open("ab") as log:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and CLI
            [sys.executable, "-m", "ecolaura.cli", command],
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def platform(
    database_url: str, clean_redis: str, search_dir: Path, tmp_path: Path
) -> Iterator[dict[str, str]]:
    """The API, the projector and the worker, each with its /metrics address; and localstripe."""
    with local_stripe() as stripe_base:
        projector_port, worker_port = free_port(), free_port()
        env = {
            "DATABASE_URL": database_url,
            "REDIS_URL": clean_redis,
            "SEARCH_DIR": str(search_dir),
            "ECOLAURA_VAR_DIR": str(tmp_path),
            "LAKE_DIR": str(tmp_path / "lake"),
            "STRIPE_API_KEY": "sk_test_localstripe",
            "STRIPE_API_BASE": stripe_base,
            "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "PROJECTOR_METRICS_PORT": str(projector_port),
            "WORKER_METRICS_PORT": str(worker_port),
        }
        with (
            served_api(env, tmp_path / "api.log") as api,
            running("project", env, tmp_path / "projector.log"),
            running("worker", env, tmp_path / "worker.log"),
        ):
            register_stripe_webhook(stripe_base, f"{api}/api/v1/webhooks/stripe", WEBHOOK_SECRET)
            yield {
                "api": api,
                "stripe": stripe_base,
                "api_metrics": f"{api}/metrics",
                "projector_metrics": f"http://127.0.0.1:{projector_port}/metrics",
                "worker_metrics": f"http://127.0.0.1:{worker_port}/metrics",
            }


def test_the_projector_and_the_worker_serve_metrics_that_move_with_real_work(
    platform: dict[str, str],
) -> None:
    eventually(lambda: scrape(platform["projector_metrics"]) and None)
    eventually(lambda: scrape(platform["worker_metrics"]) and None)
    projected_before = scrape(platform["projector_metrics"]).get(
        'ecolaura_projection_events_applied_total{projection="order_views"}', 0.0
    )

    with httpx.Client(base_url=platform["api"], timeout=30) as api:
        product = api.post("/api/v1/products", json=product_body(), headers=admin_headers())
        assert product.status_code == 201, product.text
        email = f"{uuid.uuid4().hex[:12]}@example.com"
        customer = api.post(
            "/api/v1/customers",
            headers=admin_headers(),
            json={"email": email, "display_name": "Metrics Shopper", "country": "NL"},
        ).json()["id"]
        headers = {**customer_headers(customer), "Idempotency-Key": uuid.uuid4().hex}
        body = order_body((product.json()["id"], 1))
        order = api.post("/api/v1/orders", json=body, headers=headers)
        again = api.post("/api/v1/orders", json=body, headers=headers)
        assert order.status_code == again.status_code == 201, order.text
        assert again.headers["Idempotent-Replayed"] == "true"
        refused = api.post("/api/v1/auth/signin", json={"email": email, "password": "not the password"})
        assert refused.status_code == 401, refused.text

        card = stripe.StripeClient("sk_test_localstripe", base_addresses={"api": platform["stripe"]})
        method = card.v1.payment_methods.create(
            {
                "type": "card",
                "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2034, "cvc": "123"},
            }
        )
        paying = api.post(
            f"/api/v1/orders/{order.json()['id']}/pay",
            headers=customer_headers(customer),
            json={"payment_method": method.id},
        )
        assert paying.status_code == 202, paying.text

    def worker_settled_it() -> None:
        worker = scrape(platform["worker_metrics"])
        assert worker.get('ecolaura_orders_total{change="paid"}') == 1.0
        assert worker.get('ecolaura_stripe_events_processed_total{outcome="ok"}', 0) >= 1
        assert (
            worker['ecolaura_job_duration_seconds_count{function="process_stripe_event",outcome="ok"}'] >= 1
        )
        assert "ecolaura_jobs_queued" in worker
        assert worker['ecolaura_db_pool_max_connections{pool="main"}'] == 5.0
        assert worker['ecolaura_redis_pool_max_connections{pool="jobs"}'] > 0

    eventually(worker_settled_it)

    def projector_applied_it() -> None:
        projector = scrape(platform["projector_metrics"])
        applied = projector['ecolaura_projection_events_applied_total{projection="order_views"}']
        assert applied >= projected_before + 2  # placed, then paid
        assert projector['ecolaura_projection_batch_events_count{projection="order_views"}'] >= 1
        assert projector['ecolaura_projection_apply_seconds_sum{projection="order_views"}'] > 0
        assert 'ecolaura_redis_pool_connections{pool="read_models",state="in_use"}' in projector

    eventually(projector_applied_it)

    api_samples = scrape(platform["api_metrics"])
    assert api_samples['ecolaura_orders_total{change="placed"}'] == 1.0  # the replay placed nothing
    assert api_samples["ecolaura_idempotent_replays_total"] == 1.0
    assert api_samples['ecolaura_signin_failures_total{reason="credentials"}'] == 1.0
    assert api_samples['ecolaura_stripe_webhooks_total{outcome="stored"}'] >= 1
    assert api_samples['ecolaura_db_pool_max_connections{pool="commands"}'] > 0
    assert 'ecolaura_projection_rebuild_done_events{projection="order_views"}' in api_samples

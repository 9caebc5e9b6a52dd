"""Helpers shared by the benchmark scripts (kept apart from the `projections` package name)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import redis

from ecolaura.embedded import free_port

ROOT = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def bench_redis(given: str | None = None, url: str = "redis://127.0.0.1:6379/14") -> Iterator[str]:
    """``given`` (a --redis-url), else BENCH_REDIS_URL, else the local Redis at ``url`` (a database
    the caller empties), else an embedded one."""
    given = given or os.environ.get("BENCH_REDIS_URL")
    if given:
        yield given
        return
    try:
        redis.Redis.from_url(url).ping()
    except redis.ConnectionError:
        from ecolaura.embedded import local_redis

        with tempfile.TemporaryDirectory() as tmp, local_redis(Path(tmp)) as embedded:
            yield embedded
        return
    yield url


def asgi_server(server: str, target: str, *, factory: bool = False, workers: int = 1) -> list[str]:
    """``server`` (granian, as ``ecolaura serve`` runs, or uvicorn) serving ``target``; ``serve`` adds --port.

    Targets are named by package path (``benchmarks.x:app``) and loaded from the repository root.
    """
    flags = ["--factory"] if factory else []
    if server == "uvicorn":
        return [
            *(sys.executable, "-m", "uvicorn", target, *flags, "--workers", str(workers)),
            *("--loop", "uvloop", "--http", "httptools", "--no-access-log", "--log-level", "warning"),
        ]
    return [
        *(sys.executable, "-m", "granian", target, *flags, "--workers", str(workers)),
        *("--interface", "asgi", "--loop", "uvloop", "--http", "1", "--log-level", "warning"),
    ]


def measured_at(size: int, target: int) -> bool:
    """Whether a run over ``size`` events measured a target stated for ``target`` of them.

    A run a little over the size (whole order lifecycles, a catalog before them) counts;
    a smaller run says nothing about the target, and a much larger one cannot miss it fairly.
    """
    return target <= size < target * 1.01


def wrk_ms(text: str) -> float:
    """A wrk latency such as '812.00us', '4.20ms' or '1.02s' in milliseconds."""
    for unit, factor in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * factor
    return float(text)


@contextlib.contextmanager
def serve(command: list[str], env: dict[str, str], cwd: Path = ROOT) -> Iterator[int]:
    """Run ``command --port P`` until it accepts connections; stop it with SIGTERM afterwards."""
    port = free_port()
    proc = subprocess.Popen(
        [*command, "--port", str(port)],
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{command} did not start")
            time.sleep(0.2)
        yield port
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


def wrk_run(
    port: int, script: str, env: dict[str, str], seconds: int, clients: int
) -> tuple[float, float, float, int]:
    """Warm up for 2 s, then run the wrk Lua ``script``: requests/s, p50 ms, p99 ms and the error count.

    Errors are non-2xx/3xx answers and socket errors (connect, read, write, timeout) together.
    """
    with tempfile.TemporaryDirectory() as tmp:
        lua = Path(tmp) / "load.lua"
        lua.write_text(script)
        url = f"http://127.0.0.1:{port}"
        full_env = {**os.environ, **env}
        subprocess.run(
            ["wrk", "-t1", f"-c{clients}", "-d2s", "-s", str(lua), url],
            env=full_env,
            capture_output=True,
            check=True,
        )
        out = subprocess.run(
            ["wrk", "-t1", f"-c{clients}", f"-d{seconds}s", "--latency", "-s", str(lua), url],
            env=full_env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    lines = [line.split() for line in out.splitlines()]
    rps = next(float(p[1]) for p in lines if p[:1] == ["Requests/sec:"])
    p50 = next(wrk_ms(p[1]) for p in lines if p[:1] == ["50%"])
    p99 = next(wrk_ms(p[1]) for p in lines if p[:1] == ["99%"])
    return rps, p50, p99, wrk_errors(out)


def wrk_errors(out: str) -> int:
    """Non-2xx/3xx answers plus socket errors in wrk's report (wrk prints each line only when non-zero)."""
    lines = [line.split() for line in out.splitlines()]
    bad = next((int(p[-1]) for p in lines if p[:3] == ["Non-2xx", "or", "3xx"]), 0)
    # "Socket errors: connect 0, read 3, write 0, timeout 12"
    socket = next((p[2:] for p in lines if p[:2] == ["Socket", "errors:"]), [])
    return bad + sum(int(n.rstrip(",")) for n in socket[1::2])

"""``ecolaura up``'s logs: short lines for a person at a terminal, JSON lines for a pipe.

Run for real against the session's PostgreSQL and Redis: once with its stdout and
stderr on a pseudo-terminal (what a person's terminal is), once with stdout a pipe.
Every process (the API, the projector, the worker) echoes its lines to ``up``'s
stdout; their files in ``var/log`` stay JSON either way.
"""

from __future__ import annotations

import json
import os
import pty
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from ecolaura.embedded import free_port

SHORT = re.compile(r"^\d\d:\d\d:\d\d (api|projector|worker|up)\s+(debug|info|warni|error|criti)\s+\S+")


def _env(database_url: str, redis_url: str, var: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "LOG_", "OTEL_"))}
    env.update(DATABASE_URL=database_url, REDIS_URL=redis_url, ECOLAURA_VAR_DIR=str(var))
    return env


def _until(condition: Callable[[], bool], within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, f"waited {within:.0f} s for {what}"
        time.sleep(0.2)


@contextmanager
def _up(env: dict[str, str], stdout: int, stderr: int) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and CLI
        [sys.executable, "-m", "ecolaura.cli", "up", "--no-demo", "--port", str(port)],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=stdout,
        stderr=stderr,
    )
    try:
        yield process, f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _live(base: str) -> bool:
    try:
        return httpx.get(f"{base}/health/live", timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def _read_into(fd: int, into: list[str]) -> None:
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the terminal's other side closed
            return
        if not chunk:
            return
        into.append(chunk.decode(errors="replace"))


def _lines(chunks: list[str]) -> list[str]:
    return "".join(chunks).replace("\r\n", "\n").splitlines()


def _seen_every_process(lines: list[str], short: bool) -> bool:
    if short:
        found = [m.group(1) for line in lines if (m := SHORT.match(line))]
    else:
        found = [json.loads(line).get("process") for line in lines if line.startswith("{")]
    return {"api", "projector", "worker"} <= set(found)


def test_on_a_terminal_up_shows_short_lines_from_every_process(
    database_url: str, clean_redis: str, tmp_path: Path
) -> None:
    terminal, its_side = pty.openpty()
    output: list[str] = []
    reader = threading.Thread(target=_read_into, args=(terminal, output), daemon=True)
    with _up(_env(database_url, clean_redis, tmp_path), its_side, its_side) as (up, base):
        os.close(its_side)
        reader.start()
        _until(lambda: "Ecolaura is up at" in "".join(output) or up.poll() is not None, 180, "ecolaura up")
        assert up.poll() is None, "".join(output)[-3000:]
        _until(lambda: _live(base), 60, "the API")
        _until(lambda: _seen_every_process(_lines(output), short=True), 60, "a line from every process")
        _until(lambda: any("path=/health/live" in line for line in _lines(output)), 30, "the access line")
    reader.join(timeout=10)
    os.close(terminal)
    lines = _lines(output)
    access = next(line for line in lines if "path=/health/live" in line)
    assert SHORT.match(access), access
    assert re.search(r" api\s+info\s+request method=GET path=/health/live status=200 ms=\S+", access), access
    assert len(access) < 120, access  # short: one terminal line
    assert not [line for line in lines if line.lstrip().startswith("{")], "JSON on the terminal"
    for name in ("api", "projector", "worker"):  # the files keep the machine's format
        records = [json.loads(line) for line in (tmp_path / "log" / f"{name}.log").read_text().splitlines()]
        assert name in {r["process"] for r in records}  # api.log is `up`'s own file too


def test_through_a_pipe_up_writes_json_lines(database_url: str, clean_redis: str, tmp_path: Path) -> None:
    output: list[str] = []
    with _up(_env(database_url, clean_redis, tmp_path), subprocess.PIPE, subprocess.DEVNULL) as (up, base):
        assert up.stdout is not None
        reader = threading.Thread(target=_read_into, args=(up.stdout.fileno(), output), daemon=True)
        reader.start()
        _until(
            lambda: _seen_every_process(_lines(output), short=False) or up.poll() is not None,
            180,
            "ecolaura up",
        )
        assert up.poll() is None, "".join(output)[-3000:]
        _until(lambda: _live(base), 60, "the API")
        _until(lambda: any('"path":"/health/live"' in line for line in _lines(output)), 30, "the access line")
    reader.join(timeout=10)
    lines = [line for line in _lines(output) if line.strip()]
    records = [json.loads(line) for line in lines]  # every line of stdout is JSON
    access = next(r for r in records if r.get("path") == "/health/live")
    assert access["process"] == "api" and access["event"] == "request" and access["status"] == 200

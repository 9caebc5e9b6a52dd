"""Keeping ``ecolaura up``'s child processes alive: the projector, the worker and localstripe.

A thread watches the children. One that exits while the platform is up is
started again after a delay that doubles with each quick death (up to
``MAX_BACKOFF``) and resets once it has stayed up for ``HEALTHY_AFTER``. Every
restart is logged and shown; a child that died ``LOUD_AFTER`` times within
``LOUD_WINDOW`` is reported loudly, with its log file, because something is
wrong that a restart will not fix. Each child's output goes to its own log file.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import structlog

log = structlog.get_logger("ecolaura.supervisor")

MAX_BACKOFF = 10.0
HEALTHY_AFTER = 60.0
LOUD_AFTER = 5
LOUD_WINDOW = 300.0
POLL_EVERY = 0.2


@dataclass
class Child:
    """A process to keep running: its command, its log file and what to do once it has started."""

    name: str
    argv: list[str]
    log_file: Path
    env: dict[str, str] | None = None
    after_start: Callable[[], None] | None = None  # e.g. wait until it listens, then register with it
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    delay: float = 1.0
    deaths: list[float] = field(default_factory=list)
    restart_at: float | None = None

    def start(self) -> None:
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        with self.log_file.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and commands
                self.argv,
                stdout=out,
                stderr=subprocess.STDOUT,
                env={**os.environ, **(self.env or {})},
            )
        self.started_at = time.monotonic()
        if self.after_start is not None:
            self.after_start()


class Supervisor:
    """Starts children, restarts the ones that die, stops them all on ``stop()``."""

    def __init__(self, children: list[Child], say: Callable[[str], None]) -> None:
        self.children = children
        self._say = say  # to the person at the terminal; logs get the details
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="supervisor", daemon=True)

    def start(self) -> Supervisor:
        for child in self.children:
            child.start()
        self._thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        """Stop watching, then SIGTERM every child and wait; SIGKILL what does not stop in time."""
        self._stopping.set()
        self._thread.join(timeout=5)
        running = [c.process for c in self.children if c.process is not None and c.process.poll() is None]
        for process in running:
            process.terminate()
        deadline = time.monotonic() + timeout
        for process in running:
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def _watch(self) -> None:
        while not self._stopping.wait(POLL_EVERY):
            now = time.monotonic()
            for child in self.children:
                try:
                    self._tend(child, now)
                except Exception:  # a child that cannot even be started is retried, never the end of us
                    log.exception("supervisor.start_failed", child=child.name)
                    child.restart_at = now + child.delay

    def _tend(self, child: Child, now: float) -> None:
        if child.restart_at is not None:
            if now >= child.restart_at:
                child.restart_at = None
                child.start()
                log.info(
                    "supervisor.restarted", child=child.name, pid=child.process.pid if child.process else None
                )
            return
        if child.process is None or child.process.poll() is None:
            return
        code = child.process.returncode
        if now - child.started_at > HEALTHY_AFTER:
            child.delay = 1.0
        child.deaths = [t for t in child.deaths if now - t < LOUD_WINDOW] + [now]
        child.restart_at = now + child.delay
        log.warning("supervisor.child_died", child=child.name, exit_code=code, restart_in=child.delay)
        if len(child.deaths) >= LOUD_AFTER:
            self._say(
                f"[bold red]{child.name} keeps dying: {len(child.deaths)} times in {LOUD_WINDOW / 60:.0f} "
                f"minutes (last exit code {code}). It is restarted every {child.delay:.0f} s; "
                f"see {child.log_file}.[/]"
            )
        else:
            self._say(
                f"[yellow]{child.name} stopped (exit code {code}); restarting it in {child.delay:.0f} s. "
                f"Details: {child.log_file}[/]"
            )
        child.delay = min(child.delay * 2, MAX_BACKOFF)

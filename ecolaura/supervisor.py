"""Keeping ``ecolaura up``'s child processes alive: the projector, the worker and localstripe.

A thread watches the children. One that exits while the platform is up is
started again after a delay that doubles with each quick death (up to
``MAX_BACKOFF``) and resets once it has stayed up for ``HEALTHY_AFTER``. Every
restart is logged and shown; a child that died ``LOUD_AFTER`` times within
``LOUD_WINDOW`` is reported loudly, with its log file, because something is
wrong that a restart will not fix. Each child's output goes to its own log file.

Stopping is the supervisor's decision alone. Each child runs in a session of its
own, so Ctrl-C at the terminal (SIGINT to the terminal's foreground process
group) reaches the supervisor and not the children, and once shutdown has begun
(``begin_shutdown``, safe to call from a signal handler) nothing is restarted;
``stop`` then stops the children in order. A supervisor that dies without
stopping them (``kill -9``) takes them with it: on Linux each child asks the
kernel for SIGTERM when its parent dies (``PR_SET_PDEATHSIG``), and Ecolaura's
own processes also watch their parent (``exit_with_supervisor``): where the
kernel cannot do it, and in the API server's workers, which Granian starts.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
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
SUPERVISOR_PID_ENV = "ECOLAURA_SUPERVISOR_PID"  # set in each child: the process that supervises it
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
ORPHAN_GRACE = 30.0  # seconds an orphaned child has to stop on SIGTERM before it exits at once


@dataclass
class Child:
    """A process to keep running: its command, its log file and what to do once it has started."""

    name: str
    argv: list[str]
    log_file: Path
    env: dict[str, str] | None = None
    echo: bool = False  # its stdout stays ours (it echoes its log lines there); stderr goes to the file
    after_start: Callable[[], None] | None = None  # e.g. wait until it listens, then register with it
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    delay: float = 1.0
    deaths: list[float] = field(default_factory=list)
    restart_at: float | None = None

    def start(self) -> None:
        """Start the process, then ``after_start``; a process whose ``after_start`` fails is killed."""
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        with self.log_file.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and commands
                self.argv,
                stdout=None if self.echo else out,
                stderr=out if self.echo else subprocess.STDOUT,
                env={**os.environ, **(self.env or {}), SUPERVISOR_PID_ENV: str(os.getpid())},
                start_new_session=True,  # out of the terminal's process group: see the module docstring
                preexec_fn=_die_with_parent(os.getpid()),  # noqa: PLW1509 - see _die_with_parent
            )
        self.started_at = time.monotonic()
        if self.after_start is None:
            return
        try:
            self.after_start()
        except BaseException:
            # Nobody would stop it otherwise: the supervisor only tends children that started.
            self.kill()
            raise

    def kill(self) -> None:
        """SIGKILL the process if it runs, and reap it."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def _die_with_parent(parent: int) -> Callable[[], None] | None:
    """On Linux, what the forked child runs before exec: SIGTERM me when my parent dies.

    ``prctl`` is looked up here, in the parent: the child is forked from a process with threads,
    where another thread may have held any lock, so it only makes the call (no imports, no logging).
    The kernel sends the signal when the *thread* that forked the child ends: children are started
    by the main thread or the supervisor's thread, and both last until ``Supervisor.stop``.
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # no libc symbols to find: exit_with_supervisor still watches
        return None
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong]
    prctl.restype = ctypes.c_int

    def arrange() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the parent died before the request took effect
            os._exit(1)

    return arrange


def exit_with_supervisor(poll: float = 1.0) -> None:
    """In a supervised Ecolaura process: stop (SIGTERM to itself) when the supervisor is gone.

    For where the kernel cannot do it (not Linux), and for processes that someone else starts
    (Granian's workers). The supervisor's pid is taken out of the environment, so this process's
    own children do not take it for their parent.
    """
    given = os.environ.pop(SUPERVISOR_PID_ENV, None)
    if not given or os.getppid() != int(given):
        return
    supervisor = int(given)

    def watch() -> None:
        while os.getppid() == supervisor:
            time.sleep(poll)
        log.warning("supervisor.gone", supervisor_pid=supervisor)
        os.kill(os.getpid(), signal.SIGTERM)  # stop as on `ecolaura up`'s own stop
        time.sleep(ORPHAN_GRACE)
        os._exit(1)  # nobody is left to SIGKILL it

    threading.Thread(target=watch, name="supervisor-watch", daemon=True).start()


class Supervisor:
    """Starts children, restarts the ones that die, stops them all on ``stop()``."""

    def __init__(self, children: list[Child], say: Callable[[str], None]) -> None:
        self.children = children
        self._say = say  # to the person at the terminal; logs get the details
        self._stopping = threading.Event()
        # A plain flag, not the Event: a signal handler sets it, and setting an Event takes a lock
        # that the interrupted main thread may be holding.
        self._shutting_down = False
        self._thread = threading.Thread(target=self._watch, name="supervisor", daemon=True)

    def start(self) -> Supervisor:
        """Start every child in order; if one fails to start, stop those already started and raise."""
        try:
            for child in self.children:
                child.start()
        except BaseException:
            self.stop()
            raise
        self._thread.start()
        return self

    def begin_shutdown(self) -> None:
        """From now on, a child that dies stays dead. Safe in a signal handler: it only sets a flag."""
        self._shutting_down = True

    def stop(self, timeout: float = 30.0) -> None:
        """Stop watching, then SIGTERM every child and wait; SIGKILL what does not stop in time."""
        self.begin_shutdown()
        self._stopping.set()
        if self._thread.is_alive():
            # Until a restart under way has finished, so the child it starts is stopped below.
            self._thread.join(timeout=timeout)
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
        # Until stop(), even after begin_shutdown: the kernel SIGTERMs the children this thread
        # restarted as soon as it ends (see _die_with_parent), and they are stop()'s to stop.
        while not self._stopping.wait(POLL_EVERY):
            now = time.monotonic()
            for child in self.children:
                if self._shutting_down:
                    break
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

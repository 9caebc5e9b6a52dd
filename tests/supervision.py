"""Processes for the supervisor's tests: a child that notes what happens to it, and supervisors to kill.

``python -m tests.supervision MODE FOLDER`` runs one of the supervisors below; each child
notes ``start``, and the signal that stopped it, with its pid, in ``FOLDER/<name>.notes``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from ecolaura.supervisor import SUPERVISOR_PID_ENV, Child, Supervisor
from ecolaura.up import ShutdownSignals

DRAIN = 1.5  # seconds between Ctrl-C and stop(), as while the API drains its connections

# Notes its start and the signal that stops it; with a second argument, the first run exits at once.
CHILD = """
import os, signal, sys, time
from pathlib import Path
notes, once = Path(sys.argv[1]), len(sys.argv) > 2
def note(what):
    with notes.open("a") as out:
        out.write(f"{what} {os.getpid()}\\n")
def stop(signum, frame):
    note(signal.Signals(signum).name)
    sys.exit(0)
signal.signal(signal.SIGINT, stop)
signal.signal(signal.SIGTERM, stop)
first = not notes.exists()
note("start")
if once and first:
    sys.exit(3)
while True:
    time.sleep(0.1)
"""


def notes(folder: Path, name: str) -> list[tuple[str, int]]:
    path = folder / f"{name}.notes"
    if not path.exists():
        return []
    return [(what, int(pid)) for what, pid in (line.split() for line in path.read_text().splitlines())]


def child(folder: Path, name: str, *, dies_once: bool = False) -> Child:
    argv = [sys.executable, "-c", CHILD, str(folder / f"{name}.notes"), *(["once"] if dies_once else [])]
    return Child(name, argv, folder / f"{name}.log")


def _ready() -> None:
    """Tell the test (reading stdout) that the children are up."""
    sys.stdout.write("ready\n")
    sys.stdout.flush()


def _wait_for(condition: Callable[[], object], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the children did not start")
        time.sleep(0.05)


def like_up(folder: Path) -> None:
    """As ``ecolaura up`` does: the signal begins the shutdown, the stop comes after a drain."""
    shutdown = ShutdownSignals()
    shutdown.install()
    supervisor = Supervisor([child(folder, "projector")], say=print)
    shutdown.first(supervisor.begin_shutdown)
    try:
        supervisor.start()
        _wait_for(lambda: notes(folder, "projector"))
        _ready()
        while True:
            time.sleep(0.1)
    except KeyboardInterrupt:
        time.sleep(DRAIN)
    finally:
        supervisor.stop()


def killed(folder: Path) -> None:
    """A supervisor with a child it started and one its thread restarted; the test kills it."""
    supervisor = Supervisor([child(folder, "steady"), child(folder, "restarted", dies_once=True)], say=print)
    supervisor.start()
    _wait_for(lambda: len(notes(folder, "restarted")) == 2 and notes(folder, "steady"))
    _ready()
    while True:
        time.sleep(0.1)


def watched(folder: Path) -> None:
    """A parent that started its child the plain way: only the child's own watch can stop it."""
    watch = "from ecolaura.supervisor import exit_with_supervisor; exit_with_supervisor(poll=0.1)\n"
    env = {**os.environ, SUPERVISOR_PID_ENV: str(os.getpid())}
    subprocess.Popen(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", watch + CHILD, str(folder / "watched.notes")], env=env
    )
    _wait_for(lambda: notes(folder, "watched"))
    _ready()
    while True:
        time.sleep(0.1)


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.default_int_handler)
    {"like_up": like_up, "killed": killed, "watched": watched}[sys.argv[1]](Path(sys.argv[2]))

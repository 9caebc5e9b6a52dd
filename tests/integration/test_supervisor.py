"""Only the supervisor stops its children: not Ctrl-C at the terminal, and not its own death."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from ecolaura.supervisor import Supervisor
from tests.supervision import child, notes

ROOT = Path(__file__).resolve().parents[2]


def _gone(pid: int) -> bool:
    """Exited (an orphan's zombie counts: whoever adopted it may never reap it)."""
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def _wait_until_gone(pids: list[int], timeout: float = 5.0) -> list[int]:
    deadline = time.monotonic() + timeout
    while [p for p in pids if not _gone(p)] and time.monotonic() < deadline:
        time.sleep(0.05)
    return [p for p in pids if not _gone(p)]


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[tuple[Path, list[subprocess.Popen[str]]]]:
    started: list[subprocess.Popen[str]] = []
    yield tmp_path, started
    for process in started:  # whatever a failed test left behind
        if process.poll() is None:
            process.kill()
            process.wait()
    for name in ("projector", "steady", "restarted", "watched"):
        for _, pid in notes(tmp_path, name):
            if not _gone(pid):
                os.kill(pid, signal.SIGKILL)


def _run(mode: str, folder: Path, started: list[subprocess.Popen[str]]) -> subprocess.Popen[str]:
    """``tests.supervision`` in a session of its own (its pid is its process group), once ready."""
    process = subprocess.Popen(  # noqa: S603 - our own interpreter
        [sys.executable, "-m", "tests.supervision", mode, str(folder)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    started.append(process)
    assert process.stdout is not None
    for line in process.stdout:  # the supervisor's own log lines come first
        if line.strip() == "ready":
            return process
    raise AssertionError(f"{mode} exited with {process.wait()} before it was ready")


def test_ctrl_c_reaches_the_supervisor_only_and_nothing_is_restarted(
    harness: tuple[Path, list[subprocess.Popen[str]]],
) -> None:
    folder, started = harness
    supervisor = _run("like_up", folder, started)
    ((_, pid),) = notes(folder, "projector")
    os.killpg(supervisor.pid, signal.SIGINT)  # what the terminal does on Ctrl-C
    supervisor.communicate(timeout=30)
    # Stopped by the supervisor after its drain (SIGTERM), not by the terminal, and not started again.
    assert notes(folder, "projector") == [("start", pid), ("SIGTERM", pid)]
    assert _wait_until_gone([pid]) == []


def test_once_shutdown_begins_a_child_that_dies_stays_dead(tmp_path: Path) -> None:
    quitter = child(tmp_path, "quitter", dies_once=True)
    supervisor = Supervisor([quitter], say=print).start()
    try:
        supervisor.begin_shutdown()
        time.sleep(2.0)  # a restart would come after 1 s
        assert [what for what, _ in notes(tmp_path, "quitter")] == ["start"]
    finally:
        supervisor.stop()


def test_the_children_of_a_killed_supervisor_exit(harness: tuple[Path, list[subprocess.Popen[str]]]) -> None:
    folder, started = harness
    supervisor = _run("killed", folder, started)
    steady, restarted = notes(folder, "steady")[-1][1], notes(folder, "restarted")[-1][1]
    supervisor.kill()  # kill -9: no stop(), no finally
    supervisor.wait()
    assert _wait_until_gone([steady, restarted]) == []
    assert notes(folder, "steady")[-1] == ("SIGTERM", steady)
    assert notes(folder, "restarted")[-1] == ("SIGTERM", restarted)


def test_a_child_that_watches_its_supervisor_exits_when_it_is_killed(
    harness: tuple[Path, list[subprocess.Popen[str]]],
) -> None:
    folder, started = harness
    parent = _run("watched", folder, started)
    ((_, pid),) = notes(folder, "watched")
    parent.kill()
    parent.wait()
    assert _wait_until_gone([pid]) == []
    assert notes(folder, "watched")[-1] == ("SIGTERM", pid)


def test_a_child_whose_start_fails_after_the_process_started_is_killed(tmp_path: Path) -> None:
    failing = child(tmp_path, "failing")

    def not_ready() -> None:
        raise RuntimeError("did not listen in time")

    failing.after_start = not_ready
    with pytest.raises(RuntimeError, match="did not listen"):
        failing.start()
    assert failing.process is not None and failing.process.poll() is not None


def test_a_supervisor_whose_child_fails_to_start_stops_the_ones_started(tmp_path: Path) -> None:
    first, second = child(tmp_path, "first"), child(tmp_path, "second")
    second.argv = [str(tmp_path / "no-such-program")]
    with pytest.raises(FileNotFoundError):
        Supervisor([first, second], say=print).start()
    assert first.process is not None and first.process.poll() is not None

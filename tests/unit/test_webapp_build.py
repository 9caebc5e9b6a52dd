"""`make run` builds the web app only when its sources changed since the last build."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from ecolaura import webapp


@pytest.fixture
def frontend(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "main.tsx").write_text("render()")
    (tmp_path / "src" / "__tests__").mkdir()
    (tmp_path / "src" / "__tests__" / "a.test.ts").write_text("test()")
    (tmp_path / "index.html").write_text("<div id=root>")
    (tmp_path / "dist").mkdir()
    monkeypatch.setattr(webapp, "FRONTEND", tmp_path)
    monkeypatch.setattr(webapp, "STAMP", tmp_path / "dist" / ".source-hash")
    builds: list[list[str]] = []

    def run(command: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
        builds.append(command)
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(webapp.subprocess, "run", run)
    return builds


def test_builds_once_then_only_after_a_source_changes(frontend: list[list[str]]) -> None:
    assert webapp.build() is True
    assert webapp.build() is False
    (webapp.FRONTEND / "src" / "__tests__" / "a.test.ts").write_text("test('changed')")
    assert webapp.build() is False  # tests are not part of the build
    (webapp.FRONTEND / "src" / "main.tsx").write_text("render(<App />)")
    assert webapp.build() is True
    assert webapp.build(force=True) is True
    assert len(frontend) == 3
    assert frontend[0][-3:] == ["build", "--prefix", str(webapp.FRONTEND)]

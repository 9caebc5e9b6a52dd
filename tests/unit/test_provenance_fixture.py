"""The web app's verifier vectors are the Python log's own output, and stay so."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "frontend/scripts/provenance_fixture.py"


def test_the_committed_fixture_is_what_the_python_code_makes() -> None:
    spec = importlib.util.spec_from_file_location("provenance_fixture", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.OUT.read_text(encoding="utf-8") == module.render(), (
        "regenerate it: uv run python frontend/scripts/provenance_fixture.py"
    )

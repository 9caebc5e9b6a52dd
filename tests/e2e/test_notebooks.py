"""The analyst notebooks run headless against demo data, as CI runs them, and draw their charts.

Demo data goes through the real CLI into a fresh database of the test server
(``ecolaura seed``, then ``ecolaura lake export``); each marimo notebook then runs
as a plain script (``python notebooks/x.py``, which is what ``uv run python
notebooks/x.py`` does), where a cell that raises makes the script exit non-zero.
The notebooks run side by side, each in its own process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from ecolaura.settings import libpq_url

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
CHARTS = {
    "impact_overview": {"by_month", "by_country", "top_categories", "orders_by_shipping_method"},
    "category_deep_dive": {
        "footprint_vs_baseline",
        "footprint_by_weight",
        "savings_distribution",
        "eco_scores",
    },
    "methodology": {"stages_uncertainty", "last_mile", "rerating"},
}
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class DemoLake:
    env: dict[str, str]
    lake: Path


@pytest.fixture(scope="module")
def base_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of every subprocess here, with one bytecode cache they share.

    Each process imports marimo, matplotlib, Polars and the platform: compiled once
    into a temporary cache (never into the venv), later processes start about three
    times faster, even where ``PYTHONDONTWRITEBYTECODE`` is set.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("NOTEBOOK_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(PYTHONPYCACHEPREFIX=str(tmp_path_factory.mktemp("pycache")), LOG_LEVEL="WARNING")
    return env


def _run(args: list[str], env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )


def _notebook(name: str) -> list[str]:
    return [sys.executable, str(NOTEBOOKS / f"{name}.py")]


@pytest.fixture(scope="module")
def demo_lake(
    base_env: dict[str, str], server_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DemoLake]:
    """A small demo shop seeded through the CLI into a database of its own, exported to a lake."""
    name = f"ecolaura_notebooks_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(libpq_url(server_url), autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    var = tmp_path_factory.mktemp("notebooks-var")
    env = {
        **base_env,
        "DATABASE_URL": urlunsplit(urlsplit(libpq_url(server_url))._replace(path=f"/{name}")),
        "REDIS_URL": redis_url,  # `lake export` wants one; nothing is written to it
        "ECOLAURA_VAR_DIR": str(var),
        "LAKE_DIR": str(var / "lake"),
    }
    try:
        cli = [sys.executable, "-m", "ecolaura.cli"]
        seeded = _run([*cli, "seed", "--products", "60", "--customers", "30", "--orders", "300"], env)
        assert seeded.returncode == 0, seeded.stderr[-3000:]
        exported = _run([*cli, "lake", "export"], env)
        assert exported.returncode == 0, exported.stderr[-3000:]
        assert "new events exported" in exported.stderr, exported.stderr[-3000:]
        yield DemoLake(env, var / "lake")
    finally:
        with psycopg.connect(libpq_url(server_url), autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_a_cell_that_raises_fails_the_notebook(base_env: dict[str, str], tmp_path: Path) -> None:
    """CI relies on this: marimo's script mode re-raises a cell's error and exits non-zero."""
    env = {**base_env, "LAKE_DIR": str(tmp_path / "no-lake"), "NOTEBOOK_OUTPUT": str(tmp_path / "charts")}
    failed = _run(_notebook("methodology"), env)
    assert failed.returncode != 0
    assert "FileNotFoundError: no products in the lake" in failed.stderr, failed.stderr[-3000:]
    assert not list((tmp_path / "charts").rglob("*.png"))


def test_every_notebook_runs_headless_and_writes_its_charts(demo_lake: DemoLake, tmp_path: Path) -> None:
    # Stored results, as `ecolaura analytics run` writes them, so the overview is run both ways.
    from analytics.factor_tables import load_factors
    from analytics.pipelines.run import compute, live_lake, write_results

    lake, position, events = live_lake(demo_lake.lake)
    write_results(compute(lake, load_factors(), position=(position, events)), demo_lake.lake)

    runs = {
        "impact_overview": ("impact_overview", {"NOTEBOOK_SOURCE": "compute"}),
        "impact_overview-results": ("impact_overview", {"NOTEBOOK_SOURCE": "results"}),
        "category_deep_dive": ("category_deep_dive", {}),
        "methodology": ("methodology", {}),
    }
    processes = {
        label: subprocess.Popen(  # noqa: S603
            _notebook(notebook),
            env={**demo_lake.env, "NOTEBOOK_OUTPUT": str(tmp_path / label), **extra},
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for label, (notebook, extra) in runs.items()
    }
    outputs = {label: process.communicate(timeout=120) for label, process in processes.items()}

    for label, (notebook, _) in runs.items():
        stdout, stderr = outputs[label]
        assert processes[label].returncode == 0, f"{label} failed:\n{stderr[-4000:]}"
        folder = tmp_path / label / notebook
        pngs = {path.stem: path.read_bytes() for path in folder.glob("*.png")}
        assert set(pngs) == CHARTS[notebook], (label, sorted(pngs))
        for chart, data in pngs.items():
            assert data.startswith(PNG_MAGIC), (label, chart)
            assert len(data) > 10_000, (label, chart, len(data))  # drawn on, not a blank canvas
        assert stdout.count("chart: ") == len(CHARTS[notebook]), stdout
    assert "computed now with polars" in outputs["impact_overview"][0]
    assert "results of the run" in outputs["impact_overview-results"][0]

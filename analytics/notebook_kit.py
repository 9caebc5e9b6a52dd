"""What the analyst notebooks share: where the lake is and where their charts go."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ecolaura.settings import Settings


def lake_root() -> Path:
    """The lake root the platform uses (``LAKE_DIR``, else ``$ECOLAURA_VAR_DIR/lake``)."""
    return Settings().lake_dir


def chart_folder(notebook: str) -> Path:
    """``$NOTEBOOK_OUTPUT/{notebook}`` (default ``var/notebooks/{notebook}``), created."""
    folder = Path(os.environ.get("NOTEBOOK_OUTPUT") or "var/notebooks") / notebook
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save_chart(fig: Any, folder: Path, name: str) -> Any:
    """Write a matplotlib figure as ``{folder}/{name}.png``, close it, and hand it back for display."""
    import matplotlib.pyplot as plt  # noqa: PLC0415 - only notebooks draw

    path = folder / f"{name}.png"
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    print(f"chart: {path}")  # noqa: T201 - the headless run says where each chart went
    return fig

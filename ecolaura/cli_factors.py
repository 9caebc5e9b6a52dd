"""``ecolaura factors``: emission-factor versions, and imports from packaged open datasets."""

from __future__ import annotations

import csv
from typing import Annotated

import typer
from rich.console import Console

factors_app = typer.Typer(help="Emission-factor versions and their imports.", no_args_is_help=True)
console = Console(stderr=True)


@factors_app.command("import")
def import_command(
    source: Annotated[str, typer.Argument(help="codecarbon, ecologits, epa, nosgestesclimat, or all.")],
    version: Annotated[str, typer.Option(help="The factor version to import into.")] = "2026.1",
) -> None:
    """Read SOURCE from its installed package into analytics/factors/VERSION/imported/, with provenance.

    Importing codecarbon or ecologits also derives the version's grid.csv (for the countries it lists).
    """
    from analytics.factor_import import UnknownSourceError, grid_rows, import_source  # noqa: PLC0415
    from analytics.factor_sources import READERS, SourceUnavailableError  # noqa: PLC0415
    from analytics.factor_tables import FACTORS_DIR  # noqa: PLC0415

    folder = FACTORS_DIR / version
    if not (folder / "sources.csv").exists():
        raise typer.BadParameter(
            f"no factor version {version}: copy the newest folder first", param_hint="--version"
        )
    for name in sorted(READERS) if source == "all" else [source]:
        try:
            path, count = import_source(name, version)
        except (UnknownSourceError, SourceUnavailableError) as exc:
            raise typer.BadParameter(str(exc), param_hint="SOURCE") from None
        console.print(f"[green]✓[/] {name}: {count} values with their provenance in {path}")
    if source in ("all", "codecarbon", "ecologits"):
        grid = folder / "grid.csv"
        with grid.open(newline="") as f:
            countries = [r["country"] for r in csv.DictReader(f)]
        rows = grid_rows(countries, version)
        with grid.open("w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        console.print(f"[green]✓[/] grid.csv of {version}: {len(rows)} countries derived from the imports")

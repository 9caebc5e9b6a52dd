"""``ecolaura factors import``: packaged datasets into a factor version, every value with its provenance.

An import writes ``analytics/factors/{version}/imported/{source}.csv``: each
value in our unit with the package, version, file, row and file checksum it
came from. Importing again from the same package version writes the same file
byte for byte (a test holds it to that). Tables that are built from imports
(the grid) are derived from those files by :func:`grid_rows`, so no imported
number is typed twice; the cross-checks read the same files.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Final

from analytics.factor_sources import READERS, Provenance, Sourced
from analytics.factor_tables import FACTORS_DIR

COLUMNS: Final = (
    "table",
    "key",
    "value",
    "unit",
    "year",
    "package",
    "package_version",
    "file",
    "row",
    "sha256",
    "detail",
)
# The grid's range: the two packaged datasets' values, each widened by this much for the year
# and method they differ in (generation vs consumption, imports, the year itself).
GRID_MARGIN: Final = 0.10
GRID_SOURCE: Final = "OWID2023"


class UnknownSourceError(LookupError):
    pass


def imported_path(version: str, source: str, root: Path = FACTORS_DIR) -> Path:
    return root / version / "imported" / f"{source}.csv"


def render(values: list[Sourced]) -> str:
    """The CSV text of an import, sorted so the same data always gives the same bytes."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for v in sorted(values, key=lambda v: (v.table, v.key, v.provenance.row)):
        p = v.provenance
        writer.writerow(
            (
                v.table,
                v.key,
                repr(v.value),
                v.unit,
                v.year or "",
                p.package,
                p.version,
                p.file,
                p.row,
                p.sha256,
                v.detail,
            )
        )
    return out.getvalue()


def import_source(source: str, version: str, root: Path = FACTORS_DIR) -> tuple[Path, int]:
    """Read ``source`` from its installed package into ``version``; the file written and how many values."""
    try:
        read = READERS[source]
    except KeyError:
        raise UnknownSourceError(f"no source '{source}'; sources: {', '.join(sorted(READERS))}") from None
    values = read()
    path = imported_path(version, source, root)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(values))
    return path, len(values)


def read_imported(version: str, source: str, root: Path = FACTORS_DIR) -> list[Sourced]:
    with imported_path(version, source, root).open(newline="") as f:
        return [
            Sourced(
                row["table"],
                row["key"],
                float(row["value"]),
                row["unit"],
                Provenance(row["package"], row["package_version"], row["file"], row["row"], row["sha256"]),
                int(row["year"]) if row["year"] else None,
                row["detail"],
            )
            for row in csv.DictReader(f)
        ]


def grid_rows(countries: list[str], version: str, root: Path = FACTORS_DIR) -> list[dict[str, str]]:
    """``grid.csv`` of ``version`` for ``countries``: codecarbon's value, ranged by ecologits' and a margin."""
    primary = {v.key: v for v in read_imported(version, "codecarbon", root) if v.table == "grid"}
    second = {v.key: v for v in read_imported(version, "ecologits", root) if v.table == "grid"}
    rows = []
    for country in sorted(countries):
        main, other = primary[country], second.get(country)
        values = [main.value] + ([other.value] if other else [])
        rows.append(
            {
                "country": country,
                "low": f"{min(values) * (1 - GRID_MARGIN):.4f}",
                "central": f"{main.value:.4f}",
                "high": f"{max(values) * (1 + GRID_MARGIN):.4f}",
                "unit": "kg CO2e/kWh",
                "source": GRID_SOURCE,
                "note": f"{main.year} (codecarbon {main.provenance.version}, {main.provenance.row}); "
                + (f"ecologits {other.value:.4f}" if other else "no second dataset")
                + f"; range widened by {GRID_MARGIN:.0%}",
            }
        )
    return rows

"""Emission-factor tables: versioned CSV files under ``analytics/factors/{version}/``.

Each version is a folder of small CSV files (see the README there), reviewed
like code. Loading one is the only I/O of the footprint calculator, done once per
version and cached; the calculator itself (``analytics.footprint``) is pure.
Changing a number means adding a new version folder, so results computed with
an older version stay reproducible.
"""

from __future__ import annotations

import csv
import functools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

FACTORS_DIR: Final = Path(__file__).parent / "factors"
GENERAL: Final = "general"  # the manufacturing and baseline row for categories without their own


class FactorVersionError(LookupError):
    """No factor tables of that version exist."""


@dataclass(frozen=True, slots=True)
class Factor:
    """A factor with its uncertainty range, its unit and the source it comes from."""

    low: float
    central: float
    high: float
    unit: str
    source: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Route:
    """How goods travel between a country and the warehouse (distances in km)."""

    region: str  # europe: by road; overseas: by sea (or air) plus road legs at both ends
    road_km: float
    sea_km: float
    air_km: float
    port_road_km: float


@dataclass(frozen=True, slots=True)
class ShippingMethod:
    near_mode: str  # line haul inside Europe
    far_mode: str  # line haul to an overseas destination
    parcel: Factor  # the last mile, per parcel


@dataclass(frozen=True, slots=True)
class Packaging:
    fixed_kg: float  # packaging mass per item ...
    kg_per_kg: float  # ... plus this much per kg of product
    factor: Factor  # kg CO2e per kg of packaging material
    points: int  # its share of the eco score (0-10)


@dataclass(frozen=True, slots=True)
class BaselineSpec:
    """The conventional product a shopper would otherwise buy, per kg of product."""

    category: str
    description: str
    materials: tuple[tuple[str, float], ...]  # material and its share of the mass
    origin_country: str
    packaging: str
    source: str


@dataclass(frozen=True, slots=True)
class Source:
    source: str
    title: str
    publisher: str
    year: str
    licence: str
    url: str


@dataclass(frozen=True, slots=True)
class FactorSet:
    """Every table of one factor version."""

    version: str
    materials: dict[str, Factor]
    grid: dict[str, Factor]
    manufacturing: dict[str, Factor]
    transport: dict[str, Factor]
    shipping: dict[str, ShippingMethod]
    packaging: dict[str, Packaging]
    routes: dict[str, Route]
    baselines: dict[str, BaselineSpec]
    certifications: dict[str, int]
    sources: dict[str, Source]


def available_versions() -> list[str]:
    """Factor versions in the repository, oldest first."""
    return sorted(p.name for p in FACTORS_DIR.iterdir() if p.is_dir() and (p / "sources.csv").exists())


def current_version() -> str:
    """``ECOLAURA_FACTOR_VERSION`` if set, else the newest version."""
    return os.environ.get("ECOLAURA_FACTOR_VERSION") or available_versions()[-1]


@functools.cache
def load_factors(version: str | None = None) -> FactorSet:
    """Load (once) the tables of ``version`` (default: ``current_version()``)."""
    version = version or current_version()
    folder = FACTORS_DIR / version
    if not (folder / "sources.csv").exists():
        raise FactorVersionError(
            f"no factor version '{version}'; versions: {', '.join(available_versions())}"
        )
    return FactorSet(
        version=version,
        materials={r["material"]: _factor(r) for r in _rows(folder, "materials")},
        grid={r["country"]: _factor(r) for r in _rows(folder, "grid")},
        manufacturing={r["category"]: _factor(r) for r in _rows(folder, "manufacturing")},
        transport={r["mode"]: _factor(r) for r in _rows(folder, "transport")},
        shipping={
            r["method"]: ShippingMethod(r["near_mode"], r["far_mode"], _factor(r))
            for r in _rows(folder, "shipping")
        },
        packaging={
            r["packaging"]: Packaging(
                float(r["fixed_kg"]), float(r["kg_per_kg"]), _factor(r), int(r["points"])
            )
            for r in _rows(folder, "packaging")
        },
        routes={r["country"]: _route(r) for r in _rows(folder, "routes")},
        baselines={r["category"]: _baseline(r) for r in _rows(folder, "baselines")},
        certifications={r["certification"]: int(r["points"]) for r in _rows(folder, "certifications")},
        sources={r["source"]: Source(**r) for r in _rows(folder, "sources")},
    )


def _rows(folder: Path, table: str) -> Iterator[dict[str, str]]:
    with (folder / f"{table}.csv").open(newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def _factor(row: dict[str, str]) -> Factor:
    return Factor(
        float(row["low"]), float(row["central"]), float(row["high"]), row["unit"], row["source"], row["note"]
    )


def _route(row: dict[str, str]) -> Route:
    def km(name: str) -> float:
        return float(row[name] or 0)

    return Route(row["region"], km("road_km"), km("sea_km"), km("air_km"), km("port_road_km"))


def _baseline(row: dict[str, str]) -> BaselineSpec:
    shares = tuple(
        (name.strip(), float(share))
        for name, share in (part.split("=") for part in row["materials"].split(";"))
    )
    return BaselineSpec(
        row["category"], row["description"], shares, row["origin_country"], row["packaging"], row["source"]
    )

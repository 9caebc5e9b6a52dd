"""The ``ecolaura`` command: run the platform, migrate, seed, serve one side."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from enum import StrEnum
from typing import Annotated

import typer
import uvicorn
from rich.console import Console

from ecolaura.database import migrate as run_migrations
from ecolaura.embedded import embedded_postgres, local_redis
from ecolaura.logs import configure_logging
from ecolaura.settings import Settings, get_settings

app = typer.Typer(
    help="Ecolaura: an open platform for sustainable commerce.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
console = Console(stderr=True)


class Side(StrEnum):
    write = "write"
    read = "read"
    all = "all"


_FACTORIES = {
    Side.write: "ecolaura.apps:write_app",
    Side.read: "ecolaura.apps:read_app",
    Side.all: "ecolaura.apps:combined_app",
}


@contextmanager
def services(need_redis: bool = True) -> Iterator[Settings]:
    """Settings with every URL filled: embedded servers start for the unset ones."""
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    with ExitStack() as stack:
        if not settings.database_url:
            console.print(
                f"[dim]No DATABASE_URL: starting embedded PostgreSQL in {settings.var_dir}/postgres[/]"
            )
            os.environ["DATABASE_URL"] = stack.enter_context(embedded_postgres(settings.var_dir))
        if need_redis and not settings.redis_url:
            console.print(f"[dim]No REDIS_URL: starting a local Redis in {settings.var_dir}/redis[/]")
            os.environ["REDIS_URL"] = stack.enter_context(local_redis(settings.var_dir))
        get_settings.cache_clear()
        yield get_settings()


def _exit_cleanly(_signum: int, _frame: object) -> None:
    raise SystemExit(0)


def _serve(side: Side, host: str, port: int, workers: int = 1) -> None:
    # uvicorn shuts down gracefully on SIGINT/SIGTERM and then re-raises the
    # signal to the handler it found. With the default SIGTERM handler that
    # would kill us before the embedded servers stop; ours exits cleanly, so
    # every context manager above runs.
    signal.signal(signal.SIGTERM, _exit_cleanly)
    signal.signal(signal.SIGINT, _exit_cleanly)
    uvicorn.run(
        _FACTORIES[side],
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=None,
        access_log=False,
        loop="uvloop",
        http="httptools",
        timeout_graceful_shutdown=10,
    )


@app.command()
def up(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    demo: Annotated[bool, typer.Option(help="Seed demo data when the database is empty.")] = True,
) -> None:
    """Run everything on this machine: migrate, seed demo data if empty, serve both APIs.

    Ctrl-C or SIGTERM stops the servers and every embedded service.
    """
    with services() as settings:
        assert settings.database_url is not None  # noqa: S101 - services() fills it
        run_migrations(settings.database_url)
        if demo:
            from ecolaura.seeding import seed_if_empty  # noqa: PLC0415 - heavy, only for `up`

            asyncio.run(seed_if_empty(settings.database_url, console))
        console.print(
            f"[bold green]Ecolaura is up at http://{host}:{port}[/]  "
            f"API docs: http://{host}:{port}/schema  (Ctrl-C to stop)"
        )
        _serve(Side.all, host, port)
    console.print("[dim]Stopped.[/]")


@app.command()
def migrate() -> None:
    """Bring the database schema up to date."""
    with services(need_redis=False) as settings:
        assert settings.database_url is not None  # noqa: S101
        run_migrations(settings.database_url)
        console.print("[green]Schema is up to date.[/]")


@app.command()
def seed(
    products: Annotated[int, typer.Option(min=1)] = 2000,
    customers: Annotated[int, typer.Option(min=1)] = 500,
    orders: Annotated[int, typer.Option(min=0)] = 20_000,
    seed_value: Annotated[int, typer.Option("--seed", help="Random seed: same seed, same data.")] = 42,
) -> None:
    """Load deterministic demo data through the command side (so every event is real)."""
    from ecolaura.seeding import SeedPlan, seed_database  # noqa: PLC0415

    with services(need_redis=False) as settings:
        assert settings.database_url is not None  # noqa: S101
        run_migrations(settings.database_url)
        plan = SeedPlan(products=products, customers=customers, orders=orders, seed=seed_value)
        asyncio.run(seed_database(settings.database_url, plan, console))


@app.command()
def serve(
    side: Annotated[Side, typer.Argument(help="Which API to serve.")] = Side.all,
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
) -> None:
    """Serve one API (write or read) or both, against DATABASE_URL and REDIS_URL."""
    with services(need_redis=side != Side.write) as settings:
        if settings.database_url:
            run_migrations(settings.database_url)
        console.print(f"[bold green]Serving the {side.value} API at http://{host}:{port}[/]")
        _serve(side, host, port, workers)


if __name__ == "__main__":
    app()

"""The ``ecolaura`` command: run the platform, migrate, seed, serve one side."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer
from granian import Granian
from granian.constants import HTTPModes, Interfaces, Loops
from granian.log import LogLevels
from rich.console import Console

from ecolaura.cli_analytics import analytics_app, lake_app, refresh_analytics
from ecolaura.cli_badges import badges_app
from ecolaura.cli_factors import factors_app
from ecolaura.cli_provenance import provenance_app
from ecolaura.database import migrate as run_migrations
from ecolaura.embedded import embedded_postgres, local_redis, local_stripe, register_stripe_webhook
from ecolaura.logs import configure_logging
from ecolaura.settings import Settings, get_settings
from ecolaura.supervisor import SUPERVISOR_PID_ENV, exit_with_supervisor
from ecolaura.tracing import configure_tracing, shutdown_tracing

if TYPE_CHECKING:
    from pathlib import Path

    from projections.base import Projection
    from read_side.search.config import SearchConfig

app = typer.Typer(
    help="Ecolaura: an open platform for sustainable commerce.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
console = Console(stderr=True)
app.add_typer(analytics_app, name="analytics")
app.add_typer(lake_app, name="lake")
app.add_typer(factors_app, name="factors")
app.add_typer(badges_app, name="badges")
app.add_typer(provenance_app, name="provenance")


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
def services(need_redis: bool = True, need_stripe: bool = False, process: str = "cli") -> Iterator[Settings]:
    """Settings with every URL filled: embedded servers start for the unset ones.

    Logging is configured, and tracing too when ``OTEL_TRACES_EXPORTER`` asks (``process`` names
    the service: ``ecolaura-<process>`` unless ``OTEL_SERVICE_NAME`` says otherwise).
    """
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format, settings.log_file, process, settings.log_echo)
    exit_with_supervisor()  # when `ecolaura up` runs this process, it does not outlive `up`
    # The CLI's processes run no requests: their polls must not each become a trace (the API
    # processes, started by the server, instrument their clients: ecolaura.apps).
    configure_tracing(process, instrument_clients=False)
    with ExitStack() as stack:
        stack.callback(shutdown_tracing)
        if not settings.database_url:
            with console.status("Starting PostgreSQL (embedded; no DATABASE_URL)…"):
                os.environ["DATABASE_URL"] = stack.enter_context(embedded_postgres(settings.var_dir))
            console.print(f"[green]✓[/] PostgreSQL: embedded, data in {settings.var_dir}/postgres")
        if need_redis and not settings.redis_url:
            with console.status("Starting Redis (local; no REDIS_URL)…"):
                os.environ["REDIS_URL"] = stack.enter_context(local_redis(settings.var_dir))
            console.print(f"[green]✓[/] Redis: local, data in {settings.var_dir}/redis")
        if need_stripe and not settings.stripe_api_key:
            os.environ["STRIPE_API_BASE"] = stack.enter_context(local_stripe())
            console.print(
                f"[green]✓[/] Stripe API: localstripe (a local fake of Stripe) at {os.environ['STRIPE_API_BASE']}"
            )
            os.environ["STRIPE_API_KEY"] = "sk_test_localstripe"
            os.environ.setdefault("STRIPE_WEBHOOK_SECRET", f"whsec_{secrets.token_hex(16)}")
            os.environ["ECOLAURA_LOCALSTRIPE"] = "1"
        get_settings.cache_clear()
        yield get_settings()


def _point_localstripe_at(settings: Settings, host: str, port: int) -> None:
    """With the embedded localstripe, have it send its signed events to this API."""
    if os.environ.get("ECOLAURA_LOCALSTRIPE") and settings.stripe_api_base and settings.stripe_webhook_secret:
        register_stripe_webhook(
            settings.stripe_api_base,
            f"http://{host}:{port}/api/v1/webhooks/stripe",
            settings.stripe_webhook_secret,
        )


def _serve(
    side: Side, host: str, port: int, workers: int = 1, on_interrupt: Callable[[], None] | None = None
) -> None:
    # Granian's main process takes SIGINT/SIGTERM itself (replacing `up`'s handlers, hence
    # `on_interrupt`): it stops its worker processes (each drains its connections and runs the
    # app's lifespan shutdown, killed after 10 s), then returns, so the caller's context managers
    # stop the projector and embedded services after it.
    # Workers start as fresh interpreters: `up` has a supervisor thread by now, and a forked child
    # would inherit any lock that thread held at that moment.
    multiprocessing.set_start_method("spawn", force=True)
    # Each worker watches this process (ecolaura.apps), so a kill -9 of it does not leave them serving.
    os.environ[SUPERVISOR_PID_ENV] = str(os.getpid())
    server = Granian(
        _FACTORIES[side],
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        workers=workers,
        factory=True,
        loop=Loops.uvloop,
        http=HTTPModes.http1,
        log_access=False,  # our middleware writes the access line
        # Granian's own records go through our handlers, at the root's level.
        log_level=LogLevels.notset,
        log_dictconfig={"loggers": {"_granian": {"propagate": True}}},
        workers_kill_timeout=10,
    )
    if on_interrupt is not None:
        _tell_first(server, on_interrupt)
    server.serve()


def _tell_first(server: Any, on_interrupt: Callable[[], None]) -> None:
    """Have ``on_interrupt`` run first when the server's main process takes SIGINT or SIGTERM.

    Granian installs ``signal_handler_interrupt`` as the handler when it starts, looking it up on
    the instance, so an attribute set here is the one installed.
    """
    interrupt = server.signal_handler_interrupt

    def first_tell(*args: Any, **kwargs: Any) -> None:
        on_interrupt()
        interrupt(*args, **kwargs)

    server.signal_handler_interrupt = first_tell


@app.command()
def up(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    demo: Annotated[bool, typer.Option(help="Seed demo data when the database is empty.")] = True,
) -> None:
    """Run everything on this machine: migrate, seed demo data if empty, serve both APIs.

    The projector, the worker and localstripe run as supervised children (restarted if they
    die). Logs go to var/log/. Ctrl-C or SIGTERM stops the servers and every embedded service.
    """
    from ecolaura.up import (  # noqa: PLC0415
        ShutdownSignals,
        background_supervisor,
        echo_format,
        log_dir,
        metrics_ports,
        show_banner,
        wait_until_current,
    )

    shutdown = ShutdownSignals()
    shutdown.install()  # unwind (and stop every child) from the first moment
    logs = log_dir()
    os.environ.setdefault("LOG_FILE", str(logs / "api.log"))
    os.environ.setdefault("LOG_ECHO", echo_format(get_settings().log_format))
    get_settings.cache_clear()
    console.print(f"[bold]Starting Ecolaura[/] [dim](details in {logs}/)[/]")
    with services(process="up") as settings, ExitStack() as background:
        assert settings.database_url is not None  # noqa: S101 - services() fills it
        assert settings.redis_url is not None  # noqa: S101
        run_migrations(settings.database_url)
        console.print("[green]✓[/] database schema up to date")
        admin = None
        if demo:
            from ecolaura.seeding import seed_if_empty  # noqa: PLC0415 - heavy, only for `up`

            asyncio.run(seed_if_empty(settings.database_url, console))
            admin = _demo_admin(settings.database_url, settings.var_dir / "demo-admin.txt")
        # Impact and leaderboards answer from the first request on; the worker reruns them nightly.
        # Before the projector starts, so this export (not the projector's, flushed once a minute)
        # brings the lake to the end of the seed.
        asyncio.run(refresh_analytics(settings.database_url, settings.redis_url, settings.lake_dir))
        ports = metrics_ports(settings)
        supervisor = background_supervisor(settings, f"http://{host}:{port}", console, ports)
        shutdown.first(supervisor.begin_shutdown)
        background.callback(supervisor.stop)
        supervisor.start()
        console.print("[green]✓[/] projector and worker started (restarted if they stop)")
        wait_until_current(settings.database_url, settings.redis_url, console)
        show_banner(console, host, port, admin, logs, ports)
        _serve(Side.all, host, port, on_interrupt=shutdown.begin)
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
    orders: Annotated[int, typer.Option(min=0)] = 3_000,
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
def project(
    names: Annotated[list[str] | None, typer.Argument(help="Projections to run (default: all).")] = None,
    batch_size: Annotated[int, typer.Option(min=1, max=10_000, help="Events per batch.")] = 1000,
) -> None:
    """Run the projector: keep every read model up to date with the event log."""
    from projections.daemon import LakeConfig, run_projector  # noqa: PLC0415

    with services(process="projector") as settings:
        assert settings.database_url is not None  # noqa: S101
        assert settings.redis_url is not None  # noqa: S101
        asyncio.run(
            run_projector(
                settings.database_url,
                settings.redis_url,
                names,
                batch_size=batch_size,
                search=settings.search,
                lake=LakeConfig(settings.lake_dir, settings.lake_flush_seconds),
                metrics=(settings.projector_metrics_port, settings.metrics_host),
            )
        )


@app.command()
def worker() -> None:
    """Run the background-job worker (arq): Stripe events, rebuilds, analytics runs; restarts arq on failure."""
    from ecolaura.worker import run, worker_settings  # noqa: PLC0415

    with services(process="worker") as settings:
        assert settings.database_url is not None  # noqa: S101
        assert settings.redis_url is not None  # noqa: S101
        run(
            worker_settings(
                settings.database_url,
                settings.redis_url,
                settings.search,
                settings.lake_dir,
                settings.provenance_key_file,
                settings.rebuild_events_per_second,
            ),
            settings.redis_url,
            settings.worker_metrics_port,
            settings.metrics_host,
        )


@app.command()
def rebuild(name: Annotated[str, typer.Argument(help="The projection to rebuild, or 'all'.")]) -> None:
    """Rebuild a projection from the whole log beside the live one, then swap it in."""
    from ecolaura.cli_analytics import lake_rebuild  # noqa: PLC0415
    from projections.registry import LAKE, PROJECTIONS, SEARCH, get_projection  # noqa: PLC0415

    with services() as settings:
        assert settings.database_url is not None  # noqa: S101
        assert settings.redis_url is not None  # noqa: S101
        if name in ("all", SEARCH):
            asyncio.run(_rebuild_search_index(settings.database_url, settings.search))
        if name in ("all", LAKE):
            lake_rebuild()
        if name not in (SEARCH, LAKE):
            targets = list(PROJECTIONS.values()) if name == "all" else [get_projection(name)]
            for projection in targets:
                asyncio.run(_rebuild_with_progress(projection, settings.database_url, settings.redis_url))


async def _rebuild_search_index(database_url: str, search: SearchConfig) -> None:
    from ecolaura.settings import libpq_url  # noqa: PLC0415
    from projections.search_projection import rebuild_search  # noqa: PLC0415
    from write_side.adapters.event_log import EventLogReader  # noqa: PLC0415

    engine = search.engine()
    try:
        async with EventLogReader(libpq_url(database_url)) as reader:
            generation = await rebuild_search(reader, engine)
    finally:
        await engine.close()
    console.print(f"[green]product_search: generation {generation} is live.[/]")


async def _rebuild_with_progress(projection: Projection, database_url: str, redis_url: str) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn  # noqa: PLC0415

    from ecolaura.settings import libpq_url  # noqa: PLC0415
    from projections import redis_client  # noqa: PLC0415
    from projections.rebuild import rebuild as run_rebuild  # noqa: PLC0415
    from write_side.adapters.event_log import EventLogReader  # noqa: PLC0415

    redis = redis_client.connect(redis_url)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console) as bar:
        task = bar.add_task(projection.name, total=None, rate="")

        def show(p: object) -> None:
            bar.update(task, completed=p.done, total=p.total, rate=f"{p.rate:,.0f} events/s")  # type: ignore[attr-defined]

        async with EventLogReader(libpq_url(database_url)) as reader:
            generation = await run_rebuild(projection, redis, reader, on_progress=show)
    await redis.aclose()
    console.print(f"[green]{projection.name}: generation {generation} is live.[/]")


@app.command()
def serve(
    side: Annotated[Side, typer.Argument(help="Which API to serve.")] = Side.all,
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
) -> None:
    """Serve one API (write or read) or both, against DATABASE_URL and REDIS_URL."""
    with services(need_redis=side != Side.write, need_stripe=side != Side.read) as settings:
        if settings.database_url:
            run_migrations(settings.database_url)
        _point_localstripe_at(settings, host, port)
        console.print(f"[bold green]Serving the {side.value} API at http://{host}:{port}[/]")
        _serve(side, host, port, workers)


admin_app = typer.Typer(help="Manage staff accounts of the built-in identity provider.", no_args_is_help=True)
app.add_typer(admin_app, name="admin")


@admin_app.command("create")
def admin_create(
    email: Annotated[str, typer.Argument(help="The account's email.")],
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            envvar="ECOLAURA_ADMIN_PASSWORD",
            help="Prompted for when not given (or set ECOLAURA_ADMIN_PASSWORD). Kept if the account exists.",
        ),
    ],
    role: Annotated[str, typer.Option(help="customer, supplier, analyst or admin.")] = "admin",
) -> None:
    """Create a staff account (the first admin), or grant ROLE to an existing account."""
    from write_side.identity.tokens import ROLES  # noqa: PLC0415

    if role not in ROLES:
        raise typer.BadParameter(f"unknown role {role!r}; roles: {', '.join(ROLES)}", param_hint="--role")
    if len(password) < 10:
        raise typer.BadParameter("use at least 10 characters", param_hint="--password")
    if "@" not in email:
        raise typer.BadParameter("not an email address", param_hint="EMAIL")
    with services(need_redis=False) as settings:
        assert settings.database_url is not None  # noqa: S101
        run_migrations(settings.database_url)
        user_id = asyncio.run(_create_staff(settings.database_url, email, password, role))
    console.print(f"[green]{email} has the {role} role (user id {user_id}).[/]")


def _demo_admin(database_url: str, remembered: Path) -> tuple[str, str]:
    """The demo's admin account: made once with a random password, which is kept beside the data."""
    if remembered.exists():
        email, password = remembered.read_text().split()
        return email, password
    email, password = "admin@demo.ecolaura.dev", secrets.token_urlsafe(12)
    asyncio.run(_create_staff(database_url, email, password, "admin", reset_password=True))
    remembered.parent.mkdir(parents=True, exist_ok=True)
    remembered.write_text(f"{email} {password}\n")
    remembered.chmod(0o600)
    return email, password


async def _create_staff(
    database_url: str, email: str, password: str, role: str, *, reset_password: bool = False
) -> str:
    from ecolaura.database import make_engine  # noqa: PLC0415
    from write_side.adapters.accounts import AccountStore  # noqa: PLC0415
    from write_side.domain.ids import new_id  # noqa: PLC0415
    from write_side.identity.local_sessions import hash_password  # noqa: PLC0415

    engine = make_engine(database_url, 1)
    try:
        store, password_hash = AccountStore(engine), await hash_password(password)
        user_id = await store.upsert_staff(new_id(), email, password_hash, role)
        if reset_password:
            await store.set_password(email, password_hash)
        return user_id
    finally:
        await engine.dispose()


if __name__ == "__main__":
    app()

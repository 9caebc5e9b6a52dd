"""``ecolaura up``: the whole platform on one machine, supervised, with a short and readable start.

The terminal gets what a person needs: what is starting, progress bars, the
addresses, the demo admin's credentials, and restarts or failures of the
background processes (on stderr). Every process logs to its own file in
``var/log`` (JSON), and echoes its lines to ``up``'s stdout: short lines
(time, process, level, message, a few key=value) on a terminal, JSON lines when
stdout is not a terminal or ``LOG_FORMAT=json`` (``LOG_ECHO`` overrides:
``console``, ``json`` or ``none``).
"""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType

from rich.console import Console

from ecolaura.embedded import free_port, localstripe_command, register_stripe_webhook, wait_for_port
from ecolaura.settings import Settings, get_settings
from ecolaura.supervisor import Child, Supervisor


def log_dir() -> Path:
    return get_settings().var_dir / "log"


def _ecolaura(*args: str) -> list[str]:
    return [sys.executable, "-m", "ecolaura.cli", *args]


def echo_format(log_format: str) -> str:
    """How ``up``'s processes echo their log lines to its stdout: short on a terminal, else JSON."""
    return "json" if log_format == "json" or not sys.stdout.isatty() else "console"


def metrics_ports(settings: Settings) -> dict[str, int]:
    """The projector's and the worker's ``/metrics`` ports: as set, else free ones picked now."""
    return {
        "projector": settings.projector_metrics_port or free_port(),
        "worker": settings.worker_metrics_port or free_port(),
    }


def background_children(logs: Path, ports: dict[str, int] | None = None) -> list[Child]:
    """The projector and the worker, each logging to its own file and serving ``/metrics`` on its port."""
    ports = ports or {}
    return [
        Child(
            name,
            _ecolaura(name_cmd),
            logs / f"{name}.log",
            echo=get_settings().log_echo not in (None, "", "none"),
            env={
                "LOG_FILE": str(logs / f"{name}.log"),
                f"{name.upper()}_METRICS_PORT": str(ports.get(name, 0)),
            },
        )
        for name, name_cmd in (("projector", "project"), ("worker", "worker"))
    ]


def localstripe_child(logs: Path, api_url: str, console: Console) -> Child | None:
    """localstripe as a supervised child when no Stripe key is set (it forgets everything when restarted).

    Sets the Stripe settings in this process's environment, so the API and the worker use it.
    """
    if get_settings().stripe_api_key:
        return None
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    os.environ.update(
        STRIPE_API_BASE=base,
        STRIPE_API_KEY="sk_test_localstripe",
        STRIPE_WEBHOOK_SECRET=os.environ.get("STRIPE_WEBHOOK_SECRET") or f"whsec_{secrets.token_hex(16)}",
        ECOLAURA_LOCALSTRIPE="1",
    )
    get_settings.cache_clear()
    secret = os.environ["STRIPE_WEBHOOK_SECRET"]
    child = Child("localstripe", localstripe_command(port), logs / "localstripe.log")

    def ready() -> None:
        assert child.process is not None  # noqa: S101 - called right after the start
        wait_for_port(port, child.process, "localstripe")
        # A restarted localstripe knows nothing, not even where to send its events.
        register_stripe_webhook(base, f"{api_url}/api/v1/webhooks/stripe", secret)

    child.after_start = ready
    console.print(f"[green]✓[/] Stripe API: localstripe (a local fake of Stripe) at {base}")
    return child


def background_supervisor(
    settings: Settings, api_url: str, console: Console, ports: dict[str, int] | None = None
) -> Supervisor:
    """The projector, the worker and (without a Stripe key) localstripe, under a supervisor not started yet.

    Not started, so the caller can arrange for its stop (and its shutdown on a signal) first:
    a start that fails halfway, or a Ctrl-C during it, still stops what did start.
    """
    logs = settings.var_dir / "log"
    children = background_children(logs, ports)
    stripe = localstripe_child(logs, api_url, console)
    return Supervisor([*([stripe] if stripe else []), *children], say=console.print)


class ShutdownSignals:
    """SIGINT and SIGTERM in ``up``: first what must happen at once, then unwind the stack.

    The first things are signal-safe flags (``Supervisor.begin_shutdown``): from the signal on,
    a child that dies is not restarted, whatever the unwinding takes (the API drains its
    connections first). SIGINT unwinds as KeyboardInterrupt, SIGTERM as a clean exit.
    """

    def __init__(self) -> None:
        self._first: list[Callable[[], None]] = []

    def install(self) -> None:
        signal.signal(signal.SIGINT, self._handle)
        signal.signal(signal.SIGTERM, self._handle)

    def first(self, hook: Callable[[], None]) -> None:
        self._first.append(hook)

    def begin(self) -> None:
        for hook in self._first:
            hook()

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.begin()
        if signum == signal.SIGINT:
            signal.default_int_handler(signum, frame)
        raise SystemExit(0)


def show_banner(  # noqa: PLR0913 - what the banner shows
    console: Console,
    host: str,
    port: int,
    admin: tuple[str, str] | None,
    logs: Path,
    metrics: dict[str, int] | None = None,
) -> None:
    base = f"http://{host}:{port}"
    console.print(f"\n[bold green]Ecolaura is up at {base}[/]")
    console.print(f"  web app      {base}/")
    console.print(f"  API docs     {base}/schema")
    console.print(f"  health       {base}/health/ready")
    console.print(f"  metrics      {base}/metrics")
    metrics_host = get_settings().metrics_host
    for name, metrics_port in (metrics or {}).items():
        console.print(f"               http://{metrics_host}:{metrics_port}/metrics ({name})")
    if admin is not None:
        console.print(f"  demo admin   {admin[0]} / {admin[1]}")
    console.print(f"  logs         {logs}/")
    console.print("  Ctrl-C to stop\n")


def wait_until_current(database_url: str, redis_url: str, console: Console) -> None:
    from ecolaura.cli_analytics import wait_for_read_models  # noqa: PLC0415 - heavy imports, only here

    problems = asyncio.run(wait_for_read_models(database_url, redis_url))
    for problem in problems:
        console.print(f"[bold red]{problem}[/]")
    if problems:
        console.print("[yellow]Serving anyway; /health/ready answers 503 until this is fixed.[/]")

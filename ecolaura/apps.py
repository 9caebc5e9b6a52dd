"""App factories for the ASGI server: each side alone, or both in one process."""

from __future__ import annotations

from litestar import Litestar

from ecolaura.http.appkit import make_litestar
from ecolaura.logs import configure_logging
from ecolaura.settings import Settings, get_settings
from ecolaura.supervisor import exit_with_supervisor
from ecolaura.tracing import configure_tracing
from read_side.api.app import ReadSide
from read_side.api.app import create_app as create_read_app
from write_side.api.app import WriteSide
from write_side.api.app import create_app as create_write_app
from write_side.identity.setup import make_verifier


def _worker_settings(process: str) -> Settings:
    """In a server worker process: settings, logging, tracing if asked, and an end when the server's main process dies."""
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format, settings.log_file, process, settings.log_echo)
    exit_with_supervisor()  # `_serve` names the main process; a kill -9 of it must not leave us serving
    configure_tracing(process)  # before the app: its plugins and connections depend on it
    return settings


def write_app() -> Litestar:
    settings = _worker_settings("write-api")
    return create_write_app(settings)


def read_app() -> Litestar:
    settings = _worker_settings("read-api")
    return create_read_app(settings)


def combined_app() -> Litestar:
    """Both APIs in one process, as ``ecolaura up`` serves them."""
    settings = _worker_settings("api")
    return combined_app_for(settings)


def combined_app_for(settings: Settings) -> Litestar:
    write, read = WriteSide(settings), ReadSide(settings)
    return make_litestar(
        title="Ecolaura API",
        route_handlers=[*write.route_handlers(), *read.route_handlers()],
        dependencies={**write.dependencies(), **read.dependencies()},
        lifespan=[write.lifespan, read.lifespan],
        readiness={**write.readiness(), **read.readiness()},
        max_body_bytes=settings.max_body_bytes,
        identity=make_verifier(settings),
        metrics=[read.refresh_metrics],
        frontend=read.frontend(),
    )

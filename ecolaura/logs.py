"""Structured logs: JSON lines for machines, short lines for people.

Our own loggers (structlog) render straight to stderr (or ``LOG_FILE``): a request's access line
costs about a tenth of what the stdlib ``logging`` round trip cost (measured:
83 to about 8 microseconds), and the access log is on every request's path.
Other libraries' stdlib records go through the same processors and renderer via
``ProcessorFormatter``, so the output is one format either way.

Formats: ``json``; ``console``, one short line a record (``ShortRenderer``); ``auto``
(the default), ``console`` on a terminal and ``json`` anywhere else. ``echo`` also writes
every line to stdout in a format of its own: ``ecolaura up`` has every process keep its
JSON file in ``var/log`` and echo to the terminal (short lines) or to a pipe (JSON).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import MutableMapping
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

import msgspec
import structlog

from ecolaura.tracing import add_trace_ids, wanted_exporter

FORMATS = ("auto", "json", "console")
ECHOES = ("console", "json", "none")


class _Lines:
    """Writes rendered lines to a file, or to whatever ``sys.stderr`` is now (tests swap it)."""

    def __init__(self, out: TextIO | None) -> None:
        self._out = out

    def msg(self, message: str) -> None:
        (self._out or sys.stderr).write(message + "\n")

    log = debug = info = warning = warn = error = critical = exception = fatal = msg


def _dumps(event: Any, **_: Any) -> str:
    return msgspec.json.encode(event, enc_hook=str).decode()


class ShortRenderer:
    """``14:03:07 projector info  projection.failed projection=orders position=812``.

    Local time, the process, the level, the message, and the first few key=value pairs (long
    values cut, ids to their first 8 characters: enough to find the JSON line, which keeps
    everything); a traceback follows on the next lines.
    """

    HIDDEN = frozenset({"span_id"})  # in the JSON; noise on a terminal

    def __init__(self, max_pairs: int = 5, max_value: int = 60) -> None:
        self.max_pairs = max_pairs
        self.max_value = max_value

    def __call__(self, _: Any, __: str, event: MutableMapping[str, Any]) -> str:
        fields = dict(event)
        stamp = fields.pop("timestamp", None)
        try:
            when = datetime.fromisoformat(str(stamp)).astimezone().strftime("%H:%M:%S")
        except ValueError:
            when = datetime.now().astimezone().strftime("%H:%M:%S")
        level = str(fields.pop("level", "info"))[:5]
        process = str(fields.pop("process", ""))
        message = str(fields.pop("event", ""))
        trace = fields.pop("exception", None)
        pairs = [(k, v) for k, v in fields.items() if k not in self.HIDDEN][: self.max_pairs]
        line = f"{when} {process:<9} {level:<5} {message}"
        for key, value in pairs:
            text = str(value)
            if key.endswith("_id") and len(text) > 12:
                text = text[:8] + "…"
            elif len(text) > self.max_value:
                text = text[: self.max_value - 1] + "…"
            line += f" {key}={text}"
        return f"{line}\n{trace}" if trace else line


class _Echo:
    """The last processor when echoing: writes the line to stdout in its format, then renders the main one."""

    def __init__(self, main: structlog.types.Processor, echo: structlog.types.Processor) -> None:
        self._main = main
        self._echo = echo

    def __call__(self, logger: Any, name: str, event: MutableMapping[str, Any]) -> Any:
        out = sys.stdout
        out.write(str(self._echo(logger, name, dict(event))) + "\n")
        out.flush()  # a pipe is block-buffered: a person reading it must see each line as it comes
        return self._main(logger, name, event)


def resolve_format(fmt: str, stream: TextIO) -> str:
    """``json`` or ``console``: ``auto`` picks ``console`` when ``stream`` is a terminal."""
    if fmt not in FORMATS:
        raise ValueError(f"LOG_FORMAT={fmt!r}: use one of {', '.join(FORMATS)}")
    if fmt == "auto":
        return "console" if stream.isatty() else "json"
    return fmt


def _renderer(fmt: str) -> structlog.types.Processor:
    return ShortRenderer() if fmt == "console" else structlog.processors.JSONRenderer(serializer=_dumps)


def configure_logging(
    level: str = "INFO",
    fmt: str = "json",
    file: Path | None = None,
    process: str | None = None,
    echo: str | None = None,
) -> None:
    """Route structlog and stdlib records through one processor chain, filtered at ``level``.

    With ``file``, every line goes there (appended, line-buffered) instead of stderr: ``ecolaura up``
    keeps the details in ``var/log/``. ``process`` is added to every line; ``echo`` (``console`` or
    ``json``) also writes every line to stdout in that format.
    """
    out: TextIO | None = None
    if file is not None:
        file.parent.mkdir(parents=True, exist_ok=True)
        out = file.open("a", buffering=1, encoding="utf-8")
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    if process:
        shared.append(_AddProcess(process))
    if wanted_exporter() is not None:
        shared.append(add_trace_ids)  # only when traced: nothing to add, nothing to pay, otherwise
    main_format = resolve_format(fmt, out or sys.stderr)
    renderer = _renderer(main_format)
    if echo not in (None, "", "none"):
        if echo not in ECHOES:
            raise ValueError(f"LOG_ECHO={echo!r}: use one of {', '.join(ECHOES)}")
        renderer = _Echo(renderer, _renderer(echo))
    numeric = logging.getLevelNamesMapping()[level.upper()]
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info, renderer],
        logger_factory=lambda *_: _Lines(out),
        # Drops events below the level before any processor runs: access lines are hot.
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(out or sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # Our middleware writes one access line per request; uvicorn's would repeat it.
    logging.getLogger("uvicorn.access").disabled = True


class _AddProcess:
    """Names the process (``api``, ``projector``, ``worker``) on every line, for logs read side by side."""

    def __init__(self, process: str) -> None:
        self._process = process

    def __call__(self, _: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
        event.setdefault("process", self._process)
        return event

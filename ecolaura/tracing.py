"""Traces with OpenTelemetry, off unless the standard ``OTEL_*`` variables ask for them.

``OTEL_TRACES_EXPORTER=otlp`` (OTLP over HTTP/protobuf, to ``OTEL_EXPORTER_OTLP_ENDPOINT``
or ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``, with ``OTEL_EXPORTER_OTLP_HEADERS``) or
``console`` turns them on; unset, ``none`` or ``OTEL_SDK_DISABLED=true`` leaves them off.
Unlike the SDK's own default (``otlp``), unset means off: a process must not try to reach
a collector nobody runs. ``OTEL_SERVICE_NAME`` names the service (default
``ecolaura-<process>``); ``OTEL_RESOURCE_ATTRIBUTES``, ``OTEL_TRACES_SAMPLER``,
``OTEL_BSP_*`` and the rest are read by the SDK itself.

When on: Litestar's OpenTelemetry plugin opens a server span per request, renamed
to ``METHOD /route/{template}`` once the route is known (``name_server_span``);
in the API processes psycopg and redis-py are instrumented, so their calls are child spans; log lines
carry ``trace_id`` and ``span_id``; events record the trace id in their metadata.
When off, nothing of the SDK is imported or installed, and the hooks above are a
flag test each.

The SDK and instrumentations are the ``tracing`` extra (``pip install 'ecolaura[tracing]'``;
the image has it).
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping
from typing import Any

import structlog

log = structlog.get_logger("ecolaura.tracing")

EXPORTERS = ("otlp", "console")
_state = {"on": False}
_trace: Any = None  # opentelemetry.trace, once imported: the hooks below run on every request


class TracingConfigError(ValueError):
    """``OTEL_TRACES_EXPORTER`` names an exporter we do not ship."""


def wanted_exporter() -> str | None:
    """The exporter the environment asks for, or None when tracing stays off."""
    if os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return None
    names = [n.strip().lower() for n in os.environ.get("OTEL_TRACES_EXPORTER", "").split(",") if n.strip()]
    names = [n for n in names if n != "none"]
    if not names:
        return None
    unknown = set(names) - set(EXPORTERS)
    if unknown or len(names) > 1:
        raise TracingConfigError(
            f"OTEL_TRACES_EXPORTER={os.environ['OTEL_TRACES_EXPORTER']!r}: use one of {', '.join(EXPORTERS)} or none"
        )
    return names[0]


def enabled() -> bool:
    """Whether this process installed a tracer provider (``configure_tracing``)."""
    return _state["on"]


def configure_tracing(process: str, instrument_clients: bool = True) -> bool:
    """Install the tracer provider, the exporter and the instrumentations, once, if the environment asks.

    Returns whether tracing is on. Call it early: connections opened before it are not traced.
    ``instrument_clients=False`` leaves psycopg and redis-py alone: in the projector and the worker,
    whose queries no request starts, each poll of the log or the queue would be a trace of its own.
    """
    if _state["on"]:
        return True
    exporter_name = wanted_exporter()
    if exporter_name is None:
        return False
    global _trace  # noqa: PLW0603 - imported once, here, only when tracing is on
    from opentelemetry import trace  # noqa: PLC0415 - the SDK only when tracing is on
    from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor  # noqa: PLC0415
    from opentelemetry.instrumentation.redis import RedisInstrumentor  # noqa: PLC0415
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource  # noqa: PLC0415
    from opentelemetry.sdk.trace import TracerProvider  # noqa: PLC0415
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter  # noqa: PLC0415

    service = os.environ.get("OTEL_SERVICE_NAME") or f"ecolaura-{process}"
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: service}))
    exporter: SpanExporter
    if exporter_name == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter  # noqa: PLC0415

        exporter = OTLPSpanExporter()  # endpoint, headers, timeout: from OTEL_EXPORTER_OTLP_*
    else:
        exporter = ConsoleSpanExporter()
    provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    if instrument_clients:
        # No SQL comments (sqlcommenter): they would defeat psycopg's prepared statements.
        PsycopgInstrumentor().instrument(skip_dep_check=True)
        RedisInstrumentor().instrument()
    _trace = trace
    _state["on"] = True
    log.info("tracing.on", exporter=exporter_name, service=service)
    return True


def shutdown_tracing() -> None:
    """Flush the spans still queued (at a process's end)."""
    if not _state["on"]:
        return
    from opentelemetry import trace  # noqa: PLC0415

    provider: Any = trace.get_tracer_provider()
    provider.shutdown()


def litestar_plugins() -> list[Any]:
    """Litestar's OpenTelemetry plugin when tracing is on, else nothing."""
    if not _state["on"]:
        return []
    from litestar.plugins.opentelemetry import OpenTelemetryConfig, OpenTelemetryPlugin  # noqa: PLC0415

    def method_only(scope: Any) -> tuple[str, dict[str, Any]]:
        # The route is not known yet when the span opens (the plugin wraps the router); a raw path
        # would make a span name per order id. RequestContextMiddleware names it once routed.
        return str(scope.get("method", "HTTP")), {}

    return [
        OpenTelemetryPlugin(
            OpenTelemetryConfig(scope_span_details_extractor=method_only, exclude_spans=["receive", "send"])
        )
    ]


def name_server_span(method: str, route: str) -> None:
    """Name the request's server span after its route template (``POST /api/v1/orders/{order_id}/pay``)."""
    span = _trace.get_current_span()
    span.update_name(f"{method} {route}")
    span.set_attribute("http.route", route)


def current_trace_id() -> str | None:
    """The current trace's id (32 hex digits), or None when tracing is off or no span is open."""
    if not _state["on"]:
        return None
    context = _trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else None


def add_trace_ids(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """structlog processor: the current trace and span ids, when a span is open."""
    if _trace is None:
        return event
    context = _trace.get_current_span().get_span_context()
    if context.is_valid:
        event["trace_id"] = format(context.trace_id, "032x")
        event["span_id"] = format(context.span_id, "016x")
    return event

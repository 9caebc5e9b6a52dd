"""Traces over a real wire: the served API exports OTLP/HTTP to a receiver in this test.

The receiver is a plain HTTP server that decodes each export request with
opentelemetry-proto (what a collector does). A command's server span is named by
its route template and has psycopg spans under it; the access log line and the
event the command wrote carry the same trace id. Without ``OTEL_*`` nothing is
installed at all.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from ecolaura.embedded import free_port
from tests.factories import admin_headers, product_body
from tests.served import served_api

SERVER = 2  # Span.SpanKind.SPAN_KIND_SERVER
CLIENT = 3


class Receiver:
    """An OTLP/HTTP trace endpoint (``POST /v1/traces``, protobuf) that keeps every span it gets."""

    def __init__(self) -> None:
        self.spans: list[dict[str, Any]] = []
        self.services: set[str] = set()
        spans, services = self.spans, self.services

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                request = ExportTraceServiceRequest.FromString(body)
                for resource_spans in request.resource_spans:
                    for attribute in resource_spans.resource.attributes:
                        if attribute.key == "service.name":
                            services.add(attribute.value.string_value)
                    for scope_spans in resource_spans.scope_spans:
                        spans.extend(
                            {
                                "name": s.name,
                                "kind": s.kind,
                                "trace_id": s.trace_id.hex(),
                                "span_id": s.span_id.hex(),
                                "parent_span_id": s.parent_span_id.hex(),
                                "scope": scope_spans.scope.name,
                                "attributes": {a.key: a.value for a in s.attributes},
                            }
                            for s in scope_spans.spans
                        )
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    yield receiver
    receiver.close()


def test_a_command_is_traced_from_its_route_to_its_sql_and_its_log_line_and_event(
    receiver: Receiver, database_url: str, clean_redis: str, search_dir: Path, tmp_path: Path
) -> None:
    env = {
        "DATABASE_URL": database_url,
        "REDIS_URL": clean_redis,
        "SEARCH_DIR": str(search_dir),
        "ECOLAURA_VAR_DIR": str(tmp_path),
        "LOG_FORMAT": "json",
        "LOG_FILE": str(tmp_path / "api.json.log"),
        "OTEL_TRACES_EXPORTER": "otlp",
        "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.url,
        "OTEL_SERVICE_NAME": "ecolaura-under-test",
        "OTEL_BSP_SCHEDULE_DELAY": "100",  # milliseconds between exports
    }
    with served_api(env, tmp_path / "api.log") as api:
        created = httpx.post(
            f"{api}/api/v1/products", json=product_body(), headers=admin_headers(), timeout=30
        )
        assert created.status_code == 201, created.text
        product_id = created.json()["id"]
        restock = httpx.post(
            f"{api}/api/v1/products/{product_id}/stock",
            json={"delta": 5},
            headers={**admin_headers(), "X-Request-Id": "trace-test-restock"},
            timeout=30,
        )
        assert restock.status_code < 300, restock.text
        route = "POST /api/v1/products/{product_id}/stock"
        deadline = time.monotonic() + 20
        while not any(s["name"] == route for s in receiver.spans) and time.monotonic() < deadline:
            time.sleep(0.1)

    assert receiver.services == {"ecolaura-under-test"}
    server = next(s for s in receiver.spans if s["name"] == route)
    assert server["kind"] == SERVER
    assert server["attributes"]["http.route"].string_value == "/api/v1/products/{product_id}/stock"
    children = [s for s in receiver.spans if s["parent_span_id"] == server["span_id"]]
    sql = [s for s in children if s["scope"].endswith("psycopg")]
    assert sql, f"no psycopg span under {route}: {[(c['name'], c['scope']) for c in children]}"
    assert all(s["kind"] == CLIENT and s["trace_id"] == server["trace_id"] for s in sql)
    assert not any(product_id in s["name"] for s in receiver.spans), "a raw path named a span"

    lines = [
        json.loads(line)
        for line in (tmp_path / "api.json.log").read_text().splitlines()
        if line.startswith("{")
    ]
    access = next(
        line
        for line in lines
        if line.get("request_id") == "trace-test-restock" and line["event"] == "request"
    )
    assert access["trace_id"] == server["trace_id"]

    with psycopg.connect(database_url) as conn:
        metadata = conn.execute(
            "SELECT metadata FROM event_log WHERE metadata->>'correlation_id' = 'trace-test-restock'"
        ).fetchone()
    assert metadata is not None
    assert metadata[0]["trace_id"] == server["trace_id"]


def test_without_otel_variables_nothing_is_installed(tmp_path: Path) -> None:
    """In a fresh interpreter with no OTEL_* set: no provider, no instrumentation, no plugin, no log field."""
    script = """
import json
from opentelemetry import trace
from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor
from opentelemetry.instrumentation.redis import RedisInstrumentor
from ecolaura import tracing
from ecolaura.logs import configure_logging
import structlog
assert tracing.configure_tracing("api") is False
configure_logging("INFO", "json")
print(json.dumps({
    "provider": type(trace.get_tracer_provider()).__name__,
    "psycopg": PsycopgInstrumentor().is_instrumented_by_opentelemetry,
    "redis": RedisInstrumentor().is_instrumented_by_opentelemetry,
    "plugins": len(tracing.litestar_plugins()),
    "processors": [getattr(p, "__name__", type(p).__name__) for p in structlog.get_config()["processors"]],
    "sdk_imported": "opentelemetry.sdk.trace" in __import__("sys").modules,
}))
"""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    out = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True, timeout=60
    )
    found = json.loads(out.stdout.splitlines()[-1])
    assert found == {
        "provider": "ProxyTracerProvider",
        "psycopg": False,
        "redis": False,
        "plugins": 0,
        "processors": found["processors"],
        "sdk_imported": False,
    }
    assert "add_trace_ids" not in found["processors"]


def test_an_unknown_exporter_is_refused_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    from ecolaura import tracing

    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "zipkin")
    with pytest.raises(tracing.TracingConfigError, match="zipkin"):
        tracing.wanted_exporter()
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "none")
    assert tracing.wanted_exporter() is None
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "otlp")
    monkeypatch.setenv("OTEL_SDK_DISABLED", "true")
    assert tracing.wanted_exporter() is None

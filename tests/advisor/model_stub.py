"""A small OpenAI-compatible chat-completions server over real HTTP, playing good and misbehaving models.

No weights: each "model" (chosen by the request's ``model`` field, so one server plays them all)
builds its reply from the draft and facts it was sent. It stands in for a real model server
because none can run here offline; the advisor's client talks to it over a real socket.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.loopback import serve_loopback

SLOW_SECONDS = 2.0


def _reply(model: str, prompt: dict[str, Any]) -> str | None:
    """What each model says; None for the models that do not answer with a completion at all."""
    draft: str = prompt["draft"].rstrip(".")
    ids = [f["id"] for f in prompt["facts"]]
    cites = "".join(f"[{i}]" for i in ids[:3])
    replies = {
        # Rewords, cites the facts it was given, states only their numbers.
        "good": f"Put simply: {draft} {cites}. Every figure above comes from the cited facts.",
        # States a figure none of the facts holds.
        "inventor": f"{draft} {cites}. That is 123456.7 kg CO2e less than the average shopper.",
        # Cites a fact id it was never given.
        "miscite": f"{draft} [{ids[0]}][order-999].",
        # Hides an invented figure inside quotes, where product names are exempt.
        "sneaky": f"{draft} {cites}, or “a saving of 4242 kg” a year.",
        # Cites nothing.
        "silent": f"In other words: {draft}.",
    }
    return replies.get(model)


@dataclass
class ModelStub:
    url: str = ""
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)


def _handler(stub: ModelStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive: the advisor's client pools its connections
        # Headers and body leave in two writes: without TCP_NODELAY, Nagle's algorithm and the
        # client's delayed ACK hold the body ~40 ms on loopback, which is the stub's cost, not ours.
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            stub.requests.append(body)
            stub.headers.append(dict(self.headers))
            if self.path != "/v1/chat/completions":
                self._send(404, b'{"error": "not found"}')
                return
            model = body["model"]
            if model == "slow":
                time.sleep(SLOW_SECONDS)
            if model == "broken":
                self._send(500, b'{"error": "the model crashed"}')
                return
            if model == "garbage":
                self._send(200, b"<html>not json{", "text/html")
                return
            if model == "badgzip":  # says gzip, is not
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", "9")
                self.end_headers()
                self.wfile.write(b"not gzip!")
                return
            if model == "empty":
                self._send(200, b'{"choices": []}')
                return
            prompt = json.loads(body["messages"][-1]["content"])
            text = _reply(model, prompt) or _reply("good", prompt)
            completion = {
                "id": "chatcmpl-stub",
                "object": "chat.completion",
                "model": model,
                "choices": [
                    {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
                ],
            }
            self._send(200, json.dumps(completion).encode())

    return Handler


@contextmanager
def model_stub() -> Iterator[ModelStub]:
    """The stub served on a free local port in a thread; ``url`` is its ``/v1`` base."""
    stub = ModelStub()
    with serve_loopback(_handler(stub)) as url:
        stub.url = f"{url}/v1"
        yield stub

"""A JWKS stub: a loopback HTTP server that serves only ``/.well-known/jwks.json`` and records every request.

It stands in for the SuperTokens core's key endpoint, which is all a verifier
may ask a core for; the tests assert that nothing else was requested.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ecolaura.identity.signing import Signer

JWKS_PATH = "/.well-known/jwks.json"


class JwksStub:
    def __init__(self, signers: list[Signer]) -> None:
        self.signers = signers
        self.requests: list[str] = []
        self.url = ""

    def document(self) -> dict[str, Any]:
        return {"keys": [key for signer in self.signers for key in signer.jwks()["keys"]]}


@contextmanager
def jwks_stub(signers: list[Signer]) -> Iterator[JwksStub]:
    stub = JwksStub(signers)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            stub.requests.append(f"GET {self.path}")
            if self.path != JWKS_PATH:
                self.send_error(404)
                return
            body = json.dumps(stub.document()).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            stub.requests.append(f"POST {self.path}")
            self.send_error(404)

        do_PUT = do_DELETE = do_POST  # noqa: N815

        def log_message(self, *_: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    stub.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()

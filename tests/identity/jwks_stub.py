"""A SuperTokens core stub: a loopback server that serves ``/.well-known/jwks.json`` and records every request.

It stands in for the core's key endpoint, which is all a verifier may ask a
core for: the token tests assert that nothing else was requested. It also
answers ``/apiversion`` (the SDK asks before anything else it sends a core), so
a test can see which core calls the SDK's own ``/auth/*`` routes make; every
other path is a 404, recorded with its body.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.loopback import serve_loopback
from write_side.identity.signing import Signer

JWKS_PATH = "/.well-known/jwks.json"
CDI_VERSIONS = {"versions": ["5.4"]}
PUBLIC_TENANT = {
    "status": "OK",
    "tenantId": "public",
    "thirdParty": {"providers": []},
    "firstFactors": None,
    "requiredSecondaryFactors": None,
    "coreConfig": {},
}


class JwksStub:
    def __init__(self, signers: list[Signer]) -> None:
        self.signers = signers
        self.requests: list[str] = []
        self.bodies: list[bytes] = []
        self.url = ""

    def document(self) -> dict[str, Any]:
        return {"keys": [key for signer in self.signers for key in signer.jwks()["keys"]]}


@contextmanager
def jwks_stub(signers: list[Signer]) -> Iterator[JwksStub]:
    stub = JwksStub(signers)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            stub.requests.append(f"GET {self.path}")
            path = self.path.split("?", 1)[0]
            if path == "/apiversion":
                self._json(CDI_VERSIONS)
            elif path.endswith("/recipe/multitenancy/tenant/v2"):
                self._json(PUBLIC_TENANT)
            elif path.endswith("/users/by-accountinfo"):
                self._json({"status": "OK", "users": []})  # nobody has this email yet
            elif path == JWKS_PATH:
                self._json(stub.document())
            else:
                self.send_error(404)

        def _json(self, document: dict[str, Any]) -> None:
            body = json.dumps(document).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            stub.requests.append(f"POST {self.path}")
            stub.bodies.append(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
            self.send_error(404)

        do_PUT = do_DELETE = do_POST  # noqa: N815

        def log_message(self, *_: object) -> None:
            return

    with serve_loopback(Handler) as url:
        stub.url = url
        yield stub

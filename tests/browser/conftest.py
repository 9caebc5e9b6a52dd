"""Browser tests: Debian's Chromium, driven by Playwright, against the platform started as ``ecolaura up`` starts it.

One shop serves the whole session: a fresh database on the test PostgreSQL
server, seeded small through the command side, then ``ecolaura up`` (its own
Redis, localstripe, projector and worker, and the built web app at ``/``).
``ECOLAURA_BROWSER_URL`` (with ``ECOLAURA_BROWSER_ADMIN="email password"`` and
``ECOLAURA_BROWSER_DATABASE_URL``) points the tests at a shop already running.

Every page a test visits goes through :func:`check_page`: axe-core (WCAG 2.1 A
and AA) must find no serious or critical violation, at 390 and 1280 px wide,
and a screenshot of each width is saved under ``test-artifacts/browser/``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from playwright.sync_api import Page

from ecolaura.embedded import free_port
from ecolaura.settings import libpq_url
from ecolaura.webapp import FRONTEND, build
from tests.conftest import _with_database

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
AXE = FRONTEND / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(
    os.environ.get("BROWSER_ARTIFACTS") or Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
)
WIDTHS = (390, 1280)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

if not Path(CHROMIUM).exists() or not AXE.exists():
    pytest.skip(
        "browser tests need Debian's chromium (apt-get install -y chromium) and the web app's tools (make install)",
        allow_module_level=True,
    )


@dataclass(frozen=True)
class Shop:
    url: str
    admin: tuple[str, str]
    database_url: str | None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium (Playwright 1.64 speaks to Chromium 156); no browser download."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": ["--no-sandbox"]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}, "accept_downloads": True}


def _ecolaura(*args: str) -> list[str]:
    return [sys.executable, "-m", "ecolaura.cli", *args]


def _wait_ready(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"ecolaura up exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}/health/ready", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"ecolaura up was not ready within {timeout:g} s:\n{log.read_text()[-3000:]}")
        time.sleep(0.5)


@pytest.fixture(scope="session")
def shop(server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shop]:
    given = os.environ.get("ECOLAURA_BROWSER_URL")
    if given:
        email, password = os.environ["ECOLAURA_BROWSER_ADMIN"].split(" ", 1)
        yield Shop(given.rstrip("/"), (email, password), os.environ.get("ECOLAURA_BROWSER_DATABASE_URL"))
        return
    build()  # the web app, when its sources changed since the last build
    name = f"ecolaura_browser_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(libpq_url(server_url), autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    # The database's name goes in the URL's path: an embedded server's URL holds its socket
    # directory in the query (host=/tmp/...), which a split on the last "/" would cut.
    database_url = _with_database(server_url, name)
    var = Path(tmp_path_factory.mktemp("browser-shop"))
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "REDIS_URL", "STRIPE_"))}
    env = {
        **keep,
        "DATABASE_URL": database_url,
        "ECOLAURA_VAR_DIR": str(var),
        "LOG_LEVEL": "WARNING",
        # The small shop's log (a few thousand events) rebuilds in a blink: at this pace a rebuild
        # takes seconds, time enough for an admin to watch it and to cancel one.
        "REBUILD_EVENTS_PER_SECOND": "400",
    }
    log = var / "up.log"
    # A small shop: enough for facets, pages and leaderboards, quick to seed and to rebuild.
    subprocess.run(  # noqa: S603 - our own CLI
        _ecolaura("seed", "--products", "120", "--customers", "20", "--orders", "120"),
        env=env,
        check=True,
        capture_output=True,
        timeout=240,
    )
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own CLI
            _ecolaura("up", "--port", str(port)), env=env, stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(url, process, log, timeout=240)
        email, password = (var / "demo-admin.txt").read_text().split()
        yield Shop(url, (email, password), database_url)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        with psycopg.connect(libpq_url(server_url), autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def axe_violations(page: Page, exclude: list[str] | None = None) -> list[dict[str, Any]]:
    """axe-core's serious and critical WCAG 2.1 A/AA violations on the whole page."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    context = {"include": [["html"]], "exclude": [[selector] for selector in exclude or []]}
    result = page.evaluate(
        "async ([context, tags]) => await axe.run(context, {runOnly: {type: 'tag', values: tags}})",
        [context, AXE_TAGS],
    )
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def check_page(page: Page, name: str, exclude: list[str] | None = None) -> None:
    """axe at both widths (no serious or critical violation) and a screenshot of each, saved as artefacts."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size or {"width": 1280, "height": 900}
    try:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900 if width > 600 else 844})
            page.wait_for_timeout(150)  # layout and charts follow the new width
            page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
            violations = axe_violations(page, exclude)
            summary = [
                {
                    "id": v["id"],
                    "impact": v["impact"],
                    "help": v["help"],
                    "nodes": [n["target"] for n in v["nodes"][:5]],
                }
                for v in violations
            ]
            assert not violations, f"{name} at {width} px:\n{json.dumps(summary, indent=1)}"
    finally:
        page.set_viewport_size(original)


def sign_up(page: Page, shop: Shop, name: str = "Browser Shopper", *, check: bool = False) -> str:
    email = f"shopper-{uuid.uuid4().hex[:10]}@example.com"
    page.goto(f"{shop.url}/account/sign-up")
    if check:
        check_page(page, "sign-up")
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password (at least 10 characters)").fill("correct horse battery")
    page.get_by_label("Country").select_option("FR")
    page.get_by_role("button", name="Create account").click()
    return email


def sign_in(page: Page, shop: Shop, email: str, password: str) -> None:
    page.goto(f"{shop.url}/account/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Your account").wait_for()

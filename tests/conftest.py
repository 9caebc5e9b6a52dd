"""Shared fixtures: a real PostgreSQL and Redis for every test that needs one.

``TEST_DATABASE_URL`` / ``TEST_REDIS_URL`` point at running servers (CI uses
the machine's); when unset, the embedded servers start in a temporary folder.
Each test session migrates its own fresh database and drops it afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import hypothesis
import psycopg
import pytest
import redis
import redis.asyncio as aioredis
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine

from ecolaura.database import make_engine, migrate
from ecolaura.embedded import embedded_postgres, local_redis, local_stripe
from ecolaura.settings import Settings, libpq_url
from tests import factories
from write_side.identity.setup import make_verifier
from write_side.service_layer.payments import PaymentGateway

BROWSER_TESTS = Path(__file__).resolve().parent / "browser"

# Property tests judge results, not speed: on a CI machine three times slower, or sharing its two
# cores, Hypothesis's 200 ms deadline per example failed tests whose every answer was right.
hypothesis.settings.register_profile("ecolaura", deadline=None)
hypothesis.settings.load_profile("ecolaura")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests run last, marked ``browser``.

    Playwright's sync API keeps an event loop running in the main thread from its first use
    until the session ends; the asyncio tests (pytest-asyncio) cannot start theirs after that.
    """
    for item in items:
        if BROWSER_TESTS in item.path.parents:
            item.add_marker(pytest.mark.browser)
    items.sort(key=lambda item: BROWSER_TESTS in item.path.parents)  # stable: the rest keep their order


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(libpq_url(url))
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture(scope="session")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    given = os.environ.get("TEST_DATABASE_URL")
    if given:
        yield given
        return
    with embedded_postgres(Path(tmp_path_factory.mktemp("var"))) as url:
        yield url


@pytest.fixture(scope="session")
def database_url(server_url: str) -> Iterator[str]:
    """A fresh, migrated database for this session."""
    name = f"ecolaura_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(libpq_url(server_url), autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    url = _with_database(server_url, name)
    migrate(url)
    yield url
    with psycopg.connect(libpq_url(server_url), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    given = os.environ.get("TEST_REDIS_URL")
    if given:
        yield given
        return
    with local_redis(Path(tmp_path_factory.mktemp("redis"))) as url:
        yield url


@pytest.fixture(scope="session")
def clean_redis(redis_url: str) -> str:
    """The test Redis, emptied once per session: read models there belong to this session's database."""
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    client.close()
    return redis_url


@pytest.fixture
async def redis_client(clean_redis: str) -> AsyncIterator[aioredis.Redis]:
    client = aioredis.Redis.from_url(clean_redis)
    yield client
    await client.aclose()


@pytest.fixture(scope="session")
def stripe_base() -> Iterator[str]:
    """A real localstripe process for the session: Stripe's API, played locally."""
    with local_stripe() as url:
        yield url


WEBHOOK_SECRET = "whsec_test_ecolaura"


@pytest.fixture(scope="session")
def search_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return Path(tmp_path_factory.mktemp("search"))


@pytest.fixture
def settings(database_url: str, clean_redis: str, search_dir: Path, stripe_base: str) -> Settings:
    return Settings(
        database_url=database_url,
        redis_url=clean_redis,
        search_dir=search_dir,
        stripe_api_key="sk_test_localstripe",
        stripe_api_base=stripe_base,
        stripe_webhook_secret=WEBHOOK_SECRET,
        log_format="console",
        max_body_bytes=65536,
    )


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(database_url, pool_size=60)
    yield engine
    await engine.dispose()


def make_test_app(settings: Settings, payments: PaymentGateway | None = None) -> Litestar:
    """Both APIs in one app, as ``ecolaura up`` serves them (optionally with another payment gateway)."""
    from ecolaura.http.appkit import make_litestar
    from read_side.api.app import ReadSide
    from write_side.api.app import WriteSide

    write, read = WriteSide(settings, payments), ReadSide(settings)
    return make_litestar(
        title="test",
        route_handlers=[*write.route_handlers(), *read.route_handlers()],
        dependencies={**write.dependencies(), **read.dependencies()},
        lifespan=[write.lifespan, read.lifespan],
        readiness={**write.readiness(), **read.readiness()},
        max_body_bytes=settings.max_body_bytes,
        identity=make_verifier(settings),
        metrics=[read.refresh_metrics],
    )


@pytest.fixture(scope="session")
def api_url(
    database_url: str,
    clean_redis: str,
    search_dir: Path,
    stripe_base: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    """Both APIs served by uvicorn in a process of their own, over real sockets (see tests/served.py)."""
    from tests.served import served_api

    var = Path(tmp_path_factory.mktemp("served"))
    env = {
        "DATABASE_URL": database_url,
        "REDIS_URL": clean_redis,
        "SEARCH_DIR": str(search_dir),
        "ECOLAURA_VAR_DIR": str(var),
        "STRIPE_API_KEY": "sk_test_localstripe",
        "STRIPE_API_BASE": stripe_base,
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "DB_POOL_SIZE": "40",
    }
    with served_api(env, var / "api.log") as url:
        yield url


@pytest.fixture
async def http(api_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the served API with room for many requests at once."""
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(base_url=api_url, timeout=60, limits=limits) as client:
        yield client


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    async with AsyncTestClient(app=make_test_app(settings), timeout=30) as test_client:
        yield test_client


@pytest.fixture
def admin() -> dict[str, str]:
    return factories.admin_headers()

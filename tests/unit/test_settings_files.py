"""Settings read a secret from the file NAME_FILE names (Docker and Compose secrets) when NAME is unset."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecolaura.settings import Settings


def test_a_setting_comes_from_its_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "database_url"
    secret.write_text("postgresql://shop:s3cret@db:5432/shop\n")  # a trailing newline, as editors leave
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("DATABASE_URL_FILE", str(secret))
    assert Settings().database_url == "postgresql://shop:s3cret@db:5432/shop"


def test_the_variable_wins_over_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "stripe"
    secret.write_text("sk_from_file")
    monkeypatch.setenv("STRIPE_API_KEY", "sk_from_env")
    monkeypatch.setenv("STRIPE_API_KEY_FILE", str(secret))
    assert Settings().stripe_api_key == "sk_from_env"


def test_an_empty_file_counts_as_unset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "stripe"
    empty.write_text("\n")
    monkeypatch.delenv("STRIPE_API_KEY", raising=False)
    monkeypatch.setenv("STRIPE_API_KEY_FILE", str(empty))
    assert Settings().stripe_api_key is None  # so `serve write` starts localstripe, as with no key


def test_a_missing_file_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("REDIS_URL_FILE", str(tmp_path / "nowhere"))
    with pytest.raises(FileNotFoundError):
        Settings()

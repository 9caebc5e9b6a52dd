"""The web app served by the read API: hashed assets cached for good, precompressed variants chosen by
Accept-Encoding, index.html revalidated, page paths answered by the app, API paths kept as JSON 404s."""

from __future__ import annotations

import gzip
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient

from ecolaura.apps import combined_app_for
from ecolaura.http.frontend import accepted_encodings
from ecolaura.settings import Settings

INDEX = b"<!doctype html><html><head><title>Ecolaura</title></head><body><div id=root></div></body></html>"
SCRIPT = b"console.log('ecolaura');\n" * 200
# No brotli codec here: the br variant is a marker, and the test reads it as sent.
BROTLI = b"brotli variant of the script"
ASSET = "index-Ab12Cd34.js"


def build(dist: Path) -> Path:
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_bytes(INDEX)
    (dist / "index.html.gz").write_bytes(gzip.compress(INDEX))
    (dist / "assets" / ASSET).write_bytes(SCRIPT)
    (dist / "assets" / f"{ASSET}.gz").write_bytes(gzip.compress(SCRIPT))
    (dist / "assets" / f"{ASSET}.br").write_bytes(BROTLI)
    (dist / "favicon.svg").write_bytes(b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    return dist


@pytest.fixture
async def site(settings: Settings, tmp_path: Path) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    app = combined_app_for(replace(settings, frontend_dist=build(tmp_path / "dist")))
    async with AsyncTestClient(app=app, timeout=30) as client:
        yield client


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("gzip, deflate, br, zstd", "br"),
        ("gzip", "gzip"),
        ("br;q=0, gzip;q=0.5", "gzip"),
        ("identity", None),
        ("", None),
        ("*", "br"),
    ],
)
async def test_the_best_accepted_variant_is_sent(
    site: AsyncTestClient,
    header: str,
    expected: str | None,  # type: ignore[type-arg]
) -> None:
    answer = await site.get(f"/assets/{ASSET}", headers={"Accept-Encoding": header})
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert answer.headers["vary"] == "Accept-Encoding"
    assert answer.headers["content-type"].startswith("text/javascript")
    assert answer.headers.get("content-encoding") == expected
    # gzip decodes to the file itself; the br marker arrives as written
    assert answer.content == (BROTLI if expected == "br" else SCRIPT)


async def test_index_is_revalidated_by_its_etag(site: AsyncTestClient) -> None:  # type: ignore[type-arg]
    first = await site.get("/", headers={"Accept-Encoding": "gzip"})
    assert first.status_code == 200
    assert first.headers["cache-control"] == "no-cache"
    assert first.headers["content-type"].startswith("text/html")
    assert first.headers["content-encoding"] == "gzip"
    assert first.content == INDEX
    again = await site.get("/", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""


@pytest.mark.parametrize(
    "path", ["/search?q=shirt&eco=80-", "/products/5b0c6c3e-1d8e-4d83-9d5c-7a0d6f0c1a11", "/account/orders"]
)
async def test_page_paths_get_the_app(site: AsyncTestClient, path: str) -> None:  # type: ignore[type-arg]
    answer = await site.get(path, headers={"Accept": "text/html"})
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-cache"
    assert answer.content == INDEX


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/nothing-here",
        "/api/v2/products",
        "/api/",
        "/health/nothing",
        "/.well-known/nothing",
        "/assets/missing-0000.js",
        "/assets/..%2f..%2fpyproject.toml",
    ],
)
async def test_api_paths_stay_json_404s(site: AsyncTestClient, path: str) -> None:  # type: ignore[type-arg]
    answer = await site.get(path, headers={"Accept": "text/html,application/xhtml+xml"})
    assert answer.status_code == 404, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["status"] == 404


async def test_other_methods_are_not_given_the_page(site: AsyncTestClient) -> None:  # type: ignore[type-arg]
    answer = await site.post("/search", json={})
    assert answer.status_code in (404, 405)
    assert answer.headers["content-type"].startswith("application/problem+json")


async def test_top_level_files_of_the_build_are_served(site: AsyncTestClient) -> None:  # type: ignore[type-arg]
    answer = await site.get("/favicon.svg")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("image/svg+xml")
    assert answer.headers["cache-control"] == "public, max-age=3600"


async def test_the_api_still_answers_beside_the_app(site: AsyncTestClient) -> None:  # type: ignore[type-arg]
    assert (await site.get("/health/live")).json() == {"status": "ok"}
    schema = (await site.get("/schema/openapi.json")).json()
    assert "/" not in schema["paths"]
    assert not any(path.startswith("/assets") for path in schema["paths"])


async def test_without_a_build_the_root_says_how_to_build(settings: Settings, tmp_path: Path) -> None:
    app = combined_app_for(replace(settings, frontend_dist=tmp_path / "missing"))
    async with AsyncTestClient(app=app, timeout=30) as client:
        root = await client.get("/")
        assert root.status_code == 404
        assert "make run" in root.json()["detail"]
        page = await client.get("/search")
        assert page.status_code == 404
        assert page.headers["content-type"].startswith("application/problem+json")


async def test_storefront_config_points_at_localstripe(site: AsyncTestClient, settings: Settings) -> None:  # type: ignore[type-arg]
    config = (await site.get("/api/v1/storefront/config")).json()
    assert config["stripe"]["js_url"] == f"{settings.stripe_api_base}/js.stripe.com/v3/"
    assert config["stripe"]["publishable_key"].startswith("pk_test_")


async def test_shipping_quote_weighs_every_method(site: AsyncTestClient) -> None:  # type: ignore[type-arg]
    answer = await site.get(
        "/api/v1/storefront/shipping", params={"country": "FR", "shipped_kg": 2.5, "subtotal_minor": 6000}
    )
    assert answer.status_code == 200, answer.text
    options = {o["method"]: o for o in answer.json()["options"]}
    assert set(options) == {"standard", "express", "slow-green"}
    assert options["slow-green"]["fee_minor"] == 0  # free above the threshold
    for option in options.values():
        kg = option["kg_co2e"]
        assert 0 < kg["low"] <= kg["central"] <= kg["high"]
    assert options["express"]["kg_co2e"]["central"] > options["slow-green"]["kg_co2e"]["central"]
    bad = await site.get("/api/v1/storefront/shipping", params={"country": "XX"})
    assert bad.status_code == 400
    assert bad.headers["content-type"].startswith("application/problem+json")


def test_accept_encoding_is_parsed_with_weights() -> None:
    assert accepted_encodings("gzip;q=1.0, br;q=0") == {"gzip"}
    assert accepted_encodings("BR, GZip") == {"br", "gzip"}
    assert accepted_encodings("gzip;q=oops") == set()

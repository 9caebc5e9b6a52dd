"""The web app's typed API client is generated from the OpenAPI document; the committed one must be current."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecolaura.webapp import CLIENT, FRONTEND, generate_client


@pytest.mark.skipif(
    not (FRONTEND / "node_modules" / ".bin" / "openapi-typescript").exists(),
    reason="the web app's tools are not installed (make install)",
)
def test_the_committed_client_matches_the_api(tmp_path: Path) -> None:
    fresh = tmp_path / "schema.d.ts"
    generate_client(fresh)
    assert fresh.read_text() == CLIENT.read_text(), (
        "frontend/src/lib/api/schema.d.ts is stale: run `make api-client` and commit it"
    )

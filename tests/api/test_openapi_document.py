"""The OpenAPI document itself: complete, exact where it can be, and the same on every build."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.api.test_openapi_contract import document
from tests.factories import admin_headers

METHODS = ("get", "put", "post", "patch", "delete")


def _operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, op)
        for path, item in doc["paths"].items()
        for method, op in item.items()
        if method in METHODS
    ]


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return document()


def test_the_document_is_the_same_on_every_build(doc: dict[str, Any]) -> None:
    assert json.dumps(doc, sort_keys=True) == json.dumps(document(), sort_keys=True)


def test_every_operation_has_a_unique_pascal_case_id_and_says_who_may_call(doc: dict[str, Any]) -> None:
    ids = [op["operationId"] for _, _, op in _operations(doc)]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[A-Z][A-Za-z]+", i) for i in ids), ids
    for path, method, op in _operations(doc):
        assert op["security"] in ([], [{"bearerAuth": []}]), (method, path)
        if op["security"]:
            assert "401" in op["responses"], (method, path)


def test_every_json_body_has_a_real_schema_and_every_error_is_a_problem(doc: dict[str, Any]) -> None:
    for path, method, op in _operations(doc):
        for status, response in op["responses"].items():
            for media, content in response.get("content", {}).items():
                if media.endswith("json"):
                    assert content["schema"] not in ({"type": "string"}, {}), (method, path, status)
                if status.startswith(("4", "5")):
                    assert media == "application/problem+json", (method, path, status)
                    assert content["schema"] == {"$ref": "#/components/schemas/Problem"}
            if status.startswith(("4", "5")):
                assert "content" in response, (method, path, status)


def test_every_reference_resolves(doc: dict[str, Any]) -> None:
    refs = set(re.findall(r'"#/components/schemas/([^"]+)"', json.dumps(doc)))
    assert refs <= set(doc["components"]["schemas"])


def test_stored_read_models_are_described_by_their_structs(doc: dict[str, Any]) -> None:
    answers = {
        op["operationId"]: op["responses"]["200"] for _, _, op in _operations(doc) if "200" in op["responses"]
    }
    for operation_id, struct in (
        ("GetProduct", "ProductCard"),
        ("ListProducts", "ProductPage"),
        ("SearchProducts", "SearchResult"),
        ("MyOrders", "OrderPage"),
        ("MyOrder", "OrderView"),
        ("MyDashboard", "Dashboard"),
        ("ImpactSummary", "ImpactSummary"),
        ("ProductImpact", "ProductImpact"),
        ("AnalyticsLeaderboard", "Leaderboard"),
        ("Leaderboard", "LiveLeaderboard"),
        ("MyRewards", "MyRewards"),
        ("Challenges", "ChallengePage"),
        ("Challenge", "ChallengeView"),
        ("ProjectionStatus", "PlatformStatus"),
    ):
        schema = answers[operation_id]["content"]["application/json"]["schema"]
        assert schema == {"$ref": f"#/components/schemas/{struct}"}, operation_id
        if struct != "SearchResult":  # the search port's own struct; the read_side.views ones are closed
            assert doc["components"]["schemas"][struct]["additionalProperties"] is False
    for struct in ("ProjectionStatus", "ProcessStatus", "OpenTransaction"):  # inside PlatformStatus
        assert doc["components"]["schemas"][struct]["additionalProperties"] is False


def test_metrics_are_documented_as_prometheus_text(doc: dict[str, Any]) -> None:
    (media,) = doc["paths"]["/metrics"]["get"]["responses"]["200"]["content"]
    assert media.startswith("text/plain")


async def test_options_names_every_method_of_a_path(client: AsyncTestClient) -> None:  # type: ignore[type-arg]
    response = await client.options("/api/v1/admin/jobs/some-job", headers=admin_headers())
    assert response.status_code == 204
    assert set(response.headers["allow"].split(", ")) == {"DELETE", "GET", "OPTIONS"}

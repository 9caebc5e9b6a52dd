"""The edge (nginx, in Compose and Kubernetes) sends every route of both apps to an app that serves it.

deploy/k8s/base/edge/routes.conf is read here the way nginx reads it: exact locations first, then
the longest matching prefix; a location either names an API or uses the method map (GET and HEAD
to the read API, others to the write API).
"""

from __future__ import annotations

import re

import pytest

from tests.deploy.conftest import DEPLOY

ROUTES_CONF = DEPLOY / "k8s" / "base" / "edge" / "routes.conf"
UPSTREAMS = {"read_api": "read", "write_api": "write"}
HIDDEN = {"/metrics"}  # Prometheus scrapes each API directly; the edge answers 404


def parse() -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    text = re.sub(r"#.*", "", ROUTES_CONF.read_text())
    map_body = re.search(r"map \$request_method \$(\w+) \{(.*?)\}", text, re.DOTALL)
    assert map_body is not None
    by_method = dict(re.findall(r"(\w+)\s+(\w+);", map_body.group(2)))
    locations = [
        (modifier, path, body.strip())
        for modifier, path, body in re.findall(r"location\s+(=\s+)?(\S+)\s*\{(.*?)\}", text, re.DOTALL)
    ]
    return by_method, [("=" if m.strip() else "", p, b) for m, p, b in locations]


def backend(path: str, method: str) -> str | None:
    by_method, locations = parse()
    exact = [loc for loc in locations if loc[0] == "=" and loc[1] == path]
    prefixes = sorted(
        (loc for loc in locations if not loc[0] and path.startswith(loc[1])), key=lambda loc: -len(loc[1])
    )
    body = (exact or prefixes)[0][2]
    target = re.search(r"proxy_pass http://\$?(\w+);", body)
    if target is None:
        return None  # answered by nginx itself
    upstream = target.group(1)
    if upstream not in UPSTREAMS:
        upstream = by_method.get(method, by_method["default"])
    return UPSTREAMS[upstream]


def concrete(template: str) -> str:
    return re.sub(r"\{[^}]+\}", "00000000-0000-4000-8000-000000000001", template)


def test_every_route_reaches_an_app_that_serves_it(routes: dict[str, dict[str, set[str]]]) -> None:
    checked = 0
    for side, table in routes.items():
        for template, methods in table.items():
            if template in HIDDEN:
                continue
            for method in methods - {"OPTIONS", "HEAD"}:
                target = backend(concrete(template), method)
                assert target is not None, f"{method} {template} is answered by the edge itself"
                served = routes[target].get(template, set())
                assert method in served, (
                    f"{method} {template} ({side} API) goes to the {target} API, which does not serve it"
                )
                checked += 1
    assert checked > 50


@pytest.mark.parametrize(("path", "method", "expected"), [
    ("/api/v1/challenges", "GET", "read"),
    ("/api/v1/challenges", "POST", "write"),
    ("/api/v1/admin/projections/product_cards/rebuild", "POST", "read"),
    ("/api/v1/me/export", "GET", "write"),
    ("/", "GET", "read"),
])  # fmt: skip
def test_shared_paths_split_by_method(path: str, method: str, expected: str) -> None:
    assert backend(path, method) == expected


def test_metrics_are_not_public() -> None:
    assert backend("/metrics", "GET") is None


def test_compose_and_kubernetes_use_the_same_rules() -> None:
    compose_conf = (DEPLOY / "edge" / "nginx.conf").read_text()
    k8s_conf = (DEPLOY / "k8s" / "base" / "edge" / "nginx.conf").read_text()
    for conf in (compose_conf, k8s_conf):
        assert "include /etc/nginx/routes.conf;" in conf
        assert re.search(r"upstream read_api \{[^}]*server read-api:8000", conf)
        assert re.search(r"upstream write_api \{[^}]*server write-api:8000", conf)
    assert "./k8s/base/edge/routes.conf:/etc/nginx/routes.conf:ro" in (DEPLOY / "compose.yaml").read_text()

"""Alerts and dashboards name only metrics, labels and routes the app really exports.

The exported names come from prometheus_client's registry once every process's code is
imported (the APIs, the projector, the worker); the routes from the apps as they are built.
promtool (Debian's `prometheus` package, installed by .ci/run) checks and unit-tests the rules.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from tests.deploy.conftest import DEPLOY, compose

ALERTS = DEPLOY / "prometheus" / "alerts.yml"
DASHBOARDS = sorted((DEPLOY / "grafana" / "dashboards").glob("*.json"))
TARGET_LABELS = {"job", "instance"}  # added by Prometheus to every scraped series
SYNTHETIC = {"up", "scrape_duration_seconds"}  # made by Prometheus, not by the app
KEYWORDS = {
    "by",
    "without",
    "and",
    "or",
    "unless",
    "on",
    "ignoring",
    "group_left",
    "group_right",
    "bool",
    "offset",
    "inf",
    "nan",
}
REQUIRED_ALERTS = {
    "EcolauraProjectionLagging", "EcolauraProjectionFailed", "EcolauraDeadLetters", "EcolauraWorkerHeartbeatMissing",
    "EcolauraStripeWebhooksFailing", "EcolauraStripeEventsFailing", "EcolauraHigh5xxRate", "EcolauraP99LatencyHigh",
}  # fmt: skip


def exported() -> dict[str, set[str]]:
    """Every series name the app's processes export, with the labels each carries."""
    from prometheus_client import REGISTRY

    import ecolaura.apps
    import ecolaura.worker  # noqa: F401 - the worker
    import projections.daemon  # noqa: F401 - the projector

    labels_of: dict[str, set[str]] = {}
    for collector, names in REGISTRY._collector_to_names.items():  # type: ignore[attr-defined]
        labels = set(getattr(collector, "_labelnames", ()))
        for name in names:
            labels_of[name] = labels | ({"le"} if name.endswith("_bucket") else set())
    return labels_of


def selectors(expr: str) -> Iterator[tuple[str, list[tuple[str, str, str]]]]:
    """(metric name, [(label, operator, value)]) for each series selector in a PromQL expression."""
    strings: list[str] = []

    def keep(match: re.Match[str]) -> str:
        strings.append(match.group(1))
        return f'"{len(strings) - 1}"'

    expr = re.sub(r'"([^"]*)"', keep, expr)  # label values may hold braces: route templates do
    for match in re.finditer(r"([a-zA-Z_:][\w:]*)?\s*\{([^}]*)\}", expr):
        matchers = re.findall(r'(\w+)\s*(=~|!~|!=|=)\s*"(\d+)"', match.group(2))
        yield match.group(1) or "", [(label, op, strings[int(i)]) for label, op, i in matchers]
    bare = re.sub(r'"\d+"|\{[^}]*\}|\[[^\]]*\]|\b(?:by|without|on|ignoring)\s*\([^)]*\)', " ", expr)
    for name in re.findall(r"(?<![\w.])([a-zA-Z_:][\w:]*)(?![\w:]|\s*\()", bare):
        if name.lower() not in KEYWORDS:
            yield name, []


def grouping_labels(expr: str) -> set[str]:
    return {
        label.strip()
        for group in re.findall(r"\b(?:by|without)\s*\(([^)]*)\)", expr)
        for label in group.split(",")
        if label.strip()
    }


def check_expr(expr: str, where: str, labels_of: dict[str, set[str]], templates: set[str]) -> set[str]:
    names = set()
    for name, matchers in selectors(expr):
        if not name or name in SYNTHETIC:
            continue
        assert name in labels_of, f"{where}: {name} is not a metric the app exports"
        names.add(name)
        for label, operator, value in matchers:
            assert label in labels_of[name] | TARGET_LABELS, f"{where}: {name} has no label {label!r}"
            if label == "path" and operator in {"=", "!="}:
                assert value in templates, f"{where}: no app has the route {value!r}"
    known = set().union(*(labels_of[n] for n in names)) | TARGET_LABELS if names else TARGET_LABELS
    assert grouping_labels(expr) <= known, (
        f"{where}: groups by {grouping_labels(expr) - known}, which no series carries"
    )
    return names


@pytest.fixture(scope="module")
def labels_of() -> dict[str, set[str]]:
    return exported()


@pytest.fixture(scope="module")
def templates(routes: dict[str, dict[str, set[str]]]) -> set[str]:
    return set(routes["write"]) | set(routes["read"])


def alert_rules() -> list[dict[str, Any]]:
    return [rule for group in yaml.safe_load(ALERTS.read_text())["groups"] for rule in group["rules"]]


def test_alerts_name_only_exported_metrics(labels_of: dict[str, set[str]], templates: set[str]) -> None:
    used: set[str] = set()
    for rule in alert_rules():
        used |= check_expr(rule["expr"], rule["alert"], labels_of, templates)
    assert {
        "ecolaura_projection_lag_seconds",
        "ecolaura_requests_total",
        "ecolaura_request_duration_seconds_bucket",
    } <= used


def test_every_alert_has_a_runbook_and_a_severity() -> None:
    rules = alert_rules()
    assert {r["alert"] for r in rules} >= REQUIRED_ALERTS
    for rule in rules:
        assert rule["labels"]["severity"] in {"warning", "critical"}, rule["alert"]
        assert rule["annotations"]["summary"], rule["alert"]
        assert len(rule["annotations"]["runbook"]) > 40, rule["alert"]
        assert rule["annotations"]["runbook_url"].endswith("deploy/README.md#runbooks"), rule["alert"]
    assert "## Runbooks" in (DEPLOY / "README.md").read_text()


def test_dashboard_panels_query_exported_metrics(labels_of: dict[str, set[str]], templates: set[str]) -> None:
    assert DASHBOARDS
    datasource = yaml.safe_load(
        (DEPLOY / "grafana" / "provisioning" / "datasources" / "prometheus.yaml").read_text()
    )
    uid = datasource["datasources"][0]["uid"]
    for path in DASHBOARDS:
        dashboard = json.loads(path.read_text())
        panels = [p for p in dashboard["panels"] if p["type"] != "row"]
        assert len(panels) >= 10
        for panel in panels:
            assert panel["targets"], panel["title"]
            for target in panel["targets"]:
                assert target["datasource"]["uid"] == uid, panel["title"]
                check_expr(target["expr"], f"{path.name}: {panel['title']}", labels_of, templates)


def test_compose_provisions_prometheus_and_grafana() -> None:
    services = compose()["services"]
    assert "./prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro" in services["prometheus"]["volumes"]
    assert "./grafana/provisioning:/etc/grafana/provisioning:ro" in services["grafana"]["volumes"]
    assert "./grafana/dashboards:/var/lib/grafana/dashboards:ro" in services["grafana"]["volumes"]
    scrape = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())
    assert scrape["rule_files"] == ["/etc/prometheus/alerts.yml"]
    jobs = {job["job_name"] for job in scrape["scrape_configs"]}
    assert jobs == {"ecolaura-write-api", "ecolaura-read-api", "ecolaura-projector", "ecolaura-worker"}


promtool = shutil.which("promtool")
needs_promtool = pytest.mark.skipif(
    promtool is None, reason="promtool is missing: install Debian's `prometheus` package (.ci/run does)"
)


@needs_promtool
def test_promtool_checks_the_rules() -> None:
    result = subprocess.run(  # noqa: S603 - promtool on our own files
        [promtool or "", "check", "rules", str(ALERTS)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


@needs_promtool
def test_promtool_unit_tests_pass() -> None:
    tests = DEPLOY / "prometheus" / "alerts.test.yml"
    result = subprocess.run(  # noqa: S603 - promtool on our own files
        [promtool or "", "test", "rules", str(tests)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


@needs_promtool
def test_promtool_checks_the_scrape_config(tmp_path: Any) -> None:
    # Outside Compose the rule file sits beside the config: point the copy there.
    config = (
        (DEPLOY / "prometheus" / "prometheus.yml")
        .read_text()
        .replace("/etc/prometheus/alerts.yml", str(ALERTS))
    )
    copy = tmp_path / "prometheus.yml"
    copy.write_text(config)
    result = subprocess.run(  # noqa: S603 - promtool on our own files
        [promtool or "", "check", "config", str(copy)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr

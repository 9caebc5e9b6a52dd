"""deploy/ checked without a container engine: linters and schemas, then against the code itself.

hadolint lints the Dockerfile, the Compose file is validated against the Compose specification,
every rendered Kubernetes manifest against the Kubernetes schemas (strict), the workflows against
GitHub's schema. Then every command line, port, probe and variable in those files is checked
against what the CLI, the settings and the apps accept, so renaming one breaks this test.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.deploy import kustomize
from tests.deploy.conftest import (
    APP_PORT,
    DEPLOY,
    OVERLAYS,
    ROOT,
    app_containers,
    compose,
    dockerfile_instructions,
    env_of_container,
    exec_form,
    invocations,
    parse_cli,
    rendered_overlays,
)

BIN = Path(sys.executable).parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
# The processes issue #17 asks for, each in Compose and in every overlay.
ROLES = {("serve", "write"), ("serve", "read"), ("project",), ("worker",), ("migrate",)}


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - the linters on our own files
        [str(a) for a in args], capture_output=True, text=True, check=False, timeout=120
    )


def role(args: tuple[str, ...]) -> tuple[str, ...]:
    command, params = parse_cli(args)
    return (command, str(params["side"])) if command == "serve" else (command,)


# --- linters and schemas --------------------------------------------------------------------------


def test_dockerfile_passes_hadolint() -> None:
    result = run(BIN / "hadolint", "--failure-threshold", "info", DEPLOY / "Dockerfile")
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_file_follows_the_compose_specification() -> None:
    result = run(BIN / "check-jsonschema", "--builtin-schema", "vendor.compose-spec", DEPLOY / "compose.yaml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflows_follow_githubs_schema() -> None:
    assert {p.name for p in WORKFLOWS} >= {"ci.yml", "release.yml"}
    result = run(BIN / "check-jsonschema", "--builtin-schema", "vendor.github-workflows", *WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("overlay", OVERLAYS, ids=lambda p: p.name)
def test_every_rendered_manifest_is_valid_kubernetes(overlay: Path, tmp_path: Path) -> None:
    docs = kustomize.build(overlay)
    rendered = tmp_path / f"{overlay.name}.yaml"
    rendered.write_text(yaml.safe_dump_all(docs, sort_keys=False))
    result = run(BIN / "kubernetes-validate", "--strict", "--quiet", rendered)
    assert result.returncode == 0, result.stdout + result.stderr
    kinds = {d["kind"] for d in docs}
    assert kinds >= {
        "Deployment", "Service", "Job", "HorizontalPodAutoscaler", "Ingress", "PodDisruptionBudget",
        "NetworkPolicy", "ConfigMap", "Namespace",
    }  # fmt: skip
    assert "Secret" not in kinds, "secrets are created in the cluster, never kept in the repository"


@pytest.mark.skipif(
    shutil.which("kubectl") is None, reason="kubectl is not installed: the renderer is not cross-checked"
)
@pytest.mark.parametrize("overlay", OVERLAYS, ids=lambda p: p.name)
def test_the_renderer_agrees_with_kubectl_kustomize(overlay: Path) -> None:
    real = run("kubectl", "kustomize", overlay)
    assert real.returncode == 0, real.stderr

    def key(doc: dict[str, object]) -> tuple[str, str]:
        return str(doc["kind"]), str(doc["metadata"]["name"])  # type: ignore[index]

    expected = sorted((d for d in yaml.safe_load_all(real.stdout) if d), key=key)
    assert sorted(kustomize.build(overlay), key=key) == expected


# --- the same commands, ports, probes and variables as the code --------------------------------


def test_every_command_line_is_one_the_cli_accepts() -> None:
    for invocation in invocations():
        command, params = parse_cli(invocation.args)  # raises on an unknown command, option or value
        if command == "serve":
            assert params["host"] == "0.0.0.0", (  # noqa: S104 - in a container, on purpose
                f"{invocation.where}: a container must listen on every interface"
            )
            assert params["port"] == APP_PORT, (
                f"{invocation.where}: serves on {params['port']}, not {APP_PORT}"
            )


def test_every_role_runs_in_compose_and_in_every_overlay() -> None:
    by_place: dict[str, set[tuple[str, ...]]] = {}
    for invocation in invocations():
        place = (
            "compose" if invocation.where.startswith("compose") else " ".join(invocation.where.split()[:2])
        )
        by_place.setdefault(place, set()).add(role(invocation.args))
    assert set(by_place) == {"Dockerfile CMD", "compose", *(f"k8s {o.name}" for o in OVERLAYS)}
    for place, roles in by_place.items():
        if place != "Dockerfile CMD":
            assert roles >= ROLES, f"{place} lacks {ROLES - roles}"


def test_every_variable_is_one_the_settings_read(accepted_env: set[str]) -> None:
    for invocation in invocations():
        unknown = set(invocation.env) - accepted_env
        assert not unknown, f"{invocation.where} sets {sorted(unknown)}, which nothing reads"


def test_the_apps_get_what_they_need(accepted_env: set[str]) -> None:
    for invocation in invocations():
        command = role(invocation.args)
        if command == ("serve", "all"):
            continue  # the image's default command, for a single container
        assert "DATABASE_URL" in invocation.env or "DATABASE_URL_FILE" in invocation.env, invocation.where
        if command != ("migrate",):
            assert "REDIS_URL" in invocation.env, invocation.where
        if command in {("serve", "write"), ("worker",)}:
            # Stripe for payments; one provenance key, since both sign the log's tree heads.
            needed = {"STRIPE_API_KEY_FILE", "STRIPE_WEBHOOK_SECRET_FILE", "PROVENANCE_KEY_FILE"}
            assert needed <= set(invocation.env), invocation.where
        if command == ("serve", "read"):
            assert "STRIPE_PUBLISHABLE_KEY" in invocation.env, f"{invocation.where}: Stripe.js needs it"
        if command in {("project",), ("worker",)}:
            assert "LAKE_DIR" in invocation.env, (
                f"{invocation.where}: the projector and the worker share the lake"
            )


def test_compose_secret_files_are_mounted_where_the_variables_point() -> None:
    spec = compose()
    for name, service in spec["services"].items():
        for variable, value in service.get("environment", {}).items():
            if variable.endswith("_FILE"):
                secret = Path(value).name
                assert value == f"/run/secrets/{secret}", f"{name}: {variable}={value}"
                assert secret in service.get("secrets", []), f"{name}: {variable} names {secret}, not mounted"
                assert secret in spec["secrets"], secret
    for secret in spec["secrets"].values():
        assert secret["file"].startswith("./secrets/"), "secret files live in deploy/secrets (gitignored)"


def test_k8s_secret_files_are_mounted_where_the_variables_point() -> None:

    for overlay, docs in rendered_overlays():
        for workload, spec, container in app_containers(docs):
            mounts = {m["mountPath"]: m["name"] for m in container.get("volumeMounts", [])}
            volumes = {v["name"]: v for v in spec.get("volumes", [])}
            for variable, value in env_of_container(container, docs).items():
                if variable.endswith("_FILE"):
                    folder = str(Path(value).parent)
                    where = f"{overlay} {workload['metadata']['name']}: {variable}"
                    assert folder in mounts, f"{where} points into {folder}, which is not mounted"
                    assert "secret" in volumes[mounts[folder]], f"{where} is not read from a Secret"


def test_probes_and_ports_match_the_apps(routes: dict[str, dict[str, set[str]]]) -> None:
    both = set(routes["write"]) & set(routes["read"])
    assert {"/health/live", "/health/ready", "/metrics"} <= both
    for overlay, docs in rendered_overlays():
        for workload, _, container in app_containers(docs):
            command = role(tuple(container["args"]))
            where = f"{overlay} {workload['metadata']['name']}"
            if command[0] != "serve":
                assert "livenessProbe" not in container, f"{where}: serves no API"
                if command in METRICS_PORT_SETTING:
                    check_own_metrics_port(workload, container, env_of_container(container, docs), where)
                continue
            assert [p["containerPort"] for p in container["ports"]] == [APP_PORT], where
            assert container["livenessProbe"]["httpGet"]["path"] == "/health/live", where
            assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready", where
            assert container["startupProbe"]["httpGet"]["path"] == "/health/live", where
            assert workload["spec"]["template"]["metadata"]["annotations"]["prometheus.io/port"] == str(
                APP_PORT
            )
        for service in (d for d in docs if d["kind"] == "Service" and d["metadata"]["name"].endswith("-api")):
            assert [p["port"] for p in service["spec"]["ports"]] == [APP_PORT]
    instructions = dockerfile_instructions()
    assert ("EXPOSE", str(APP_PORT)) in instructions
    healthcheck = next(a for i, a in instructions if i == "HEALTHCHECK")
    assert f"http://127.0.0.1:{APP_PORT}/health/live" in healthcheck
    for name, service in compose()["services"].items():
        if service.get("command", [None])[0] == "serve":
            assert f"http://127.0.0.1:{APP_PORT}/health/live" in " ".join(service["healthcheck"]["test"]), (
                name
            )


METRICS_PORT_SETTING = {("project",): "PROJECTOR_METRICS_PORT", ("worker",): "WORKER_METRICS_PORT"}


def check_own_metrics_port(
    workload: dict[str, Any], container: dict[str, Any], env: dict[str, str], where: str
) -> None:
    """The projector's and the worker's /metrics: the port their setting names, open and annotated."""
    port = int(env.get(METRICS_PORT_SETTING[role(tuple(container["args"]))], "0"))
    assert port, f"{where}: serves no /metrics"
    assert env.get("METRICS_HOST") == "0.0.0.0", f"{where}: /metrics must listen beyond the pod"  # noqa: S104
    assert [p["containerPort"] for p in container["ports"]] == [port], where
    assert workload["spec"]["template"]["metadata"]["annotations"]["prometheus.io/port"] == str(port), where


def test_prometheus_scrapes_every_process_of_the_compose_stack() -> None:
    config = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())
    scraped = set()
    for job in config["scrape_configs"]:
        for static in job.get("static_configs", []):
            scraped |= {tuple(t.split(":")) for t in static["targets"]}
        for dns in job.get("dns_sd_configs", []):
            scraped |= {(name, str(dns["port"])) for name in dns["names"]}
    for name, service in compose()["services"].items():
        command = role(tuple(service.get("command", ()))) if "build" in service else ()
        if command and command[0] == "serve":
            assert (name, str(APP_PORT)) in scraped, f"Prometheus does not scrape {name}"
        elif command in METRICS_PORT_SETTING:
            env = service["environment"]
            assert env.get("METRICS_HOST") == "0.0.0.0", name  # noqa: S104
            assert (name, env[METRICS_PORT_SETTING[command]]) in scraped, f"Prometheus does not scrape {name}"


def test_the_read_api_fetches_token_keys_where_the_write_api_serves_them(
    routes: dict[str, dict[str, set[str]]],
) -> None:

    urls = [compose()["services"]["read-api"]["environment"]["IDENTITY_JWKS_URL"]]
    for _, docs in rendered_overlays():
        urls += [
            env_of_container(c, docs)["IDENTITY_JWKS_URL"]
            for w, _, c in app_containers(docs)
            if w["metadata"]["name"] == "read-api"
        ]
    for url in urls:
        assert url == f"http://write-api:{APP_PORT}/.well-known/jwks.json"
    assert "GET" in routes["write"]["/.well-known/jwks.json"]


def test_the_projector_never_runs_twice() -> None:
    assert "deploy" not in compose()["services"]["projector"], "one projector container"
    for overlay, docs in rendered_overlays():
        projector = next(
            d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == "projector"
        )
        assert projector["spec"]["replicas"] == 1, overlay
        assert projector["spec"]["strategy"]["type"] == "Recreate", (
            f"{overlay}: a rolling update overlaps two"
        )
        assert not any(
            d["kind"] == "HorizontalPodAutoscaler" and d["spec"]["scaleTargetRef"]["name"] == "projector"
            for d in docs
        )


def test_containers_run_unprivileged_on_a_read_only_root() -> None:
    instructions = dockerfile_instructions()
    assert next(a for i, a in instructions if i == "USER").split(":")[0] not in {"0", "root"}
    for name, service in compose()["services"].items():
        if "build" in service:
            assert service["read_only"] is True, name
    for overlay, docs in rendered_overlays():
        for doc in docs:
            spec = pod_spec_of(doc)
            if spec is None:
                continue
            assert spec["securityContext"]["runAsNonRoot"] is True, doc["metadata"]["name"]
            for container in spec["containers"]:
                security = container["securityContext"]
                where = f"{overlay} {doc['metadata']['name']}"
                assert security["readOnlyRootFilesystem"] is True, where
                assert security["allowPrivilegeEscalation"] is False, where
                assert container["resources"]["requests"] and container["resources"]["limits"], where


def pod_spec_of(doc: dict[str, object]) -> dict[str, object] | None:
    from tests.deploy.conftest import pod_spec

    return pod_spec(doc)  # type: ignore[arg-type]


def test_compose_starts_in_order() -> None:
    services = compose()["services"]
    assert services["migrate"]["command"] == ["migrate"]
    for name in ("write-api", "read-api", "projector", "worker"):
        depends = services[name]["depends_on"]
        assert depends["migrate"] == {"condition": "service_completed_successfully"}, name
        assert depends["postgres"]["condition"] == "service_healthy", name
    assert services["read-api"]["deploy"]["replicas"] == 2
    for name in (
        "postgres",
        "redis",
        "elasticsearch",
        "write-api",
        "read-api",
        "edge",
        "prometheus",
        "grafana",
    ):
        assert "test" in services[name]["healthcheck"], f"{name} has no health check"
    assert exec_form(str(services["write-api"]["command"]))[:2] == ["serve", "write"]

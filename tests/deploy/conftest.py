"""What the deploy files are checked against: the CLI, the settings and the apps' routes, read from the code."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer.main
import yaml

from tests.deploy import kustomize

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
OVERLAYS = sorted(p for p in (DEPLOY / "k8s" / "overlays").iterdir() if p.is_dir())
APP_IMAGE = re.compile(r"^(ecolaura|ghcr\.io/ecolaura/ecolaura)(:[\w.-]+)?$")
# The apps listen here everywhere: Dockerfile EXPOSE and HEALTHCHECK, Compose, Services, probes.
APP_PORT = 8000


@dataclass(frozen=True)
class Invocation:
    """One `ecolaura ...` command line in a deploy file, with the environment it gets."""

    where: str
    args: tuple[str, ...]
    env: dict[str, str]


def cli_commands() -> dict[str, Any]:
    """The ``ecolaura`` CLI's commands, as Typer builds them (Typer ships its own copy of click)."""
    from ecolaura.cli import app

    return dict(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def parse_cli(args: tuple[str, ...]) -> tuple[str, dict[str, Any]]:
    """Parse ``args`` as the ``ecolaura`` CLI would (no command runs): the command and its parameters."""
    commands = cli_commands()
    name, *rest = args
    assert name in commands, f"`ecolaura {name}` is not a command; commands: {sorted(commands)}"
    context = commands[name].make_context(name, list(rest))  # raises on an unknown option or a bad value
    return name, dict(context.params)


class _RecordingEnviron(dict[str, str]):
    def __init__(self) -> None:
        super().__init__()
        self.asked: set[str] = set()

    def get(self, key: str, default: Any = None) -> Any:
        self.asked.add(key)
        return super().get(key, default)

    def __getitem__(self, key: str) -> str:
        self.asked.add(key)
        return super().__getitem__(key)


def settings_env_names() -> set[str]:
    """Every variable ``Settings()`` reads, found by building it on an environment that records reads."""
    import ecolaura.settings as module

    recording = _RecordingEnviron()
    saved = module.os.environ
    module.os.environ = recording  # type: ignore[assignment]
    try:
        module.Settings()
    finally:
        module.os.environ = saved
    return recording.asked


# Read outside Settings (each named where it is read), or by the Python runtime itself.
OTHER_ENV = {
    "ECOLAURA_FACTOR_VERSION",  # analytics/factor_tables.py
    "PATH",
    "PYTHONDONTWRITEBYTECODE",
    "PYTHONUNBUFFERED",
}


@pytest.fixture(scope="session")
def accepted_env() -> set[str]:
    return settings_env_names() | OTHER_ENV


@pytest.fixture(scope="session")
def routes() -> dict[str, dict[str, set[str]]]:
    """Each app's routes: ``{"write"|"read": {path template: methods}}``, as the apps are built."""
    from ecolaura.settings import Settings
    from read_side.api.app import create_app as create_read_app
    from write_side.api.app import create_app as create_write_app

    settings = Settings(database_url="postgresql://unused/unused", redis_url="redis://unused")
    tables: dict[str, dict[str, set[str]]] = {}
    for side, factory in (("write", create_write_app), ("read", create_read_app)):
        table: dict[str, set[str]] = {}
        for route in factory(settings).routes:
            table.setdefault(route.path_format or "/", set()).update(getattr(route, "methods", set()))
        tables[side] = table
    return tables


# --- the deploy files, parsed -------------------------------------------------------------------


def compose() -> dict[str, Any]:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of deploy/Dockerfile's final stage, continuation lines joined."""
    text = re.sub(r"\\\n", " ", (DEPLOY / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    stages = [i for i, line in enumerate(lines) if line.upper().startswith("FROM ")]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "")
        for line in lines[stages[-1] :]
    ]


def exec_form(argument: str) -> list[str]:
    value = yaml.safe_load(argument)
    return value if isinstance(value, list) else shlex.split(argument)


def rendered_overlays() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    for overlay in OVERLAYS:
        yield overlay.name, kustomize.build(overlay)


def pod_spec(doc: dict[str, Any]) -> dict[str, Any] | None:
    if doc["kind"] in {"Deployment", "StatefulSet", "DaemonSet", "Job"}:
        return doc["spec"]["template"]["spec"]
    return None


def app_containers(
    docs: list[dict[str, Any]],
) -> Iterator[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]]:
    """(workload, pod spec, container) for every container that runs the Ecolaura image."""
    for doc in docs:
        spec = pod_spec(doc)
        for container in (spec or {}).get("containers", []):
            if APP_IMAGE.match(container["image"]):
                yield doc, spec, container  # type: ignore[misc]


def env_of_container(container: dict[str, Any], docs: list[dict[str, Any]]) -> dict[str, str]:
    env: dict[str, str] = {}
    for source in container.get("envFrom", []):
        name = source["configMapRef"]["name"]
        config = next(d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"] == name)
        env.update(config["data"])
    env.update({e["name"]: e.get("value", "") for e in container.get("env", [])})
    return env


def invocations() -> list[Invocation]:
    """Every `ecolaura` command line in the Dockerfile, the Compose file and the rendered overlays."""
    found: list[Invocation] = []
    instructions = dockerfile_instructions()
    entrypoint = next(exec_form(a) for i, a in instructions if i == "ENTRYPOINT")
    assert entrypoint == ["ecolaura"], "the image's entrypoint is the ecolaura CLI"
    image_env = dict(re.findall(r'(\w+)="?([^"\s]*)"?', " ".join(a for i, a in instructions if i == "ENV")))
    cmd = next(exec_form(a) for i, a in instructions if i == "CMD")
    found.append(Invocation("Dockerfile CMD", tuple(cmd), image_env))
    for name, service in compose()["services"].items():
        if "command" in service and "build" in service:
            found.append(
                Invocation(
                    f"compose {name}",
                    tuple(service["command"]),
                    {**image_env, **service.get("environment", {})},
                )
            )
    for overlay, docs in rendered_overlays():
        for workload, _, container in app_containers(docs):
            where = f"k8s {overlay} {workload['kind']}/{workload['metadata']['name']}"
            found.append(
                Invocation(
                    where, tuple(container["args"]), {**image_env, **env_of_container(container, docs)}
                )
            )
    return found

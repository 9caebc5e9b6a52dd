"""A small kustomize, for the features deploy/k8s uses, so the manifests render without a binary.

Supported: ``resources`` (files and directories holding a kustomization), ``namespace``,
``patches`` (strategic-merge patch files; a file may hold several documents), ``images``
(``newName``/``newTag``) and ``configMapGenerator`` with ``files`` (only with
``disableNameSuffixHash``). Anything else in a kustomization is refused, so a manifest that uses
more than this fails here instead of rendering wrongly. Where ``kubectl`` is installed the tests
also compare this rendering with ``kubectl kustomize``.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

SUPPORTED = {
    "apiVersion",
    "kind",
    "resources",
    "namespace",
    "patches",
    "images",
    "configMapGenerator",
    "generatorOptions",
}
CLUSTER_SCOPED = {
    "Namespace",
    "ClusterRole",
    "ClusterRoleBinding",
    "PersistentVolume",
    "StorageClass",
    "IngressClass",
}
# The list fields deploy/k8s patches, with the key Kubernetes merges their items by.
MERGE_KEYS = {
    "containers": "name",
    "initContainers": "name",
    "env": "name",
    "volumes": "name",
    "volumeMounts": "mountPath",
    "ports": "containerPort",
}

Manifest = dict[str, Any]


def load_documents(path: Path) -> list[Manifest]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def merge(base: Any, patch: Any, field: str | None = None) -> Any:
    """Strategic merge of ``patch`` into ``base`` (maps merge, keyed lists merge, others replace)."""
    if isinstance(base, dict) and isinstance(patch, dict):
        out = dict(base)
        for key, value in patch.items():
            if value is None:
                out.pop(key, None)
            elif key in out:
                out[key] = merge(out[key], value, key)
            else:
                out[key] = copy.deepcopy(value)
        return out
    key = MERGE_KEYS.get(field or "")
    if isinstance(base, list) and isinstance(patch, list) and key:
        out_list = [copy.deepcopy(item) for item in base]
        for item in patch:
            match = next((i for i, old in enumerate(out_list) if old.get(key) == item.get(key)), None)
            if match is None:
                out_list.append(copy.deepcopy(item))
            else:
                out_list[match] = merge(out_list[match], item)
        return out_list
    return copy.deepcopy(patch)


def _containers(doc: Manifest) -> list[dict[str, Any]]:
    spec = doc.get("spec", {})
    pod = spec.get("template", {}).get("spec", {}) if "template" in spec else spec
    if doc["kind"] == "CronJob":
        pod = spec["jobTemplate"]["spec"]["template"]["spec"]
    return [*pod.get("containers", []), *pod.get("initContainers", [])]


def _set_image(doc: Manifest, rule: dict[str, str]) -> None:
    for container in _containers(doc):
        image = container.get("image", "")
        name, _, tag = image.partition(":")
        if name == rule["name"]:
            container["image"] = f"{rule.get('newName', name)}:{rule.get('newTag', tag or 'latest')}"


def _apply_patches(folder: Path, entry: dict[str, Any], docs: list[Manifest]) -> None:
    if set(entry) != {"path"}:
        raise ValueError(f"{folder}: only `patches: - path: FILE` is supported, got {entry}")
    for patch in load_documents(folder / entry["path"]):
        targets = [
            i
            for i, doc in enumerate(docs)
            if doc["kind"] == patch["kind"] and doc["metadata"]["name"] == patch["metadata"]["name"]
        ]
        if len(targets) != 1:
            raise ValueError(
                f"{folder}/{entry['path']}: {len(targets)} targets for {patch['kind']}/{patch['metadata']['name']}"
            )
        docs[targets[0]] = merge(docs[targets[0]], patch)


def build(folder: Path) -> list[Manifest]:
    """The manifests ``kustomize build folder`` would print (in no particular order)."""
    kustomization = yaml.safe_load((folder / "kustomization.yaml").read_text())
    unsupported = set(kustomization) - SUPPORTED
    if unsupported:
        raise ValueError(f"{folder}: this renderer does not support {sorted(unsupported)}")
    docs: list[Manifest] = []
    for resource in kustomization.get("resources", []):
        path = (folder / resource).resolve()
        docs.extend(build(path) if path.is_dir() else load_documents(path))
    for generator in kustomization.get("configMapGenerator", []):
        if not kustomization.get("generatorOptions", {}).get("disableNameSuffixHash"):
            raise ValueError(f"{folder}: generated names with a hash suffix are not supported")
        data = {Path(f).name: (folder / f).read_text() for f in generator.get("files", [])}
        docs.append(
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": generator["name"]}, "data": data}
        )
    for entry in kustomization.get("patches", []):
        _apply_patches(folder, entry, docs)
    for rule in kustomization.get("images", []):
        for doc in docs:
            _set_image(doc, rule)
    if namespace := kustomization.get("namespace"):
        for doc in docs:
            if doc["kind"] not in CLUSTER_SCOPED:
                doc.setdefault("metadata", {})["namespace"] = namespace
    return docs

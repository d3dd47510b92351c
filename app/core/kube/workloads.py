"""Find the Pod in a Kubernetes object: a Pod itself or the Pod template of a workload.

Findings must point into the object the user submitted, so the Pod comes with the JSON Pointer of its spec inside
that object (`/spec` for a Pod, `/spec/template/spec` for a Deployment, `/spec/jobTemplate/spec/template/spec` for a
CronJob, `/template/spec` for a PodTemplate).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app.core.errors import WorkloadError
from app.core.pointer import join, ptr

TEMPLATE_PATHS: dict[str, tuple[str, ...]] = {
    "Pod": (),
    "PodTemplate": ("template",),
    "Deployment": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "ReplicationController": ("spec", "template"),
    "Job": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
}
"""Where each Pod-bearing kind keeps its Pod (metadata + spec), as tokens from the object's root."""

POD_KINDS = tuple(TEMPLATE_PATHS)


@dataclass(frozen=True, slots=True)
class PodSource:
    """The Pod of a submitted object, where it sits in the object, and who the Pod would be."""

    kind: str
    """The submitted object's kind (Pod, Deployment, ...)."""
    name: str
    """The Pod's name: its own, or the workload's for a template (the controller adds a suffix)."""
    namespace: str
    metadata: dict[str, Any]
    """The Pod's metadata (the template's for a workload; {} when the template has none)."""
    spec: dict[str, Any]
    """The Pod spec."""
    metadata_pointer: str
    spec_pointer: str
    """JSON Pointer of the Pod spec in the submitted object, e.g. `/spec/template/spec`."""
    runtime_class_name: str | None
    object: dict[str, Any]
    volumes: Mapping[str, tuple[dict[str, Any], str]] = field(default_factory=dict)
    """The Pod's volumes by name, each with its pointer in the submitted object: the spec's `volumes` and, for a
    StatefulSet, one persistentVolumeClaim volume per `volumeClaimTemplates` entry (see `claim_template_volumes`)."""

    @property
    def annotations(self) -> dict[str, Any]:
        value = self.metadata.get("annotations")
        return value if isinstance(value, dict) else {}

    @property
    def uid(self) -> str | None:
        value = self.metadata.get("uid")
        return value if isinstance(value, str) and value else None


def _object_at(obj: dict[str, Any], tokens: tuple[str, ...], kind: str) -> dict[str, Any]:
    node: Any = obj
    for depth, token in enumerate(tokens):
        node = node.get(token) if isinstance(node, dict) else None
        if not isinstance(node, dict):
            where = ptr(*tokens[: depth + 1])
            what = "missing" if node is None else f"a {type(node).__name__}, not an object"
            raise WorkloadError(where, f"a {kind} carries its Pod spec at {ptr(*tokens)}, but {where} is {what}")
    return node  # type: ignore[no-any-return]


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def find_pod(obj: Any) -> PodSource:
    """The Pod (metadata, spec, pointers) of a Pod or a Pod-bearing workload.

    Raises:
        WorkloadError: `obj` is not an object, its kind carries no Pod, or the Pod spec is not an object.
    """
    if not isinstance(obj, dict):
        raise WorkloadError("", f"expected a Kubernetes object (a JSON object), not {type(obj).__name__}")
    kind = obj.get("kind")
    if not isinstance(kind, str) or kind not in TEMPLATE_PATHS:
        shown = repr(kind) if isinstance(kind, str) else "missing"
        raise WorkloadError("/kind", f"kind {shown} carries no Pod; expected one of {', '.join(POD_KINDS)}")
    tokens = TEMPLATE_PATHS[kind]
    holder = _object_at(obj, tokens, kind) if tokens else obj
    spec = _object_at(obj, (*tokens, "spec"), kind)
    metadata = holder.get("metadata")
    metadata = metadata if isinstance(metadata, dict) else {}
    outer = obj.get("metadata")
    outer = outer if isinstance(outer, dict) else {}
    name = _str(metadata.get("name")) or _str(outer.get("name")) or _str(outer.get("generateName"))
    namespace = _str(metadata.get("namespace")) or _str(outer.get("namespace")) or "default"
    base = ptr(*tokens)
    spec_pointer = join(base, "spec")
    volumes: dict[str, tuple[dict[str, Any], str]] = {}
    listed = spec.get("volumes")
    if isinstance(listed, list):
        for i, volume in enumerate(listed):
            if isinstance(volume, dict):
                volumes[str(volume.get("name"))] = (volume, join(spec_pointer, "volumes", i))
    if kind == "StatefulSet":
        owner = _str(outer.get("name")) or name or "statefulset"
        volumes.update(claim_template_volumes(obj.get("spec"), owner))
    runtime_class = spec.get("runtimeClassName")
    return PodSource(
        kind=kind,
        name=(name or kind.lower()).rstrip("-") or kind.lower(),
        namespace=namespace,
        metadata=metadata,
        spec=spec,
        metadata_pointer=join(base, "metadata"),
        spec_pointer=spec_pointer,
        runtime_class_name=runtime_class if isinstance(runtime_class, str) and runtime_class else None,
        object=obj,
        volumes=volumes,
    )


def claim_template_volumes(spec: Any, owner: str, ordinal: int = 0) -> dict[str, tuple[dict[str, Any], str]]:
    """The volumes a StatefulSet's `volumeClaimTemplates` give each of its Pods, by name, with their pointers.

    The StatefulSet controller (pkg/controller/statefulset stateful_set_utils.go updateStorage) gives every Pod one
    persistentVolumeClaim volume per claim template, named after the template, claiming `<template>-<set>-<ordinal>`;
    a template volume of the same name is replaced by it. Pointers go to `/spec/volumeClaimTemplates/N`, a field of
    the submitted object. Entries without a usable name are skipped (the apiserver refuses them).
    """
    claims = spec.get("volumeClaimTemplates") if isinstance(spec, dict) else None
    out: dict[str, tuple[dict[str, Any], str]] = {}
    if not isinstance(claims, list):
        return out
    for i, claim in enumerate(claims):
        metadata = claim.get("metadata") if isinstance(claim, dict) else None
        name = _str(metadata.get("name")) if isinstance(metadata, dict) else None
        if name is not None:  # a later template of the same name wins, as in the controller's map
            volume = {"name": name, "persistentVolumeClaim": {"claimName": f"{name}-{owner}-{ordinal}"}}
            out[name] = (volume, ptr("spec", "volumeClaimTemplates", i))
    return out

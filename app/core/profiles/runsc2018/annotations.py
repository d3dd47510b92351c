"""ShouldCreateSandbox and SandboxID of 2018 runsc: containerd's CRI annotations only (CRI-O's were read from 2019)."""

from __future__ import annotations

from typing import Any

from app.core import cri
from app.core.profiles.runsc2018.govalues import string, string_map, struct
from app.core.sandbox import ContainerType, sandbox_info as make_sandbox_info
from app.models import SandboxInfo


def should_create_sandbox(spec: dict[str, Any]) -> bool:
    """ShouldCreateSandbox: no container-type annotation, or the type `sandbox`."""
    annotations = string_map(spec.get("annotations"))
    kind = annotations.get(cri.CONTAINERD_CONTAINER_TYPE)
    return kind is None or kind == cri.TYPE_SANDBOX


def sandbox_id(spec: dict[str, Any]) -> tuple[str, bool]:
    """SandboxID: the sandbox-id annotation and whether it is set (an empty value counts as set)."""
    annotations = string_map(spec.get("annotations"))
    return annotations.get(cri.CONTAINERD_SANDBOX_ID, ""), cri.CONTAINERD_SANDBOX_ID in annotations


def sandbox_info(spec: dict[str, Any]) -> SandboxInfo:
    """Sandbox placement as 2018 runsc reads it; a container type other than sandbox/container is reported as None."""
    annotations = struct(spec.get("annotations"))  # read as map[string]string: a wrong-typed value is ""
    kind = string(annotations[CONTAINER_TYPE]) if CONTAINER_TYPE in annotations else None
    container_type: ContainerType = None
    if kind == cri.TYPE_SANDBOX:
        container_type = "sandbox"
    elif kind == cri.TYPE_CONTAINER:
        container_type = "container"
    return make_sandbox_info(
        container_type,
        kind is None or kind == cri.TYPE_SANDBOX,  # ShouldCreateSandbox
        string(annotations[SANDBOX_ID]) if SANDBOX_ID in annotations else None,  # SandboxID
    )


CONTAINER_TYPE = cri.CONTAINERD_CONTAINER_TYPE
SANDBOX_ID = cri.CONTAINERD_SANDBOX_ID

"""The types of the Pod fields the translation reads, checked once before it reads them.

The API server refuses a Pod whose fields have the wrong JSON type, so such a Pod never reaches a node; manifests
checked in a pipeline can still carry one. Rather than guess, the translation stops with a `WorkloadError` naming the
first misshapen field. `null` counts as absent, as in the API server's decoding.
"""

from __future__ import annotations

from typing import Any

from app.core.errors import WorkloadError
from app.core.pointer import join

Shape = Any
"""`str`, `int`, `bool`, `dict` (any object), a dict of member shapes (an object), `[shape]` (a list), or
`{"*": shape}` (an object whose every member has that shape)."""

_TYPES: dict[type, str] = {str: "a string", int: "an integer", bool: "a boolean", dict: "an object", list: "a list"}

PROFILE: Shape = {"type": str, "localhostProfile": str}
SELINUX: Shape = {"user": str, "role": str, "type": str, "level": str}
CONTAINER: Shape = {
    "name": str,
    "image": str,
    "command": [str],
    "args": [str],
    "workingDir": str,
    "tty": bool,
    "stdin": bool,
    "terminationMessagePath": str,
    "targetContainerName": str,
    "env": [{"name": str, "value": str, "valueFrom": {"fieldRef": {"fieldPath": str}, "*": dict}}],
    "volumeMounts": [
        {
            "name": str,
            "mountPath": str,
            "subPath": str,
            "subPathExpr": str,
            "readOnly": bool,
            "mountPropagation": str,
            "recursiveReadOnly": str,
        }
    ],
    "resources": {"requests": dict, "limits": dict},
    "securityContext": {
        "privileged": bool,
        "capabilities": {"add": [str], "drop": [str]},
        "runAsUser": int,
        "runAsGroup": int,
        "allowPrivilegeEscalation": bool,
        "readOnlyRootFilesystem": bool,
        "procMount": str,
        "seLinuxOptions": SELINUX,
        "seccompProfile": PROFILE,
        "appArmorProfile": PROFILE,
    },
}
VOLUME: Shape = {
    "name": str,
    "hostPath": {"path": str},
    "persistentVolumeClaim": {"claimName": str, "readOnly": bool},
    "emptyDir": dict,
    "configMap": dict,
    "secret": dict,
    "projected": dict,
    "downwardAPI": dict,
    "csi": {"readOnly": bool},
    "ephemeral": dict,
}
POD_SPEC: Shape = {
    "containers": [CONTAINER],
    "initContainers": [CONTAINER],
    "ephemeralContainers": [CONTAINER],
    "volumes": [VOLUME],
    "securityContext": {
        "runAsUser": int,
        "runAsGroup": int,
        "fsGroup": int,
        "supplementalGroups": [int],
        "supplementalGroupsPolicy": str,
        "sysctls": [{"name": str, "value": str}],
        "seLinuxOptions": SELINUX,
        "seccompProfile": PROFILE,
        "appArmorProfile": PROFILE,
    },
    "hostNetwork": bool,
    "hostPID": bool,
    "hostIPC": bool,
    "hostUsers": bool,
    "shareProcessNamespace": bool,
    "setHostnameAsFQDN": bool,
    "hostname": str,
    "subdomain": str,
    "priorityClassName": str,
    "runtimeClassName": str,
}
POD_METADATA: Shape = {"name": str, "namespace": str, "uid": str, "annotations": {"*": str}}


def check(value: Any, shape: Shape, pointer: str) -> None:
    """Raise WorkloadError at the first place where `value` does not have `shape` (null is always accepted)."""
    problem = _check(value, shape)
    if problem is not None:
        tokens, detail = problem
        raise WorkloadError(join(pointer, *reversed(tokens)), detail)


def _check(value: Any, shape: Shape) -> tuple[list[str | int], str] | None:
    # The pointer is built only for the one misshapen field (tokens collected on the way out, innermost first):
    # this runs on every admission request.
    if value is None:
        return None
    if isinstance(shape, type):
        if not isinstance(value, shape) or (shape is int and isinstance(value, bool)):
            return [], f"must be {_TYPES[shape]}, not {_kind(value)}"
        if isinstance(value, int) and shape is int and not -(2**63) <= value < 2**63:
            return [], "must fit in 64 bits (int64)"
        return None
    if isinstance(shape, list):
        if not isinstance(value, list):
            return [], f"must be a list, not {_kind(value)}"
        inner = shape[0]
        for index, item in enumerate(value):
            problem = ([], "a list item must not be null") if item is None else _check(item, inner)
            if problem is not None:
                problem[0].append(index)
                return problem
        return None
    if not isinstance(value, dict):
        return [], f"must be an object, not {_kind(value)}"
    every = shape.get("*")
    for key, item in value.items():
        inner = shape.get(key, every)
        if inner is not None and item is not None:
            problem = _check(item, inner)
            if problem is not None:
                problem[0].append(key)
                return problem
    return None


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    return {str: "a string", int: "a number", float: "a number", list: "a list", dict: "an object"}.get(
        type(value), type(value).__name__
    )

"""Documents and helpers shared by the oci profile tests."""

from __future__ import annotations

import copy
import json
from typing import Any

from app.core import engine
from app.core.pointer import split
from app.models import Finding, ValidationReport

DEL = object()
"""Marker: remove the member at this pointer."""

LINUX: dict[str, Any] = {
    "ociVersion": "1.3.0",
    "root": {"path": "rootfs"},
    "process": {"cwd": "/", "args": ["sh"], "user": {"uid": 0, "gid": 0}},
    "mounts": [
        {"destination": "/proc", "type": "proc", "source": "proc"},
        {"destination": "/sys", "type": "sysfs", "source": "sysfs"},
        {"destination": "/dev/pts", "type": "devpts", "source": "devpts"},
        {"destination": "/dev/shm", "type": "tmpfs", "source": "shm"},
    ],
    "linux": {
        "namespaces": [{"type": "pid"}, {"type": "mount"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"}]
    },
}
"""A Linux config with no finding at all."""

WINDOWS: dict[str, Any] = {
    "ociVersion": "1.3.0",
    "root": {"path": "\\\\?\\Volume{ec84d99e-3f02-11e7-ac6c-00155d7682cf}\\"},
    "process": {"cwd": "C:\\", "args": ["cmd"]},
    "windows": {"layerFolders": ["C:\\layers\\base"]},
}
"""A Windows Server container config with no finding at all."""

SOLARIS: dict[str, Any] = {
    "ociVersion": "1.3.0",
    "root": {"path": "rootfs"},
    "process": {"cwd": "/", "args": ["sh"], "user": {"uid": 0, "gid": 0}},
    "solaris": {},
}


def edit(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """A copy of `base` with each pointer set to its value (DEL removes it; index == length appends)."""
    doc = copy.deepcopy(base)
    for pointer, value in changes.items():
        tokens = split(pointer)
        node: Any = doc
        for token in tokens[:-1]:
            if isinstance(node, list):
                node = node[int(token)]
            else:
                node = node.setdefault(token, {})
        last = tokens[-1]
        if isinstance(node, list):
            index = int(last)
            if value is DEL:
                del node[index]
            elif index == len(node):
                node.append(copy.deepcopy(value))
            else:
                node[index] = copy.deepcopy(value)
        elif value is DEL:
            node.pop(last, None)
        else:
            node[last] = copy.deepcopy(value)
    return doc


def run(doc: dict[str, Any] | str, **options: Any) -> ValidationReport:
    """The oci report on a document (a dict is serialized first)."""
    raw = doc if isinstance(doc, str) else json.dumps(doc)
    return engine.validate(raw, profile="oci", **options)


def of_rule(report: ValidationReport, rule: str) -> list[Finding]:
    """The findings of one rule."""
    return [f for f in report.findings if f.rule == rule]

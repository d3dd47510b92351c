"""Shared helpers for the runsc profile tests: a minimal valid spec and ways to change it."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

from app.core.engine import validate
from app.models import ValidationReport

Spec = dict[str, Any]
Change = Callable[[Spec], None]

BASE: Spec = {
    "ociVersion": "1.2.0",
    "process": {
        "args": ["/bin/sh"],
        "cwd": "/",
        "env": ["PATH=/usr/bin:/bin"],
        "capabilities": {"bounding": ["CAP_CHOWN"], "effective": ["CAP_CHOWN"], "permitted": ["CAP_CHOWN"]},
    },
    "root": {"path": "rootfs"},
    "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"}],
    "linux": {"namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "mount"}]},
}


def spec(*changes: Change) -> Spec:
    """A fresh copy of BASE with the changes applied in order."""
    data = copy.deepcopy(BASE)
    for change in changes:
        change(data)
    return data


def put(path: str, value: Any) -> Change:
    """Set the member at a slash-separated path (no escaping; keys with '/' use `note`), creating objects."""

    def change(data: Spec) -> None:
        *parents, last = path.strip("/").split("/")
        node: Any = data
        for token in parents:
            if isinstance(node, list):
                node = node[int(token)]
            else:
                node = node.setdefault(token, {})
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return change


def drop(path: str) -> Change:
    """Remove the member at a slash-separated path."""

    def change(data: Spec) -> None:
        *parents, last = path.strip("/").split("/")
        node: Any = data
        for token in parents:
            node = node[int(token)] if isinstance(node, list) else node[token]
        del node[last]

    return change


def note(key: str, value: str) -> Change:
    """Add one annotation."""

    def change(data: Spec) -> None:
        data.setdefault("annotations", {})[key] = value

    return change


def mount(**fields: Any) -> Change:
    """Append one mount."""

    def change(data: Spec) -> None:
        data.setdefault("mounts", []).append(dict(fields))

    return change


def report(data: Spec | bytes | str) -> ValidationReport:
    """The runsc report on a spec."""
    raw = data if isinstance(data, (bytes, str)) else json.dumps(data)
    return validate(raw, profile="runsc")


def hits(data: Spec | bytes | str, rule: str) -> list[tuple[str, str]]:
    """(path, severity) of every finding of `rule`."""
    return [(f.path, f.severity) for f in report(data).findings if f.rule == rule]

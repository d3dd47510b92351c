"""Helpers for the runsc-2018 profile tests: a spec 2018 runsc accepts, and a way to judge variants of it."""

from __future__ import annotations

import copy
from typing import Any

import orjson

from app.core import engine
from app.models import ValidationReport

PROFILE = "runsc-2018"

MINIMAL: dict[str, Any] = {
    "ociVersion": "1.0.1",
    "process": {"args": ["/bin/sh"], "cwd": "/"},
    "root": {"path": "rootfs"},
}
"""The smallest spec ValidateSpec of 2018 accepts."""


def spec(**members: Any) -> dict[str, Any]:
    """MINIMAL with top-level members replaced (a value of DROP removes the member)."""
    doc = copy.deepcopy(MINIMAL)
    for key, value in members.items():
        if value is DROP:
            doc.pop(key, None)
        else:
            doc[key] = value
    return doc


DROP = object()


def judge(doc: dict[str, Any] | str | bytes) -> ValidationReport:
    """The runsc-2018 report on a document (given as a tree or as raw text)."""
    raw = doc if isinstance(doc, (str, bytes)) else orjson.dumps(doc)
    return engine.validate(raw, profile=PROFILE)


def triples(report: ValidationReport) -> list[tuple[str, str, str]]:
    """(rule, severity, path) of every finding, in report order."""
    return [(f.rule, f.severity, f.path) for f in report.findings]

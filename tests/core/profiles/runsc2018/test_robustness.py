"""The runsc-2018 profile never raises on a JSON object, whatever the types inside it."""

from __future__ import annotations

import copy
import itertools
from typing import Any

import orjson
import pytest

from app.core import engine
from app.core.errors import CapabilityError, InvalidSpec
from app.core.profiles import get_profile
from tests.core.profiles.runsc2018.support import MINIMAL, PROFILE, spec

ODD_VALUES: list[Any] = [None, True, 0, -1, 1.5, "", "x", [], [None], [1, "a"], {}, {"a": None}, {"": []}]

FIELDS: list[tuple[str, ...]] = [
    ("process",),
    ("process", "args"),
    ("process", "selinuxLabel"),
    ("process", "apparmorProfile"),
    ("process", "capabilities"),
    ("process", "capabilities", "bounding"),
    ("process", "capabilities", "ambient"),
    ("root",),
    ("root", "path"),
    ("solaris",),
    ("windows",),
    ("linux",),
    ("linux", "seccomp"),
    ("mounts",),
    ("mounts", "0"),
    ("mounts", "0", "destination"),
    ("mounts", "0", "type"),
    ("mounts", "0", "source"),
    ("mounts", "0", "options"),
    ("annotations",),
    ("annotations", "io.kubernetes.cri.container-type"),
    ("annotations", "io.kubernetes.cri.sandbox-id"),
]


def _with(tokens: tuple[str, ...], value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(MINIMAL)
    doc["process"]["capabilities"] = {"bounding": ["CAP_CHOWN"]}
    doc["mounts"] = [{"destination": "/d", "type": "bind", "source": "s"}]
    doc["annotations"] = {}
    doc["linux"] = {}
    node: Any = doc
    for token in tokens[:-1]:
        node = node[int(token)] if isinstance(node, list) else node[token]
    if isinstance(node, list):
        node[int(tokens[-1])] = value
    else:
        node[tokens[-1]] = value
    return doc


@pytest.mark.parametrize(
    ("tokens", "value"),
    [
        pytest.param(t, v, id=f"{'.'.join(t)}={orjson.dumps(v).decode()}")
        for t, v in itertools.product(FIELDS, ODD_VALUES)
    ],
)
def test_every_operation_survives_odd_values(tokens: tuple[str, ...], value: Any) -> None:
    raw = orjson.dumps(_with(tokens, value))
    report = engine.validate(raw, profile=PROFILE)
    assert report.valid == (report.summary.errors == 0)
    for finding in report.findings:
        assert finding.path == "" or finding.path.startswith("/")
        assert finding.message
    engine.classify_mounts(raw, profile=PROFILE)
    try:
        engine.normalize(raw, profile=PROFILE, bundle="/b")
    except InvalidSpec as exc:
        assert not exc.report.valid


@pytest.mark.parametrize(
    "caps",
    [pytest.param(v, id=orjson.dumps(v).decode()) for v in ODD_VALUES]
    + [pytest.param({"bounding": v}, id="bounding=" + orjson.dumps(v).decode()) for v in ODD_VALUES],
)
def test_capability_sets_raise_only_capability_errors(caps: Any) -> None:
    try:
        engine.capabilities(caps, profile=PROFILE)
    except CapabilityError as exc:
        assert exc.errors


def test_sandbox_on_odd_annotations() -> None:
    profile = get_profile(PROFILE)
    for value in ODD_VALUES:
        info = profile.sandbox(spec(annotations=value))
        # None of the odd values carries a container-type: a sandbox of its own, as without annotations.
        assert (info.container_type, info.creates_sandbox, info.sandbox_id) == (None, True, None)


def test_deeply_odd_document() -> None:
    raw = orjson.dumps({"process": [{"args": 1}], "root": [[]], "mounts": [[], "", 0, None, {"options": {}}]})
    report = engine.validate(raw, profile=PROFILE)
    assert not report.valid

"""ReadSpec's normalization in 2018 runsc: relative root.path and mount sources joined onto the bundle."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from app.core import engine
from app.core.errors import InvalidSpec
from tests.core.profiles.runsc2018.support import PROFILE, spec

BUNDLE = "/run/bundle"


def normalize(doc: dict[str, Any], bundle: str = BUNDLE) -> tuple[dict[str, Any], list[tuple[str, str, Any]]]:
    result = engine.normalize(orjson.dumps(doc), profile=PROFILE, bundle=bundle)
    return result.spec, [(op.op, op.path, op.value) for op in result.patch]


@pytest.mark.parametrize(
    ("root_path", "expected"),
    [
        pytest.param("rootfs", "/run/bundle/rootfs", id="relative"),
        pytest.param("./rootfs/", "/run/bundle/rootfs", id="dot-and-trailing-slash"),
        pytest.param("../images/r", "/run/images/r", id="dotdot-cleaned"),
        pytest.param("a//b/../c", "/run/bundle/a/c", id="unclean"),
        pytest.param("/srv/rootfs", "/srv/rootfs", id="absolute-untouched"),
        pytest.param("/srv/../rootfs", "/srv/../rootfs", id="absolute-not-cleaned"),
    ],
)
def test_root_path(root_path: str, expected: str) -> None:
    out, patch = normalize(spec(root={"path": root_path}))
    assert out["root"]["path"] == expected
    assert patch == ([] if expected == root_path else [("replace", "/root/path", expected)])


@pytest.mark.parametrize(
    ("mount", "expected_source"),
    [
        pytest.param({"destination": "/d", "type": "bind", "source": "data"}, "/run/bundle/data", id="bind-relative"),
        pytest.param({"destination": "/proc", "type": "proc", "source": "proc"}, "/run/bundle/proc", id="any-type"),
        pytest.param({"destination": "/d", "type": "bind", "source": "/abs"}, "/abs", id="absolute"),
        pytest.param({"destination": "/d", "type": "tmpfs", "source": ""}, "", id="empty-source-kept"),
        pytest.param({"destination": "/d", "type": "bind", "source": "a/../../b"}, "/run/b", id="dotdot"),
    ],
)
def test_mount_source(mount: dict[str, Any], expected_source: str) -> None:
    out, patch = normalize(spec(mounts=[{"destination": "/x", "type": "tmpfs"}, mount]))
    assert out["mounts"][1]["source"] == expected_source
    assert out["mounts"][0] == {"destination": "/x", "type": "tmpfs"}
    expected_patch = [("replace", "/root/path", "/run/bundle/rootfs")]
    if expected_source != mount["source"]:
        expected_patch.append(("replace", "/mounts/1/source", expected_source))
    assert patch == expected_patch


def test_input_is_not_modified_and_other_members_kept() -> None:
    doc = spec(hostname="h", mounts=[{"destination": "/d", "type": "bind", "source": "d"}])
    before = orjson.dumps(doc)
    out, _ = normalize(doc)
    assert orjson.dumps(doc) == before
    assert out["hostname"] == "h"
    assert out["process"] == doc["process"]


def test_invalid_spec_is_not_normalized() -> None:
    with pytest.raises(InvalidSpec) as caught:
        normalize(spec(root={"path": ""}))
    assert [f.rule for f in caught.value.report.findings] == ["RUNSC2018-ROOTPATH-REQUIRED"]


def test_warnings_do_not_stop_normalization() -> None:
    result = engine.normalize(orjson.dumps(spec(linux={"seccomp": {}})), profile=PROFILE, bundle=BUNDLE)
    assert [f.rule for f in result.findings] == ["RUNSC2018-SECCOMP"]
    assert result.spec["root"]["path"] == "/run/bundle/rootfs"


def test_case_variant_keys_are_normalized_where_they_are() -> None:
    doc = {
        "Process": {"args": ["sh"]},
        "Root": {"PATH": "rootfs"},
        "mounts": [{"destination": "/d", "type": "bind", "Source": "data"}],
    }
    out, patch = normalize(doc)
    assert out["Root"] == {"PATH": "/run/bundle/rootfs"}
    assert out["mounts"][0]["Source"] == "/run/bundle/data"
    assert patch == [
        ("replace", "/Root/PATH", "/run/bundle/rootfs"),
        ("replace", "/mounts/0/Source", "/run/bundle/data"),
    ]
    assert doc["Root"] == {"PATH": "rootfs"}

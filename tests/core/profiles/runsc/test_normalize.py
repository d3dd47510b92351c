"""normalize: ReadSpec's absolute paths plus fixSpec's RuntimeDefault seccomp removal."""

from __future__ import annotations

import json

import pytest

from app.core.engine import normalize
from app.core.errors import InvalidSpec
from tests.core.profiles.runsc.support import note, put, spec

SECCOMP = {"defaultAction": "SCMP_ACT_ERRNO"}


def test_relative_paths_become_absolute() -> None:
    result = normalize(json.dumps(spec()), profile="runsc", bundle="/bundles/a")
    assert result.spec["root"]["path"] == "/bundles/a/rootfs"
    assert result.spec["mounts"][0]["source"] == "/bundles/a/proc"
    assert {(p.op, p.path) for p in result.patch} == {("replace", "/root/path"), ("replace", "/mounts/0/source")}


def test_runtime_default_seccomp_is_removed() -> None:
    data = spec(put("linux/seccomp", SECCOMP), note("io.kubernetes.cri.container-name", "app"),
                note("dev.gvisor.internal.seccomp.app", "RuntimeDefault"))  # fmt: skip
    result = normalize(json.dumps(data), profile="runsc", bundle="/b")
    assert "seccomp" not in result.spec["linux"]
    assert ("remove", "/linux/seccomp") in {(p.op, p.path) for p in result.patch}


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param([note("dev.gvisor.internal.seccomp.app", "RuntimeDefault")], id="no-container-name"),
        pytest.param([note("io.kubernetes.cri.container-name", "app"),
                      note("dev.gvisor.internal.seccomp.app", "Unconfined")], id="other-value"),
        pytest.param([note("io.kubernetes.cri.container-name", "app"),
                      note("dev.gvisor.internal.seccomp.other", "RuntimeDefault")], id="other-container"),
    ],
)  # fmt: skip
def test_seccomp_kept_otherwise(changes: list[object]) -> None:
    data = spec(put("linux/seccomp", SECCOMP), *changes)  # type: ignore[arg-type]
    result = normalize(json.dumps(data), profile="runsc", bundle="/b")
    assert result.spec["linux"]["seccomp"] == SECCOMP
    assert all(p.op != "remove" for p in result.patch)


def test_invalid_spec_is_refused() -> None:
    with pytest.raises(InvalidSpec):
        normalize(json.dumps(spec(put("process/selinuxLabel", "x"))), profile="runsc", bundle="/b")


def test_input_is_not_modified() -> None:
    data = spec()
    raw = json.dumps(data)
    normalize(raw, profile="runsc", bundle="/b")
    assert json.loads(raw) == data

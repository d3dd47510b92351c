"""ShouldCreateSandbox and SandboxID of 2018 runsc: containerd's annotations only."""

from __future__ import annotations

from typing import Any

import pytest

from app.core.profiles.runsc2018.annotations import sandbox_id, should_create_sandbox
from tests.core.profiles.runsc2018.support import judge, spec

CT = "io.kubernetes.cri.container-type"
SID = "io.kubernetes.cri.sandbox-id"


@pytest.mark.parametrize(
    ("annotations", "creates", "found_id"),
    [
        pytest.param(None, True, ("", False), id="no-annotations"),
        pytest.param({}, True, ("", False), id="empty"),
        pytest.param({CT: "sandbox"}, True, ("", False), id="sandbox"),
        pytest.param({CT: "sandbox", SID: "s1"}, True, ("s1", True), id="sandbox-with-its-own-id"),
        pytest.param({CT: "container", SID: "s1"}, False, ("s1", True), id="container"),
        pytest.param({CT: "container", SID: ""}, False, ("", True), id="container-empty-id"),
        pytest.param({CT: "container"}, False, ("", False), id="container-no-id"),
        pytest.param({CT: "Sandbox"}, False, ("", False), id="wrong-case-does-not-create"),
        pytest.param({CT: ""}, False, ("", False), id="empty-type-does-not-create"),
        pytest.param({"io.kubernetes.cri-o.ContainerType": "container"}, True, ("", False), id="crio-type-not-read"),
        pytest.param({"io.kubernetes.cri-o.SandboxID": "s1"}, True, ("", False), id="crio-id-not-read"),
    ],
)
def test_should_create_sandbox_and_sandbox_id(annotations: Any, creates: bool, found_id: tuple[str, bool]) -> None:
    doc = spec(annotations=annotations)
    assert should_create_sandbox(doc) is creates
    assert sandbox_id(doc) == found_id


@pytest.mark.parametrize(
    ("annotations", "expected"),
    [
        pytest.param(None, (None, True, None), id="no-annotations"),
        pytest.param({CT: "sandbox"}, ("sandbox", True, None), id="sandbox"),
        pytest.param({CT: "container", SID: "pod-1"}, ("container", False, "pod-1"), id="container"),
        pytest.param({CT: "container", SID: ""}, ("container", False, ""), id="container-empty-id"),
        pytest.param({CT: "pod"}, (None, False, None), id="unknown-type"),
        pytest.param({"io.kubernetes.cri-o.ContainerType": "container"}, (None, True, None), id="crio-ignored"),
    ],
)
def test_report_sandbox(annotations: Any, expected: tuple[Any, bool, Any]) -> None:
    sandbox = judge(spec(annotations=annotations)).sandbox
    assert (sandbox.container_type, sandbox.creates_sandbox, sandbox.sandbox_id) == expected


def test_annotation_keys_are_exact() -> None:
    # Map keys are taken literally by Go (only struct field names match case-insensitively).
    sandbox = judge(spec(Annotations={"IO.KUBERNETES.CRI.CONTAINER-TYPE": "container"})).sandbox
    assert (sandbox.container_type, sandbox.creates_sandbox) == (None, True)
    sandbox = judge(spec(Annotations={CT: "container", SID: "x"})).sandbox
    assert (sandbox.container_type, sandbox.sandbox_id) == ("container", "x")

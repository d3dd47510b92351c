"""Sandbox placement from the CRI annotations (IsRootContainer, SandboxID)."""

from __future__ import annotations

import pytest

from tests.core.profiles.runsc.support import note, report, spec


@pytest.mark.parametrize(
    ("notes", "container_type", "creates", "sandbox_id"),
    [
        pytest.param({}, None, True, None, id="single-container"),
        pytest.param({"io.kubernetes.cri.container-type": "sandbox", "io.kubernetes.cri.sandbox-id": "s1"},
                     "sandbox", True, "s1", id="containerd-sandbox"),
        pytest.param({"io.kubernetes.cri.container-type": "container", "io.kubernetes.cri.sandbox-id": "s1"},
                     "container", False, "s1", id="containerd-container"),
        pytest.param({"io.kubernetes.cri-o.ContainerType": "container", "io.kubernetes.cri-o.SandboxID": "s2"},
                     "container", False, "s2", id="crio-container"),
        pytest.param({"io.kubernetes.cri.container-type": "sandbox", "io.kubernetes.cri-o.ContainerType": "container"},
                     "sandbox", True, None, id="containerd-wins"),
        pytest.param({"io.kubernetes.cri.sandbox-id": "a", "io.kubernetes.cri-o.SandboxID": "b"}, None, True, "a",
                     id="containerd-id-wins"),
        pytest.param({"io.kubernetes.cri.container-type": "weird"}, None, True, None, id="unknown-type"),
    ],
)  # fmt: skip
def test_sandbox(notes: dict[str, str], container_type: str | None, creates: bool, sandbox_id: str | None) -> None:
    result = report(spec(*(note(k, v) for k, v in notes.items())))
    assert result.sandbox.container_type == container_type
    assert result.sandbox.creates_sandbox is creates
    assert result.sandbox.sandbox_id == sandbox_id

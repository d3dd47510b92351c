"""The service's policy file shapes admission as it shapes /validate, with overrides scoped to namespaces."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from app.main import create_app
from tests.api.conftest import make_settings
from tests.conftest import SHARED

EXAMPLE: dict[str, Any] = json.loads((SHARED / "reference" / "admissionreview-pod-example.json").read_text())


def in_namespace(namespace: str) -> dict[str, Any]:
    review = copy.deepcopy(EXAMPLE)
    review["request"]["namespace"] = namespace
    review["request"]["object"]["metadata"]["namespace"] = namespace
    return review


def test_a_policy_scoped_to_a_namespace_denies_there_only(tmp_path: Path) -> None:
    # The example Pod (runtimeClassName gvisor) is admitted with warnings; RUNSC-SECCOMP-OFF made an error in the
    # namespace "sandboxed-apps" (the example's) refuses it there and nowhere else.
    policy = tmp_path / "policy.toml"
    policy.write_text(
        'profile = "runsc"\n[rules]\nRUNSC-SECCOMP-OFF = [{ severity = "error", namespaces = ["sandboxed-apps"] }]\n'
    )
    with TestClient(create_app(make_settings())) as plain:
        assert plain.post("/admission", json=EXAMPLE).json()["response"]["allowed"] is True
    with TestClient(create_app(make_settings(policy=str(policy)))) as client:
        denied = client.post("/admission", json=in_namespace("sandboxed-apps")).json()["response"]
        assert denied["allowed"] is False and denied["status"]["code"] == 403
        assert "RUNSC-SECCOMP-OFF" in denied["status"]["message"]
        assert "/spec/securityContext/seccompProfile" in denied["status"]["message"]
        assert client.post("/admission", json=in_namespace("team-b")).json()["response"]["allowed"] is True


def test_a_policy_turning_a_warning_off_removes_it_from_the_warnings(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("profile: runsc\nrules:\n  RUNSC-APPARMOR: 'off'\n")
    with TestClient(create_app(make_settings(policy=str(policy)))) as client:
        warnings = client.post("/admission", json=EXAMPLE).json()["response"].get("warnings", [])
    assert warnings and not any("RUNSC-APPARMOR" in w for w in warnings)

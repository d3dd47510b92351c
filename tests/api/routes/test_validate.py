"""POST /validate: the report's shape and meaning, per the API contract."""

from __future__ import annotations

import orjson
import pytest
from fastapi.testclient import TestClient

from app import core
from app.api.examples import CONFIG, document_examples

JSON = {"content-type": "application/json"}
PROFILES = ["runsc", "runsc-2018", "oci"]
BAD = document_examples()["selinux-and-relative-mount"]["value"]


def post(client: TestClient, body: object, query: str = "") -> dict[str, object]:
    response = client.post(f"/validate{query}", content=orjson.dumps(body), headers=JSON)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    report: dict[str, object] = response.json()
    return report


def test_default_profile_is_runsc(client: TestClient) -> None:
    assert post(client, CONFIG)["profile"] == "runsc"


@pytest.mark.parametrize("profile", PROFILES)
def test_report_has_the_contract_shape(client: TestClient, profile: str) -> None:
    report = post(client, BAD, f"?profile={profile}")
    assert {"valid", "profile", "findings", "summary", "sandbox"} <= set(report)
    assert report["profile"] == profile
    summary, sandbox = report["summary"], report["sandbox"]
    assert isinstance(summary, dict) and set(summary) >= {"errors", "warnings", "infos"}
    assert isinstance(sandbox, dict) and set(sandbox) >= {"container_type", "creates_sandbox", "sandbox_id"}
    findings = report["findings"]
    assert isinstance(findings, list)
    for finding in findings:
        assert set(finding) == {"rule", "severity", "path", "message"}
        assert finding["severity"] in ("error", "warning", "info")
        assert finding["path"] == "" or finding["path"].startswith("/")
    severities = [f["severity"] for f in findings]
    assert report["summary"] == {
        "errors": severities.count("error"),
        "warnings": severities.count("warning"),
        "infos": severities.count("info"),
    }
    assert report["valid"] is (severities.count("error") == 0)


@pytest.mark.parametrize("profile", PROFILES)
def test_http_report_equals_the_core_report(client: TestClient, profile: str) -> None:
    raw = orjson.dumps(BAD)
    expected = core.validate(raw, profile=profile).model_dump(mode="json")
    assert post(client, BAD, f"?profile={profile}") == expected


@pytest.mark.parametrize("profile", ["runsc", "runsc-2018"])
def test_runsc_reports_every_finding_at_once(client: TestClient, profile: str) -> None:
    report = post(client, BAD, f"?profile={profile}")
    assert report["valid"] is False
    paths = {f["path"] for f in report["findings"]}  # type: ignore[attr-defined]
    # Both problems of the document at once: SELinux (unsupported by runsc) and the relative destination.
    assert "/process/selinuxLabel" in paths
    assert "/mounts/9/destination" in paths


@pytest.mark.parametrize("profile", PROFILES)
def test_containerd_container_is_valid_and_joins_its_sandbox(client: TestClient, profile: str) -> None:
    report = post(client, CONFIG, f"?profile={profile}")
    assert report["valid"] is True, report["findings"]
    if profile != "oci":
        assert report["sandbox"] == {
            "container_type": "container",
            "creates_sandbox": False,
            "sandbox_id": CONFIG["annotations"]["io.kubernetes.cri.sandbox-id"],
        }


def test_duplicate_members_are_seen_in_the_raw_bytes(client: TestClient) -> None:
    raw = b'{"ociVersion": "1.0.2", "root": {"path": "rootfs"}, "root": {"path": "other"}}'
    response = client.post("/validate?profile=oci", content=raw, headers=JSON)
    assert response.status_code == 200
    assert response.json() == core.validate(raw, profile="oci").model_dump(mode="json")


def test_lifecycle_start_is_accepted(client: TestClient) -> None:
    report = post(client, CONFIG, "?lifecycle=start&platform=linux")
    assert report["valid"] is True

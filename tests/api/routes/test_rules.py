"""GET /rules: the rule catalog."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app import core


def test_rules_default_to_runsc_like_every_endpoint(client: TestClient) -> None:
    response = client.get("/rules")
    assert response.status_code == 200
    assert response.json() == core.rules("runsc").model_dump(mode="json")


def test_every_rule_of_every_profile(client: TestClient) -> None:
    response = client.get("/rules?profile=*")
    assert response.status_code == 200
    rules = response.json()["rules"]
    assert rules == core.rules().model_dump(mode="json")["rules"]
    for rule in rules:
        assert {"id", "profile", "severity", "summary", "reference"} <= set(rule)
        assert rule["severity"] in ("error", "warning", "info")
    ids = [(r["profile"], r["id"]) for r in rules]
    assert len(ids) == len(set(ids)), "rule ids are unique within a profile"


@pytest.mark.parametrize("profile", ["runsc", "runsc-2018", "oci"])
def test_rules_of_one_profile(client: TestClient, profile: str) -> None:
    response = client.get(f"/rules?profile={profile}")
    assert response.status_code == 200
    rules = response.json()["rules"]
    assert rules, f"profile {profile} lists its rules"
    assert {r["profile"] for r in rules} == {profile}


def test_rules_reported_by_validate_are_listed(client: TestClient) -> None:
    from app.api.examples import document_examples

    listed = {(r["profile"], r["id"]) for r in client.get("/rules?profile=*").json()["rules"]}
    bad = document_examples()["selinux-and-relative-mount"]["value"]
    for profile in ("runsc", "runsc-2018", "oci"):
        report = client.post(f"/validate?profile={profile}", json=bad).json()
        for finding in report["findings"]:
            assert (profile, finding["rule"]) in listed

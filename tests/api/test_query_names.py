"""A misspelt query parameter on a judging endpoint is a 422 naming the one meant; other unknown names pass."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.api.examples import CONFIG

CAPABILITIES = {"bounding": ["CAP_CHOWN"]}


@pytest.mark.parametrize(
    ("path", "query", "meant"),
    [
        pytest.param("/validate", "profil=oci", "profile", id="profil"),
        pytest.param("/validate", "Profile=oci", "profile", id="capitalised"),
        pytest.param("/validate", "platfrom=windows", "platform", id="platfrom"),
        pytest.param("/validate", "lifecyle=start", "lifecycle", id="lifecyle"),
        pytest.param("/normalize", "bundle=/b&profiles=oci", "profile", id="normalize"),
        pytest.param("/classify-mounts", "profle=oci", "profile", id="classify-mounts"),
    ],
)
def test_a_misspelt_parameter_is_refused_naming_the_one_meant(
    client: TestClient, path: str, query: str, meant: str
) -> None:
    response = client.post(f"{path}?{query}", json=CONFIG)
    assert response.status_code == 422
    problem = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert problem["type"] == "urn:specgate:problem:request-parameters"
    (error,) = problem["errors"]
    assert error["path"] == f"query.{query.split('&')[-1].split('=')[0]}"
    assert f"did you mean {meant!r}" in error["message"] and f"did you mean {meant!r}" in problem["detail"]


def test_post_capabilities_checks_names_too(client: TestClient) -> None:
    response = client.post("/capabilities?profil=oci", json=CAPABILITIES)
    assert response.status_code == 422 and "'profile'" in response.json()["detail"]


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("timeout=10s", id="kubernetes-api-server-timeout"),
        pytest.param("dryRun=All", id="dry-run"),
        pytest.param("_=1733000000", id="cache-buster"),
        pytest.param("trace=abc123", id="unrelated"),
        pytest.param("profile=oci&timeout=5s", id="known-and-added"),
    ],
)
def test_unrelated_or_caller_added_parameters_stay_accepted(client: TestClient, query: str) -> None:
    response = client.post(f"/validate?{query}", json=CONFIG)
    assert response.status_code == 200, response.text

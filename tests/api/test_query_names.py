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


@pytest.mark.parametrize(
    ("method", "path", "headers", "body", "status", "kind"),
    [
        pytest.param("GET", "/nowhere", {}, None, 404, "not-found", id="404"),
        pytest.param("DELETE", "/validate", {}, None, 405, "method-not-allowed", id="405"),
        pytest.param(
            "POST", "/validate", {"content-type": "text/plain"}, b"{}", 415, "unsupported-media-type", id="415"
        ),
        pytest.param("POST", "/validate", {}, b"{" + b" " * (2 * 1024 * 1024) + b"}", 413, "too-large", id="413"),
    ],
)
def test_every_status_uses_the_specgate_problem_type_scheme(
    client: TestClient, method: str, path: str, headers: dict[str, str], body: bytes | None, status: int, kind: str
) -> None:
    response = client.request(method, path, headers=headers, content=body)
    assert response.status_code == status
    assert response.json()["type"] == f"urn:specgate:problem:{kind}"

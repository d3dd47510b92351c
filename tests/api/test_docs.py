"""/docs and /redoc work without internet; the OpenAPI document lets "Try it out" work at once."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.problems import assert_problem

URL = re.compile(rb"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", re.IGNORECASE)
OPERATIONS = [
    ("post", "/validate"),
    ("post", "/normalize"),
    ("get", "/capabilities"),
    ("post", "/capabilities"),
    ("post", "/classify-mounts"),
    ("get", "/rules"),
    ("get", "/healthz"),
    ("get", "/readyz"),
]


@pytest.fixture(scope="module")
def openapi(client: TestClient) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_pages_load_nothing_from_outside(client: TestClient, page: str) -> None:
    response = client.get(page)
    assert response.status_code == 200
    assert not URL.findall(response.content), URL.findall(response.content)
    assets = re.findall(r'(?:src|href)="([^"]+)"', response.text)
    assert assets
    for asset in assets:
        assert asset.startswith("/static/docs/"), asset
        assert client.get(asset).status_code == 200, asset


def test_swagger_ui_is_version_5(client: TestClient) -> None:
    # Swagger UI 4 cannot render an OpenAPI 3.1 document.
    assert client.get("/openapi.json").json()["openapi"].startswith("3.1")
    bundle = client.get("/static/docs/swagger-ui-bundle.js")
    assert bundle.status_code == 200
    assert b"OpenAPI 3.1" in bundle.content or b"oas31" in bundle.content


def test_swagger_ui_turns_off_the_public_validator(client: TestClient) -> None:
    assert '"validatorUrl": null' in client.get("/docs").text


def test_root_redirects_to_docs(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code in (302, 307)
    assert response.headers["location"] == "/docs"


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_operation_is_documented(openapi: dict[str, Any], method: str, path: str) -> None:
    operation = openapi["paths"][path][method]
    assert operation["summary"]
    assert operation.get("description") or operation.get("responses", {}).get("200", {}).get("description")
    assert operation["operationId"] == f"{operation['tags'][0]}-{operation['operationId'].split('-', 1)[1]}"


@pytest.mark.parametrize(("method", "path"), [op for op in OPERATIONS if op[0] == "post"])
def test_body_operation_declares_body_and_errors(openapi: dict[str, Any], method: str, path: str) -> None:
    operation = openapi["paths"][path][method]
    body = operation["requestBody"]["content"]["application/json"]
    assert body["examples"]
    for code in ("400", "413", "415", "422"):
        content = operation["responses"][code]["content"]
        assert list(content) == ["application/problem+json"]
        assert content["application/problem+json"]["schema"] == {"$ref": "#/components/schemas/Problem"}


def test_profile_parameter_lists_the_profiles(openapi: dict[str, Any]) -> None:
    shipped = ["runsc", "runsc-2018", "oci", "features:runc-1.1"]
    for path, method in (("/capabilities", "get"), ("/classify-mounts", "post")):
        params = {p["name"]: p for p in openapi["paths"][path][method]["parameters"]}
        assert params["profile"]["schema"]["enum"] == shipped
        assert params["profile"]["schema"]["default"] == "runsc"
    # /validate takes several profiles at once (?profile=oci&profile=features:runc-1.1).
    params = {p["name"]: p for p in openapi["paths"]["/validate"]["post"]["parameters"]}
    assert params["profile"]["schema"]["type"] == "array"
    assert params["profile"]["schema"]["items"]["enum"] == shipped
    assert params["profile"]["schema"]["default"] == ["runsc"]


def _examples(openapi: dict[str, Any]) -> list[tuple[str, str, str, Any]]:
    found = []
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            for name, example in body.get("examples", {}).items():
                found.append((method, path, name, example["value"]))
    return found


def test_try_it_out_works_with_every_example(client: TestClient, openapi: dict[str, Any]) -> None:
    examples = _examples(openapi)
    assert len(examples) >= 6
    for method, path, name, value in examples:
        query = "?bundle=/run/containerd/io.containerd.runtime.v2.task/k8s.io/4f1c0e2a" if path == "/normalize" else ""
        response = client.request(method.upper(), f"{path}{query}", json=value)
        if name == "unknown-name":
            problem = assert_problem(response, 422)
            assert problem["errors"][0]["path"] == "/bounding/1"
        else:
            assert response.status_code == 200, (path, name, response.text)
        if name == "selinux-and-relative-mount":
            assert response.json()["valid"] is False

"""HEAD wherever GET is answered, OPTIONS wherever anything is, and Allow naming the same methods (RFC 9110)."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.api.problems import assert_problem


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/healthz", id="healthz"),
        pytest.param("/capabilities?profile=oci", id="capabilities"),
        pytest.param("/rules", id="rules"),
        pytest.param("/openapi.json", id="openapi"),
        pytest.param("/docs", id="docs"),
    ],
)
def test_head_has_the_headers_of_get_and_no_body(client: TestClient, path: str) -> None:
    get, head = client.get(path), client.head(path)
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers["content-length"] == str(len(get.content))


def test_head_on_a_post_only_path_is_405_naming_head(client: TestClient) -> None:
    response = client.head("/validate")
    assert response.status_code == 405 and response.content == b""
    assert response.headers["allow"] == "OPTIONS, POST"
    detail = client.request("PATCH", "/validate").json()["detail"]
    assert detail == "PATCH is not allowed on /validate; allowed: OPTIONS, POST"


@pytest.mark.parametrize(
    ("path", "allow"),
    [
        pytest.param("/validate", "OPTIONS, POST", id="validate"),
        pytest.param("/normalize", "OPTIONS, POST", id="normalize"),
        pytest.param("/capabilities", "GET, HEAD, OPTIONS, POST", id="capabilities"),
        pytest.param("/classify-mounts", "OPTIONS, POST", id="classify-mounts"),
        pytest.param("/rules", "GET, HEAD, OPTIONS", id="rules"),
        pytest.param("/readyz", "GET, HEAD, OPTIONS", id="readyz"),
    ],
)
def test_options_and_405_name_the_same_methods(client: TestClient, path: str, allow: str) -> None:
    options = client.options(path)
    assert options.status_code == 204 and options.content == b""
    assert options.headers["allow"] == allow
    assert (
        assert_problem(client.request("TRACE", path), 405) and client.request("TRACE", path).headers["allow"] == allow
    )


@pytest.mark.parametrize("method", ["HEAD", "OPTIONS"])
def test_head_and_options_on_no_such_path_are_404(client: TestClient, method: str) -> None:
    response = client.request(method, "/nowhere")
    assert response.status_code == 404


def test_head_over_a_real_server(live_url: str) -> None:
    # uvicorn, not the test client, decides whether a body goes on the wire after a HEAD.
    with httpx.Client(base_url=live_url) as http:
        head = http.head("/healthz")
        assert head.status_code == 200 and head.content == b""
        assert http.get("/healthz").json() == {"status": "ok"}  # the connection is still in step

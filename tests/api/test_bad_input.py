"""Bad input to every endpoint gets a 4xx problem+json with a clear detail, never a 500."""

from __future__ import annotations

import asyncio
import logging

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.types import Message, Scope

from tests.api.problems import assert_problem

JSON = {"content-type": "application/json"}

BODY_ROUTES = [
    pytest.param("/validate", id="validate"),
    pytest.param("/normalize?bundle=/run/bundle", id="normalize"),
    pytest.param("/capabilities", id="capabilities"),
    pytest.param("/classify-mounts", id="classify-mounts"),
]

PROFILE_ROUTES = [
    pytest.param("POST", "/validate", id="validate"),
    pytest.param("POST", "/normalize?bundle=/run/bundle", id="normalize"),
    pytest.param("POST", "/capabilities", id="capabilities-post"),
    pytest.param("GET", "/capabilities", id="capabilities-get"),
    pytest.param("POST", "/classify-mounts", id="classify-mounts"),
    pytest.param("GET", "/rules", id="rules"),
]


@pytest.mark.parametrize("route", BODY_ROUTES)
@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        pytest.param(b'{"ociVersion": "1.0.2",\n  "root": }', 400, "invalid JSON", id="not-json"),
        pytest.param(b'{"ociVersion": "1.0.\xff"}', 400, "UTF-8", id="not-utf8"),
        pytest.param(b'[{"ociVersion": "1.0.2"}]', 400, "array", id="array-top-level"),
        pytest.param(b'"config"', 400, "string", id="string-top-level"),
        pytest.param(b"null", 400, "object", id="null"),
        pytest.param(b"", 400, "empty", id="empty"),
        pytest.param(b"\xef\xbb\xbf{}", 400, "byte order mark", id="bom"),
        pytest.param(b"[" * 5000 + b"]" * 5000, 400, "deep", id="too-deep"),
    ],
)
def test_malformed_body_is_400(client: TestClient, route: str, body: bytes, status: int, words: str) -> None:
    problem = assert_problem(client.post(route, content=body, headers=JSON), status)
    assert words in problem["detail"]


@pytest.mark.parametrize("route", BODY_ROUTES)
def test_syntax_error_names_line_and_column(client: TestClient, route: str) -> None:
    problem = assert_problem(client.post(route, content=b'{\n  "ociVersion": "1.0.2",\n  "root": }', headers=JSON), 400)
    assert (problem["line"], problem["column"]) == (3, 11)
    assert "line 3, column 11" in problem["detail"]


@pytest.mark.parametrize("route", BODY_ROUTES)
@pytest.mark.parametrize(
    "content_type",
    [
        pytest.param("text/plain", id="text"),
        pytest.param("application/x-www-form-urlencoded", id="form"),
        pytest.param("application/yaml", id="yaml"),
        pytest.param("application/json; charset=latin-1", id="latin1"),
    ],
)
def test_wrong_media_type_is_415(client: TestClient, route: str, content_type: str) -> None:
    problem = assert_problem(client.post(route, content=b"{}", headers={"content-type": content_type}), 415)
    assert "application/json" in problem["detail"] or "UTF-8" in problem["detail"]


@pytest.mark.parametrize("route", BODY_ROUTES)
def test_compressed_body_is_415(client: TestClient, route: str) -> None:
    headers = {**JSON, "content-encoding": "gzip"}
    assert_problem(client.post(route, content=b"\x1f\x8b\x08\x00", headers=headers), 415)


@pytest.mark.parametrize("route", BODY_ROUTES)
def test_ten_megabyte_body_is_413(client: TestClient, route: str) -> None:
    body = b'{"pad": "' + b"x" * (10 * 1024 * 1024) + b'"}'
    problem = assert_problem(client.post(route, content=body, headers=JSON), 413)
    assert "1048576 bytes" in problem["detail"]


@pytest.mark.parametrize("route", BODY_ROUTES)
def test_body_without_content_length_is_capped(client: TestClient, route: str) -> None:
    chunks = (b" " * 65536 for _ in range(40))  # 2.5 MiB, sent chunked
    assert_problem(client.post(route, content=chunks, headers=JSON), 413)


@pytest.mark.parametrize(("method", "route"), PROFILE_ROUTES)
def test_unknown_profile_is_422_naming_the_known_ones(client: TestClient, method: str, route: str) -> None:
    sep = "&" if "?" in route else "?"
    response = client.request(method, f"{route}{sep}profile=runc", content=b"{}", headers=JSON)
    problem = assert_problem(response, 422)
    assert "'runc'" in problem["detail"]
    for name in ("runsc", "runsc-2018", "oci"):
        assert name in problem["detail"]
    assert problem["profiles"] == ["runsc", "runsc-2018", "oci", "features:runc-1.1"]


@pytest.mark.parametrize(
    ("query", "param"),
    [
        pytest.param("platform=windows", "platform", id="platform"),
        pytest.param("platform=", "platform", id="empty-platform"),
        pytest.param("lifecycle=run", "lifecycle", id="lifecycle"),
    ],
)
def test_unusable_validate_parameter_is_422(client: TestClient, query: str, param: str) -> None:
    problem = assert_problem(client.post(f"/validate?{query}", content=b"{}", headers=JSON), 422)
    assert problem["errors"][0]["path"] == f"query.{param}"


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("", id="missing"),
        pytest.param("?bundle=", id="empty"),
        pytest.param("?bundle=run/bundle", id="relative"),
        pytest.param("?bundle=./bundle", id="dot-relative"),
    ],
)
def test_normalize_needs_an_absolute_bundle(client: TestClient, query: str) -> None:
    problem = assert_problem(
        client.post(f"/normalize{query}", content=b'{"root": {"path": "rootfs"}}', headers=JSON), 422
    )
    assert problem["errors"][0]["path"] == "query.bundle"


@pytest.mark.parametrize(
    ("method", "route", "status"),
    [
        pytest.param("GET", "/nowhere", 404, id="unknown-path"),
        pytest.param("GET", "/validate", 405, id="get-validate"),
        pytest.param("DELETE", "/capabilities", 405, id="delete-capabilities"),
        pytest.param("PUT", "/rules", 405, id="put-rules"),
    ],
)
def test_routing_errors_are_problems(client: TestClient, method: str, route: str, status: int) -> None:
    assert_problem(client.request(method, route), status)


def test_body_without_content_type_is_taken_as_json(client: TestClient) -> None:
    # What `curl --data-binary @config.json` sends when a pipeline forgets -H: judged, not refused.
    response = client.post("/validate", content=b'{"ociVersion": "1.0.2"}')
    assert response.status_code == 200
    assert response.json()["profile"] == "runsc"


@pytest.mark.parametrize(
    "content_type",
    [
        pytest.param("application/json; charset=utf-8", id="charset"),
        pytest.param("Application/JSON", id="case"),
        pytest.param("application/vnd.oci.image.config.v1+json", id="plus-json"),
    ],
)
def test_json_media_types_are_accepted(client: TestClient, content_type: str) -> None:
    response = client.post("/validate", content=b'{"ociVersion": "1.0.2"}', headers={"content-type": content_type})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("method", "route", "param"),
    [
        pytest.param("POST", "/normalize?bundle=/a&profile=oci&profile=runsc", "profile", id="normalize-profile"),
        pytest.param("POST", "/validate?platform=linux&platform=windows", "platform", id="validate-platform"),
        pytest.param("POST", "/normalize?bundle=/a&bundle=/b", "bundle", id="normalize-bundle"),
        pytest.param("GET", "/capabilities?profile=oci&profile=runsc", "profile", id="capabilities-profile"),
        pytest.param("GET", "/rules?profile=oci&profile=runsc", "profile", id="rules-profile"),
    ],
)
def test_a_parameter_repeated_with_different_values_is_422(
    client: TestClient, method: str, route: str, param: str
) -> None:
    problem = assert_problem(client.request(method, route, content=b"{}", headers=JSON), 422)
    assert problem["errors"][0]["path"] == f"query.{param}"
    assert "different values" in problem["detail"]


@pytest.mark.parametrize(
    "route",
    [
        pytest.param("/capabilities?profile=oci&profile=oci", id="same-value-twice"),
        pytest.param("/rules?profile=oci&page=1&page=2", id="undeclared-parameter"),
        pytest.param("/healthz?nocache=1&nocache=2", id="probe-cache-buster"),
    ],
)
def test_repetition_that_changes_nothing_is_accepted(client: TestClient, route: str) -> None:
    assert client.get(route).status_code == 200


def test_a_client_that_leaves_mid_body_is_not_a_server_error(app: FastAPI, caplog: pytest.LogCaptureFixture) -> None:
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    scope: Scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/validate",
        "raw_path": b"/validate",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json"), (b"content-length", b"100")],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    with caplog.at_level(logging.INFO):
        asyncio.run(app(scope, receive, send))
    assert sent[0]["status"] == 400
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert any("disconnected" in r.getMessage() for r in caplog.records)

"""Bearer tokens on HTTP: judging endpoints refuse without one; probes, metrics and docs stay open."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from fastapi.testclient import TestClient

import specgate_client
from app.api.examples import CONFIG
from app.cli import specgate
from app.main import create_app
from tests.api.conftest import make_settings
from tests.api.live import serve
from tests.api.problems import assert_problem

TOKEN = "t0ken-for-tests"
BODY = orjson.dumps(CONFIG)
JSON = {"content-type": "application/json"}

PROTECTED = [
    ("POST", "/validate"),
    ("POST", "/normalize?bundle=/b"),
    ("POST", "/classify-mounts"),
    ("POST", "/capabilities"),
    ("GET", "/capabilities"),
    ("GET", "/rules"),
    ("GET", "/no-such-path"),
    ("OPTIONS", "/validate"),
]
OPEN = ["/healthz", "/readyz", "/docs", "/redoc", "/openapi.json", "/static/docs/swagger-ui.css"]


@pytest.fixture(scope="module")
def guarded() -> Iterator[TestClient]:
    app = create_app(make_settings(api_tokens=f"other,{TOKEN}"))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_without_a_token_is_401_with_a_challenge(guarded: TestClient, method: str, path: str) -> None:
    response = guarded.request(method, path, content=BODY, headers=JSON)
    problem = assert_problem(response, 401)
    assert problem["type"] == "urn:specgate:problem:unauthorized"
    assert response.headers["www-authenticate"] == 'Bearer realm="specgate"'
    assert "Authorization: Bearer" in problem["detail"]


@pytest.mark.parametrize("header", [f"Bearer {TOKEN}x", f"Basic {TOKEN}", f"Bearer {TOKEN[:-1]}", "Bearer"])
def test_a_wrong_token_is_401_invalid_token(guarded: TestClient, header: str) -> None:
    response = guarded.post("/validate", content=BODY, headers={**JSON, "authorization": header})
    assert_problem(response, 401)
    assert 'error="invalid_token"' in response.headers["www-authenticate"]
    assert TOKEN not in response.text


@pytest.mark.parametrize(("method", "path"), PROTECTED[:6])
def test_the_right_token_passes(guarded: TestClient, method: str, path: str) -> None:
    response = guarded.request(method, path, content=BODY, headers={**JSON, "authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("path", OPEN)
def test_probes_and_docs_are_open(guarded: TestClient, path: str) -> None:
    assert guarded.get(path).status_code == 200


def test_tokens_off_by_default(client: TestClient) -> None:
    assert client.post("/validate", content=BODY, headers=JSON).status_code == 200


def test_token_file_of_digests(tmp_path: Path) -> None:
    path = tmp_path / "tokens.sha256"
    path.write_text(hashlib.sha256(b"from-file").hexdigest() + "  -\n", encoding="utf-8")
    with TestClient(create_app(make_settings(api_tokens_file=path))) as client:
        ok = client.post("/validate", content=BODY, headers={**JSON, "authorization": "Bearer from-file"})
        assert ok.status_code == 200
        assert client.post("/validate", content=BODY, headers=JSON).status_code == 401


@pytest.fixture(scope="module")
def guarded_url() -> Iterator[str]:
    with serve(create_app(make_settings(api_tokens=TOKEN))) as url:
        yield url


def test_client_token_against_a_real_server(guarded_url: str) -> None:
    with specgate_client.Client(base_url=guarded_url, token=TOKEN, timeout=10) as client:
        assert client.validate(BODY).valid
    with specgate_client.Client(base_url=guarded_url, token="wrong", timeout=10) as client:
        with pytest.raises(specgate_client.APIError) as caught:
            client.validate(BODY)
    assert caught.value.status == 401
    assert caught.value.problem is not None and caught.value.problem.title == "Unauthorized"


def test_cli_token_against_a_real_server(guarded_url: str, tmp_path: Path) -> None:
    from click.testing import CliRunner

    document = tmp_path / "config.json"
    document.write_bytes(BODY)
    runner = CliRunner()
    ok = runner.invoke(specgate, ["validate", "--server", guarded_url, "--token", TOKEN, str(document)])
    assert ok.exit_code == 0, ok.output
    via_env = runner.invoke(
        specgate, ["validate", "--server", guarded_url, str(document)], env={"SPECGATE_TOKEN": TOKEN}
    )
    assert via_env.exit_code == 0, via_env.output
    refused = runner.invoke(specgate, ["validate", "--server", guarded_url, "--token", "nope", str(document)])
    assert refused.exit_code == 2
    assert "401" in refused.output and "nope" not in refused.output


def test_openapi_describes_the_optional_bearer_token(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": document["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    for path, operations in document["paths"].items():
        for operation in operations.values():
            if path in ("/healthz", "/readyz", "/metrics"):
                assert "security" not in operation and "401" not in operation["responses"]
            else:
                assert operation["security"] == [{"bearerAuth": []}, {}], path
                assert "401" in operation["responses"], path

"""HTTP-level behaviour against a real uvicorn server on loopback."""

from __future__ import annotations

import httpx
import orjson

from app.api.examples import CONFIG
from tests.api.problems import assert_problem

JSON = {"content-type": "application/json"}


def test_valid_document_round_trip(live_url: str) -> None:
    response = httpx.post(f"{live_url}/validate", content=orjson.dumps(CONFIG), headers=JSON, timeout=10)
    assert response.status_code == 200
    assert response.json()["valid"] is True


def test_ten_megabytes_are_refused_by_content_length(live_url: str) -> None:
    body = b" " * (10 * 1024 * 1024)
    problem = assert_problem(httpx.post(f"{live_url}/validate", content=body, headers=JSON, timeout=10), 413)
    assert "SPECGATE_MAX_BODY_BYTES" in problem["detail"]


def test_chunked_body_is_refused_once_it_passes_the_limit(live_url: str) -> None:
    chunks = (b" " * 65536 for _ in range(160))  # 10 MiB without a Content-Length
    assert_problem(httpx.post(f"{live_url}/classify-mounts", content=chunks, headers=JSON, timeout=10), 413)


def test_wrong_media_type(live_url: str) -> None:
    headers = {"content-type": "text/plain"}
    assert_problem(httpx.post(f"{live_url}/normalize?bundle=/b", content=b"{}", headers=headers, timeout=10), 415)


def test_not_utf8(live_url: str) -> None:
    response = httpx.post(f"{live_url}/validate", content=b'{"a": "\xc3\x28"}', headers=JSON, timeout=10)
    problem = assert_problem(response, 400)
    assert (problem["line"], problem["column"]) == (1, 8)


def test_server_keeps_serving_after_refusals(live_url: str) -> None:
    with httpx.Client(base_url=live_url, timeout=10) as client:
        for _ in range(3):
            assert client.post("/validate", content=b" " * (2 * 1024 * 1024), headers=JSON).status_code == 413
            assert client.get("/healthz").status_code == 200

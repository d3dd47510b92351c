"""The fast path of POST /validate answers exactly what the FastAPI route answers, and refers everything else to it.

Every comparison runs the same request against two apps: one with the fast path (the default) and one
with SPECGATE_FAST_PATH=false, where only the FastAPI route answers.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.types import Message

import app.api.routes.validate as validate_route
from app.api import fastpath
from tests.api.conftest import make_settings

DATA = Path(__file__).resolve().parents[1] / "data"
CORPUS = sorted([*DATA.glob("bench/*.json"), *DATA.glob("k8s/*.json"), *DATA.glob("conformance/**/*.json")])
JSON = {"content-type": "application/json"}
SMALL = (DATA / "bench" / "small.json").read_bytes()


@pytest.fixture(scope="module")
def fast_app() -> FastAPI:
    from app.main import create_app

    return create_app(make_settings(max_body_bytes=64 * 1024))


@pytest.fixture(scope="module")
def fast(fast_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(fast_app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def route() -> Iterator[TestClient]:
    from app.main import create_app

    with TestClient(create_app(make_settings(max_body_bytes=64 * 1024, fast_path=False))) as c:
        yield c


def _same(fast: TestClient, route: TestClient, url: str, body: bytes, headers: dict[str, str]) -> Any:
    a = fast.post(url, content=body, headers=headers)
    b = route.post(url, content=body, headers=headers)
    assert (a.status_code, a.headers.get("content-type"), a.content) == (
        b.status_code,
        b.headers.get("content-type"),
        b.content,
    ), url
    assert a.headers.get("content-length") == b.headers.get("content-length")
    return a


@pytest.mark.parametrize("document", CORPUS, ids=lambda p: str(p.relative_to(DATA)))
def test_every_corpus_document_gets_the_routes_bytes(fast: TestClient, route: TestClient, document: Path) -> None:
    raw = document.read_bytes()
    for query in ("", "?profile=runsc", "?profile=runsc-2018", "?profile=oci", "?profile=oci&lifecycle=start"):
        _same(fast, route, "/validate" + query, raw, JSON)


@pytest.mark.parametrize(
    ("query", "body", "headers"),
    [
        pytest.param("?profile=nonesuch", SMALL, JSON, id="unknown-profile"),
        pytest.param("?profile=", SMALL, JSON, id="empty-profile"),
        pytest.param("?profile=oci&platform=plan9", SMALL, JSON, id="unknown-platform"),
        pytest.param("?lifecycle=run", SMALL, JSON, id="bad-lifecycle"),
        pytest.param("?profile=oci&profile=runsc", SMALL, JSON, id="repeated-different"),
        pytest.param("?profile=oci&profile=oci", SMALL, JSON, id="repeated-same"),
        pytest.param("?nocache=1&nocache=2", SMALL, JSON, id="repeated-undeclared"),
        pytest.param("?profile=runsc&x=%FF", SMALL, JSON, id="undeclared-odd-bytes"),
        pytest.param("?profile=r%75nsc", SMALL, JSON, id="percent-encoded"),
        pytest.param("", SMALL, {"content-type": "text/plain"}, id="not-json-media-type"),
        pytest.param("", SMALL, {"content-type": "application/json; charset=latin-1"}, id="charset"),
        pytest.param("", SMALL, {"content-type": "application/merge-patch+json"}, id="plus-json"),
        pytest.param("", SMALL, {}, id="no-content-type"),
        pytest.param("", SMALL, {**JSON, "content-encoding": "gzip"}, id="gzip"),
        pytest.param("", b"{" + b" " * 70_000 + b"}", JSON, id="too-large"),
        pytest.param("", b'{"ociVersion": ', JSON, id="not-json"),
        pytest.param("", b"[1]", JSON, id="not-an-object"),
        pytest.param("", b"", JSON, id="empty"),
        pytest.param("", b'{"a": "\xff"}', JSON, id="not-utf8"),
    ],
)
def test_unusual_requests_get_the_routes_answer(
    fast: TestClient, route: TestClient, query: str, body: bytes, headers: dict[str, str]
) -> None:
    _same(fast, route, "/validate" + query, body, headers)


def test_the_usual_request_never_reaches_the_route(fast: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    class Unreachable:
        def __getattr__(self, name: str) -> Any:
            raise AssertionError("the FastAPI route was called")

    monkeypatch.setattr(validate_route, "core", Unreachable())
    assert fast.post("/validate?profile=oci", content=SMALL, headers=JSON).status_code == 200
    # ... and the unusual one does: the route's (now broken) core answers it with the 500 of a bug.
    assert fast.post("/validate?profile=nonesuch", content=SMALL, headers=JSON).status_code == 500


def _call(app: FastAPI, messages: list[Message], query: bytes = b"") -> list[Message]:
    sent: list[Message] = []
    pending = list(messages)

    async def receive() -> Message:
        return pending.pop(0) if pending else {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/validate",
        "raw_path": b"/validate",
        "root_path": "",
        "query_string": query,
        "headers": [(b"host", b"test"), (b"content-type", b"application/json")],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
        "state": {},
        "app": app,
    }
    asyncio.run(app(scope, receive, send))
    return sent


def test_a_body_in_many_chunks_is_judged_whole(fast_app: FastAPI, route: TestClient) -> None:
    parts = [SMALL[i : i + 100] for i in range(0, len(SMALL), 100)]
    messages: list[Message] = [{"type": "http.request", "body": p, "more_body": True} for p in parts]
    messages.append({"type": "http.request", "body": b"", "more_body": False})
    sent = _call(fast_app, messages, b"profile=oci")
    assert sent[0]["status"] == 200
    assert sent[1]["body"] == route.post("/validate?profile=oci", content=SMALL, headers=JSON).content


def test_a_client_leaving_mid_body_gets_the_routes_answer(fast_app: FastAPI) -> None:
    sent = _call(fast_app, [{"type": "http.request", "body": SMALL[:100], "more_body": True}])
    assert sent[0]["status"] == 400
    assert b"incomplete-body" in sent[-1]["body"] or any(b"incomplete-body" in m.get("body", b"") for m in sent)


def test_tokens_still_guard_the_fast_path() -> None:
    from app.main import create_app

    with TestClient(create_app(make_settings(api_tokens="s3cret"))) as client:
        assert client.post("/validate", content=SMALL, headers=JSON).status_code == 401
        ok = client.post("/validate", content=SMALL, headers={**JSON, "authorization": "Bearer s3cret"})
        assert ok.status_code == 200


def test_it_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    from app.config import Settings
    from app.main import create_app

    monkeypatch.setenv("SPECGATE_FAST_PATH", "false")
    assert Settings().fast_path is False
    app = create_app()
    assert isinstance(app, fastpath.SpecgateAPI) and app.fast_path is None


def _observed(client: TestClient, caplog: pytest.LogCaptureFixture, headers: dict[str, str]) -> dict[str, Any]:
    """The answer's headers, the access log line and the counters one POST /validate leaves behind."""
    from prometheus_client import REGISTRY

    from app.logs import JsonFormatter

    def count(name: str, **labels: str) -> float:
        return REGISTRY.get_sample_value(name, labels) or 0.0

    labels = {"route": "/validate", "method": "POST", "status": "200", "profile": "oci"}
    before = (
        count("specgate_http_requests_total", **labels),
        count("specgate_verdicts_total", profile="oci", verdict="valid"),
    )
    caplog.clear()
    response = client.post("/validate?profile=oci", content=SMALL, headers=headers)
    after = (
        count("specgate_http_requests_total", **labels),
        count("specgate_verdicts_total", profile="oci", verdict="valid"),
    )
    (line,) = [orjson.loads(JsonFormatter().format(r)) for r in caplog.records if r.name == "specgate.access"]
    for varying in ("time", "duration_ms"):
        assert line.pop(varying)
    return {
        "status": response.status_code,
        "request_id": response.headers.get("x-request-id"),
        "access": line,
        "counted": (after[0] - before[0], after[1] - before[1]),
        "in_flight": REGISTRY.get_sample_value("specgate_http_requests_in_flight"),
    }


def test_the_fast_path_is_observed_as_the_route_is(
    fast: TestClient, route: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="specgate.access")
    headers = {**JSON, "x-request-id": "req-7"}
    seen = _observed(fast, caplog, headers)
    assert seen == _observed(route, caplog, headers)
    assert seen["request_id"] == "req-7" and seen["counted"] == (1, 1) and seen["in_flight"] == 0
    fresh = _observed(fast, caplog, JSON)  # no id given: a fresh one, the same in the answer and the log
    assert fresh["request_id"] and fresh["access"]["request_id"] == fresh["request_id"]


def test_a_refused_token_is_answered_and_observed_by_the_stack(caplog: pytest.LogCaptureFixture) -> None:
    from prometheus_client import REGISTRY

    from app.main import create_app

    caplog.set_level(logging.INFO, logger="specgate.access")
    with TestClient(create_app(make_settings(api_tokens="s3cret"))) as client:
        response = client.post("/validate", content=SMALL, headers={**JSON, "authorization": "Bearer wrong"})
    assert response.status_code == 401 and response.headers["x-request-id"]
    assert [r.__dict__["fields"]["status"] for r in caplog.records if r.name == "specgate.access"] == [401]
    assert REGISTRY.get_sample_value("specgate_http_requests_in_flight") == 0

"""Settings come from SPECGATE_* variables and shape the app."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from tests.api.problems import assert_problem


def test_defaults() -> None:
    settings = Settings()
    assert (settings.max_body_bytes, settings.inline_bytes, settings.docs) == (1024 * 1024, 64 * 1024, True)


def test_body_limit_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPECGATE_MAX_BODY_BYTES", "64")
    with TestClient(create_app()) as client:
        ok = client.post("/validate", content=b'{"ociVersion": "1.0.2"}', headers={"content-type": "application/json"})
        assert ok.status_code == 200
        big = client.post("/validate", content=b'{"pad": "' + b"x" * 64 + b'"}')
        assert "64 bytes" in assert_problem(big, 413)["detail"]


def test_docs_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPECGATE_DOCS", "false")
    with TestClient(create_app()) as client:
        assert client.get("/docs").status_code == 404
        assert client.get("/openapi.json").status_code == 404
        assert client.get("/healthz").status_code == 200


def test_large_documents_are_judged_off_the_event_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPECGATE_INLINE_BYTES", "0")
    with TestClient(create_app()) as client:
        response = client.post(
            "/validate", content=b'{"ociVersion": "1.0.2"}', headers={"content-type": "application/json"}
        )
        assert response.status_code == 200
        assert response.json()["profile"] == "runsc"

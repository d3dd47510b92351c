"""GET /healthz and /readyz."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.main import create_app
from tests.api.conftest import make_settings


def test_healthz(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_after_warm_up(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "profiles": ["runsc", "runsc-2018", "oci", "features:runc-1.1"]}


def test_readyz_is_503_before_startup() -> None:
    # Without the context manager the lifespan (and so the warm-up) never runs.
    client = TestClient(create_app(make_settings()))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "not ready"
    assert client.get("/healthz").status_code == 200

"""Fixtures of the HTTP tests: an app per module, a TestClient over it, a real server for HTTP-level checks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from tests.api.live import serve

MiB = 1024 * 1024


def make_settings(**overrides: object) -> Settings:
    """Settings for tests, independent of the developer's environment."""
    values: dict[str, object] = {"max_body_bytes": MiB, "inline_bytes": 64 * 1024, "docs": True, "warm_up": True}
    values.update(overrides)
    return Settings.model_validate(values)


@pytest.fixture(scope="module")
def app() -> FastAPI:
    return create_app(make_settings())


@pytest.fixture(scope="module")
def client(app: FastAPI) -> Iterator[TestClient]:
    # raise_server_exceptions=False: a 500 must show up as a response the tests can assert on.
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="session")
def live_url() -> Iterator[str]:
    with serve(create_app(make_settings())) as url:
        yield url

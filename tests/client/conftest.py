"""Fixtures of the client tests: a real specgate server on loopback, shared by the whole session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.api.live import serve


@pytest.fixture(scope="session")
def live_url() -> Iterator[str]:
    """Base URL of a real uvicorn serving the real app."""
    from app.main import create_app

    with serve(create_app()) as url:
        yield url

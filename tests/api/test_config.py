"""Settings come from SPECGATE_* variables and shape the app."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from app.config import Settings, usable_cpus
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


def test_workers_default_to_the_cpus_the_process_may_use(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SPECGATE_WORKERS", raising=False)
    assert Settings().workers == usable_cpus() <= len(os.sched_getaffinity(0))
    monkeypatch.setenv("SPECGATE_WORKERS", "3")
    assert Settings().workers == 3
    monkeypatch.setenv("SPECGATE_WORKERS", "0")
    with pytest.raises(ValidationError):
        Settings()


@pytest.mark.parametrize(
    ("cpu_max", "cap"),
    [
        pytest.param("max 100000\n", None, id="no-quota"),
        pytest.param("100000 100000\n", 1, id="one-cpu"),
        pytest.param("150000 100000\n", 2, id="fraction-rounds-up"),
        pytest.param("1000 100000\n", 1, id="tiny-quota-is-one"),
        pytest.param("garbage\n", None, id="unreadable"),
        pytest.param(None, None, id="no-file"),
    ],
)
def test_usable_cpus_honours_a_cgroup_quota(tmp_path: Path, cpu_max: str | None, cap: int | None) -> None:
    path = tmp_path / "cpu.max"
    if cpu_max is not None:
        path.write_text(cpu_max)
    affinity = len(os.sched_getaffinity(0))
    assert usable_cpus(path) == (affinity if cap is None else min(cap, affinity))

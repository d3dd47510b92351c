"""normalize, capabilities, classify-mounts, rules and serve."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app import core
from app.config import usable_cpus
from tests.cli.conftest import FIXTURES, Run

VALID = FIXTURES / "valid" / "config.json"
INVALID = FIXTURES / "invalid" / "config.json"


def test_normalize_joins_relative_paths_onto_the_files_directory(run: Run) -> None:
    result = run("normalize", VALID)
    assert result.exit_code == 0
    answer = json.loads(result.stdout)
    assert answer == core.normalize(VALID.read_bytes(), bundle=str(VALID.parent)).model_dump(mode="json")
    assert answer["spec"]["root"]["path"] == str(VALID.parent / "rootfs")


def test_normalize_spec_only_with_explicit_bundle(run: Run) -> None:
    result = run("normalize", "--spec-only", "--bundle", "/run/b", "-", stdin=VALID.read_bytes())
    assert json.loads(result.stdout)["root"]["path"] == "/run/b/rootfs"


def test_normalize_refuses_an_invalid_spec(run: Run) -> None:
    result = run("normalize", INVALID)
    assert result.exit_code == 1 and result.stdout == ""
    assert "RUNSC-SELINUX" in result.stderr and "/process/selinuxLabel" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["normalize", "-"], id="stdin-without-bundle"),
        pytest.param(["normalize", "--bundle", "relative/dir", str(VALID)], id="relative-bundle"),
        pytest.param(["normalize", "/no/such/config.json"], id="missing-file"),
    ],
)
def test_normalize_usage_errors(run: Run, args: list[str]) -> None:
    assert run(*args, stdin=b"{}").exit_code == 2


def test_capability_table(run: Run) -> None:
    text = run("capabilities").stdout.splitlines()
    assert text[0].split() == ["0", "CAP_CHOWN"]
    table = json.loads(run("capabilities", "-f", "json").stdout)
    assert table == core.capability_table().model_dump(mode="json")


def test_capability_sets(run: Run, tmp_path: Path) -> None:
    caps = tmp_path / "caps.json"
    caps.write_text(json.dumps({"bounding": ["CAP_CHOWN", "CAP_KILL"], "effective": ["CAP_NET_RAW"]}))
    answer: dict[str, Any] = json.loads(run("capabilities", "-f", "json", caps).stdout)
    assert answer["bounding"]["mask"] == "0x0000000000000021"
    text = run("capabilities", caps).stdout
    assert "bounding     0x0000000000000021  CAP_CHOWN CAP_KILL" in text


def test_unknown_capability_names_each_pointer(run: Run) -> None:
    result = run("capabilities", "-", stdin=b'{"bounding": ["CAP_CHOWN", "CAP_NOPE"]}')
    assert result.exit_code == 1
    assert "/bounding/1" in result.stderr and "CAP_NOPE" in result.stderr


def test_classify_mounts(run: Run) -> None:
    answer = json.loads(run("classify-mounts", "-f", "json", VALID).stdout)
    assert answer == core.classify_mounts(VALID.read_bytes()).model_dump(mode="json")
    text = run("classify-mounts", VALID).stdout
    data_line = next(line for line in text.splitlines() if "/data" in line)
    assert data_line.split()[:3] == ["5", "gofer", "gofer"]


def test_classify_mounts_of_bad_json_exits_1(run: Run) -> None:
    result = run("classify-mounts", "-", stdin=b"[1, 2]")
    assert result.exit_code == 1 and "JSON object" in result.stderr


def test_rules(run: Run) -> None:
    text = run("rules", "-p", "runsc").stdout
    assert "RUNSC-SELINUX" in text
    answer = json.loads(run("rules", "-f", "json").stdout)
    assert [r["id"] for r in answer["rules"]] == [r.id for r in core.rules("runsc").rules]
    every = json.loads(run("rules", "-f", "json", "-p", "*").stdout)
    assert [r["id"] for r in every["rules"]] == [r.id for r in core.rules().rules]


def test_serve_runs_uvicorn_on_the_app(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    calls: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append((app, kw)))
    # Set (empty counts as unset) so that monkeypatch restores it: serve exports the options it was given.
    monkeypatch.setenv("SPECGATE_WORKERS", "")
    assert run("serve", "--host", "0.0.0.0", "--port", "9000").exit_code == 0
    from app.logs import logging_config

    expected = {"host": "0.0.0.0", "port": 9000, "workers": usable_cpus(), "log_level": "info", "reload": False}
    # JSON logs in every process; uvicorn's access log off (the app writes its own line per request).
    assert calls == [("app.main:app", {**expected, "log_config": logging_config("info"), "access_log": False})]


@pytest.mark.parametrize(
    ("args", "env", "workers"),
    [
        pytest.param(["--workers", "3"], None, 3, id="option"),
        pytest.param([], "5", 5, id="env"),
        pytest.param(["--workers", "2"], "5", 2, id="option-over-env"),
        pytest.param(["--reload"], None, 1, id="reload-one-worker"),
    ],
)
def test_serve_workers(
    run: Run, monkeypatch: pytest.MonkeyPatch, args: list[str], env: str | None, workers: int
) -> None:
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    monkeypatch.setenv("SPECGATE_WORKERS", env or "")  # empty counts as unset; restored after the test
    assert run("serve", *args).exit_code == 0
    assert calls[0]["workers"] == workers


def test_serve_refuses_zero_workers(run: Run) -> None:
    assert run("serve", "--workers", "0").exit_code == 2

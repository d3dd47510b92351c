"""`make bench`'s runner: sections are found by themselves, a failing one is reported, the outputs are written.

No timing is asserted here; the sections themselves run in `make bench`, not in the test suite.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import orjson
import pytest

import bench.__main__ as runner
from bench import echo_app
from bench.framework import Context, Result, Target, best, table

SECTIONS = {"core", "scaling", "http", "grpc", "cli", "admission"}


def test_every_section_is_found_in_order() -> None:
    modules = runner.discover()
    names = [m.__name__.rsplit(".", 1)[1] for m in modules]
    assert SECTIONS <= set(names)
    assert [m.ORDER for m in modules] == sorted(m.ORDER for m in modules)
    for module in modules:
        assert isinstance(module.TITLE, str) and callable(module.run)


def _section(name: str, order: int, run: Any) -> ModuleType:
    module = ModuleType(f"bench.sections.{name}")
    module.TITLE, module.ORDER, module.run = f"Title of {name}", order, run  # type: ignore[attr-defined]
    return module


def _good(ctx: Context) -> Result:
    return Result(
        metrics={"n": 1},
        targets=[Target("goal one", "< 2", "1", True), Target("goal two", "> 5", "4", False)],
        markdown=table(["a", "b"], [["x", 1]]),
    )


def _broken(ctx: Context) -> Result:
    raise RuntimeError("no server")


def test_outputs_hold_every_target_and_a_failing_section(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(runner, "discover", lambda: [_section("good", 10, _good), _section("broken", 20, _broken)])
    results, markdown = tmp_path / "results.json", tmp_path / "performance.md"
    assert runner.main(["--quick", "--results", str(results), "--markdown", str(markdown)]) == 0
    document = json.loads(results.read_text())
    assert set(document["sections"]) == {"good", "broken"}
    assert document["sections"]["good"]["metrics"] == {"n": 1}
    assert "no server" in document["sections"]["broken"]["metrics"]["failed"]
    assert [(t["section"], t["met"]) for t in document["targets"]] == [
        ("good", True),
        ("good", False),
        ("broken", None),
    ]
    assert {"cpu", "cpus", "usable_cpus", "python", "packages"} <= set(document["machine"])
    text = markdown.read_text()
    assert "| goal one | < 2 | 1 | yes |" in text and "| goal two | > 5 | 4 | **no** |" in text
    assert "## Title of good" in text and "failed in this run" in text
    assert text.index("## Targets") < text.index("## Title of good") < text.index("## Title of broken")

    # --only reruns one section and keeps the others' last numbers.
    monkeypatch.setattr(runner, "discover", lambda: [_section("good", 10, _good), _section("broken", 20, _good)])
    assert runner.main(["--quick", "--only", "broken", "--results", str(results), "--markdown", str(markdown)]) == 0
    document = json.loads(results.read_text())
    assert document["sections"]["broken"]["metrics"] == {"n": 1}
    assert document["sections"]["good"]["metrics"] == {"n": 1}
    with pytest.raises(SystemExit):
        runner.main(["--only", "nonesuch", "--results", str(results), "--markdown", str(markdown)])


def test_best_times_one_call() -> None:
    assert 0 < best(lambda: sum(range(100)), repeat=2, budget=0.001) < 0.01


def test_the_echo_app_parses_the_body_and_answers_fixed_json() -> None:
    sent: list[dict[str, Any]] = []
    chunks = [{"type": "http.request", "body": b'{"a":', "more_body": True}, {"type": "http.request", "body": b"1}"}]

    async def receive() -> dict[str, Any]:
        return chunks.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(echo_app.app({"type": "http", "method": "POST", "path": "/"}, receive, send))
    assert sent[0]["status"] == 200 and orjson.loads(sent[1]["body"]) == {"ok": True}


def test_sections_past_the_time_budget_are_reported_not_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "discover", lambda: [_section("first", 10, _good), _section("late", 20, _broken)])
    results, markdown = tmp_path / "results.json", tmp_path / "performance.md"
    args = ["--max-seconds", "-1", "--results", str(results), "--markdown", str(markdown)]
    assert runner.main(args) == 0
    document = json.loads(results.read_text())
    assert all("not run" in s["metrics"]["skipped"] for s in document["sections"].values())
    assert [t["met"] for t in document["targets"]] == [None, None]
    assert "not measured" in markdown.read_text()

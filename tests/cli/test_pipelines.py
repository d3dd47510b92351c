"""What a CI pipeline meets: linear locating, atomic report files, progress off a terminal."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from app.cli import specgate
from app.cli.progress import choose, progress
from app.core import locate as locate_module
from tests.cli.conftest import FIXTURES, Run
from tests.conftest import SHARED

VALID = FIXTURES / "valid" / "config.json"
INVALID = FIXTURES / "invalid" / "config.json"
BIG = SHARED / "bench" / "big.json"


def test_sarif_scans_each_document_once_however_many_findings(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = locate_module._index

    def counting(text: str, start: int) -> dict[str, int]:
        calls.append(len(text))
        return real(text, start)

    monkeypatch.setattr(locate_module, "_index", counting)
    result = run("validate", "-f", "sarif", BIG)
    results = json.loads(result.stdout)["runs"][0]["results"]
    assert len(results) > 3000
    assert len(calls) == 1
    text = BIG.read_text().split("\n")
    for finding in results[:: len(results) // 50]:
        region = finding["locations"][0]["physicalLocation"]["region"]
        line = text[region["startLine"] - 1]
        pointer = finding["properties"]["pointer"]
        # The value the pointer names starts at the region: a mount option string, or its parent when missing.
        assert line[region["startColumn"] - 1] in '"{[', (pointer, line)


class _Interrupt(Exception):
    pass


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "junit"])
def test_an_interrupted_run_leaves_the_previous_report_untouched(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, output_format: str
) -> None:
    from app.cli import execute

    target = tmp_path / "report.out"
    target.write_text("previous report\n")
    target.chmod(0o640)
    real = execute.judge
    seen: list[str] = []

    def judge_then_interrupt(plan: Any, source: Any, raw: bytes) -> Any:
        seen.append(source.name)
        if len(seen) == 2:
            raise KeyboardInterrupt
        return real(plan, source, raw)

    monkeypatch.setattr(execute, "judge", judge_then_interrupt)
    result = run.runner.invoke(
        specgate,
        ["validate", "-f", output_format, "-o", str(target), str(VALID), str(INVALID)],
    )
    assert result.exit_code != 0
    assert target.read_text() == "previous report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.out"]  # no temporary file left behind

    monkeypatch.setattr(execute, "judge", real)
    done = run("validate", "-f", output_format, "-o", target, VALID, INVALID)
    assert done.exit_code == 1
    assert target.read_text() != "previous report\n"
    assert target.stat().st_mode & 0o777 == 0o640  # the report keeps the mode it had


def test_a_new_report_file_gets_the_umask_mode(run: Run, tmp_path: Path) -> None:
    import os

    umask = os.umask(0o022)
    try:
        run("validate", "-f", "json", "-o", tmp_path / "new.json", VALID)
    finally:
        os.umask(umask)
    assert (tmp_path / "new.json").stat().st_mode & 0o777 == 0o644


class _Clock:
    def __init__(self, step: float) -> None:
        self.now = 0.0
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def test_progress_off_a_terminal_is_a_line_every_few_seconds() -> None:
    out = io.StringIO()
    with progress(list(range(100)), enabled="lines", stream=out, clock=_Clock(0.5), interval=5.0) as items:
        assert list(items) == list(range(100))
    lines = out.getvalue().splitlines()
    assert 8 <= len(lines) <= 11
    assert lines[0].startswith("specgate: 9/100 files judged (9%), 5 s, about ")


def test_a_quick_run_off_a_terminal_prints_no_progress() -> None:
    out = io.StringIO()
    with progress(list(range(100)), enabled="lines", stream=out, clock=_Clock(0.001)) as items:
        list(items)
    assert out.getvalue() == ""


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("count", "stream", "enabled", "mode"),
    [
        pytest.param(1000, _Tty(), None, "bar", id="terminal-long"),
        pytest.param(10, _Tty(), None, "off", id="terminal-short"),
        pytest.param(1000, io.StringIO(), None, "lines", id="not-a-terminal"),
        pytest.param(1000, io.StringIO(), False, "off", id="no-progress"),
    ],
)
def test_progress_mode(count: int, stream: io.StringIO, enabled: bool | None, mode: str) -> None:
    assert choose(count, stream=stream, enabled=enabled) == mode

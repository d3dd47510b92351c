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
    real = locate_module._scan

    def counting(text: str, start: int) -> dict[str, int]:
        calls.append(len(text))
        return real(text, start)

    monkeypatch.setattr(locate_module, "_scan", counting)
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


K8S = SHARED / "bench" / "k8s.json"
"""A stock containerd spec: 3 warnings and 21 infos under runsc (ignored mount options...)."""


def _warned(tmp_path: Path) -> Path:
    spec = json.loads(VALID.read_text())
    spec["process"]["apparmorProfile"] = "docker-default"  # runsc ignores it, with a warning
    path = tmp_path / "warned" / "config.json"
    path.parent.mkdir()
    path.write_text(json.dumps(spec))
    return path


def test_text_hides_infos_by_default_and_says_how_many(run: Run) -> None:
    result = run("validate", K8S)
    lines = result.stdout.splitlines()
    assert lines[0] == f"{K8S} [runsc]: valid (3 warnings; 21 infos not shown)"
    assert not any(line.lstrip().startswith("info") for line in lines)
    assert len([line for line in lines if line.lstrip().startswith("warning")]) == 3
    assert (
        lines[-1]
        == "1 file, 1 valid, 0 invalid, 0 errors, 3 warnings (21 infos not shown; --min-severity info shows them)"
    )
    everything = run("validate", "--min-severity", "info", K8S).stdout.splitlines()
    assert everything[0] == f"{K8S} [runsc]: valid (3 warnings, 21 infos)"
    assert len([line for line in everything if line.lstrip().startswith("info")]) == 21
    errors_only = run("validate", "--min-severity", "error", K8S).stdout.splitlines()
    assert errors_only[0] == f"{K8S} [runsc]: valid (3 warnings and 21 infos not shown)"
    assert errors_only[-1].endswith("(3 warnings and 21 infos not shown; --min-severity info shows them)")


@pytest.mark.parametrize("output_format", ["json", "sarif", "junit"])
def test_min_severity_applies_to_every_format(run: Run, output_format: str) -> None:
    everything = run("validate", "-f", output_format, K8S).stdout
    warnings = run("validate", "-f", output_format, "--min-severity", "warning", K8S).stdout
    if output_format == "json":
        assert len(json.loads(everything)["findings"]) == 24
        report = json.loads(warnings)
        assert [f["severity"] for f in report["findings"]] == ["warning"] * 3
        assert report["summary"] == {"errors": 0, "warnings": 3, "infos": 21}  # the counts stay the judge's
    elif output_format == "sarif":
        assert len(json.loads(everything)["runs"][0]["results"]) == 24
        assert {r["level"] for r in json.loads(warnings)["runs"][0]["results"]} == {"warning"}
    else:
        assert everything.count("\ninfo RUNSC-") == 21 and warnings.count("\ninfo RUNSC-") == 0
        assert warnings.count("warning RUNSC-") == 3


def test_quiet_lists_only_files_failing_under_fail_on(run: Run, tmp_path: Path) -> None:
    warned = _warned(tmp_path)
    quiet = run("validate", "-q", K8S, VALID, INVALID, warned).stdout
    assert str(INVALID) in quiet and str(K8S) not in quiet and str(warned) not in quiet and str(VALID) not in quiet
    strict = run("validate", "-q", "--fail-on", "warning", K8S, VALID, INVALID, warned).stdout
    assert str(INVALID) in strict and str(K8S) in strict and str(warned) in strict and str(VALID) not in strict
    assert strict.splitlines()[-1].startswith("4 files, 1 valid, 3 invalid")


def test_junit_has_one_case_per_file_and_profile_with_the_findings_in_the_failure(run: Run) -> None:
    import xml.etree.ElementTree as ET

    result = run("validate", "-f", "junit", "-p", "runsc", "-p", "oci", K8S, VALID, INVALID)
    root = ET.fromstring(result.stdout)
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert set(suites) == {"specgate [runsc]", "specgate [oci]"}
    runsc = suites["specgate [runsc]"]
    cases = {c.get("name"): c for c in runsc.iter("testcase")}
    assert list(cases) == [str(K8S), str(VALID), str(INVALID)]
    assert runsc.get("tests") == "3" and runsc.get("failures") == "1"
    failure = cases[str(INVALID)].find("failure")
    assert failure is not None and failure.get("message") == "invalid for runsc: 2 errors, 1 info"
    lines = (failure.text or "").splitlines()
    assert lines[0].startswith("error RUNSC-SELINUX at /process/selinuxLabel (line ")
    assert len(lines) == 3
    k8s_out = cases[str(K8S)].find("system-out")
    assert k8s_out is not None and len((k8s_out.text or "").splitlines()) == 24  # passed, findings kept for reading
    assert cases[str(VALID)].find("system-out") is None and len(cases[str(VALID)]) == 0


def test_junit_under_fail_on_warning_fails_the_warned_file(run: Run, tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    warned = _warned(tmp_path)
    root = ET.fromstring(run("validate", "-f", "junit", "--fail-on", "warning", warned).stdout)
    (case,) = root.iter("testcase")
    assert case.find("failure") is not None and root.get("failures") == "1"


def test_json_failed_says_what_fail_on_decided_beside_valid(run: Run, tmp_path: Path) -> None:
    warned = _warned(tmp_path)
    default = json.loads(run("validate", "-f", "json", warned).stdout)
    strict = run("validate", "-f", "json", "--fail-on", "warning", warned)
    assert strict.exit_code == 1
    report = json.loads(strict.stdout)
    assert (default["valid"], default["failed"]) == (True, False)
    assert (report["valid"], report["failed"]) == (True, True)
    assert list(report)[:3] == ["file", "valid", "failed"]


def test_sarif_agrees_with_the_verdict_under_fail_on(run: Run, tmp_path: Path) -> None:
    warned = _warned(tmp_path)
    result = run("validate", "-f", "sarif", "--fail-on", "warning", warned, VALID)
    sarif_run = json.loads(result.stdout)["runs"][0]
    assert [a["properties"]["failed"] for a in sarif_run["artifacts"]] == [True, False]
    assert [a["properties"]["valid"] for a in sarif_run["artifacts"]] == [True, True]
    assert sarif_run["invocations"][0]["exitCode"] == result.exit_code == 1
    assert all(r["properties"]["failsRun"] for r in sarif_run["results"] if r["level"] == "warning")
    assert sarif_run["properties"]["failOn"] == "warning"
    for r in sarif_run["results"]:
        assert r["locations"][0]["physicalLocation"]["artifactLocation"]["index"] == 0


def test_sarif_uris_are_relative_to_srcroot_inside_the_working_directory(
    run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(FIXTURES.parent)
    outside = tmp_path / "config.json"
    outside.write_bytes(INVALID.read_bytes())
    log = json.loads(run("validate", "-f", "sarif", "cli/invalid/config.json", FIXTURES / "valid", outside).stdout)
    sarif_run = log["runs"][0]
    assert sarif_run["tool"]["driver"]["informationUri"].startswith("https://")
    assert sarif_run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": FIXTURES.parent.as_uri() + "/"}}
    locations = [a["location"] for a in sarif_run["artifacts"]]
    assert locations == [
        {"uri": "cli/invalid/config.json", "uriBaseId": "%SRCROOT%"},
        {"uri": "cli/valid/config.json", "uriBaseId": "%SRCROOT%"},  # absolute but in the tree: relative too
        {"uri": outside.as_uri()},
    ]


def test_group_puts_repeated_findings_of_a_rule_on_one_object_on_one_line(run: Run) -> None:
    grouped = run("validate", "--group", "--min-severity", "info", K8S).stdout.splitlines()
    line = next(x for x in grouped if "/mounts/2/options/" in x)
    assert "/mounts/2/options/{2,3,4,5}" in line and "RUNSC-MOUNT-OPT-UNKNOWN" in line
    assert line.endswith("(and 3 more like it)")
    assert sum("/mounts/2/options" in x for x in grouped) == 1
    assert grouped[0] == run("validate", "--min-severity", "info", K8S).stdout.splitlines()[0]


def test_an_empty_directory_says_what_was_searched_and_how_to_search_otherwise(run: Run, tmp_path: Path) -> None:
    (tmp_path / "empty" / "deep").mkdir(parents=True)
    (tmp_path / "empty" / "deep" / "notes.txt").write_text("not a spec")
    alone = run("validate", tmp_path / "empty")
    assert alone.exit_code == 2
    assert f"no config.json and no *.json file under {tmp_path / 'empty'} (searched recursively" in alone.stderr
    assert "--pattern" in alone.stderr
    patterned = run("validate", "--pattern", "*.yaml", tmp_path / "empty")
    assert patterned.exit_code == 2 and "no file matching --pattern '*.yaml' under" in patterned.stderr
    beside = run("validate", tmp_path / "empty", VALID)
    assert beside.exit_code == 0  # the other argument was judged; the empty one is pointed out
    assert f"specgate: no config.json and no *.json file under {tmp_path / 'empty'}" in beside.stderr


def test_a_yaml_file_is_a_finding_that_says_to_convert_it(run: Run, tmp_path: Path) -> None:
    manifest = tmp_path / "pod.json"
    manifest.write_text("apiVersion: v1\nkind: Pod\n")
    result = run("validate", manifest)
    assert result.exit_code == 1 and "looks like YAML" in result.stdout and "specgate kube" in result.stdout


def test_a_report_behind_a_symbolic_link_is_replaced_where_the_link_points(run: Run, tmp_path: Path) -> None:
    real = tmp_path / "reports" / "specgate.json"
    real.parent.mkdir()
    real.write_text("old\n")
    link = tmp_path / "latest.json"
    link.symlink_to(real)
    assert run("validate", "-f", "json", "-o", link, VALID).exit_code == 0
    assert link.is_symlink() and json.loads(real.read_text())["valid"] is True

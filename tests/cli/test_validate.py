"""`specgate validate`: which files it reads, what it prints, and its exit status."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from app import core
from app.cli import main
from app.cli.progress import wanted
from tests.cli.conftest import FIXTURES, UPSTREAM, Run

VALID = FIXTURES / "valid" / "config.json"
INVALID = FIXTURES / "invalid" / "config.json"
BROKEN = FIXTURES / "broken" / "config.json"


def test_upstream_corpus_is_reported_readably_and_fails(run: Run) -> None:
    result = run("validate", UPSTREAM)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = result.stdout.splitlines()
    headers = [line for line in lines if line and not line.startswith(" ")]
    files = sorted(str(p) for p in UPSTREAM.rglob("*.json"))
    assert [h.split(" [")[0] for h in headers[:-1]] == files  # every file, in order, then the summary line
    assert any("invalid-json.json [runsc]: invalid" in h for h in headers)
    document = [line for line in lines if "SPECGATE-DOCUMENT" in line]
    assert len(document) == 1 and "(line 1, column 2)" in document[0]
    assert headers[-1].startswith(f"{len(files)} files, ")


def test_valid_file_exits_zero(run: Run) -> None:
    result = run("validate", VALID)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == f"{VALID} [runsc]: valid"
    assert result.stdout.splitlines()[-1] == "1 file, 1 valid, 0 invalid, 0 errors, 0 warnings"


def test_each_finding_shows_severity_pointer_rule_and_message(run: Run) -> None:
    result = run("validate", INVALID)
    assert result.exit_code == 1
    selinux = next(line for line in result.stdout.splitlines() if "RUNSC-SELINUX" in line)
    assert selinux.split()[:3] == ["error", "/process/selinuxLabel", "RUNSC-SELINUX"]
    assert "system_u:system_r:container_t:s0" in selinux


def test_bad_json_is_a_finding_not_a_crash(run: Run) -> None:
    result = run("validate", BROKEN)
    assert result.exit_code == 1
    assert "SPECGATE-DOCUMENT" in result.stdout and "(line 3, column 29)" in result.stdout


def test_directories_are_searched_for_config_json(run: Run, tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "config.json").write_bytes(VALID.read_bytes())
    (tmp_path / "a" / "state.json").write_text("not a spec")  # ignored: only config.json counts in a bundle tree
    result = run("validate", "-f", "json", tmp_path)
    assert result.exit_code == 0
    assert [json.loads(line)["file"] for line in result.stdout.splitlines()] == [str(tmp_path / "a/b/config.json")]


def test_pattern_selects_other_names(run: Run, tmp_path: Path) -> None:
    (tmp_path / "web.spec.json").write_bytes(INVALID.read_bytes())
    (tmp_path / "config.json").write_bytes(VALID.read_bytes())
    result = run("validate", "--pattern", "*.spec.json", "-f", "json", tmp_path)
    assert [json.loads(line)["file"] for line in result.stdout.splitlines()] == [str(tmp_path / "web.spec.json")]
    assert result.exit_code == 1


def test_stdin(run: Run) -> None:
    result = run("validate", "-", stdin=INVALID.read_bytes())
    assert result.exit_code == 1
    assert result.stdout.startswith("<stdin> [runsc]: invalid")


def test_missing_file_is_exit_2_and_the_others_are_still_reported(run: Run, tmp_path: Path) -> None:
    result = run("validate", tmp_path / "nope.json", VALID)
    assert result.exit_code == 2
    assert "cannot read" in result.stderr and "nope.json" in result.stderr
    assert f"{VALID} [runsc]: valid" in result.stdout


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs Linux /proc")
def test_unreadable_file_is_exit_2(run: Run) -> None:
    unreadable = Path("/proc/self/mem")  # exists, but reading it from offset 0 fails with EIO
    result = run("validate", unreadable, VALID)
    assert result.exit_code == 2
    assert "cannot read /proc/self/mem" in result.stderr
    assert f"{VALID} [runsc]: valid" in result.stdout
    assert result.stdout.splitlines()[-1].endswith("1 unreadable")


def test_fail_on_warning(run: Run, tmp_path: Path) -> None:
    spec = json.loads(VALID.read_text())
    spec["process"]["apparmorProfile"] = "docker-default"  # runsc ignores it, with a warning
    path = tmp_path / "config.json"
    path.write_text(json.dumps(spec))
    warned = core.validate(path.read_bytes())
    assert warned.valid and warned.summary.warnings >= 1
    assert run("validate", path).exit_code == 0
    failing = run("validate", "--fail-on", "warning", path)
    assert failing.exit_code == 1 and f"{path} [runsc]: invalid" in failing.stdout


def test_json_is_the_api_report_one_object_per_file_and_profile(run: Run) -> None:
    result = run("validate", "-f", "json", "-p", "runsc", "-p", "oci", INVALID, VALID)
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(o["file"], o["profile"]) for o in objects] == [
        (str(INVALID), "runsc"),
        (str(INVALID), "oci"),
        (str(VALID), "runsc"),
        (str(VALID), "oci"),
    ]
    for o in objects:
        expected = core.validate(Path(o.pop("file")).read_bytes(), profile=o["profile"])
        assert o.pop("failed") is not expected.valid
        assert o == expected.model_dump(mode="json")
    assert result.stderr.strip().endswith("2 files, 1 valid, 1 invalid, 2 errors, 1 warning")


def test_lifecycle_start_is_passed_on(run: Run, tmp_path: Path) -> None:
    spec = json.loads(VALID.read_text())
    del spec["process"]
    path = tmp_path / "config.json"
    path.write_text(json.dumps(spec))
    create = json.loads(run("validate", "-f", "json", "-p", "oci", path).stdout)
    start = json.loads(run("validate", "-f", "json", "-p", "oci", "--lifecycle", "start", path).stdout)
    expected = core.validate(path.read_bytes(), profile="oci")
    assert create == {"file": str(path), "failed": not expected.valid, **expected.model_dump(mode="json")}
    expected = core.validate(path.read_bytes(), profile="oci", lifecycle="start")
    assert start == {"file": str(path), "failed": True, **expected.model_dump(mode="json")}


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["validate", "--profile", "no-such", str(VALID)], id="unknown-profile"),
        pytest.param(["validate"], id="no-paths"),
        pytest.param(["validate", "--format", "yaml", str(VALID)], id="unknown-format"),
        pytest.param(["validate", "--server", "http://x", "--bundle", "/", str(VALID)], id="bundle-remote"),
        pytest.param(["validate", "--platform", "windows", str(VALID)], id="unknown-platform"),
    ],
)
def test_usage_errors_exit_2(run: Run, args: list[str]) -> None:
    assert run(*args).exit_code == 2


def test_main_returns_the_exit_status(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(VALID)]) == 0
    assert main(["validate", str(INVALID)]) == 1
    assert main(["validate", "--profile", "nope", str(VALID)]) == 2
    assert main(["--help"]) == 0
    assert "validate" in capsys.readouterr().out


def test_text_is_plain_off_a_terminal_and_colored_on_request(run: Run) -> None:
    assert "\x1b[" not in run("validate", INVALID).stdout
    colored = run("validate", "--color", INVALID).stdout
    assert "\x1b[31m" in colored  # errors in red


def test_quiet_leaves_out_clean_files(run: Run) -> None:
    result = run("validate", "-q", VALID, INVALID)
    assert str(VALID) not in result.stdout and str(INVALID) in result.stdout
    assert result.stdout.splitlines()[-1].startswith("2 files, 1 valid, 1 invalid")


def test_output_file(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "report.sarif"
    result = run("validate", "-f", "sarif", "-o", target, INVALID)
    assert result.exit_code == 1 and result.stdout == ""
    assert json.loads(target.read_text())["version"] == "2.1.0"


def test_unwritable_output_is_exit_2(run: Run, tmp_path: Path) -> None:
    result = run("validate", "-o", tmp_path / "no" / "such" / "dir.sarif", VALID)
    assert result.exit_code == 2 and "cannot write" in result.stderr


def test_thousands_of_files_in_one_process(run: Run, tmp_path: Path) -> None:
    raw = VALID.read_bytes()
    for i in range(1000):
        (tmp_path / f"{i:04}.json").write_bytes(raw)
    (tmp_path / "0500.json").write_bytes(INVALID.read_bytes())
    result = run("validate", "-q", "--pattern", "*.json", tmp_path)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == (
        "1000 files, 999 valid, 1 invalid, 2 errors, 0 warnings (1 info not shown; --min-severity info shows them)"
    )
    assert result.stdout.splitlines()[0] == f"{tmp_path / '0500.json'} [runsc]: invalid (2 errors; 1 info not shown)"


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("count", "stream", "drawn"),
    [
        pytest.param(1000, _Tty(), True, id="long-run-on-terminal"),
        pytest.param(10, _Tty(), False, id="short-run"),
        pytest.param(1000, io.StringIO(), False, id="piped"),
    ],
)
def test_progress_bar_only_for_long_runs_on_a_terminal(count: int, stream: io.StringIO, drawn: bool) -> None:
    assert wanted(count, stream=stream) is drawn


def test_python_dash_m_app(tmp_path: Path) -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "app", "validate", str(INVALID)], capture_output=True, text=True)
    assert done.returncode == 1 and "RUNSC-SELINUX" in done.stdout


@pytest.mark.parametrize(
    ("output_format", "shown"),
    [
        pytest.param("text", lambda out: out.splitlines()[0].split(" [")[0], id="text"),
        pytest.param("json", lambda out: json.loads(out)["file"], id="json"),
        pytest.param(
            "sarif",
            lambda out: json.loads(out)["runs"][0]["results"][0]["locations"][0]["physicalLocation"][
                "artifactLocation"
            ]["uri"],
            id="sarif",
        ),
        pytest.param("junit", lambda out: out.split('<testcase name="')[1].split('"')[0], id="junit"),
    ],
)
def test_undecodable_file_names_are_reported_in_every_format(
    run: Run, tmp_path: Path, output_format: str, shown: Callable[[str], str]
) -> None:
    (tmp_path / os.fsdecode(b"spec-\xff.json")).write_bytes(INVALID.read_bytes())
    result = run("validate", "-f", output_format, tmp_path)
    assert result.exit_code == 1
    # The name escaped where a person reads it; the exact bytes, percent-encoded, in the SARIF URI.
    expected = f"{tmp_path.as_uri()}/spec-%FF.json" if output_format == "sarif" else f"{tmp_path}/spec-\\xff.json"
    assert shown(result.stdout) == expected


def test_unsearchable_directory_and_link_loop_are_exit_2(run: Run, tmp_path: Path) -> None:
    loop = tmp_path / "loop.json"
    loop.symlink_to(loop)
    result = run("validate", loop, VALID)
    assert result.exit_code == 2
    assert f"cannot read {loop}: Too many levels of symbolic links" in result.stderr
    assert f"{VALID} [runsc]: valid" in result.stdout


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_output_that_cannot_be_written_is_exit_2_without_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "-o", "/dev/full", str(VALID)]) == 2
    err = capsys.readouterr().err
    assert "No space left on device" in err and "Traceback" not in err


def test_a_bug_is_exit_2_with_a_message_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("boom")

    monkeypatch.setattr("app.cli.backend.core.validate", broken)
    monkeypatch.delenv("SPECGATE_DEBUG", raising=False)
    assert main(["validate", str(VALID)]) == 2
    err = capsys.readouterr().err
    assert "specgate failed: KeyError: 'boom'; this is a bug" in err and "Traceback" not in err
    monkeypatch.setenv("SPECGATE_DEBUG", "1")
    assert main(["validate", str(VALID)]) == 2
    assert "Traceback" in capsys.readouterr().err

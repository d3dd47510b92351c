"""--server gives the same output as the in-process run, byte for byte, in every format and command."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.live import serve
from tests.cli.conftest import FIXTURES, UPSTREAM, Run
from tests.conftest import SHARED

VALID = FIXTURES / "valid" / "config.json"
INVALID = FIXTURES / "invalid" / "config.json"
SHARED_BIG = SHARED / "bench" / "k8s.json"


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "junit"])
@pytest.mark.parametrize(
    "args",
    [
        pytest.param([str(UPSTREAM)], id="upstream"),
        pytest.param(["-p", "runsc", "-p", "runsc-2018", "-p", "oci", str(FIXTURES)], id="fixtures-3-profiles"),
        pytest.param(["--fail-on", "warning", "--lifecycle", "start", str(VALID)], id="valid-start"),
    ],
)
def test_validate_output_is_identical(run: Run, live_url: str, output_format: str, args: list[str]) -> None:
    local = run("validate", "-f", output_format, *args)
    remote = run("validate", "-f", output_format, "--server", live_url, *args)
    assert remote.stdout == local.stdout
    assert remote.stderr == local.stderr
    assert remote.exit_code == local.exit_code
    assert local.stdout  # a real report was compared


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["rules", "-f", "json"], id="rules-json"),
        pytest.param(["rules", "-p", "oci"], id="rules-text"),
        pytest.param(["classify-mounts", str(VALID)], id="classify-mounts"),
        pytest.param(["classify-mounts", "-f", "json", "-p", "runsc-2018", str(VALID)], id="classify-mounts-json"),
        pytest.param(["capabilities"], id="capability-table"),
        pytest.param(["normalize", str(VALID)], id="normalize"),
        pytest.param(["normalize", str(INVALID)], id="normalize-refused"),
    ],
)
def test_other_commands_are_identical(run: Run, live_url: str, args: list[str]) -> None:
    local = run(*args)
    remote = run(*args[:1], "--server", live_url, *args[1:])
    assert (remote.exit_code, remote.stdout, remote.stderr) == (local.exit_code, local.stdout, local.stderr)
    assert local.stdout or local.stderr


def test_unreachable_server_is_exit_2(run: Run) -> None:
    result = run("validate", "--server", "http://127.0.0.1:9", "--timeout", "1", str(VALID))
    assert result.exit_code == 2
    assert "cannot be reached" in result.stderr and "is the service running" in result.stderr


@pytest.fixture(scope="module")
def small_limit_url() -> Iterator[str]:
    """A service that refuses bodies over 2,000 bytes, and wants a token."""
    from app.config import Settings
    from app.main import create_app

    with serve(create_app(Settings(max_body_bytes=2000, warm_up=False, api_tokens="s3cret"))) as url:
        yield url


def test_a_file_the_service_refuses_is_named_and_the_others_are_judged(
    run: Run, small_limit_url: str, tmp_path: Path
) -> None:
    for name, raw in (("a", VALID.read_bytes()), ("b", SHARED_BIG.read_bytes()), ("c", INVALID.read_bytes())):
        (tmp_path / name).mkdir()
        (tmp_path / name / "config.json").write_bytes(raw)
    remote = run("validate", "--server", small_limit_url, "--token", "s3cret", tmp_path)
    local = run("validate", tmp_path)
    refused = tmp_path / "b" / "config.json"
    assert remote.exit_code == 2
    assert (
        f"specgate: {refused}: not judged: 413 Content Too Large: the body is larger than 2000 bytes" in remote.stderr
    )
    assert "drop --server to judge it in-process" in remote.stderr
    assert str(tmp_path / "a" / "config.json") in remote.stdout and str(tmp_path / "c" / "config.json") in remote.stdout
    assert str(refused) not in remote.stdout
    summary = remote.stdout.splitlines()[-1]
    assert summary.startswith("2 files, 1 valid, 1 invalid, 2 errors, 0 warnings, 1 not judged")
    assert local.exit_code == 1 and "3 files" in local.stdout.splitlines()[-1]


@pytest.mark.parametrize("output_format", ["json", "sarif", "junit"])
def test_a_refused_file_ends_machine_formats_with_the_summary_on_stderr(
    run: Run, small_limit_url: str, output_format: str
) -> None:
    result = run("validate", "-f", output_format, "--server", small_limit_url, "--token", "s3cret", SHARED_BIG, VALID)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "1 file, 1 valid, 0 invalid, 0 errors, 0 warnings, 1 not judged"
    assert result.stdout  # the judged file is reported


def test_a_token_the_service_refuses_ends_the_run(run: Run, small_limit_url: str) -> None:
    result = run("validate", "--server", small_limit_url, VALID)
    assert result.exit_code == 2
    assert "401" in result.stderr and "--token" in result.stderr


@pytest.mark.parametrize("server", ["127.0.0.1:8080", "specgate", "ftp://specgate:21", "http://"])
def test_a_server_without_scheme_or_host_is_refused_up_front(run: Run, server: str) -> None:
    result = run("validate", "--server", server, VALID)
    assert result.exit_code == 2
    assert "is not an http:// or https:// URL" in result.stderr and "http://" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unreachable_service_is_refused_up_front_for_every_command(run: Run) -> None:
    for args in (["rules"], ["capabilities"], ["classify-mounts", str(VALID)]):
        result = run(*args, "--server", "http://127.0.0.1:9", "--timeout", "1")
        assert result.exit_code == 2, args
        assert "Drop --server to judge in-process" in result.stderr


def test_junit_shows_a_file_the_service_refused_as_an_error(run: Run, small_limit_url: str) -> None:
    import xml.etree.ElementTree as ET

    from tests.cli.test_reporters import _junit_schema

    result = run("validate", "-f", "junit", "--server", small_limit_url, "--token", "s3cret", SHARED_BIG, VALID)
    _junit_schema().validate(result.stdout)
    root = ET.fromstring(result.stdout)
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    refused = suites["specgate [not judged]"]
    (case,) = refused.iter("testcase")
    assert case.get("name") == str(SHARED_BIG) and case.find("error") is not None
    assert root.get("errors") == "1" and root.get("tests") == "2"

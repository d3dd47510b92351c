"""--server gives the same output as the in-process run, byte for byte, in every format and command."""

from __future__ import annotations

import pytest

from tests.cli.conftest import FIXTURES, UPSTREAM, Run

VALID = FIXTURES / "valid" / "config.json"
INVALID = FIXTURES / "invalid" / "config.json"


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
    assert "the service failed" in result.stderr

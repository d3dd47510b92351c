"""The README tells people what they need: curl's Content-Type, many files per call, the documented options."""

from __future__ import annotations

import re

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _curl_commands() -> list[str]:
    blocks = re.findall(r"```console\n(.*?)```", README, re.DOTALL)
    commands = []
    for block in blocks:
        for command in re.findall(r"^\$ (curl .*?)(?=\n[^ \n][^\n]*\n|\n\$ |\Z)", block, re.DOTALL | re.MULTILINE):
            commands.append(command)
    return commands


def test_every_curl_that_sends_a_body_sets_the_content_type() -> None:
    posting = [c for c in _curl_commands() if "--data" in c or "-d " in c]
    assert len(posting) >= 5
    for command in posting:
        assert "-H 'Content-Type: " in command, command
    assert "-H 'Content-Type: application/json'" in README and "application/x-www-form-urlencoded" in README


def test_ci_users_are_told_to_pass_many_files_to_one_call() -> None:
    assert "Pass many files to one call" in README
    assert re.search(r"0\.3 s", README)


def test_the_pipeline_options_are_documented() -> None:
    for option in ("--min-severity", "--group", "--junit-cases", "--no-progress", "-q", "--server", "profile=*"):
        assert option in README, option
    assert "about:blank" not in README

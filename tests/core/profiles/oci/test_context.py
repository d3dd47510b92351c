from __future__ import annotations

from typing import Any

import pytest

from app.core.profiles.oci.context import env_problem, env_problems


@pytest.mark.parametrize(
    "entries",
    [
        pytest.param([], id="empty"),
        pytest.param(["PATH=/bin", "A=", "_x=a=b"], id="all-good"),
        pytest.param(["A=1", "noeq", "=v", "1A=2", "B=2"], id="bad-ones-among-good"),
        pytest.param(["A=1\x00B", "C=2"], id="nul-inside-a-value"),
        pytest.param(["A=1\x00", "=x"], id="nul-then-empty-name"),
        pytest.param(["A=1", 5, None, "B"], id="non-strings"),
        pytest.param(["A=line\nbreak", "ÄÖ=1"], id="newline-and-non-ascii"),
    ],
)
def test_one_pass_check_agrees_with_the_entry_by_entry_one(entries: list[Any]) -> None:
    expected = [(i, p) for i, e in enumerate(entries) if (p := env_problem(e))]
    assert env_problems(entries) == expected

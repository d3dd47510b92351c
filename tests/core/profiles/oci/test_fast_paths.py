"""The shortcuts of the oci hot paths agree with the slow reading they skip."""

from __future__ import annotations

import itertools
import posixpath
from typing import Any

import pytest

from app.core.profiles.oci.checks_misc import _rooted
from app.core.profiles.oci.context import env_problem, env_problems

PIECES = ["", "/", "//", ".", "..", "a", ".git", "b.c", "x/", "/./", "/../"]


def test_rooted_is_the_cleaned_path_read_relative_to_root() -> None:
    for parts in itertools.product(PIECES, repeat=3):
        path = "".join(parts)
        assert _rooted(path) == posixpath.normpath("/" + path.lstrip("/")), path


@pytest.mark.parametrize(
    "entries",
    [
        pytest.param([], id="empty"),
        pytest.param(["PATH=/bin", "A_1=x=y", "_=", "HOME=/root"], id="well-formed"),
        pytest.param(["PATH=/bin", "1A=x"], id="name-starts-with-digit"),
        pytest.param(["PATH=/bin", "NOEQUALS"], id="no-equals"),
        pytest.param(["A=x\0B=y", "C=z"], id="embedded-nul"),
        pytest.param(["A=x\0bad", "C=z"], id="embedded-nul-then-no-equals"),
        pytest.param(["A=1", 5, None, "B"], id="non-strings"),
        pytest.param(["É=1"], id="non-ascii-name"),
        pytest.param(["=x"], id="empty-name"),
    ],
)
def test_env_problems_match_each_entry_alone(entries: list[Any]) -> None:
    expected = [(i, problem) for i, e in enumerate(entries) if (problem := env_problem(e))]
    assert env_problems(entries) == expected

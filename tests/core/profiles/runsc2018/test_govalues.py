"""Go's filepath.Clean, path.IsAbs and zero values, as the 2018 checks need them."""

from __future__ import annotations

from typing import Any

import pytest

from app.core.profiles.runsc2018.govalues import clean, is_abs, present, string, string_map, strings, struct


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        # Cases from Go's path/filepath tests (Unix).
        pytest.param("", ".", id="empty"),
        pytest.param("abc", "abc", id="plain"),
        pytest.param("abc/def", "abc/def", id="two"),
        pytest.param(".", ".", id="dot"),
        pytest.param("..", "..", id="dotdot"),
        pytest.param("../..", "../..", id="dotdot-dotdot"),
        pytest.param("/", "/", id="root"),
        pytest.param("//", "/", id="double-root"),
        pytest.param("///", "/", id="triple-root"),
        pytest.param("//abc", "/abc", id="double-leading"),
        pytest.param("abc/", "abc", id="trailing"),
        pytest.param("abc//def//ghi", "abc/def/ghi", id="inner-doubles"),
        pytest.param("/./abc", "/abc", id="root-dot"),
        pytest.param("abc/./def", "abc/def", id="inner-dot"),
        pytest.param("/..", "/", id="root-dotdot"),
        pytest.param("/../abc", "/abc", id="root-dotdot-abc"),
        pytest.param("abc/def/../ghi/../jkl", "abc/jkl", id="dotdots"),
        pytest.param("abc/../..", "..", id="escape"),
        pytest.param("/dev/../dev/null", "/dev/null", id="dev-null"),
    ],
)
def test_clean_is_gos(path: str, expected: str) -> None:
    assert clean(path) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [("/", True), ("/a", True), ("//a", True), ("", False), ("a", False), ("./a", False), (" /a", False)],
)
def test_is_abs(path: str, expected: bool) -> None:
    assert is_abs(path) is expected


@pytest.mark.parametrize(
    ("value", "as_string", "as_strings", "as_struct", "as_map"),
    [
        pytest.param(None, "", [], {}, {}, id="null"),
        pytest.param("x", "x", [], {}, {}, id="string"),
        pytest.param(5, "", [], {}, {}, id="number"),
        pytest.param(["a", 1, None], "", ["a", "", ""], {}, {}, id="array"),
        pytest.param({"k": "v", "n": 1}, "", [], {"k": "v", "n": 1}, {"k": "v", "n": ""}, id="object"),
    ],
)
def test_zero_values(value: Any, as_string: str, as_strings: list[str], as_struct: Any, as_map: Any) -> None:
    assert string(value) == as_string
    assert strings(value) == as_strings
    assert struct(value) == as_struct
    assert string_map(value) == as_map


def test_present_is_not_nil() -> None:
    assert present({"a": {}}, "a")
    assert present({"a": 0}, "a")
    assert not present({"a": None}, "a")
    assert not present({}, "a")

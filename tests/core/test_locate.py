"""Locating a JSON Pointer's value in the raw text."""

from __future__ import annotations

import json
from typing import Any

import orjson
import pytest
from hypothesis import given, strategies as st

from app.core.accel import NATIVE
from app.core.locate import Locator, _index, _Malformed, locate
from app.core.pointer import join
from tests.conftest import SHARED

DOC = b"""{
  "ociVersion": "1.0.2",
  "process": {"args": ["sh", "-c"], "cwd": "/", "a~/b": 1, "caf\\u00e9": true},
  "mounts": [{"destination": "/x"}, {"destination": "/y", "type": "bind"}],
  "annotations": {"io.kubernetes.cri.container-type": "sandbox"},
  "dup": 1, "dup": {"k": "\xc3\xa9\xc3\xa9", "z": 2},
  "empty": {}, "none": []
}"""


@pytest.mark.parametrize(
    ("pointer", "where"),
    [
        pytest.param("", (1, 1), id="root"),
        pytest.param("/ociVersion", (2, 17), id="member"),
        pytest.param("/process", (3, 14), id="object"),
        pytest.param("/process/args/1", (3, 30), id="array-element"),
        pytest.param("/process/a~0~1b", (3, 57), id="escaped-key"),
        pytest.param("/process/caf\u00e9", (3, 73), id="unicode-escape-in-key"),
        pytest.param("/mounts/1/type", (4, 67), id="deep"),
        pytest.param("/annotations/io.kubernetes.cri.container-type", (5, 55), id="map-key"),
        pytest.param("/dup", (6, 20), id="repeated-member-last-wins"),
        pytest.param("/dup/z", (6, 37), id="columns-count-code-points-not-bytes"),
        pytest.param("/process/user", (3, 14), id="missing-member-falls-back-to-parent"),
        pytest.param("/process/args/9", (3, 23), id="missing-index-falls-back-to-array"),
        pytest.param("/mounts/x", (4, 13), id="non-index-token-on-array"),
        pytest.param("/mounts/01", (4, 13), id="leading-zero-is-not-an-index"),
        pytest.param("/mounts/\u00b9", (4, 13), id="superscript-digit-is-not-an-index"),
        pytest.param("/mounts/-", (4, 13), id="past-the-end-falls-back-to-array"),
        pytest.param("/ociVersion/x", (2, 17), id="below-a-scalar"),
        pytest.param("/empty/a", (7, 12), id="empty-object"),
        pytest.param("/none/0", (7, 24), id="empty-array"),
    ],
)
def test_locate(pointer: str, where: tuple[int, int]) -> None:
    assert locate(DOC, pointer) == where


@pytest.mark.parametrize(
    ("raw", "pointer"),
    [
        pytest.param(b"{bad", "/a", id="not-json"),
        pytest.param(b"", "", id="empty"),
        pytest.param(b'{"a": 1}', "a", id="not-a-pointer"),
        pytest.param(b"{", "/a", id="unclosed-object"),
        pytest.param(b"[1, 2", "/0", id="unclosed-array"),
        pytest.param(b"}", "", id="close-first"),
        pytest.param(b'{"a":}', "/a", id="name-without-value"),
        pytest.param(b"{1: 2}", "/1", id="number-as-name"),
        pytest.param(b"\xff\xfe{}", "", id="not-utf-8"),
    ],
)
def test_unlocatable(raw: bytes, pointer: str) -> None:
    assert locate(raw, pointer) is None


def test_byte_order_mark_is_not_a_column() -> None:
    assert locate(b'\xef\xbb\xbf{"a": 1}', "/a") == (1, 7)


def test_a_locator_answers_every_pointer_from_one_pass() -> None:
    """Every value of a real document is found where its text starts, from one Locator."""
    raw = (SHARED / "bench" / "k8s.json").read_bytes()
    text = raw.decode("utf-8")
    lines = text.split("\n")
    locator = Locator(raw)
    stack: list[tuple[str, Any]] = [("", orjson.loads(raw))]
    seen = 0
    while stack:
        pointer, value = stack.pop()
        line, column = locator.locate(pointer) or (0, 0)
        rest = "\n".join([lines[line - 1][column - 1 :], *lines[line:]])
        parsed, _ = json.JSONDecoder().raw_decode(rest)
        assert parsed == value, pointer
        seen += 1
        if isinstance(value, dict):
            stack.extend((join(pointer, k), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((join(pointer, i), v) for i, v in enumerate(value))
    assert seen > 500


def test_values_under_an_earlier_repeated_member_are_forgotten() -> None:
    raw = b'{"a": {"x": 1, "y": {"z": 2}}, "b": 0, "a": {"y": 3}}'
    locator = Locator(raw)
    assert locator.locate("/a") == (1, 45)
    assert locator.locate("/a/x") == (1, 45)  # only in the earlier "a": the judged "a" stands for it
    assert locator.locate("/a/y/z") == (1, 51)  # "y" is the later one, a scalar: z falls back to it
    assert locator.locate("/b") == (1, 37)


def test_offsets_and_columns_on_one_long_line_with_non_ascii_text() -> None:
    raw = ('{"é": "ü", "k": [' + ", ".join(f'"{i}é"' for i in range(3000)) + "]}").encode()
    locator = Locator(raw)
    assert locator.locate("/k/2999") == (1, raw.decode().index('"2999é"') + 1)


# The scan in C (app/core/_accel.c) against its Python twin `_index`: the same offsets, in the same order, for
# every text; where one finds the text is not JSON, so does the other.
def _both(text: str, start: int = 0) -> tuple[Any, Any]:
    from app.core import _accel

    answers: list[Any] = []
    for scan in (_index, _accel.index_offsets):
        try:
            found = scan(text, start)
            answers.append(("offsets", list(found.items())))
        except (_Malformed, ValueError, IndexError):
            answers.append(("not JSON", None))
    return answers[0], answers[1]


needs_c = pytest.mark.skipif(not NATIVE, reason="the C module is not built here (make compile)")

CORPUS = sorted(SHARED.rglob("*.json"))


@needs_c
def test_the_c_scan_is_the_python_scan_on_the_corpus() -> None:
    for path in CORPUS:
        text = path.read_bytes().decode("utf-8")
        python, c = _both(text)
        assert python == c, path.name
    assert len(CORPUS) > 90


@needs_c
@pytest.mark.parametrize(
    "raw", [DOC, b'{"a": {"x": 1, "y": {"z": 2}}, "b": 0, "a": {"y": 3}}'], ids=["doc", "repeated"]
)
def test_the_c_scan_is_the_python_scan_on_every_prefix(raw: bytes) -> None:
    text = raw.decode("utf-8")
    for end in range(len(text) + 1):
        for start in (0, 1):
            python, c = _both(text[:end], start)
            assert python == c, (end, start)


_NAMES = st.text(alphabet='ab~/"\\é😀\x01 ', max_size=4)
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), _NAMES)
_TREES = st.recursive(
    _SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_NAMES, inner, max_size=4), max_leaves=20
)


@needs_c
@given(tree=_TREES, indent=st.sampled_from([None, 1, "\t"]), repeat=st.booleans())
def test_the_c_scan_is_the_python_scan_on_generated_documents(
    tree: Any, indent: int | str | None, repeat: bool
) -> None:
    text = json.dumps(tree, indent=indent, ensure_ascii=False)
    if repeat and text.startswith("{") and len(text) > 2:
        text = text[:-1] + ', "a": {"b": [1]}, "a": 2}'  # a member that repeats, with values under the first
    python, c = _both(text)
    assert python == c


@needs_c
@given(st.text(alphabet='{}[],:" \n\\ab1~/é', max_size=30))
def test_the_c_scan_is_the_python_scan_on_junk(text: str) -> None:
    python, c = _both(text)
    assert python == c

from __future__ import annotations

import json

import pytest

from app.core.errors import DocumentError
from app.core.loader import load


@pytest.mark.parametrize(
    ("raw", "pointers"),
    [
        pytest.param(b'{"a": 1, "a": 2}', ("/a",), id="top-level"),
        pytest.param(b'{"process": {"cwd": "/", "cwd": "/x"}}', ("/process/cwd",), id="nested"),
        pytest.param(b'{"m": [{"a/b": 1, "a/b": 2}]}', ("/m/0/a~1b",), id="escaped-in-array"),
        pytest.param(b'{"a": 1, "b" : 2, "a" : 3}', ("/a",), id="space-before-colon"),
        pytest.param(b'{"\\u0061": 1, "a": 2}', ("/a",), id="unicode-escaped-name"),
        pytest.param(b'{"a": "x\\":y", "a": 1}', ("/a",), id="colon-after-escaped-quote"),
        pytest.param(b'{"a": {"x": 1}, "b": {"x": 1}}', (), id="same-name-other-objects"),
        pytest.param(b'{"url": "tcp://10.0.0.1:443", "t": "a\\u003ab"}', (), id="colons-in-values"),
        pytest.param(b'{"a": 1, "a": 2, "a": 3}', ("/a",), id="three-times-once"),
    ],
)
def test_duplicates_are_found_with_pointers(raw: bytes, pointers: tuple[str, ...]) -> None:
    doc = load(raw)
    assert doc.duplicates == pointers


def test_last_duplicate_wins_as_in_go() -> None:
    assert load(b'{"a": 1, "a": 2}').data == {"a": 2}


@pytest.mark.parametrize(
    ("raw", "kind", "line", "column"),
    [
        pytest.param(b"", "syntax", None, None, id="empty"),
        pytest.param(b"   \n", "syntax", None, None, id="blank"),
        pytest.param(b'{"a": 1,}', "syntax", 1, 8, id="trailing-comma"),
        pytest.param(b'{\n  "a": tru\n}', "syntax", 2, None, id="bad-literal-line-2"),
        pytest.param(b"[1, 2]", "not-object", None, None, id="array"),
        pytest.param(b'"text"', "not-object", None, None, id="string"),
        pytest.param(b"null", "not-object", None, None, id="null"),
        pytest.param(b'{"a": "\xff"}', "encoding", 1, 8, id="not-utf8"),
        pytest.param(b'\xef\xbb\xbf{"a": 1}', "syntax", 1, 1, id="bom"),
        pytest.param(b'{"a": NaN}', "syntax", 1, None, id="nan"),
        pytest.param(b"[" * 5000 + b"]" * 5000, "too-deep", None, None, id="too-deep"),
    ],
)
def test_unusable_input_is_a_clear_error(raw: bytes, kind: str, line: int | None, column: int | None) -> None:
    with pytest.raises(DocumentError) as caught:
        load(raw)
    assert caught.value.kind == kind
    if line is not None:
        assert caught.value.line == line
    if column is not None:
        assert caught.value.column == column
    assert caught.value.detail


def test_text_input_is_accepted() -> None:
    assert load('{"hostname": "é"}').data == {"hostname": "é"}


def test_lone_surrogate_text_is_an_encoding_error() -> None:
    with pytest.raises(DocumentError) as caught:
        load('{"a": "\ud800"}')
    assert caught.value.kind == "encoding"


def test_large_document_round_trips() -> None:
    data = {"annotations": {f"k{i}": f"v:{i}" for i in range(5000)}}
    doc = load(json.dumps(data, indent=2).encode())
    assert doc.data == data
    assert doc.duplicates == ()

from __future__ import annotations

import json

import orjson
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


_SPEC = {"ociVersion": "1.2.0", "process": {"args": ["sh"], "env": ["A=b:c"]}, "mounts": [{"destination": "/x"}]}


@pytest.mark.parametrize(
    ("raw", "pointers"),
    [
        # Text that is exactly orjson's dump (compact or two-space indented) is proven duplicate-free at once.
        pytest.param(orjson.dumps(_SPEC), (), id="compact-dump"),
        pytest.param(orjson.dumps(_SPEC, option=orjson.OPT_INDENT_2) + b"\n", (), id="indented-dump-newline"),
        pytest.param(orjson.dumps({"a": "\x01\u2028"}), (), id="dump-with-u-escape"),
        pytest.param(b"{}", (), id="empty-object"),
        pytest.param(b"{}\n \t\r\n", (), id="empty-object-trailing-whitespace"),
        # Text that differs from the dump falls back to the exact count, in every layout.
        pytest.param(b'{"a":1,"a":1}', ("/a",), id="compact-same-value-twice"),
        pytest.param(b'{\n  "a": 1,\n  "a": 1\n}', ("/a",), id="indented-same-value-twice"),
        pytest.param(b'{\n\t"a": 1,\n\t"a": 2\n}', ("/a",), id="tab-indented"),
        pytest.param(b'{\n  "p": {\n    "x": [\n      1\n    ],\n    "x": []\n  }\n}', ("/p/x",), id="indented-nested"),
        pytest.param(b'{\n    "a": 1,\n    "b": 2\n}', (), id="four-space-indent"),
        pytest.param(b'\n{"a": 1}', (), id="leading-newline"),
        pytest.param(b'{\r\n  "a": 1,\r\n  "a": 2\r\n}', ("/a",), id="crlf"),
        pytest.param(b'{"a":1.0,"a":1.0}', ("/a",), id="number-spelling-differs"),
        pytest.param(
            b'{\n  "m": [\n    {\n      "d": "/x",\n      "d": "/x"\n    }\n  ]\n}', ("/m/0/d",), id="in-array"
        ),
    ],
)
def test_duplicates_in_library_written_layouts(raw: bytes, pointers: tuple[str, ...]) -> None:
    assert load(raw).duplicates == pointers


@pytest.mark.parametrize("indent", [pytest.param(None, id="compact"), pytest.param(2, id="two-spaces")])
def test_a_repeated_member_in_a_dumped_document_is_found(indent: int | None) -> None:
    text = json.dumps(_SPEC, indent=indent, separators=(",", ":") if indent is None else None)
    repeated = text.replace('"ociVersion"', '"ociVersion": "1.0.0", "ociVersion"', 1)
    assert load(repeated.encode()).duplicates == ("/ociVersion",)
    assert load(text.encode()).duplicates == ()


def test_what_runtimes_write_takes_the_colon_count() -> None:
    # A performance guard: the bench documents (compact, two-space and tab layouts) have no \\u escape, so the
    # count decides, and it says they hold no duplicate.
    from pathlib import Path

    from app.core.loader import _may_have_duplicates

    for name in ("small", "k8s", "big"):
        raw = (Path(__file__).parent.parent / "data" / "bench" / f"{name}.json").read_bytes()
        assert b"\\u" not in raw
        assert not _may_have_duplicates(raw, orjson.loads(raw))


@pytest.mark.parametrize(
    "indent", [pytest.param(None, id="compact"), pytest.param(orjson.OPT_INDENT_2, id="two-spaces")]
)
def test_text_with_unicode_escapes_is_proved_by_the_dump_comparison(indent: int | None) -> None:
    from app.core.loader import _is_dump_of, _may_have_duplicates

    data = {"ociVersion": "1.2.0", "annotations": {"a": "bell\x07:colon", "b": "\x1f"}}
    raw = orjson.dumps(data, option=indent)  # orjson writes \\u0007 and \\u001f
    assert b"\\u00" in raw and _is_dump_of(raw, data) and not _may_have_duplicates(raw, data)
    repeated = raw.replace(b'"b"', b'"a":"x\\u003a","b"', 1)
    assert load(repeated).duplicates == ("/annotations/a",)
    assert load(raw).duplicates == ()


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n", id="manifest"),
        pytest.param(b"# generated\n---\nociVersion: 1.0.2\n", id="comment-and-marker"),
        pytest.param(b"- name: a\n- name: b\n", id="list"),
    ],
)
def test_yaml_is_recognised_and_the_message_says_what_to_do(raw: bytes) -> None:
    with pytest.raises(DocumentError) as caught:
        load(raw)
    assert caught.value.kind == "syntax"
    assert "looks like YAML" in str(caught.value) and "specgate kube" in str(caught.value)


@pytest.mark.parametrize("raw", [b"{bad", b"hello world", b'{"a": 1,}', b"[1, 2"])
def test_broken_json_is_not_called_yaml(raw: bytes) -> None:
    with pytest.raises(DocumentError) as caught:
        load(raw)
    assert "YAML" not in str(caught.value)


def test_a_byte_order_mark_says_to_save_without_it() -> None:
    with pytest.raises(DocumentError, match="save the file as UTF-8 without a byte order mark"):
        load(b'\xef\xbb\xbf{"ociVersion": "1.0.2"}')

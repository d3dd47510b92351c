"""Turn the raw bytes of a config.json into a document, the way a strict reader must.

The spec (glossary, "JSON") says the file MUST be UTF-8 and objects MUST NOT have
duplicate member names. Both can only be seen in the raw text, so the loader is the one
place that looks at bytes; everything after it works on the parsed tree.

Speed matters here (the admission webhook has milliseconds): the document is parsed once
with orjson, and duplicate members are ruled out by a byte count that is exact or, for text
with \\u escapes, by comparing it with orjson's own dump (see `_may_have_duplicates`); only a
document that really has them is parsed a second time to find where they are.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import orjson

from app.core.accel import count
from app.core.errors import DocumentError
from app.core.pointer import join

MAX_DEPTH = 1000
"""Nesting deeper than this is refused (orjson stops at 1024, Python's recursion limit is near)."""


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed config.json: the tree, the bytes it came from, and what only the bytes showed."""

    data: dict[str, Any]
    raw: bytes
    duplicates: tuple[str, ...] = field(default=())
    """Pointers of members whose name occurred more than once in their object (the last value is kept)."""


def load(raw: bytes | str) -> Document:
    """Parse raw bytes (or text) into a `Document`.

    Raises:
        DocumentError: the input is empty, not UTF-8, not JSON, not an object, or nested too deeply.
    """
    if isinstance(raw, str):
        try:
            raw = raw.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise DocumentError("encoding", f"the text is not valid Unicode: {exc.reason}") from exc
    if not raw or raw.isspace():  # what `not raw.strip()` says, without copying the document
        raise DocumentError("syntax", "the document is empty; expected a JSON object")
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise _explain(raw, exc) from exc
    if not isinstance(data, dict):
        kind = type(data).__name__
        names = {"list": "an array", "str": "a string", "int": "a number", "float": "a number", "bool": "a boolean"}
        raise DocumentError(
            "not-object", f"the top level of a config.json must be a JSON object, not {names.get(kind, 'null')}"
        )
    duplicates: tuple[str, ...] = ()
    if _may_have_duplicates(raw, data):
        duplicates = tuple(_find_duplicates(raw))
    return Document(data=data, raw=raw, duplicates=duplicates)


def _explain(raw: bytes, exc: orjson.JSONDecodeError) -> DocumentError:
    """A DocumentError that says what is wrong and where, in words a person can act on."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as bad:
        line, column = _line_column(raw, bad.start)
        return DocumentError(
            "encoding",
            f"the document is not valid UTF-8: byte 0x{raw[bad.start]:02x} at offset {bad.start} cannot start "
            "or continue a UTF-8 character",
            line=line,
            column=column,
        )
    message = exc.msg
    if "recursion limit" in message or "depth limit" in message:
        return DocumentError("too-deep", f"the document nests more than {MAX_DEPTH} levels deep")
    if raw.startswith(b"\xef\xbb\xbf"):
        message = (
            "the document starts with a UTF-8 byte order mark, which JSON text must not have; "
            "save the file as UTF-8 without a byte order mark (not 'UTF-8 with BOM')"
        )
    elif _looks_like_yaml(raw):
        message = (
            f"{message}. This looks like YAML, not JSON: convert it to JSON (e.g. `yq -o json`), "
            "or use `specgate kube` for Kubernetes manifests"
        )
    return DocumentError("syntax", f"invalid JSON: {message}", line=exc.lineno, column=exc.colno)


_YAML_LINE = re.compile(rb"(?:---|\.\.\.|%YAML|%TAG|-[ \t]|[A-Za-z_][\w.\-/]*[ \t]*:(?:[ \t]|\r?$))")
"""How the first meaningful line of a YAML document starts: a document marker, a directive, a list item or
`key:` (JSON text starts with `{`, `[`, a quote, a digit or a literal, none of which this matches)."""


def _looks_like_yaml(raw: bytes) -> bool:
    """True when text that is not JSON starts like a YAML document (comments and blank lines skipped)."""
    for line in raw[:4096].splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith(b"#"):
            continue
        return _YAML_LINE.match(stripped) is not None and stripped[:1] not in (b"{", b"[", b'"')
    return False


def _line_column(raw: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a byte offset."""
    line = raw.count(b"\n", 0, offset) + 1
    start = raw.rfind(b"\n", 0, offset) + 1
    return line, len(raw[start:offset].decode("utf-8", errors="replace")) + 1


def _may_have_duplicates(raw: bytes, data: dict[str, Any]) -> bool:
    """True when the raw text has more members than the parsed tree kept.

    The count, for text without \\u escapes (what JSON libraries and runtimes write): every member costs exactly
    one structural ':', and colons inside strings survive a re-serialization unchanged (only a \\u escape could
    spell a colon, or the quote before one). So the raw text has more colons than orjson's own compact dump of the
    tree exactly when some member was dropped, i.e. when a name occurred twice in one object. Counting is a
    vectorised loop in C (app/core/accel.py): 7.5 us on k8s.json with the dump, against 9.8 us for comparing the
    text with a two-space dump.

    Text with \\u escapes is proved free of duplicates when it is, byte for byte (up to trailing whitespace), what
    orjson writes for the tree (orjson's dump holds each member once); otherwise it is parsed again to look.
    """
    if b"\\u" not in raw:
        return count(raw, _COLON) != count(orjson.dumps(data), _COLON)
    return not _is_dump_of(raw, data)


_COLON = 58  # ord(":")


def _is_dump_of(raw: bytes, data: dict[str, Any]) -> bool:
    """True when `raw` is orjson's compact or two-space indented dump of `data`, up to trailing whitespace.

    Go's json.Marshal writes the compact form and containerd's json.MarshalIndent(v, "", "  ") the
    indented one; tab-indented text (runc spec) is not compared. A False here proves nothing.
    """
    if raw[1:2] == b"\n":
        if b"\t" in raw:
            return False
        dump = orjson.dumps(data, option=orjson.OPT_INDENT_2)
    else:
        dump = orjson.dumps(data)
    return raw.startswith(dump) and not raw[len(dump) :].strip()


class _Members(dict[str, Any]):
    """A JSON object that remembers the names it saw twice."""

    __slots__ = ("repeated",)

    def __init__(self) -> None:
        super().__init__()
        self.repeated: list[str] = []


def _collect(pairs: list[tuple[str, Any]]) -> _Members:
    obj = _Members()
    for key, value in pairs:
        if key in obj and key not in obj.repeated:
            obj.repeated.append(key)
        obj[key] = value
    return obj


def _find_duplicates(raw: bytes) -> list[str]:
    """Pointers of every repeated member, found with a second, slower parse."""
    try:
        tree = json.loads(raw, object_pairs_hook=_collect)
    except RecursionError as exc:  # pragma: no cover - orjson refuses such depth first
        raise DocumentError("too-deep", f"the document nests more than {MAX_DEPTH} levels deep") from exc
    found: list[str] = []
    stack: list[tuple[str, Any]] = [("", tree)]
    while stack:
        pointer, node = stack.pop()
        if isinstance(node, _Members):
            found.extend(join(pointer, key) for key in node.repeated)
            stack.extend((join(pointer, key), value) for key, value in node.items())
        elif isinstance(node, list):
            stack.extend((join(pointer, index), value) for index, value in enumerate(node))
    return sorted(found)

"""Where a JSON Pointer's value sits in the raw text: line and column, for SARIF regions and editors.

Findings carry RFC 6901 pointers; people and code-scanning tools want a line. The loader
parsed the tree with orjson, which keeps no positions, so this module scans the raw bytes
once more, but only along the pointer's path: every sibling it passes is skipped with a
regular-expression tokenizer and never decoded. Only documents that have findings pay for it.
"""

from __future__ import annotations

import json
import re

from app.core.pointer import split

_TOKEN = re.compile(
    rb"""[ \t\r\n]*(?:
        (?P<string>"(?:[^"\\]|\\.)*")
      | (?P<punct>[{}\[\],:])
      | (?P<scalar>[^ \t\r\n{}\[\],:"]+)
    )""",
    re.VERBOSE | re.DOTALL,
)


_INDEX = re.compile(r"0|[1-9][0-9]*")
"""An array index as RFC 6901 spells it: ASCII digits, no leading zero (str.isdigit() would take "01" and "¹")."""


class _Malformed(Exception):
    """The text is not the JSON the loader accepted (it cannot happen for a loaded document)."""


class _Scanner:
    """A cursor over the raw text that yields (kind, start, end) tokens."""

    __slots__ = ("pos", "raw")

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self.pos = 3 if raw.startswith(b"\xef\xbb\xbf") else 0

    def next(self) -> tuple[str, int, int]:
        match = _TOKEN.match(self.raw, self.pos)
        if match is None or match.lastgroup is None:
            raise _Malformed(self.pos)
        self.pos = match.end()
        return match.lastgroup, match.start(match.lastgroup), match.end()

    def byte(self, start: int) -> bytes:
        return self.raw[start : start + 1]

    def skip_value(self, kind: str, start: int) -> None:
        """Move past the value that starts with the token just read."""
        if kind != "punct":
            return
        opener = self.byte(start)
        if opener not in (b"{", b"["):
            raise _Malformed(start)
        depth = 1
        while depth:
            kind, start, _ = self.next()
            if kind == "punct":
                char = self.byte(start)
                if char in (b"{", b"["):
                    depth += 1
                elif char in (b"}", b"]"):
                    depth -= 1

    def key(self, start: int, end: int) -> str:
        text = self.raw[start + 1 : end - 1]
        if b"\\" not in text:
            return text.decode("utf-8")
        decoded: str = json.loads(self.raw[start:end])
        return decoded


def _member(scanner: _Scanner, name: str) -> tuple[str, int] | None:
    """Inside an object just opened: the first token of member `name`'s value (the last one, if repeated)."""
    found: tuple[str, int] | None = None
    found_pos = 0
    kind, start, end = scanner.next()
    if kind == "punct" and scanner.byte(start) == b"}":
        return None
    while True:
        if kind != "string":
            raise _Malformed(start)
        key = scanner.key(start, end)
        scanner.next()  # the ':'
        kind, start, _ = scanner.next()
        if key == name:
            # The loader keeps the last of repeated members, so the last one is the value that was judged.
            found, found_pos = (kind, start), scanner.pos
        scanner.skip_value(kind, start)
        kind, start, end = scanner.next()
        if scanner.byte(start) == b"}":
            break
        kind, start, end = scanner.next()  # after ','
    if found is not None:
        scanner.pos = found_pos
    return found


def _element(scanner: _Scanner, index: int) -> tuple[str, int] | None:
    """Inside an array just opened: the first token of element `index`."""
    kind, start, _ = scanner.next()
    if kind == "punct" and scanner.byte(start) == b"]":
        return None
    current = 0
    while True:
        if current == index:
            return kind, start
        scanner.skip_value(kind, start)
        _, start, _ = scanner.next()
        if scanner.byte(start) == b"]":
            return None
        kind, start, _ = scanner.next()
        current += 1


def offset(raw: bytes, pointer: str) -> int | None:
    """Byte offset where the value named by `pointer` starts.

    When the pointer names something missing (a required member that is absent), the offset of the
    deepest value that exists on its path: the parent object. None when the text is not JSON.
    """
    try:
        tokens = split(pointer)
    except ValueError:
        return None
    scanner = _Scanner(raw)
    try:
        kind, start, _ = scanner.next()
        for token in tokens:
            if kind != "punct":
                break
            opener = scanner.byte(start)
            if opener == b"{":
                found = _member(scanner, token)
            elif opener == b"[" and _INDEX.fullmatch(token):
                found = _element(scanner, int(token))
            else:
                found = None
            if found is None:
                break
            kind, start = found
    except (_Malformed, UnicodeDecodeError, ValueError):
        return None
    return start


def line_column(raw: bytes, at: int) -> tuple[int, int]:
    """1-based line and column of a byte offset; the column counts Unicode code points."""
    line = raw.count(b"\n", 0, at) + 1
    line_start = raw.rfind(b"\n", 0, at) + 1
    if raw.startswith(b"\xef\xbb\xbf") and line_start == 0:
        line_start = 3
    return line, len(raw[line_start:at].decode("utf-8", errors="replace")) + 1


def locate(raw: bytes, pointer: str) -> tuple[int, int] | None:
    """1-based (line, column) of the value `pointer` names in the raw JSON text.

    A pointer to a missing member falls back to its parent's location. None when the
    text cannot be scanned (it is not JSON).
    """
    at = offset(raw, pointer)
    if at is None:
        return None
    return line_column(raw, at)

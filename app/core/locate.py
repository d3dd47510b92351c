"""Where a JSON Pointer's value sits in the raw text: line and column, for SARIF regions and editors.

Findings carry RFC 6901 pointers; people and code-scanning tools want a line. The loader
parsed the tree with orjson, which keeps no positions, so a `Locator` scans the text once
and records where every value starts, keyed by its pointer. After that one pass each pointer
costs a dict lookup and a binary search, so the 4,000 findings of a 2,000-mount document are
located in time linear in its size (a scan per finding from the first byte was quadratic).
Only documents that have findings pay for the pass.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from itertools import islice

from app.core.pointer import escape, split

__all__ = ["Locator", "locate"]

_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[{}\[\],:]|[^ \t\r\n{}\[\],:"]+', re.DOTALL)
"""A string, a structural character or a scalar; the whitespace between tokens is skipped by finditer."""

_NEWLINE = re.compile(r"\n")

# What the scanner expects next.
_VALUE, _FIRST, _NAME, _COLON, _AFTER = range(5)


class _Malformed(Exception):
    """The text is not the JSON the loader accepted (it cannot happen for a loaded document)."""


def _index(text: str, start: int) -> dict[str, int]:
    """Character offset of every value of the document, by its canonical pointer: one pass, no recursion.

    A member whose name repeats in its object is the last one, as the loader keeps it: the values
    under an earlier occurrence are forgotten, so their pointers fall back to the one that was judged.
    """
    offsets: dict[str, int] = {}
    order: list[str] = []  # pointers in the order found: the values under a member are one contiguous run
    # Open containers, innermost last: [pointer, next array index or None for an object, {name: first in order}].
    stack: list[list[object]] = []
    frame: list[object] = []
    members: dict[str, int] = {}
    parent = pointer = ""
    state = _VALUE
    for token in _TOKEN.finditer(text, start):
        at = token.start()
        char = text[at]
        if state == _VALUE or state == _FIRST:
            if char == "]" and state == _FIRST:
                pass  # an empty array: close it below
            else:
                offsets[pointer] = at
                order.append(pointer)
                if char == "{" or char == "[":
                    parent = pointer
                    members = {}
                    frame = [pointer, None if char == "{" else 1, members]
                    stack.append(frame)
                    if char == "{":
                        state = _NAME
                    else:
                        pointer = parent + "/0"
                        state = _FIRST
                    continue
                if char in ",:}]":
                    raise _Malformed(at)
                state = _AFTER
                continue
        elif state == _NAME:
            if char == '"':
                name = token.group()[1:-1]
                if "\\" in name:
                    name = json.loads(token.group())
                earlier = members.get(name)
                if earlier is not None:
                    # The loader keeps the last of repeated members: forget the values under the earlier one.
                    # They are one contiguous run in `order`, starting with the member itself.
                    below = parent + "/" + escape(name) + "/"
                    offsets.pop(order[earlier], None)
                    for stale in islice(order, earlier + 1, None):
                        if not stale.startswith(below):
                            break
                        offsets.pop(stale, None)
                members[name] = len(order)
                pointer = parent + "/" + escape(name)
                state = _COLON
                continue
            if char != "}" or members:
                raise _Malformed(at)
            # An empty object: close it below.
        elif state == _COLON:
            if char != ":":
                raise _Malformed(at)
            state = _VALUE
            continue
        elif char == ",":
            index = frame[1]
            if index is None:
                state = _NAME
            else:
                assert isinstance(index, int)
                frame[1] = index + 1
                pointer = f"{parent}/{index}"
                state = _VALUE
            continue
        elif char != "}" and char != "]":
            raise _Malformed(at)
        # A container closes: the value after it belongs to the enclosing one.
        stack.pop()
        if not stack:
            return offsets
        frame = stack[-1]
        parent = frame[0]  # type: ignore[assignment]
        members = frame[2]  # type: ignore[assignment]
        state = _AFTER
    if stack or not offsets:
        raise _Malformed(len(text))
    return offsets


class Locator:
    """Line and column of any pointer in one document, after one pass over its text.

    Build one per document and ask it about every finding; the first question pays for the pass.
    """

    __slots__ = ("_lines", "_offsets", "_start", "_text", "raw")

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self._text: str | None = None
        self._start = 0
        self._offsets: dict[str, int] | None = None
        self._lines: list[int] = []

    def _table(self) -> dict[str, int]:
        if self._offsets is None:
            self._offsets = {}
            try:
                # Offsets in characters, so that a column counts code points (SARIF's columnKind).
                text = self.raw.decode("utf-8")
            except UnicodeDecodeError:
                return self._offsets
            self._start = 1 if text.startswith("\ufeff") else 0  # a byte order mark is no column
            self._text = text
            try:
                self._offsets = _index(text, self._start)
            except (_Malformed, ValueError, IndexError):
                self._offsets = {}  # not JSON: nothing can be located
            self._lines = [m.end() for m in _NEWLINE.finditer(text)]
        return self._offsets

    def offset(self, pointer: str) -> int | None:
        """Character offset where the value named by `pointer` starts.

        When the pointer names something missing (a required member that is absent), the offset of the
        deepest value that exists on its path: the parent object. None when the text is not JSON.
        """
        offsets = self._table()
        if not offsets:
            return None
        found = offsets.get(pointer)
        if found is not None:
            return found
        try:
            tokens = split(pointer)
        except ValueError:
            return None
        # The deepest value on the path that exists. Keys are canonical: an array's elements are keyed by
        # their decimal index, so "01", "-" or "¹" find nothing there and fall back to the array itself.
        node, at = "", offsets[""]
        for token in tokens:
            node = f"{node}/{escape(token)}"
            step = offsets.get(node)
            if step is None:
                break
            at = step
        return at

    def line_column(self, at: int) -> tuple[int, int]:
        """1-based line and column (in code points) of a character offset."""
        self._table()
        line = bisect_right(self._lines, at)
        line_start = self._lines[line - 1] if line else self._start
        return line + 1, at - line_start + 1

    def locate(self, pointer: str) -> tuple[int, int] | None:
        """1-based (line, column) of the value `pointer` names; its parent's for a missing member."""
        at = self.offset(pointer)
        return None if at is None else self.line_column(at)


def locate(raw: bytes, pointer: str) -> tuple[int, int] | None:
    """1-based (line, column) of the value `pointer` names in the raw JSON text.

    A pointer to a missing member falls back to its parent's location. None when the
    text cannot be scanned (it is not JSON). Build a `Locator` to ask about several pointers.
    """
    return Locator(raw).locate(pointer)

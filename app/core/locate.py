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

from app.core.accel import index_offsets
from app.core.pointer import escape, split

__all__ = ["Locator", "locate"]

_STRING = r'"[^"\\]*(?:\\.[^"\\]*)*"'
_TOKEN = re.compile(
    rf"""[ \t\r\n]*,?[ \t\r\n]*(?:
        (?P<name>{_STRING})[ \t\r\n]*:   # a member name with its colon
      | (?P<open>[{{\[])
      | (?P<close>[}}\]])
      | (?P<scalar>{_STRING}|[^ \t\r\n{{}}\[\],:"]+)
    )""",
    re.VERBOSE | re.DOTALL,
)
"""One step of the scan: a member name and its ':', an opening or closing bracket, or a scalar, each with the
whitespace and the ',' before it. Commas need no state: a value in an array is the next element, a value in
an object belongs to the name just read."""
_NAME, _OPEN, _CLOSE, _SCALAR = (_TOKEN.groupindex[g] for g in ("name", "open", "close", "scalar"))

_NEWLINE = re.compile(r"\n")


class _Malformed(Exception):
    """The text is not the JSON the loader accepted (it cannot happen for a loaded document)."""


def _index(text: str, start: int) -> dict[str, int]:
    """Character offset of every value of the document, by its canonical pointer: one pass, no recursion.

    A member whose name repeats in its object is the last one, as the loader keeps it: the values
    under an earlier occurrence are forgotten, so their pointers fall back to the one that was judged.
    """
    offsets: dict[str, int] = {}
    order: list[str] = []  # pointers in the order found: the values under a member are one contiguous run
    # Enclosing containers: (pointer, next array index or -1 for an object, {member name: its first in order}).
    stack: list[tuple[str, int, dict[str, int]]] = []
    members: dict[str, int] = {}
    parent, index = "", -1
    pointer: str | None = ""  # the name of the next value; None inside an object until a member name is read
    for token in _TOKEN.finditer(text, start):
        pos = token.end()
        kind = token.lastindex
        if kind == _NAME:
            if index != -1 or pointer is not None:
                raise _Malformed(pos)
            name = token.group(_NAME)[1:-1]
            if "\\" in name:
                name = json.loads(token.group(_NAME))
            pointer = parent + "/" + escape(name)
            earlier = members.get(name)
            if earlier is not None:
                # The loader keeps the last of repeated members: forget the values under the earlier one,
                # which are one contiguous run in `order` starting with the member itself.
                offsets.pop(order[earlier], None)
                below = pointer + "/"
                for stale in islice(order, earlier + 1, None):
                    if not stale.startswith(below):
                        break
                    offsets.pop(stale, None)
            members[name] = len(order)
            continue
        if kind == _CLOSE:
            if not stack or (index == -1 and pointer is not None):
                raise _Malformed(pos)  # a bracket with nothing open, or a member name without its value
            parent, index, members = stack.pop()
            if not stack:
                return offsets  # the top-level container is closed
            pointer = None if index == -1 else ""
            continue
        # A value: an opening bracket or a scalar.
        if index != -1:
            pointer = f"{parent}/{index}"
            index += 1
        elif pointer is None:
            raise _Malformed(pos)
        at = token.start(kind)  # type: ignore[arg-type]
        offsets[pointer] = at
        order.append(pointer)
        if kind == _OPEN:
            stack.append((parent, index, members))
            parent, members = pointer, {}
            index = 0 if text[at] == "[" else -1
            pointer = None
        elif not stack:
            return offsets  # a scalar at the top level
        else:
            pointer = None if index == -1 else ""
    raise _Malformed(len(text))  # the text ended inside a container (or held nothing)


_scan = _index if index_offsets is None else index_offsets
"""`_index`, in C when app/core/_accel.c is built (the same offsets; tests/core/test_locate.py holds them equal)."""


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
                self._offsets = _scan(text, self._start)
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

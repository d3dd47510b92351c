"""Defensive reads of a spec tree: a wrong-typed value reads as absent, never raises."""

from __future__ import annotations

from typing import Any


def obj(node: Any, key: str) -> dict[str, Any] | None:
    """`node[key]` when node is an object and the member is an object, else None."""
    if isinstance(node, dict):
        value = node.get(key)
        if isinstance(value, dict):
            return value
    return None


def arr(node: Any, key: str) -> list[Any]:
    """`node[key]` when it is an array, else an empty list."""
    if isinstance(node, dict):
        value = node.get(key)
        if isinstance(value, list):
            return value
    return []


def text(node: Any, key: str) -> str:
    """`node[key]` when it is a string, else "" (Go's zero value)."""
    if isinstance(node, dict):
        value = node.get(key)
        if isinstance(value, str):
            return value
    return ""


def flag(node: Any, key: str) -> bool:
    """`node[key]` when it is true (a boolean), else False."""
    return isinstance(node, dict) and node.get(key) is True


def present(node: Any, key: str) -> bool:
    """True when the member exists and is not null (a non-nil Go pointer)."""
    return isinstance(node, dict) and node.get(key) is not None


def strings(node: Any, key: str) -> list[tuple[int, str]]:
    """(index, value) of each string element of the array `node[key]`."""
    return [(i, v) for i, v in enumerate(arr(node, key)) if isinstance(v, str)]


def string_annotations(spec: Any) -> dict[str, str]:
    """The string-valued annotations (map[string]string: other values never reach runsc)."""
    found = obj(spec, "annotations")
    if found is None:
        return {}
    return {k: v for k, v in found.items() if isinstance(k, str) and isinstance(v, str)}


def quote(value: str) -> str:
    """Go's %q for the common cases: a double-quoted string with backslash escapes."""
    if value.isprintable() and '"' not in value and "\\" not in value:
        return f'"{value}"'  # nothing to escape: the usual case, without a loop per character
    out = ['"']
    for ch in value:
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)

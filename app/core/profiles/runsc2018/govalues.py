"""What a field of a decoded JSON document is worth to Go code that reads `specs.Spec` (the 2018 specs-go).

encoding/json leaves a field at its zero value when the JSON value is absent, null or of the wrong type,
so Go code never sees a wrong type: it sees "", nil or an empty struct. These helpers give that view of a
parsed tree, so the checks below never raise whatever the input. Two cases matter for exactness:

- a pointer-to-struct field (`*specs.Process`, `*specs.Solaris`, ...) is non-nil as soon as its member
  is present and not null, even with a wrong-typed value (the decoder allocates the struct before it
  finds the type mismatch), so `present` is the Go `!= nil`;
- a wrong-typed element of a `[]string` (or value of a `map[string]string`) still takes its slot, as "".
"""

from __future__ import annotations

from typing import Any

from app.core.normalize import go_clean


def present(obj: dict[str, Any], key: str) -> bool:
    """Go's `field != nil` for a pointer, slice or map field: the member exists and is not null."""
    return obj.get(key) is not None


def struct(value: Any) -> dict[str, Any]:
    """The members of a struct-typed value; a wrong-typed value decodes to the zero struct."""
    return value if isinstance(value, dict) else {}


def string(value: Any) -> str:
    """A Go string: the value if it is a JSON string, else "" (absent, null or wrong type)."""
    return value if isinstance(value, str) else ""


def strings(value: Any) -> list[str]:
    """A Go []string: nil unless the value is an array; wrong-typed elements stay in place as ""."""
    if not isinstance(value, list):
        return []
    return [v if isinstance(v, str) else "" for v in value]


def string_map(value: Any) -> dict[str, str]:
    """A Go map[string]string: keys of a JSON object, wrong-typed values as ""."""
    if not isinstance(value, dict):
        return {}
    return {k: (v if isinstance(v, str) else "") for k, v in value.items()}


def clean(path: str) -> str:
    """Go's filepath.Clean on Linux."""
    if path[:1] == "/" and "//" not in path and "/." not in path and path[-1:] != "/":
        return path  # absolute, without empty, "." or ".." elements or a trailing slash: already clean
    return go_clean(path)


def is_abs(path: str) -> bool:
    """Go's path.IsAbs: the path starts with a slash (nothing else is looked at)."""
    return path.startswith("/")

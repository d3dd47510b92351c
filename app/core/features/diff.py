"""What one runtime's features document accepts that another's does not (`specgate features diff A B`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.core.pointer import ptr


@dataclass(frozen=True, slots=True)
class Difference:
    """One property on which two features documents disagree."""

    path: str
    """JSON Pointer of the property in both documents (e.g. `/linux/seccomp/actions`)."""
    only_a: tuple[str, ...] = ()
    """List members only the first document has (what only A accepts)."""
    only_b: tuple[str, ...] = ()
    value_a: Any = None
    """For a non-list property: the first document's value (None: it does not say)."""
    value_b: Any = None

    @property
    def is_list(self) -> bool:
        return bool(self.only_a or self.only_b)


def diff(a: dict[str, Any], b: dict[str, Any]) -> list[Difference]:
    """Every property on which the documents disagree, in document order, lists compared as sets.

    A property one document leaves out is "unknown" there: it is reported with value None, never as an empty list.
    """
    out: list[Difference] = []
    _walk(a, b, (), out)
    return out


def _walk(a: Any, b: Any, tokens: tuple[str, ...], out: list[Difference]) -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in [*a, *(k for k in b if k not in a)]:
            _walk(a.get(key), b.get(key), (*tokens, key), out)
        return
    if isinstance(a, list) and isinstance(b, list):
        only_a = tuple(sorted({str(v) for v in a} - {str(v) for v in b}))
        only_b = tuple(sorted({str(v) for v in b} - {str(v) for v in a}))
        if only_a or only_b:
            out.append(Difference(ptr(*tokens), only_a=only_a, only_b=only_b))
        return
    if a != b:
        out.append(Difference(ptr(*tokens), value_a=a, value_b=b))


def render(differences: list[Difference], name_a: str, name_b: str) -> str:
    """The differences as text, one property per block."""
    if not differences:
        return f"{name_a} and {name_b} describe the same features\n"
    lines: list[str] = []
    for d in differences:
        if d.is_list:
            lines.append(f"{d.path}:")
            lines.extend(f"  only {name_a}: {v}" for v in d.only_a)
            lines.extend(f"  only {name_b}: {v}" for v in d.only_b)
        else:
            lines.append(f"{d.path}: {name_a} {_show(d.value_a)}, {name_b} {_show(d.value_b)}")
    return "\n".join(lines) + "\n"


def _show(value: Any) -> str:
    if value is None:
        return "does not say"
    if isinstance(value, (dict, list)):
        return "says more (see its document)"
    return repr(value) if isinstance(value, str) else str(value).lower()

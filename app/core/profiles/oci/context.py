"""What every check of profile `oci` works with: the document, the judging release, the platform, the findings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from app.core.accel import env_names_ok
from app.core.profiles.base import CheckOptions
from app.core.profiles.oci.catalog import CATALOG, LEVELS
from app.core.profiles.oci.versions import Judged
from app.core.rules import Findings
from app.models import Severity

_NOTES = {
    "DERIVED": " (derived from the spec text, not a sentence of it)",
    "IMPL": " (runc and runtime-tools enforce this; the spec itself does not say it)",
    "KERNEL": " (a kernel limit, not a spec rule)",
}


_RULE_FACTS: dict[str, tuple[Severity, str]] = {
    rule.id: (rule.severity, _NOTES.get(LEVELS[rule.id], "")) for rule in CATALOG
}
"""The catalog severity of each rule and the note its messages end with."""


@dataclass(slots=True)
class Context:
    """One check run."""

    data: dict[str, Any]
    judged: Judged
    options: CheckOptions
    findings: Findings = field(default_factory=lambda: Findings(CATALOG))
    _namespaces: dict[str, str | None] | None = None
    platform: str = field(init=False)
    """options.platform, kept as a plain attribute (rules read it dozens of times per document)."""

    def __post_init__(self) -> None:
        self.platform = self.options.platform

    @property
    def posix(self) -> bool:
        """Every platform but Windows follows the POSIX rules of config.md."""
        return self.platform != "windows"

    def add(self, rule: str, path: str, message: str, *, severity: Severity | None = None) -> None:
        """Record a finding; rules that are not spec sentences say so in their message.

        What Findings.add does, with the catalog severity and the note looked up in one table."""
        default, note = _RULE_FACTS[rule]  # KeyError here means a check names a rule the catalog lacks
        self.findings.entries.append((rule, severity or default, path, message + note))

    def linux(self) -> dict[str, Any]:
        return obj(self.data.get("linux"))

    def namespaces(self) -> dict[str, str | None]:
        """Namespace types of linux.namespaces, each with its path (None when the runtime creates a new one).

        Read once per check run (several rules ask); the caller must not modify the answer."""
        if self._namespaces is None:
            self._namespaces = self._read_namespaces()
        return self._namespaces

    def learn_namespaces(self, found: dict[str, str | None]) -> None:
        """Keep what `namespaces` would read, from a rule that walked linux.namespaces already."""
        if self._namespaces is None:
            self._namespaces = found

    def _read_namespaces(self) -> dict[str, str | None]:
        found: dict[str, str | None] = {}
        for entry in arr(self.linux().get("namespaces")):
            if isinstance(entry, dict) and isinstance(entry.get("type"), str) and entry["type"] not in found:
                path = entry.get("path")
                found[entry["type"]] = path if isinstance(path, str) and path else None
        return found

    def new_namespace(self, kind: str) -> bool:
        """True when the container gets a new namespace of that type (listed without a path)."""
        ns = self.namespaces()
        return kind in ns and ns[kind] is None


def obj(value: Any) -> dict[str, Any]:
    """The value when it is an object, else an empty one (the schema layer reports wrong types)."""
    return value if isinstance(value, dict) else {}


def arr(value: Any) -> list[Any]:
    """The value when it is an array, else an empty one."""
    return value if isinstance(value, list) else []


def integer(value: Any) -> int | None:
    """The value when it is a JSON integer (not a boolean), else None."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


# Windows accepts '/' as a separator too: C:/x and //server/share are absolute (as Go's filepath.IsAbs says).
_WINDOWS_ABS = re.compile(r"^([a-zA-Z]:[\\/]|[\\/]{2})")


def is_abs(path: str, platform: str) -> bool:
    """Absolute on the platform: on Windows a drive path (C:\\..., C:/...) or a \\\\ path, elsewhere a leading '/'."""
    if platform == "windows":
        return bool(_WINDOWS_ABS.match(path))
    return path.startswith("/")


def windows_key(path: str) -> str:
    """A Windows path as Windows resolves it (GetFullPathName), case-folded, for comparing two paths.

    '/' and '\\' are one separator; repeated separators collapse (c:\\\\a is c:\\a); "." and ".." segments are
    resolved, never above the root (c:\\ or \\\\server\\share); without a trailing separator the last segment
    loses its trailing periods and spaces; the trailing separator goes. NTFS compares names case-insensitively, so
    drive letters and names are folded. \\\\?\\ paths are passed to the filesystem as written: only folded.
    """
    if path.startswith("\\\\?\\"):
        return path.lower()
    path = path.replace("/", "\\")
    if path.startswith("\\\\"):
        # UNC (\\\\server\\share\\...) or device (\\\\.\\...): the first two segments are the root.
        parts = [p for p in path[2:].split("\\") if p]
        root, rest = "\\\\" + "\\".join(parts[:2]), parts[2:]
    elif path[1:2] == ":":
        root, rest = path[:2] + ("\\" if path[2:3] == "\\" else ""), path[2:].split("\\")
    else:
        root, rest = ("\\" if path[:1] == "\\" else ""), path.split("\\")
    if not path.endswith("\\") and rest and rest[-1] not in (".", ".."):
        rest[-1] = rest[-1].rstrip(". ")
    kept: list[str] = []
    for segment in rest:
        if segment in ("", "."):
            continue
        if segment == "..":
            if kept:
                kept.pop()
            continue
        kept.append(segment)
    joined = "\\".join(kept)
    if root.endswith("\\") or (root and not root.endswith(":") and joined):
        sep = "" if root.endswith("\\") else "\\"
        return (root + sep + joined).lower()
    return (root + joined).lower()


_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ENV_OK = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")


def env_problems(entries: list[Any]) -> list[tuple[int, str]]:
    """(index, problem) for each malformed environ entry of a list."""
    if env_names_ok(entries):  # the usual list, proved well formed in one scan (app/core/accel.py)
        return []
    return [(i, problem) for i, e in enumerate(entries) if (problem := env_problem(e))]


def env_problem(entry: Any) -> str | None:
    """What is wrong with one environ entry (NAME=value), or None."""
    if not isinstance(entry, str) or _ENV_OK.match(entry):
        return None  # the schema reports non-strings
    name, sep, _ = entry.partition("=")
    if not sep:
        return f"{entry!r} has no '=': write it as NAME=value"
    if not name:
        return f"{entry!r} has an empty name: write it as NAME=value"
    if not _ENV_NAME.match(name):
        return (
            f"the name {name!r} of {entry!r} is not a portable environment variable name "
            "(letters, digits and '_', not starting with a digit)"
        )
    return None


_LIST = re.compile(r"^\d+(-\d+)?(,\d+(-\d+)?)*$")


def list_problem(text: str) -> str | None:
    """What is wrong with a CPU or node list like '0-3,7', or None (empty means 'not set')."""
    if text == "":
        return None
    if not _LIST.match(text.replace(" ", "")):
        return f"{text!r} is not a list of numbers and ranges such as '0-3,7'"
    for part in text.replace(" ", "").split(","):
        low, _, high = part.partition("-")
        if high and int(high) < int(low):
            return f"the range {part!r} in {text!r} ends before it starts"
    return None

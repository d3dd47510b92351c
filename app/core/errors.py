"""Exceptions of the core.

An invalid spec is not an exception: it is a `ValidationReport` with findings.
Exceptions are kept for input that cannot be judged at all and for bad arguments:

    SpecgateError(ValueError)
     ├── DocumentError        the bytes are not a JSON object (encoding, syntax, shape, depth)
     ├── UnknownProfile       no profile by that name
     ├── UnknownPlatform      the profile does not judge that platform
     ├── InvalidSpec          /normalize was asked for a spec the runtime would refuse (carries the report)
     ├── CapabilityError      unknown capability names (carries each one with its pointer)
     ├── BadArgument          an argument other than the document is unusable
     └── WorkloadError        a Kubernetes object carries no Pod spec, or its Pod spec is malformed
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.models import ValidationReport


class SpecgateError(ValueError):
    """Base class of every error the core raises."""


class DocumentError(SpecgateError):
    """The input is not a JSON object: bad encoding, bad syntax, wrong top-level type or too deep."""

    def __init__(self, kind: str, detail: str, *, line: int | None = None, column: int | None = None) -> None:
        self.kind = kind
        self.detail = detail
        self.line = line
        self.column = column
        where = f" (line {line}, column {column})" if line is not None else ""
        super().__init__(f"{detail}{where}")


class UnknownProfile(SpecgateError):
    """No profile has that name."""

    def __init__(self, name: str, known: list[str]) -> None:
        self.name = name
        self.known = known
        super().__init__(f"unknown profile {name!r}; known profiles: {', '.join(known)}")


class UnknownPlatform(SpecgateError):
    """The profile does not judge documents for that platform."""

    def __init__(self, profile: str, platform: str, known: tuple[str, ...]) -> None:
        self.profile = profile
        self.platform = platform
        self.known = known
        super().__init__(f"profile {profile!r} does not support platform {platform!r}; supported: {', '.join(known)}")


class InvalidSpec(SpecgateError):
    """The spec has error findings, so the runtime would refuse it before normalizing it."""

    def __init__(self, report: ValidationReport) -> None:
        self.report = report
        super().__init__(f"the spec is invalid for profile {report.profile!r}: {report.summary.errors} error(s)")


class CapabilityError(SpecgateError):
    """A capability set names capabilities the profile does not know, or is not a list of strings."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{path}: {message}" for path, message in errors))


class BadArgument(SpecgateError):
    """An argument other than the document is unusable (e.g. a relative bundle directory)."""

    def __init__(self, name: str, detail: str) -> None:
        self.name = name
        self.detail = detail
        super().__init__(f"{name}: {detail}")


class WorkloadError(SpecgateError):
    """A Kubernetes object carries no Pod (unknown kind) or its Pod spec has the wrong shape; `path` points at it."""

    def __init__(self, path: str, detail: str) -> None:
        self.path = path
        self.detail = detail
        super().__init__(f"{path or '/'}: {detail}")

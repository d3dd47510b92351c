"""Errors of the CLI: what a backend reports besides a verdict, and what ends a run with exit 2.

BackendProblem(Exception)    raised by either backend (in-process core or remote service), alike
 ├── DocumentProblem         the input is not a JSON object (line and column when known): a finding, exit 1
 ├── Refused                 normalize refused an invalid spec (carries the report): exit 1
 ├── BadCapabilities         unknown capability names or wrong shapes, each with its pointer: exit 1
 ├── UsageProblem            an argument is unusable (unknown profile or platform, relative bundle): exit 2
 └── ServiceProblem          the service could not be reached, refused the token, or failed: exit 2
      └── NotJudged          the service did not judge this one file (413, a 5xx, the connection broke):
                             reported as that file's problem, the other files are still judged; exit 2
click.ClickException
 └── CommandError            a file cannot be read or written, or the service failed: exit 2
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from app.models import ValidationReport


class BackendProblem(Exception):
    """Base class of what a backend raises instead of an answer."""


class DocumentProblem(BackendProblem):
    """The input is not a JSON object; `line`/`column` say where, when known."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        self.message = message
        self.line = line
        self.column = column
        super().__init__(message)


class Refused(BackendProblem):
    """/normalize refused an invalid spec; `report` says why."""

    def __init__(self, report: ValidationReport) -> None:
        self.report = report
        super().__init__(f"the spec is invalid for profile {report.profile!r}")


class BadCapabilities(BackendProblem):
    """Capability sets name unknown capabilities or have the wrong shape: (pointer, message) each."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{p}: {m}" for p, m in errors))


class UsageProblem(BackendProblem):
    """An argument is unusable (unknown profile or platform, relative bundle): exit 2."""


class ServiceProblem(BackendProblem):
    """The service could not be reached or answered with an error the CLI cannot turn into a finding: exit 2."""


class NotJudged(ServiceProblem):
    """The service did not judge one document (too large, a server error, a broken connection)."""


class CommandError(click.ClickException):
    """A file cannot be read, or the service failed: exit 2, like a usage error."""

    exit_code = 2


@contextmanager
def fatal_problems() -> Iterator[None]:
    """Turn the problems that end a run into click's usage error or a CommandError (both exit 2)."""
    try:
        yield
    except UsageProblem as exc:
        raise click.UsageError(str(exc)) from exc
    except ServiceProblem as exc:
        raise CommandError(f"the service failed: {exc}") from exc

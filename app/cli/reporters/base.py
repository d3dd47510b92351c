"""What every output format implements, and what it is given."""

from __future__ import annotations

import abc
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from app.cli.result import FailOn, FileResult, Tally
from app.models import RuleInfo, Severity


@dataclass(frozen=True, slots=True)
class ReportOptions:
    """How to report, beyond the results themselves."""

    fail_on: FailOn = "error"
    min_severity: Severity = "info"
    """Findings below this severity are left out of the output (they still count in `summary`)."""
    color: bool = False
    quiet: bool = False
    """Text only: list only the files that fail under `fail_on`."""
    group: bool = False
    """Text only: one line for the repeated findings of one rule on one object."""
    junit_cases: str = "file"
    """JUnit: one testcase per file and profile ("file"), or per rule checked and finding ("rule")."""
    bundle: bool = False
    """Bundle-mode checks ran, so bundle-scope rules count as checked."""
    catalog: Callable[[str], list[RuleInfo]] = lambda profile: []
    """The rules of a profile (fetched once per profile, from the core or the service)."""


class Reporter(abc.ABC):
    """Writes results as they come, and whatever closes the output at the end."""

    writes_summary = False
    """True when the summary line is part of this format's output (else it goes to stderr)."""

    def __init__(self, out: TextIO, options: ReportOptions) -> None:
        self.out = out
        self.options = options

    @abc.abstractmethod
    def add(self, result: FileResult) -> None:
        """Report one file."""

    @abc.abstractmethod
    def finish(self, tally: Tally) -> None:
        """Close the output after the last file."""

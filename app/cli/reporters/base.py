"""What every output format implements, and what it is given."""

from __future__ import annotations

import abc
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from app.cli.result import FailOn, FileResult, Tally
from app.models import RuleInfo


@dataclass(frozen=True, slots=True)
class ReportOptions:
    """How to report, beyond the results themselves."""

    fail_on: FailOn = "error"
    color: bool = False
    quiet: bool = False
    """Text only: leave out files without findings."""
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

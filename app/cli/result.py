"""What a validate run produces: one result per file (a report per profile), and the running totals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from app.core.locate import Locator
from app.models import Finding, RuleInfo, SandboxInfo, Severity, Summary, ValidationReport

FailOn = Literal["error", "warning"]

RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}
"""Severities in order: a finding is shown when its rank is at least --min-severity's."""

DOCUMENT_RULE = RuleInfo(
    id="SPECGATE-DOCUMENT",
    profile="specgate",
    severity="error",
    summary="The file is a JSON object in UTF-8 (the spec's glossary: config.json is UTF-8 JSON).",
    reference="https://github.com/opencontainers/runtime-spec/blob/main/glossary.md#json",
)
"""The finding for a file no profile can judge: not UTF-8, not JSON, or not an object."""


def document_report(profile: str, platform: str, message: str) -> ValidationReport:
    """The report of a file that could not be parsed: one SPECGATE-DOCUMENT error at the root."""
    finding = Finding(
        rule=DOCUMENT_RULE.id,
        severity="error",
        path="",
        message=f"{message}; fix the file so that it is a UTF-8 JSON object, then validate it again",
    )
    return ValidationReport(
        valid=False,
        profile=profile,
        platform=platform,
        findings=[finding],
        summary=Summary(errors=1),
        sandbox=SandboxInfo(),
    )


def failed(report: ValidationReport, fail_on: FailOn) -> bool:
    """True when the report makes the run fail: errors always, warnings too with --fail-on warning."""
    if report.summary.errors:
        return True
    return fail_on == "warning" and report.summary.warnings > 0


def fails(finding: Finding, fail_on: FailOn) -> bool:
    """True when this finding alone makes its file fail under --fail-on."""
    return RANK[finding.severity] >= RANK[fail_on]


def shown(findings: list[Finding], min_severity: Severity) -> list[Finding]:
    """The findings at or above --min-severity, in their order."""
    if min_severity == "info":
        return findings
    floor = RANK[min_severity]
    return [f for f in findings if RANK[f.severity] >= floor]


@dataclass(slots=True)
class FileResult:
    """The reports on one file, one per profile asked for."""

    name: str
    """The file as the user named it (`<stdin>` for -), used in every output format."""
    raw: bytes
    reports: list[ValidationReport]
    position: tuple[int, int] | None = None
    """Line and column of a syntax error, when the file could not be parsed."""
    path: Path | None = None
    """The file read (None for stdin): its name exactly, where `name` shows undecodable bytes escaped."""
    locator: Callable[[str], tuple[int, int] | None] | None = None
    """Line and column of a finding's pointer in the file, when `raw` is not the JSON the pointer is into
    (`specgate kube`: a YAML object); None looks the pointer up in `raw`."""
    _locator: Locator | None = field(default=None, repr=False, compare=False)

    def failed(self, fail_on: FailOn) -> bool:
        return any(failed(r, fail_on) for r in self.reports)

    def location(self, finding: Finding) -> tuple[int, int] | None:
        """Line and column of a finding in the file; the text is scanned once, whatever the number of findings."""
        if finding.rule == DOCUMENT_RULE.id:
            return self.position
        if self.locator is not None:
            return self.locator(finding.path)
        if self._locator is None:
            self._locator = Locator(self.raw)
        return self._locator.locate(finding.path)


@dataclass(slots=True)
class Tally:
    """Totals over a run, for the summary line and the exit code."""

    files: int = 0
    valid: int = 0
    invalid: int = 0
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    unreadable: list[str] = field(default_factory=list)
    not_judged: list[str] = field(default_factory=list)
    """Files the service did not judge (--server): too large for it, a server error, a broken connection."""

    def add(self, result: FileResult, fail_on: FailOn) -> None:
        self.files += 1
        if result.failed(fail_on):
            self.invalid += 1
        else:
            self.valid += 1
        for report in result.reports:
            self.errors += report.summary.errors
            self.warnings += report.summary.warnings
            self.infos += report.summary.infos

    def line(self) -> str:
        """The summary line printed at the end of every run."""
        text = (
            f"{_count(self.files, 'file')}, {self.valid} valid, {self.invalid} invalid, "
            f"{_count(self.errors, 'error')}, {_count(self.warnings, 'warning')}"
        )
        if self.unreadable:
            text += f", {len(self.unreadable)} unreadable"
        if self.not_judged:
            text += f", {len(self.not_judged)} not judged"
        return text

    def exit_code(self) -> int:
        """0 all valid, 1 at least one invalid, 2 when a file could not be read or judged."""
        if self.unreadable or self.not_judged:
            return 2
        return 1 if self.invalid else 0


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"

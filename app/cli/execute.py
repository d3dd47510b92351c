"""Run a validate plan: read each source, judge it with each profile, report it, and return the exit code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TextIO

from app.cli.backend import Backend
from app.cli.errors import DocumentProblem, NotJudged
from app.cli.progress import Mode, progress
from app.cli.reporters import Reporter
from app.cli.result import FailOn, FileResult, Tally, document_report
from app.cli.sources import Source
from app.core.policy_file import Policy, apply


@dataclass(frozen=True, slots=True)
class ValidatePlan:
    """Everything `specgate validate` was asked to do, already built."""

    sources: list[Source]
    profiles: list[str]
    platform: str
    lifecycle: str
    bundle: str | None
    fail_on: FailOn
    backend: Backend
    reporter: Reporter
    show_progress: Mode = "off"
    policy: Policy | None = None


def judge(plan: ValidatePlan, source: Source, raw: bytes) -> FileResult:
    """The reports of every profile on one file; a file that is not JSON gets a SPECGATE-DOCUMENT finding."""
    reports = []
    position: tuple[int, int] | None = None
    file_name = source.name if plan.bundle is not None else None
    for profile in plan.profiles:
        try:
            report = plan.backend.validate(
                raw,
                profile=profile,
                platform=plan.platform,
                lifecycle=plan.lifecycle,
                bundle=plan.bundle,
                file_name=file_name,
            )
            report = apply(report, plan.policy)
        except DocumentProblem as exc:
            report = document_report(profile, plan.platform, exc.message)
            if exc.line is not None and exc.column is not None:
                position = (exc.line, exc.column)
        reports.append(report)
    return FileResult(name=source.name, raw=raw, reports=reports, position=position, path=source.path)


def execute(plan: ValidatePlan, err: TextIO) -> int:
    """Judge every source and report it; 0 all valid, 1 some invalid, 2 some unreadable or not judged.

    Raises:
        UsageProblem, ServiceProblem: the run cannot go on (unknown profile, a token the service refuses).
    """
    tally = Tally()
    with progress(plan.sources, enabled=plan.show_progress) as sources:
        for source in sources:
            try:
                raw = source.read()
            except OSError as exc:
                err.write(f"specgate: cannot read {source.name}: {exc.strerror or exc}\n")
                tally.unreadable.append(source.name)
                continue
            try:
                result = judge(plan, source, raw)
            except NotJudged as exc:
                # One file the service would not judge (too large, a server error): its problem, not the run's.
                err.write(f"specgate: {source.name}: not judged: {exc}\n")
                tally.not_judged.append(source.name)
                continue
            tally.add(result, plan.fail_on)
            plan.reporter.add(result)
    plan.reporter.finish(tally)
    if not plan.reporter.writes_summary:
        err.write(tally.line() + "\n")
    return tally.exit_code()

"""Readable output: grouped by file, one line per finding, a summary line at the end; colored only on a terminal.

Text shows warnings and errors by default (`--min-severity warning`): the infos of a stock
containerd spec (ignored mount options...) would bury what needs fixing. Each file's header and
the summary line say how many were left out, and `--min-severity info` shows them.
"""

from __future__ import annotations

import click

from app.cli.reporters.base import Reporter
from app.cli.result import RANK, FileResult, Tally, failed, shown
from app.models import Finding, ValidationReport

_COLORS = {"error": "red", "warning": "yellow", "info": "blue"}
_POINTER_WIDTH = 40
_WORDS = (("errors", "error"), ("warnings", "warning"), ("infos", "info"))


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def group_findings(findings: list[Finding]) -> list[tuple[Finding, list[str]]]:
    """Findings of one rule and severity on members of one object, as (first finding, the members' tokens).

    `/mounts/3/options/1` and `/mounts/3/options/4` of one rule become one line for `/mounts/3/options/{1,4}`;
    a finding alone keeps its own pointer (an empty token list). The order is that of the first of each group.
    """
    groups: dict[tuple[str, str, str], list[Finding]] = {}
    for finding in findings:
        parent, _, _ = finding.path.rpartition("/")
        key = (finding.severity, finding.rule, parent if finding.path else "\0root")
        groups.setdefault(key, []).append(finding)
    result: list[tuple[Finding, list[str]]] = []
    for members in groups.values():
        if len(members) == 1:
            result.append((members[0], []))
        else:
            result.append((members[0], [m.path.rpartition("/")[2] for m in members]))
    return result


class TextReporter(Reporter):
    writes_summary = True

    def _style(self, text: str, **styles: object) -> str:
        return click.style(text, **styles) if self.options.color else text  # type: ignore[arg-type]

    def add(self, result: FileResult) -> None:
        for report in result.reports:
            if self.options.quiet and not failed(report, self.options.fail_on):
                continue
            self._report(result.name, report)

    def _report(self, name: str, report: ValidationReport) -> None:
        summary = report.summary
        floor = RANK[self.options.min_severity]
        counts = [_count(n, word) for attr, word in _WORDS if (n := getattr(summary, attr)) and RANK[word] >= floor]
        hidden = [_count(n, word) for attr, word in _WORDS if (n := getattr(summary, attr)) and RANK[word] < floor]
        if failed(report, self.options.fail_on):
            verdict = self._style("invalid", fg="red", bold=True)
        else:
            verdict = self._style("valid", fg="green", bold=True)
        detail = ", ".join(counts)
        if hidden:
            detail += f"{'; ' if detail else ''}{' and '.join(hidden)} not shown"
        header = f"{self._style(name, bold=True)} [{report.profile}]: {verdict}{f' ({detail})' if detail else ''}"
        lines = [header]
        findings = shown(report.findings, self.options.min_severity)
        rows = group_findings(findings) if self.options.group else [(f, []) for f in findings]
        pointers = [_pointer(f, members) for f, members in rows]
        width = min(max((len(p) for p in pointers), default=0), _POINTER_WIDTH)
        rule_width = max((len(f.rule) for f, _ in rows), default=0)
        for (f, members), pointer in zip(rows, pointers, strict=True):
            severity = self._style(f"{f.severity:<7}", fg=_COLORS[f.severity])
            message = f.message
            if members:
                message += f" (and {len(members) - 1} more like it)"
            lines.append(f"  {severity}  {pointer:<{width}}  {f.rule:<{rule_width}}  {message}")
        if report.policy is not None and report.policy.changed:
            # What the policy file did, so a verdict that differs from the profile's never comes unexplained.
            changes = ", ".join(f"{c.rule} at {c.path or '/'} {c.was} -> {c.now}" for c in report.policy.changed)
            lines.append(f"  policy {report.policy.source}: {changes}")
        self.out.write("\n".join(lines) + "\n")

    def finish(self, tally: Tally) -> None:
        line = tally.line()
        floor = RANK[self.options.min_severity]
        hidden = [
            (n, word) for n, word in ((tally.warnings, "warning"), (tally.infos, "info")) if n and RANK[word] < floor
        ]
        if hidden:
            words = " and ".join(_count(n, word) for n, word in hidden)
            line += f" ({words} not shown; --min-severity {hidden[-1][1]} shows them)"
        if tally.files and not tally.invalid and not tally.unreadable and not tally.not_judged:
            line = self._style(line, fg="green")
        elif tally.invalid or tally.unreadable or tally.not_judged:
            line = self._style(line, fg="red")
        self.out.write(("\n" if tally.files else "") + line + "\n")


def _pointer(finding: Finding, members: list[str]) -> str:
    """The pointer shown: the finding's ("(root)" for ""), or the object's with its members in braces."""
    if not members:
        return finding.path or "(root)"  # the root pointer "" would be invisible; "/" names the member ""
    parent = finding.path.rpartition("/")[0]
    return f"{parent}/{{{','.join(members)}}}"

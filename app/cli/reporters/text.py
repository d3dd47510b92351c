"""Readable output: grouped by file, one line per finding, a summary line at the end; colored only on a terminal."""

from __future__ import annotations

import click

from app.cli.reporters.base import Reporter
from app.cli.result import FileResult, Tally, failed
from app.models import ValidationReport

_COLORS = {"error": "red", "warning": "yellow", "info": "blue"}
_POINTER_WIDTH = 40


class TextReporter(Reporter):
    writes_summary = True

    def _style(self, text: str, **styles: object) -> str:
        return click.style(text, **styles) if self.options.color else text  # type: ignore[arg-type]

    def add(self, result: FileResult) -> None:
        for report in result.reports:
            if self.options.quiet and not report.findings:
                continue
            self._report(result.name, report)

    def _report(self, name: str, report: ValidationReport) -> None:
        summary = report.summary
        counts = [
            f"{n} {word}{'' if n == 1 else 's'}"
            for n, word in ((summary.errors, "error"), (summary.warnings, "warning"), (summary.infos, "info"))
            if n
        ]
        if failed(report, self.options.fail_on):
            verdict = self._style("invalid", fg="red", bold=True)
        else:
            verdict = self._style("valid", fg="green", bold=True)
        detail = f" ({', '.join(counts)})" if counts else ""
        header = f"{self._style(name, bold=True)} [{report.profile}]: {verdict}{detail}"
        lines = [header]
        width = min(max((len(f.path or "(root)") for f in report.findings), default=0), _POINTER_WIDTH)
        rule_width = max((len(f.rule) for f in report.findings), default=0)
        for f in report.findings:
            severity = self._style(f"{f.severity:<7}", fg=_COLORS[f.severity])
            pointer = f.path or "(root)"  # the root pointer "" would be invisible; "/" names the member ""
            lines.append(f"  {severity}  {pointer:<{width}}  {f.rule:<{rule_width}}  {f.message}")
        self.out.write("\n".join(lines) + "\n")

    def finish(self, tally: Tally) -> None:
        line = tally.line()
        if tally.files and not tally.invalid and not tally.unreadable and not tally.not_judged:
            line = self._style(line, fg="green")
        elif tally.invalid or tally.unreadable or tally.not_judged:
            line = self._style(line, fg="red")
        self.out.write(("\n" if tally.files else "") + line + "\n")

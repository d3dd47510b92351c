"""JUnit XML for CI test-report views.

By default (`--junit-cases file`) each profile is a testsuite and each file one testcase in it: the
case fails when the file fails under --fail-on, and the failure text lists every finding shown
(severity, rule, pointer, line and column, message), so a CI view has one row per file, not one per
rule. `--junit-cases rule` gives the detailed form instead: a testsuite per file (and profile), a
passing testcase per rule checked and a testcase per finding. A file that is not JSON is an
<error> in both: the checks could not run at all. No times or host names are written, so the same
input always gives the same XML.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from app.cli.reporters.base import Reporter
from app.cli.result import DOCUMENT_RULE, FileResult, Tally, failed, shown
from app.models import Finding, ValidationReport


class JunitReporter(Reporter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._root = ET.Element("testsuites", name="specgate")
        self._by_profile: dict[str, ET.Element] = {}

    def add(self, result: FileResult) -> None:
        for report in result.reports:
            if self.options.junit_cases == "rule":
                self._rule_suite(result.name, report, several=len(result.reports) > 1)
            else:
                self._file_case(result, report)

    # One testcase per file and profile.

    def _profile_suite(self, report: ValidationReport) -> ET.Element:
        suite = self._by_profile.get(report.profile)
        if suite is None:
            suite = ET.SubElement(self._root, "testsuite", name=f"specgate [{report.profile}]")
            properties = ET.SubElement(suite, "properties")
            ET.SubElement(properties, "property", name="profile", value=report.profile)
            ET.SubElement(properties, "property", name="platform", value=report.platform)
            ET.SubElement(properties, "property", name="fail-on", value=self.options.fail_on)
            for attribute in ("tests", "failures", "errors", "skipped"):
                suite.set(attribute, "0")
            self._by_profile[report.profile] = suite
        return suite

    def _file_case(self, result: FileResult, report: ValidationReport) -> None:
        suite = self._profile_suite(report)
        case = ET.SubElement(suite, "testcase", name=result.name, classname=f"specgate.{report.profile}")
        _bump(suite, "tests")
        findings = shown(report.findings, self.options.min_severity)
        text = "\n".join(self._line(result, f) for f in findings)
        counts = _counts(report)
        if any(f.rule == DOCUMENT_RULE.id for f in report.findings):
            element = ET.SubElement(case, "error", type=DOCUMENT_RULE.id, message=report.findings[0].message)
            element.text = text
            _bump(suite, "errors")
        elif failed(report, self.options.fail_on):
            element = ET.SubElement(case, "failure", type="invalid", message=f"invalid for {report.profile}: {counts}")
            element.text = text
            _bump(suite, "failures")
        elif findings:
            out = ET.SubElement(case, "system-out")
            out.text = text

    def _line(self, result: FileResult, finding: Finding) -> str:
        where = finding.path or "(root)"
        position = result.location(finding)
        if position is not None:
            where += f" (line {position[0]}, column {position[1]})"
        return f"{finding.severity} {finding.rule} at {where}: {finding.message}"

    # One testcase per rule checked and per finding.

    def _rule_suite(self, name: str, report: ValidationReport, *, several: bool) -> None:
        suite_name = f"{name} [{report.profile}]" if several else name
        suite = ET.SubElement(self._root, "testsuite", name=suite_name, file=name)
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", name="profile", value=report.profile)
        ET.SubElement(properties, "property", name="platform", value=report.platform)
        failures = errors = 0
        hit = {f.rule for f in report.findings}
        # A file that is not JSON was never checked: its one testcase is the error, no rule passed.
        catalog = [] if DOCUMENT_RULE.id in hit else self.options.catalog(report.profile)
        tests = 0
        for rule in catalog:
            if rule.id in hit or not rule.checked or (rule.scope == "bundle" and not self.options.bundle):
                continue
            ET.SubElement(suite, "testcase", name=rule.id, classname=suite_name)
            tests += 1
        for finding in shown(report.findings, self.options.min_severity):
            case = ET.SubElement(suite, "testcase", name=_case_name(finding), classname=suite_name)
            tests += 1
            outcome = self._outcome(finding)
            if outcome is None:
                out = ET.SubElement(case, "system-out")
                out.text = f"{finding.severity}: {finding.message}"
                continue
            element = ET.SubElement(case, outcome, type=finding.rule, message=finding.message)
            element.text = f"{finding.severity} at {finding.path or '(root)'}: {finding.message}"
            if outcome == "error":
                errors += 1
            else:
                failures += 1
        suite.set("tests", str(tests))
        suite.set("failures", str(failures))
        suite.set("errors", str(errors))
        suite.set("skipped", "0")

    def _outcome(self, finding: Finding) -> str | None:
        if finding.rule == DOCUMENT_RULE.id:
            return "error"
        if finding.severity == "error" or (finding.severity == "warning" and self.options.fail_on == "warning"):
            return "failure"
        return None

    def finish(self, tally: Tally) -> None:
        self._not_judged(tally)
        suites = list(self._root)
        for attribute in ("tests", "failures", "errors"):
            self._root.set(attribute, str(sum(int(s.get(attribute, "0")) for s in suites)))
        ET.indent(self._root)
        self.out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        self.out.write(ET.tostring(self._root, encoding="unicode") + "\n")

    def _not_judged(self, tally: Tally) -> None:
        """Files that could not be read or that the service did not judge: an <error> each, so CI shows them."""
        missing = [(name, "cannot be read") for name in tally.unreadable]
        missing += [(name, "not judged by the service (see the log)") for name in tally.not_judged]
        if not missing:
            return
        suite = ET.SubElement(self._root, "testsuite", name="specgate [not judged]")
        for attribute in ("tests", "failures", "errors", "skipped"):
            suite.set(attribute, "0")
        for name, why in missing:
            case = ET.SubElement(suite, "testcase", name=name, classname="specgate.not-judged")
            ET.SubElement(case, "error", type="not-judged", message=f"{name}: {why}")
            _bump(suite, "tests")
            _bump(suite, "errors")


def _bump(element: ET.Element, attribute: str) -> None:
    element.set(attribute, str(int(element.get(attribute, "0")) + 1))


def _counts(report: ValidationReport) -> str:
    summary = report.summary
    parts = [(summary.errors, "error"), (summary.warnings, "warning"), (summary.infos, "info")]
    return ", ".join(f"{n} {word}{'' if n == 1 else 's'}" for n, word in parts if n) or "no findings"


def _case_name(finding: Finding) -> str:
    return f"{finding.rule} {finding.path or '(root)'}"

"""JUnit XML for CI test-report views: one testsuite per file (and profile), one testcase per rule checked or finding.

A rule the profile checked without finding anything is a passing testcase; each finding is a
testcase of its own, failed for an error (and for a warning under --fail-on warning). A file that
is not JSON is an <error>: the checks could not run at all. No times or host names are written,
so the same input always gives the same XML.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from app.cli.reporters.base import Reporter
from app.cli.result import DOCUMENT_RULE, FileResult, Tally
from app.models import Finding, ValidationReport


class JunitReporter(Reporter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._root = ET.Element("testsuites", name="specgate")

    def add(self, result: FileResult) -> None:
        for report in result.reports:
            self._suite(result.name, report, several=len(result.reports) > 1)

    def _suite(self, name: str, report: ValidationReport, *, several: bool) -> None:
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
        for finding in report.findings:
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
        suites = list(self._root)
        for attribute in ("tests", "failures", "errors"):
            self._root.set(attribute, str(sum(int(s.get(attribute, "0")) for s in suites)))
        ET.indent(self._root)
        self.out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        self.out.write(ET.tostring(self._root, encoding="unicode") + "\n")


def _case_name(finding: Finding) -> str:
    return f"{finding.rule} {finding.path or '(root)'}"

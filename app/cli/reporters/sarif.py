"""SARIF 2.1.0 output for code-scanning tools: one run, the rule catalog as the driver's rules, one result per finding.

Each result names the file as `physicalLocation.artifactLocation.uri` and, when the pointer's
value can be found in the raw text, its line and column (`region`); the pointer itself is the
result's logical location, which is exact even where no line can be given. A file under the
working directory (the checkout, in CI) gets a relative URI with `uriBaseId` %SRCROOT%, which
`originalUriBaseIds` resolves, so the log can be moved with the checkout and code-scanning
tools match it to their files. Each file is an artifact whose `properties.failed` is the
verdict under --fail-on (the JSON output's `failed`); the invocation carries the exit code.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

import orjson

from app import __version__
from app.cli.reporters.base import Reporter
from app.cli.result import DOCUMENT_RULE, FileResult, Tally, fails, shown
from app.core.pointer import split
from app.models import Finding, RuleInfo

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}
INFORMATION_URI = "https://github.com/specgate/specgate"
SRCROOT = "%SRCROOT%"
"""The base of relative artifact URIs: the working directory the run started in (the checkout, in CI)."""


def artifact_location(path: Path | None, root: Path | None = None) -> dict[str, str]:
    """Where a file is, as SARIF says it: relative to %SRCROOT% when inside it, else an absolute file URI."""
    if path is None:
        return {"uri": "stdin"}
    base = Path.cwd() if root is None else root
    absolute = Path(os.path.normpath(path if path.is_absolute() else base / path))
    try:
        relative = absolute.relative_to(base)
    except ValueError:
        return {"uri": absolute.as_uri()}
    # surrogateescape: the bytes of a non-UTF-8 file name are percent-encoded as they are on disk.
    return {"uri": quote(relative.as_posix(), errors="surrogateescape"), "uriBaseId": SRCROOT}


def _descriptor(rule: RuleInfo) -> dict[str, Any]:
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "shortDescription": {"text": rule.summary},
        "defaultConfiguration": {"level": LEVEL[rule.severity], "enabled": rule.checked},
        "properties": {"profile": rule.profile, "scope": rule.scope, "tags": [rule.profile]},
    }
    if rule.reference.startswith(("https://", "http://")):
        descriptor["helpUri"] = rule.reference
    else:
        descriptor["help"] = {"text": f"Source: {rule.reference}"}
    return descriptor


class SarifReporter(Reporter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._rules: dict[str, int] = {}
        self._descriptors: list[dict[str, Any]] = []
        self._profiles: set[str] = set()
        self._results: list[dict[str, Any]] = []
        self._artifacts: list[dict[str, Any]] = []
        self._root = Path.cwd()

    def _register(self, profile: str) -> None:
        """Add a profile's catalog to the driver's rules, once."""
        if profile in self._profiles:
            return
        self._profiles.add(profile)
        for rule in self.options.catalog(profile):
            # Profiles may share an id (runsc and runsc-2018); the first description stands for both.
            if rule.id not in self._rules:
                self._rules[rule.id] = len(self._descriptors)
                self._descriptors.append(_descriptor(rule))

    def _rule_index(self, profile: str, rule_id: str) -> int:
        if rule_id not in self._rules:
            known = DOCUMENT_RULE if rule_id == DOCUMENT_RULE.id else None
            self._rules[rule_id] = len(self._descriptors)
            self._descriptors.append(
                _descriptor(known) if known else {"id": rule_id, "properties": {"profile": profile}}
            )
        return self._rules[rule_id]

    def add(self, result: FileResult) -> None:
        location = artifact_location(result.path, self._root)
        index = len(self._artifacts)
        self._artifacts.append(
            {
                "location": location,
                "properties": {
                    "failed": result.failed(self.options.fail_on),
                    "valid": all(r.valid for r in result.reports),
                },
            }
        )
        for report in result.reports:
            self._register(report.profile)
            for finding in shown(report.findings, self.options.min_severity):
                self._results.append(self._result(result, {**location, "index": index}, report.profile, finding))

    def _result(self, result: FileResult, where: dict[str, Any], profile: str, finding: Finding) -> dict[str, Any]:
        physical: dict[str, Any] = {"artifactLocation": where}
        position = result.location(finding)
        if position is not None:
            physical["region"] = {"startLine": position[0], "startColumn": position[1]}
        tokens = split(finding.path) if finding.path.startswith("/") else []
        logical = {
            "name": tokens[-1] if tokens else "",
            "fullyQualifiedName": finding.path,
            "kind": "value",
        }
        return {
            "ruleId": finding.rule,
            "ruleIndex": self._rule_index(profile, finding.rule),
            "level": LEVEL[finding.severity],
            "message": {"text": finding.message},
            "locations": [{"physicalLocation": physical, "logicalLocations": [logical]}],
            "properties": {
                "profile": profile,
                "pointer": finding.path,
                "failsRun": fails(finding, self.options.fail_on),
            },
        }

    def finish(self, tally: Tally) -> None:
        log = {
            "$schema": SCHEMA,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "specgate",
                            "version": __version__,
                            "semanticVersion": __version__,
                            "informationUri": INFORMATION_URI,
                            "rules": self._descriptors,
                        }
                    },
                    "invocations": [self._invocation(tally)],
                    "originalUriBaseIds": {SRCROOT: {"uri": self._root.as_uri().rstrip("/") + "/"}},
                    "artifacts": self._artifacts,
                    "columnKind": "unicodeCodePoints",
                    "results": self._results,
                    "properties": {"failOn": self.options.fail_on, "minSeverity": self.options.min_severity},
                }
            ],
        }
        # orjson: json.dumps with indent runs in pure Python, seconds for thousands of results.
        self.out.write(orjson.dumps(log, option=orjson.OPT_INDENT_2).decode("utf-8") + "\n")

    def _invocation(self, tally: Tally) -> dict[str, Any]:
        """The run's outcome: its exit code, and a notification for each file that was not judged."""
        notes = [
            {"level": "error", "message": {"text": f"{name}: {why}"}}
            for names, why in ((tally.unreadable, "cannot be read"), (tally.not_judged, "not judged by the service"))
            for name in names
        ]
        invocation: dict[str, Any] = {
            "executionSuccessful": not notes,
            "exitCode": tally.exit_code(),
            "properties": {"files": tally.files, "failedFiles": tally.invalid},
        }
        if notes:
            invocation["toolExecutionNotifications"] = notes
        return invocation

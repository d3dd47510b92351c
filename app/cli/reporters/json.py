"""Machine output: the report the API returns, plus the file it is about; one JSON object per line.

Beside the API's `valid` (no error finding), `failed` says whether the file fails the run under
--fail-on, so `jq 'select(.failed)'` picks exactly the files that make the exit status 1.
"""

from __future__ import annotations

import json

from app.cli.reporters.base import Reporter
from app.cli.result import FileResult, Tally, failed, shown


class JsonReporter(Reporter):
    def add(self, result: FileResult) -> None:
        for report in result.reports:
            body = report.model_dump(mode="json")
            if self.options.min_severity != "info":
                body["findings"] = [
                    f.model_dump(mode="json") for f in shown(report.findings, self.options.min_severity)
                ]
            line = {"file": result.name, "valid": body.pop("valid"), "failed": failed(report, self.options.fail_on)}
            line.update(body)
            self.out.write(json.dumps(line, ensure_ascii=False) + "\n")

    def finish(self, tally: Tally) -> None:
        """Nothing closes a stream of lines; the summary goes to stderr."""

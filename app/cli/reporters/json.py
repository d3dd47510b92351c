"""Machine output: the report the API returns, plus the file it is about; one JSON object per line."""

from __future__ import annotations

import json

from app.cli.reporters.base import Reporter
from app.cli.result import FileResult, Tally


class JsonReporter(Reporter):
    def add(self, result: FileResult) -> None:
        for report in result.reports:
            line = {"file": result.name, **report.model_dump(mode="json")}
            self.out.write(json.dumps(line, ensure_ascii=False) + "\n")

    def finish(self, tally: Tally) -> None:
        """Nothing closes a stream of lines; the summary goes to stderr."""

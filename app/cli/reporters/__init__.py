"""Output formats of `specgate validate`, by name."""

from __future__ import annotations

from app.cli.reporters.base import Reporter, ReportOptions
from app.cli.reporters.json import JsonReporter
from app.cli.reporters.junit import JunitReporter
from app.cli.reporters.sarif import SarifReporter
from app.cli.reporters.text import TextReporter

REPORTER_BY_NAME: dict[str, type[Reporter]] = {
    "text": TextReporter,
    "json": JsonReporter,
    "sarif": SarifReporter,
    "junit": JunitReporter,
}

__all__ = [
    "JsonReporter",
    "JunitReporter",
    "Reporter",
    "REPORTER_BY_NAME",
    "ReportOptions",
    "SarifReporter",
    "TextReporter",
]

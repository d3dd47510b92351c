"""JSON logs: one object per line, for the access log, the app's own messages and uvicorn's.

`logging_config(level)` is a `logging.config.dictConfig` dictionary that `specgate serve` hands to
uvicorn (so every worker process applies it); under a bare `uvicorn app.main:app` the app applies it
at startup when nobody configured logging. uvicorn's own access log is silenced: specgate writes a
richer line per request itself (logger `specgate.access`).

Nothing here logs a request body, a header value or a token: the access log takes its fields from
`extra={"fields": {...}}`, filled by app/api/observe.py with the route, status, timings and ids only.
"""

from __future__ import annotations

import logging
import logging.config
from datetime import UTC, datetime
from typing import Any

import orjson

__all__ = ["JsonFormatter", "configure_if_unset", "logging_config"]

LEVELS = ("critical", "error", "warning", "info", "debug")


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object: time, level, logger, message, the record's `fields`, a traceback."""

    _second = -1
    _stamp = ""

    def _time(self, created: float) -> str:
        # One datetime per second of log lines, not per line: the access log writes one per request.
        second = int(created)
        if second != self._second:
            self._stamp = datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%S")
            self._second = second
        return f"{self._stamp}.{int((created - second) * 1000):03d}Z"

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self._time(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = record.__dict__.get("fields")
        if isinstance(fields, dict):
            entry.update(fields)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return orjson.dumps(entry, default=str).decode()


def logging_config(level: str = "info") -> dict[str, Any]:
    """The dictConfig of the service: everything as JSON on stderr at `level`; uvicorn's access log off."""
    name = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"json": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
        "root": {"handlers": ["json"], "level": name},
        "loggers": {
            "uvicorn": {"handlers": [], "propagate": True, "level": name},
            "uvicorn.error": {"handlers": [], "propagate": True, "level": name},
            "uvicorn.access": {"handlers": [], "propagate": False, "level": "WARNING"},
            "specgate": {"handlers": [], "propagate": True, "level": name},
        },
    }


def configure_if_unset(level: str) -> bool:
    """Apply `logging_config(level)` unless the root logger already has a handler (a test runner, a host app)."""
    if logging.getLogger().handlers:
        logging.getLogger("specgate").setLevel(level.upper())
        return False
    logging.config.dictConfig(logging_config(level))
    return True

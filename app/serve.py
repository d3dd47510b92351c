"""Run uvicorn for `specgate serve`: JSON logs, several workers with one set of metrics, clean shutdown.

- Logging is `app.logs.logging_config`, applied by uvicorn in every process; uvicorn's access log is off
  (the app writes its own line per request).
- With several workers, prometheus-client's multiprocess mode needs a directory shared by the workers
  and emptied at start: PROMETHEUS_MULTIPROC_DIR when the operator set it (its *.db files are removed),
  else a private temporary directory removed at exit. It is exported before any worker starts.
- On SIGTERM uvicorn's supervisor signals the workers and waits for them; here it also closes its own
  copy of the listening socket, so that once the workers stop listening (after the grace period of
  app.lifecycle) new connections are refused instead of waiting in a backlog nobody accepts from.
"""

from __future__ import annotations

import importlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn
from uvicorn.supervisors import Multiprocess

from app.logs import logging_config

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
"""Read by prometheus-client when app.metrics is imported; not imported here, so this process records nothing."""

__all__ = ["multiprocess_metrics", "run"]


class _Supervisor(Multiprocess):
    """uvicorn's worker supervisor that lets go of the listening socket when it stops the workers."""

    def terminate_all(self) -> None:
        super().terminate_all()
        for sock in self.sockets:
            sock.close()


@contextmanager
def multiprocess_metrics() -> Iterator[Path]:
    """A fresh directory for the workers' metrics, exported as PROMETHEUS_MULTIPROC_DIR for the workers."""
    given = os.environ.get(MULTIPROCESS_ENV)
    if given:
        directory = Path(given)
        directory.mkdir(parents=True, exist_ok=True)
        for stale in directory.glob("*.db"):  # values of an earlier run would be added to this one's
            stale.unlink()
        yield directory
        return
    directory = Path(tempfile.mkdtemp(prefix="specgate-metrics-"))
    os.environ[MULTIPROCESS_ENV] = str(directory)
    try:
        yield directory
    finally:
        os.environ.pop(MULTIPROCESS_ENV, None)
        shutil.rmtree(directory, ignore_errors=True)


def run(*, host: str, port: int, workers: int, reload: bool, log_level: str, **options: Any) -> None:
    """Serve app.main:app with `uvicorn.run`, with the additions above."""
    config_options: dict[str, Any] = {
        "host": host,
        "port": port,
        "workers": workers,
        "reload": reload,
        "log_level": log_level,
        "log_config": logging_config(log_level),
        "access_log": False,
        **options,
    }
    if reload or workers == 1:
        uvicorn.run("app.main:app", **config_options)
        return
    with multiprocess_metrics():
        # uvicorn.run builds its supervisor from this module-level name; this process is the only user of it.
        # (`import uvicorn.main` would give the function uvicorn.main, which shadows the module.)
        uvicorn_main = importlib.import_module("uvicorn.main")
        uvicorn_main.Multiprocess = _Supervisor  # type: ignore[attr-defined]
        uvicorn.run("app.main:app", **config_options)

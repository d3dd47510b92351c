"""Assemble what a command runs with: the backend, the sources, the reporter."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import TextIO

import click

from app.cli.backend import Backend, LocalBackend, RemoteBackend
from app.cli.errors import ServiceProblem, UsageProblem
from app.cli.reporters import REPORTER_BY_NAME, Reporter, ReportOptions
from app.cli.result import FailOn
from app.models import RuleInfo


def build_backend(server: str | None, *, timeout: float, token: str | None) -> Backend:
    """The core library in-process, or the service at `server` through the client package."""
    if server is None:
        return LocalBackend()
    try:
        import specgate_client
    except ImportError:  # pragma: no cover - the client ships beside the CLI; this guards a partial install
        raise click.UsageError("--server needs the specgate-client package: pip install specgate-client") from None
    client = specgate_client.Client(base_url=server, timeout=timeout, token=token)
    return RemoteBackend(client)


def build_catalog(backend: Backend) -> Callable[[str], list[RuleInfo]]:
    """The rules of a profile, asked for once per profile however many files are reported."""

    @functools.cache
    def catalog(profile: str) -> list[RuleInfo]:
        try:
            return backend.rules(profile=profile).rules
        except (UsageProblem, ServiceProblem):
            return []

    return catalog


def use_color(out: TextIO, choice: bool | None) -> bool:
    """Color on a terminal, unless asked otherwise (or NO_COLOR is set, https://no-color.org)."""
    if choice is not None:
        return choice
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(out, "isatty", None)
    return callable(isatty) and bool(isatty())


def build_reporter(
    name: str,
    out: TextIO,
    *,
    backend: Backend,
    fail_on: FailOn,
    color: bool | None,
    quiet: bool,
    bundle: bool,
) -> Reporter:
    """The reporter for an output format named on the command line."""
    options = ReportOptions(
        fail_on=fail_on,
        color=use_color(out, color),
        quiet=quiet,
        bundle=bundle,
        catalog=build_catalog(backend),
    )
    return REPORTER_BY_NAME[name](out, options)

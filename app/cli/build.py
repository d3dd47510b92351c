"""Assemble what a command runs with: the backend, the sources, the reporter."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import TextIO

import click

from app.cli.backend import Backend, LocalBackend, RemoteBackend
from app.cli.errors import CommandError, ServiceProblem, UsageProblem
from app.cli.reporters import REPORTER_BY_NAME, Reporter, ReportOptions
from app.cli.result import FailOn
from app.models import RuleInfo, Severity


def build_backend(server: str | None, *, timeout: float, token: str | None) -> Backend:
    """The core library in-process, or the service at `server` through the client package."""
    if server is None:
        return LocalBackend()
    try:
        import specgate_client
    except ImportError:  # pragma: no cover - the main distribution ships the client; this guards a broken install
        raise click.UsageError(
            "--server needs the specgate_client package, which `pip install .` of this project installs; "
            "reinstall specgate, or drop --server to judge in-process"
        ) from None
    url = service_url(server)
    client = specgate_client.Client(base_url=url, timeout=timeout, token=token)
    try:
        client.health()
    except specgate_client.SpecgateError as exc:
        client.close()
        what = "answered" if isinstance(exc, specgate_client.APIError) else "cannot be reached"
        raise CommandError(
            f"the specgate service at {url} {what} ({exc}); is the service running at that address? "
            "Drop --server to judge in-process"
        ) from exc
    return RemoteBackend(client)


def service_url(server: str) -> str:
    """The --server URL, refused up front when it lacks a scheme or a host (httpx would fail file by file)."""
    scheme, separator, rest = server.partition("://")
    if not separator or scheme.lower() not in ("http", "https") or not rest.strip("/"):
        hint = f"http://{server}" if not separator else "http://HOST:PORT"
        raise click.BadParameter(
            f"{server!r} is not an http:// or https:// URL; write it with its scheme, e.g. {hint}",
            param_hint="--server",
        )
    return server


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
    min_severity: Severity = "info",
    group: bool = False,
    junit_cases: str = "file",
) -> Reporter:
    """The reporter for an output format named on the command line."""
    options = ReportOptions(
        fail_on=fail_on,
        min_severity=min_severity,
        color=use_color(out, color),
        quiet=quiet,
        group=group,
        junit_cases=junit_cases,
        bundle=bundle,
        catalog=build_catalog(backend),
    )
    return REPORTER_BY_NAME[name](out, options)

"""Options several commands share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from app.core import profile_names

F = TypeVar("F", bound=Callable[..., Any])

PROFILES = profile_names()


def server_options(func: F) -> F:
    """--server, --timeout and --token: where a remote run goes (in-process without --server)."""
    func = click.option(
        "--token", envvar="SPECGATE_TOKEN", default=None, help="Bearer token for the service (env SPECGATE_TOKEN)."
    )(func)
    func = click.option(
        "--timeout", type=click.FloatRange(min=0.1), default=5.0, show_default=True, help="Seconds per request."
    )(func)
    func = click.option(
        "--server",
        metavar="URL",
        envvar="SPECGATE_SERVER",
        default=None,
        help="Judge on a specgate service (e.g. http://127.0.0.1:8080) instead of in-process. Env SPECGATE_SERVER.",
    )(func)
    return func


def profile_option(*, multiple: bool = False) -> Callable[[F], F]:
    return click.option(
        "--profile",
        "-p",
        "profiles" if multiple else "profile",
        type=click.Choice(PROFILES),
        multiple=multiple,
        default=("runsc",) if multiple else "runsc",
        show_default=True,
        help="Rule set to judge with"
        + (" (repeat for several; one report per file and profile)." if multiple else "."),
    )

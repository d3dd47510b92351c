"""Options several commands share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from app.core import PolicyError, profile_names, read_policy_file
from app.core.features import FeaturesError, read_features_file, register_features
from app.core.policy_file import Policy

F = TypeVar("F", bound=Callable[..., Any])

PROFILES = profile_names()
"""The profiles known before any --features file is read (the built-in ones and the shipped features documents)."""


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


def _known_profiles(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    # Checked here rather than with click.Choice: `--features FILE` (eager) adds `features:<stem>` profiles first.
    known = profile_names()
    for name in value if isinstance(value, tuple) else (value,):
        if name is not None and name not in known:
            raise click.BadParameter(f"{name!r} is not one of {', '.join(map(repr, known))}", ctx, param)
    return value


def _register_features(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
    try:
        return tuple(register_features([read_features_file(path) for path in value]))
    except FeaturesError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None


def _read_policy(ctx: click.Context, param: click.Parameter, value: str | None) -> Policy | None:
    if value is None:
        return None
    try:
        return read_policy_file(value)
    except PolicyError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None


def features_option(func: F) -> F:
    """--features FILE: a runtime features document (`runc features` output) as profile `features:<file stem>`."""
    return click.option(
        "--features",
        "features",
        multiple=True,
        metavar="FILE",
        is_eager=True,
        expose_value=False,
        callback=_register_features,
        help="A runtime features document (`runc features > runc.json`), judged with as profile features:<file stem>;"
        " repeat for several.",
    )(func)


def policy_option(func: F) -> F:
    """--policy FILE: a policy file (rule id -> off or a new severity), applied to every report."""
    return click.option(
        "--policy",
        metavar="FILE",
        envvar="SPECGATE_POLICY",
        callback=_read_policy,
        help="Policy file (TOML or YAML) turning rules off or changing their severity (env SPECGATE_POLICY).",
    )(func)


def profile_option(*, multiple: bool = False) -> Callable[[F], F]:
    return click.option(
        "--profile",
        "-p",
        "profiles" if multiple else "profile",
        callback=_known_profiles,
        metavar="PROFILE",
        multiple=multiple,
        default=("runsc",) if multiple else "runsc",
        show_default=True,
        help=f"Rule set to judge with: {', '.join(PROFILES)}, or features:<stem> of a --features file"
        + (" (repeat for several; one report per file and profile)." if multiple else "."),
    )

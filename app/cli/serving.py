"""What `specgate serve` needs besides uvicorn itself: its TLS options and the Settings they build."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:  # loaded by `serve` only: the other commands start without them
    from app.config import Settings

F = TypeVar("F", bound=Callable[..., Any])

_FILE = click.Path(dir_okay=False, path_type=str)


def tls_options(func: F) -> F:
    """--tls-cert, --tls-key, --tls-client-ca: HTTPS and mutual TLS (each also from its SPECGATE_TLS_* variable)."""
    func = click.option(
        "--tls-client-ca",
        type=_FILE,
        default=None,
        metavar="FILE",
        help="PEM CA bundle: require client certificates signed by it (mutual TLS). Env SPECGATE_TLS_CLIENT_CA.",
    )(func)
    func = click.option(
        "--tls-key",
        type=_FILE,
        default=None,
        metavar="FILE",
        help="PEM private key of --tls-cert. Env SPECGATE_TLS_KEY.",
    )(func)
    func = click.option(
        "--tls-cert",
        type=_FILE,
        default=None,
        metavar="FILE",
        help="PEM certificate chain (leaf first): serve HTTPS. A renewed pair is picked up without a restart. "
        "Env SPECGATE_TLS_CERT.",
    )(func)
    return func


def serve_settings(**given: object) -> Settings:
    """Settings from SPECGATE_* variables, with the options given on the command line taking precedence.

    The given values are also exported as SPECGATE_* variables, so that the application and every worker
    process (which import `app.main` and read the environment) see the same settings as the server.
    """
    from pydantic import ValidationError

    from app.config import Settings

    chosen = {name: value for name, value in given.items() if value is not None}
    try:
        settings = Settings(**chosen)  # type: ignore[arg-type]  # validated by pydantic
    except ValidationError as exc:
        problems = "; ".join(error["msg"].removeprefix("Value error, ") for error in exc.errors())
        raise click.UsageError(problems) from None
    for name, value in chosen.items():
        os.environ[f"SPECGATE_{name.upper()}"] = str(value)
    return settings


def check_profile_files(settings: Settings) -> None:
    """Read the features documents and the policy file once before uvicorn starts, so that a bad file ends `serve`
    with one line naming it (and the pointer or the closest rule id) instead of a traceback in every worker."""
    from app.core import PolicyError, read_policy_file
    from app.core.features import FeaturesError, read_features_dir, register_features

    try:
        if settings.features_dir:
            register_features(read_features_dir(settings.features_dir))
        if settings.policy:
            read_policy_file(settings.policy)
    except (FeaturesError, PolicyError) as exc:
        raise click.UsageError(str(exc)) from None


def tls_server_options(settings: Settings) -> dict[str, Any]:
    """uvicorn.Config keyword arguments that serve HTTPS as `settings` say; empty for plain HTTP.

    The files are loaded once here, so a missing file or a key that does not match ends `serve` with a message
    that names it, before uvicorn starts.
    """
    from app.tls import ServerTLS, TLSError, TLSFiles, server_context

    if settings.tls_cert is None or settings.tls_key is None:
        return {}
    files = TLSFiles(settings.tls_cert, settings.tls_key, settings.tls_client_ca)
    try:
        server_context(files)
    except TLSError as exc:
        raise click.UsageError(f"cannot serve HTTPS: {exc}") from None
    # Each server process calls the factory when it starts: it builds the context and the watcher that renews it.
    return {"ssl_context_factory": ServerTLS(files, settings.tls_reload_seconds)}

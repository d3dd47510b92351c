"""The `specgate` command: validate, kube, normalize, capabilities, classify-mounts, rules, serve."""

from __future__ import annotations

import os
import traceback
from collections.abc import Sequence

import click

from app.cli.main_command import specgate

__all__ = ["main", "specgate"]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script: run the command and return its exit status.

    0 all valid, 1 at least one invalid, 2 usage or I/O error (or a bug: nothing ends in a traceback).
    """
    try:
        result = specgate.main(
            args=list(argv) if argv is not None else None, prog_name="specgate", standalone_mode=False
        )
    except click.ClickException as exc:
        exc.show()
        return 2
    except click.Abort:
        click.echo("Aborted!", err=True)
        return 130
    except OSError as exc:
        # Reading is handled where it happens; this is writing the output (a full disk, a closed terminal).
        click.echo(f"Error: {exc.strerror or exc}{f': {exc.filename}' if exc.filename else ''}", err=True)
        return 2
    except Exception as exc:
        # A pipeline reads exit 2 as "could not judge"; the traceback is for whoever reports the bug.
        click.echo(
            f"Error: specgate failed: {type(exc).__name__}: {exc}; this is a bug, please report it "
            "(SPECGATE_DEBUG=1 prints the traceback)",
            err=True,
        )
        if os.environ.get("SPECGATE_DEBUG"):
            click.echo("".join(traceback.format_exception(exc)), err=True)
        return 2
    return result if isinstance(result, int) else 0

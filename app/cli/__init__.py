"""The `specgate` command: validate, normalize, capabilities, classify-mounts, rules, serve."""

from __future__ import annotations

from collections.abc import Sequence

import click

from app.cli.main_command import specgate

__all__ = ["main", "specgate"]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script: run the command and return its exit status.

    0 all valid, 1 at least one invalid, 2 usage or I/O error.
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
    return result if isinstance(result, int) else 0

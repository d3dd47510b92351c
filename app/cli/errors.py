"""The CLI's own failure: a problem that is not about the documents (I/O, the service) ends the run with exit 2."""

from __future__ import annotations

import click


class CommandError(click.ClickException):
    """A file cannot be read, or the service failed: exit 2, like a usage error."""

    exit_code = 2

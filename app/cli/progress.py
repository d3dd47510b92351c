"""A progress bar on stderr for long batches, and nothing otherwise."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator, Sequence
from typing import TypeVar

import click

T = TypeVar("T")

THRESHOLD = 50
"""Below this many files a run takes well under a second: a bar would only flicker."""


def wanted(count: int, *, stream: object = None) -> bool:
    """A bar is drawn when stderr is a terminal and the run is long."""
    target = sys.stderr if stream is None else stream
    isatty = getattr(target, "isatty", None)
    return count > THRESHOLD and callable(isatty) and bool(isatty())


@contextlib.contextmanager
def progress(items: Sequence[T], *, enabled: bool, label: str = "validating") -> Iterator[Iterator[T]]:
    """Iterate over items, drawing a bar on stderr when enabled."""
    if not enabled:
        yield iter(items)
        return
    with click.progressbar(items, label=label, file=sys.stderr, show_pos=True, show_eta=True) as bar:
        yield iter(bar)

"""Progress of a long run on stderr: a bar on a terminal, a plain line every few seconds elsewhere.

A CI log is not a terminal, and a run over thousands of files that prints nothing for minutes
looks hung; so off a terminal a line like `specgate: 120/200 files judged (60%), 14 s, about
9 s left` is written every INTERVAL seconds. A short run (done before the first interval) prints
nothing, so the output of quick runs stays exactly the report.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Literal, TextIO, TypeVar

import click

T = TypeVar("T")

THRESHOLD = 50
"""Below this many files a run takes well under a second: a bar would only flicker."""

INTERVAL = 5.0
"""Seconds between two progress lines off a terminal."""

Mode = Literal["bar", "lines", "off"]


def wanted(count: int, *, stream: object = None) -> bool:
    """A bar is drawn when stderr is a terminal and the run is long."""
    return choose(count, stream=stream) == "bar"


def choose(count: int, *, stream: object = None, enabled: bool | None = None) -> Mode:
    """How to show progress: a bar for a long run on a terminal, timed lines elsewhere, none when told so."""
    if enabled is False:
        return "off"
    target = sys.stderr if stream is None else stream
    isatty = getattr(target, "isatty", None)
    if callable(isatty) and bool(isatty()):
        return "bar" if count > THRESHOLD else "off"
    return "lines"


@contextlib.contextmanager
def progress(
    items: Sequence[T],
    *,
    enabled: bool | Mode,
    label: str = "validating",
    stream: TextIO | None = None,
    clock: Callable[[], float] = time.monotonic,
    interval: float = INTERVAL,
) -> Iterator[Iterator[T]]:
    """Iterate over items, showing progress on stderr as `enabled` says (True means a bar)."""
    mode: Mode = "bar" if enabled is True else "off" if enabled is False else enabled
    out = sys.stderr if stream is None else stream
    if mode == "off":
        yield iter(items)
    elif mode == "bar":
        with click.progressbar(items, label=label, file=out, show_pos=True, show_eta=True) as bar:
            yield iter(bar)
    else:
        yield _lines(items, out, clock, interval)


def _lines(items: Sequence[T], out: TextIO, clock: Callable[[], float], interval: float) -> Iterator[T]:
    total = len(items)
    started = clock()
    due = started + interval
    for done, item in enumerate(items):
        now = clock()
        if now >= due:
            due = now + interval
            spent = now - started
            left = spent / done * (total - done) if done else 0.0
            out.write(
                f"specgate: {done}/{total} files judged ({done * 100 // max(total, 1)}%), "
                f"{spent:.0f} s, about {left:.0f} s left\n"
            )
            out.flush()
        yield item

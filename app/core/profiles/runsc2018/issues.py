"""A finding of the runsc-2018 checks before it is placed in the submitted document."""

from __future__ import annotations

from typing import NamedTuple


class Issue(NamedTuple):
    """Rule id, pointer into the spec as Go decoded it (canonical member names), and message."""

    rule: str
    path: str
    message: str

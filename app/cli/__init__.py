"""The `specgate` command (placeholder until the CLI lands)."""

from __future__ import annotations


def main() -> int:
    """Entry point of the console script."""
    return 0

"""Which files a run reads: named files, config.json files found under directories, and stdin."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

STDIN = "-"
CONFIG_NAME = "config.json"


@dataclass(frozen=True, slots=True)
class Source:
    """One document to judge."""

    name: str
    """How reports name it: the path as found (joined onto the directory given), or `<stdin>`."""
    path: Path | None
    """None for standard input."""

    def read(self) -> bytes:
        """The raw bytes (OSError when the file cannot be read)."""
        if self.path is None:
            return sys.stdin.buffer.read()
        return self.path.read_bytes()

    @property
    def directory(self) -> str | None:
        """The absolute directory the file is in: its bundle, when it is a bundle's config.json."""
        return None if self.path is None else str(self.path.resolve().parent)


def discover(arguments: Iterable[str], pattern: str | None = None) -> tuple[list[Source], list[str]]:
    """The sources named by the command line, and the arguments that name nothing.

    A directory is searched recursively for files named `pattern` (default config.json, the name a
    bundle gives its spec); a directory that holds no config.json at all, such as a corpus of specs
    under other names, is searched for every `*.json` instead. Files are taken as named, whatever
    their name. Results are sorted so that every run reports in the same order.
    """
    sources: list[Source] = []
    missing: list[str] = []
    seen: set[str] = set()
    for argument in arguments:
        if argument == STDIN:
            if STDIN not in seen:
                sources.append(Source("<stdin>", None))
                seen.add(STDIN)
            continue
        path = Path(argument)
        if path.is_dir():
            found = _search(path, pattern)
        elif path.exists():
            found = [path]
        else:
            missing.append(argument)
            continue
        for file in found:
            key = str(file)
            if key not in seen:
                seen.add(key)
                sources.append(Source(key, file))
    return sources, missing


def _search(directory: Path, pattern: str | None) -> list[Path]:
    found = sorted(p for p in directory.rglob(pattern or CONFIG_NAME) if p.is_file())
    if not found and pattern is None:
        found = sorted(p for p in directory.rglob("*.json") if p.is_file())
    return found

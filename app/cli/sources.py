"""Which files a run reads: named files, config.json files found under directories, and stdin."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePath

STDIN = "-"
CONFIG_NAME = "config.json"


def display(name: str) -> str:
    """A file name that can be printed in UTF-8: undecodable bytes of the name are shown as \\xNN."""
    # Python hands non-UTF-8 bytes of file names over as lone surrogates, which no UTF-8 stream accepts.
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


@dataclass(frozen=True, slots=True)
class Source:
    """One document to judge."""

    name: str
    """How reports name it: the path as found (joined onto the directory given), or `<stdin>`; printable."""
    path: Path | None
    """None for standard input."""

    def read(self) -> bytes:
        """The raw bytes (OSError when the file cannot be read)."""
        if self.path is None:
            return sys.stdin.buffer.read()
        return self.path.read_bytes()


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A command-line argument, or a directory under one, that could not be read."""

    name: str
    reason: str


def discover(arguments: Iterable[str], pattern: str | None = None) -> tuple[list[Source], list[Unreadable]]:
    """The sources named by the command line, and what could not be read while finding them.

    A directory is searched recursively for files named `pattern` (default config.json, the name a
    bundle gives its spec); a directory that holds no config.json at all, such as a corpus of specs
    under other names, is searched for every `*.json` instead. Files are taken as named, whatever
    their name (a FIFO too: `<(generate-spec)`). Symbolic links to directories are not followed, so
    a link loop cannot make the search endless. Results are sorted so that every run reports in the
    same order.
    """
    sources: list[Source] = []
    unreadable: list[Unreadable] = []
    seen: set[str] = set()
    for argument in arguments:
        if argument == STDIN:
            if STDIN not in seen:
                sources.append(Source("<stdin>", None))
                seen.add(STDIN)
            continue
        path = Path(argument)
        try:
            mode = path.stat().st_mode
        except OSError as exc:  # missing, a dangling link, a link loop, a directory on the way not searchable
            unreadable.append(Unreadable(display(argument), exc.strerror or str(exc)))
            continue
        found = _search(path, pattern, unreadable) if stat.S_ISDIR(mode) else [path]
        for file in found:
            key = str(file)
            if key not in seen:
                seen.add(key)
                sources.append(Source(display(key), file))
    return sources, unreadable


def empty_directories(arguments: Iterable[str], sources: list[Source]) -> list[str]:
    """The directory arguments under which no file was found to validate."""
    found = [s.path for s in sources if s.path is not None]
    return [
        argument
        for argument in arguments
        if argument != STDIN and os.path.isdir(argument) and not any(p.is_relative_to(argument) for p in found)
    ]


def nothing_found(directory: str, pattern: str | None) -> str:
    """What was searched under a directory that gave no file, and how to search for something else."""
    where = f"under {display(directory)} (searched recursively; symbolic links to directories are not followed)"
    if pattern is not None:
        return f"no file matching --pattern {pattern!r} {where}; check the pattern, e.g. --pattern '*.json'"
    return f"no {CONFIG_NAME} and no *.json file {where}; name other files with --pattern, e.g. --pattern '*.spec'"


def _search(directory: Path, pattern: str | None, unreadable: list[Unreadable]) -> list[Path]:
    def refused(exc: OSError) -> None:
        # A directory that cannot be listed may hold specs: skipping it silently would pass a run that checked less.
        unreadable.append(Unreadable(display(str(exc.filename or directory)), exc.strerror or str(exc)))

    files = [
        Path(root, name)
        for root, _, names in os.walk(directory, onerror=refused)
        for name in names
        if _is_file(Path(root, name))
    ]
    found = sorted(p for p in files if PurePath(p.relative_to(directory)).match(pattern or CONFIG_NAME))
    if not found and pattern is None:
        found = sorted(p for p in files if p.match("*.json"))
    return found


def _is_file(path: Path) -> bool:
    # A directory search takes regular files only: a FIFO found there would block the run.
    try:
        return path.is_file()
    except OSError:
        return False

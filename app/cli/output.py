"""Where a report goes: stdout, or a file that appears whole or not at all."""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO


@contextlib.contextmanager
def report_output(path: str | None) -> Iterator[TextIO]:
    """A text stream for the report: stdout for None or '-', else a file written atomically.

    The report is written to a temporary file beside the target and renamed over it only when the
    run ends normally, so an interrupted run (Ctrl-C, a crash, a full disk) leaves the previous file
    as it was, never an empty or half-written one that a pipeline would pick up. A target that is
    not a regular file (/dev/stdout, a FIFO) is written directly: it cannot be replaced; so is a file in a
    directory where no new file can be created. A symbolic link is followed: its target is replaced.

    Raises:
        OSError: the file cannot be created (the directory is missing or not writable).
    """
    if path is None or path == "-":
        yield sys.stdout
        return
    target = Path(os.path.realpath(path))  # a symbolic link keeps pointing at the report: replace its target
    try:
        special = not stat.S_ISREG(target.stat().st_mode)
    except FileNotFoundError:
        special = False
    if not special:
        try:
            fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        except PermissionError:
            # The directory takes no new file, but the report itself may be writable: write it in place.
            if not target.exists():
                raise
            special = True
    if special:
        with open(target, "w", encoding="utf-8") as stream:
            yield stream
        return
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        _set_mode(temporary, target)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _set_mode(temporary: str, target: Path) -> None:
    """The mode the file would have had if written in place: the old file's, or 0666 less the umask."""
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(temporary, mode)

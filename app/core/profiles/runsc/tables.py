"""gVisor's own tables, shipped as data (data/gvisor_tables.json, made by tools/extract_gvisor_tables.py).

- The syscall tables runsc's OCI seccomp support searches (seccomp.lookupSyscallNo: linux.AMD64 or
  linux.ARM64, whichever is native), from pkg/sentry/syscalls/linux/linux64.go.
- The CPU feature names dev.gvisor.internal.cpufeatures may list (cpuid.FeatureFromString), per architecture.
- Every Linux syscall name of any architecture (libseccomp's syscalls.csv), to tell a syscall runsc skips from a typo.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

ARCHES = ("amd64", "arm64")


@dataclass(frozen=True, slots=True)
class Tables:
    commit: str
    syscalls: dict[str, frozenset[str]]
    """arch -> syscall names of gVisor's table for it."""
    linux_syscalls: frozenset[str]
    cpufeatures: dict[str, frozenset[str]]
    """arch -> CPU feature names cpuid.FeatureFromString knows there."""


@cache
def tables() -> Tables:
    """The tables, read once per process."""
    data = json.loads(files("app.core.profiles.runsc").joinpath("data", "gvisor_tables.json").read_bytes())
    return Tables(
        commit=data["gvisor"]["commit"],
        syscalls={arch: frozenset(data["syscalls"][arch]) for arch in ARCHES},
        linux_syscalls=frozenset(data["linux_syscalls"]["names"]),
        cpufeatures={arch: frozenset(data["cpufeatures"][arch]) for arch in ARCHES},
    )

"""Regenerate app/core/profiles/runsc/data/gvisor_tables.json from local git snapshots.

    python tools/extract_gvisor_tables.py GVISOR_GIT_DIR LIBSECCOMP_GIT_DIR

GVISOR_GIT_DIR is a clone of https://github.com/google/gvisor, LIBSECCOMP_GIT_DIR one of
https://github.com/seccomp/libseccomp; both are read at HEAD with `git show` (no work tree needed).
The output is what runsc itself consults: the syscall tables seccomp.lookupSyscallNo searches
(pkg/sentry/syscalls/linux/linux64.go, AMD64 and ARM64) and the CPU feature names
cpuid.FeatureFromString knows (pkg/cpuid/features_{amd64,arm64}.go). libseccomp's syscalls.csv only
tells a real Linux syscall of another architecture (runsc ignores it) from a typo.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "app" / "core" / "profiles" / "runsc" / "data" / "gvisor_tables.json"


def git(repo: str, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", repo, *args], check=True, capture_output=True, text=True).stdout


def table(source: str, name: str) -> dict[str, int]:
    """Name -> number of every entry of `var <name> = &kernel.SyscallTable{... Table: map[uintptr]kernel.Syscall{`."""
    start = source.index(f"var {name} = &kernel.SyscallTable{{")
    body = source[source.index("Table: map[uintptr]kernel.Syscall{", start) :]
    body = body[: body.index("\n\t},")]
    found = {m[2]: int(m[1]) for m in re.finditer(r'^\s*(\d+):\s*syscalls\.\w+\("([^"]+)"', body, re.M)}
    entries = len(re.findall(r"^\s*\d+:", body, re.M))
    if entries != len(found):
        raise SystemExit(f"{name}: {entries} entries but {len(found)} names parsed")
    return dict(sorted(found.items()))


def features(source: str) -> list[str]:
    body = source[source.index("var allFeatures = map[Feature]allFeatureInfo{") :]
    body = body[: body.index("\n}")]
    return sorted({m[1] for m in re.finditer(r'\{"([^"]+)",\s*(?:true|false)\}', body)})


def main() -> None:
    gvisor, libseccomp = sys.argv[1:3]
    commit = git(gvisor, "rev-parse", "HEAD").strip()
    date = git(gvisor, "log", "-1", "--format=%cI").strip()
    linux64 = git(gvisor, "show", "HEAD:pkg/sentry/syscalls/linux/linux64.go")
    csv_commit = git(libseccomp, "rev-parse", "HEAD").strip()
    csv = git(libseccomp, "show", "HEAD:src/syscalls.csv")
    linux = sorted(line.split(",", 1)[0] for line in csv.splitlines() if line and not line.startswith("#"))
    data = {
        "gvisor": {"repository": "https://github.com/google/gvisor", "commit": commit, "date": date},
        "syscalls": {
            "source": "pkg/sentry/syscalls/linux/linux64.go (AMD64, ARM64); searched by "
            "runsc/specutils/seccomp/seccomp.go lookupSyscallNo via kernel.SyscallTable.LookupNo",
            "amd64": table(linux64, "AMD64"),
            "arm64": table(linux64, "ARM64"),
        },
        "cpufeatures": {
            "source": "pkg/cpuid/features_amd64.go, features_arm64.go allFeatures display names; read by "
            "cpuid.FeatureFromString for dev.gvisor.internal.cpufeatures (runsc/boot/loader.go New)",
            "amd64": features(git(gvisor, "show", "HEAD:pkg/cpuid/features_amd64.go")),
            "arm64": features(git(gvisor, "show", "HEAD:pkg/cpuid/features_arm64.go")),
        },
        "linux_syscalls": {
            "source": "https://github.com/seccomp/libseccomp src/syscalls.csv (every architecture)",
            "commit": csv_commit,
            "names": linux,
        },
    }
    OUT.write_text(json.dumps(data, indent=1, sort_keys=False) + "\n")
    sys.stdout.write(
        f"wrote {OUT}: amd64 {len(data['syscalls']['amd64'])}, arm64 {len(data['syscalls']['arm64'])} syscalls\n"
    )


if __name__ == "__main__":
    main()

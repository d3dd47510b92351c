"""runsc's flags as annotations see them: names, the override allowlist, and Go's value parsers.

Names are the `flag:"..."` tags of runsc/config/config.go's Config struct (Config.Override only
finds flags that have a Config field), as of gVisor master 3c5eee17 (2026-08-21), the revision
runsc-rules.md was written from.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from app.core.profiles.runsc.view import quote

BOOL_TRUE = frozenset({"1", "t", "T", "TRUE", "true", "True"})
BOOL_FALSE = frozenset({"0", "f", "F", "FALSE", "false", "False"})

FLAG_NAMES: frozenset[str] = frozenset(
    {
        # logging and debugging
        "root", "traceback", "debug", "log", "log-format", "debug-log", "debug-to-user-log", "debug-command",
        "panic-log", "coverage-report", "debug-log-format", "alsologtostderr", "log-packets", "pcap-log",
        "metric-server", "final-metrics-log", "profiling-metrics", "profiling-metrics-log",
        "profiling-metrics-rate-us", "strace", "strace-syscalls", "strace-log-size", "strace-event",
        "allow-flag-override", "profile", "profile-block", "profile-cpu", "profile-gc-interval", "profile-heap",
        "profile-mutex", "trace", "ref-leak-mode", "watchdog-action", "panic-signal",
        # sandbox behaviour
        "platform", "platform_device_path", "rootless", "cpu-num-from-quota", "oci-seccomp", "enable-core-tags",
        "pod-init-config", "host-settings", "sidecar-release-enforcement-policy", "sidecar-usage-policy",
        "restore-spec-validation", "systrap-disable-syscall-patching", "systrap-disable-fast-path", "allow-suid",
        "kvm-use-cpu-nums", "allow-rootfs-tar-annotation", "control-rpc-stop-timeout", "shared-root",
        "signal-unkillable-policy", "app-huge-pages",
        # filesystem
        "file-access", "file-access-mounts", "overlay", "overlay2", "fsgofer-host-uds", "host-uds", "host-fifo",
        "character-device-policy", "gvisor-marker-file", "override-procs", "ignore-cgroups", "systemd-cgroup",
        "mount-cgroup-v2", "fdlimit", "dcache", "iouring", "directfs", "TESTONLY-nftables",
        # network
        "network", "network-proxy-path", "gofer-network-namespace", "net-raw", "allow-packet-socket-write",
        "allow-live-tcp-migration", "gso", "software-gso", "gvisor-gro", "tx-checksum-offload",
        "rx-checksum-offload", "qdisc", "qdisc-tbf-rate", "qdisc-tbf-burst", "num-network-channels",
        "network-processors-per-channel", "EXPERIMENTAL-xdp", "EXPERIMENTAL-xdp-need-wakeup", "reproduce-nat",
        "reproduce-nftables", "net-disconnect-ok", "pause-external-networking", "allow-connected-on-save",
        # accelerators
        "nvproxy", "nvproxy-docker", "nvproxy-driver-version", "nvproxy-allowed-driver-capabilities",
        "nvproxy-allow-unsupported-driver", "cuda-checkpoint-path", "rdmaproxy", "tpuproxy",
        # tests
        "TESTONLY-unsafe-nonroot", "TESTONLY-test-name-env", "TESTONLY-afs-syscall-panic",
        "TESTONLY-autosave-image-path", "TESTONLY-autosave-resume",
    }
)  # fmt: skip

ALLOWLIST: tuple[str, ...] = (
    "debug",
    "debug-command",
    "debug-to-user-log",
    "strace",
    "strace-syscalls",
    "strace-log-size",
    "host-uds",
    "net-disconnect-ok",
    "reproduce-nftables",
    "overlay2",
    "oci-seccomp",
    "pause-external-networking",
    "allow-connected-on-save",
    "qdisc",
    "qdisc-tbf-rate",
    "qdisc-tbf-burst",
    "mount-cgroup-v2",
)
"""overrideAllowlist: the flags an annotation may set without --allow-flag-override."""

BUNDLES: dict[str, dict[str, str]] = {
    "experimental-high-performance": {"directfs": "true", "overlay2": "root:self", "platform": "systrap"},
}
"""config_bundles.go: the config bundles a dev.gvisor.bundle.<name> annotation may apply."""


def parse_bool(value: str) -> bool | None:
    """Go's strconv.ParseBool: the value, or None when it does not parse."""
    if value in BOOL_TRUE:
        return True
    if value in BOOL_FALSE:
        return False
    return None


# fullmatch, never `$`: `$` also matches before a final newline, which strconv refuses ("5\n" is no number).
_GO_UINT = re.compile(r"0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|0[0-7_]*|[1-9][0-9_]*")


def parse_uint(value: str, bits: int = 64) -> int | None:
    """Go's strconv.ParseUint(value, 0, bits): base from the prefix, underscores only between digits."""
    if not _GO_UINT.fullmatch(value):
        return None
    digits = value
    base = 10
    if len(value) > 1 and value[0] == "0":
        prefix = value[1].lower()
        if prefix in "xob":
            base = {"x": 16, "o": 8, "b": 2}[prefix]
            digits = value[2:]
        else:
            base = 8
            digits = value[1:]
    if "_" in value and not _underscores_ok(value):
        return None
    digits = digits.replace("_", "")
    if not digits:
        return 0 if base == 8 and value.strip("_") == "0" else None
    try:
        number = int(digits, base)
    except ValueError:
        return None
    return number if number < (1 << bits) else None


def uint_error(value: str, bits: int = 64) -> str | None:
    """strconv.ParseUint(value, 0, bits)'s failure: "invalid syntax", "value out of range", or None."""
    if parse_uint(value, bits) is not None:
        return None
    return "value out of range" if parse_uint(value, 4096) is not None else "invalid syntax"


def _underscores_ok(value: str) -> bool:
    """Go's underscoreOK: underscores only between digits (or after a base prefix)."""
    body = value
    if len(value) > 2 and value[0] == "0" and value[1].lower() in "xob":
        body = "0" + value[2:]  # an underscore right after the prefix counts as between digits
    return "__" not in body and not body.endswith("_") and not body.startswith("_")


def _check_enum(what: str, *allowed: str) -> Callable[[str], str | None]:
    """A flag.Value whose Set accepts a fixed set of names (HostUDS.Set, QueueingDiscipline.Set)."""

    def check(value: str) -> str | None:
        return None if value in allowed else f"invalid {what} {_go_quote(value)}"

    return check


def _check_bool(value: str) -> str | None:
    # Go's flag package replaces strconv's error for bool and integer flags by its own errParse/errRange.
    return None if parse_bool(value) is not None else "parse error"


def _check_uint(bits: int) -> Callable[[str], str | None]:
    def check(value: str) -> str | None:
        problem = uint_error(value, bits)
        return None if problem is None else ("parse error" if problem == "invalid syntax" else problem)

    return check


def _go_quote(value: str) -> str:
    return quote(value)


def _check_string(value: str) -> str | None:
    return None


def overlay2_error(value: str) -> str | None:
    """Overlay2.Set: none, or {root|all}:{memory|self|dir=/abs}[,size=N]."""
    if value == "none":
        return None
    expected = f"expected format is --overlay2={{mount}}:{{medium}}[,size={{size}}], got {_go_quote(value)}"
    parts = value.split(",")
    mount_medium = parts[0].split(":")
    if len(mount_medium) != 2:
        return expected
    mount, medium = mount_medium
    if mount not in ("root", "all"):
        return f"unexpected mount specifier for --overlay2: {_go_quote(mount)}"
    if medium not in ("", "memory", "self"):
        if not medium.startswith("dir="):
            return f"unexpected medium: {_go_quote(medium)}"
        if not medium[len("dir=") :].startswith("/"):
            return f"overlay host file directory should be an absolute path, got {_go_quote(medium[len('dir=') :])}"
    if len(parts) == 2 and not parts[1].startswith("size="):
        return expected
    if len(parts) > 2:
        return expected
    return None


def overlay2_medium(value: str) -> str:
    """The medium of a valid overlay2 value ("" for none)."""
    if value == "none":
        return ""
    return value.split(",")[0].split(":")[1]


PARSERS: dict[str, Callable[[str], str | None]] = {
    "debug": _check_bool,
    "debug-command": _check_string,
    "debug-to-user-log": _check_bool,
    "strace": _check_bool,
    "strace-syscalls": _check_string,
    "strace-log-size": _check_uint(64),
    "host-uds": _check_enum("host UDS type", "", "none", "open", "create", "all"),
    "net-disconnect-ok": _check_bool,
    "reproduce-nftables": _check_bool,
    "overlay2": overlay2_error,
    "oci-seccomp": _check_bool,
    "pause-external-networking": _check_bool,
    "allow-connected-on-save": _check_bool,
    "qdisc": _check_enum("qdisc", "none", "fifo", "tbf"),
    "qdisc-tbf-rate": _check_uint(64),
    "qdisc-tbf-burst": _check_uint(64),
    "mount-cgroup-v2": _check_bool,
}
"""How flag.Value.Set parses each allowlisted flag: an error text, or None when the value is fine.

Only allowlisted flags need a parser: any other flag is refused before its value is looked at.
"""

MAX_TBF_BURST = (1 << 32) - 1

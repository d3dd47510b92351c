"""The corners of the spec text: Windows CPU, POSIX-only members on Windows, rlimits per platform, image annotations.

- config-windows.md#configWindowsCpu (v1.1.0+): "The following parameters can be specified (mutually exclusive)";
  "`shares` ... is a value between 0 and 10,000"; "Set processor `maximum` to a percentage times 100".
- config.md#configHooks: "For POSIX platforms, the configuration structure supports `hooks`".
- config.md#configPOSIXProcess: "For systems that support POSIX rlimits ..."; "The runtime MUST generate an error
  for any values which cannot be mapped to a relevant kernel interface" (FreeBSD getrlimit(2), z/OS getrlimit()).
- config.md#configAnnotations (v1.2.0+): each org.opencontainers.image.* "annotation value MUST have a valid value
  for the ... property as defined in the OCI image specification" (image-spec config.md: created is RFC 3339
  section 5.6; StopSignal "a signal name in the format SIGNAME, for instance SIGKILL or SIGRTMIN+3"; variant
  values of the Platform Variants table; os.features an array of strings, win32k for windows).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.core.profiles.oci.support import LINUX, WINDOWS, edit, of_rule, run
from tests.core.profiles.oci.test_spec_text import FREEBSD, ZOS


def _found(doc: dict[str, Any], rule: str, platform: str) -> list[tuple[str, str]]:
    return [(f.path, f.severity) for f in of_rule(run(doc, platform=platform), rule)]


@pytest.mark.parametrize(
    ("cpu", "paths"),
    [
        ({"count": 2}, []),
        ({"shares": 5000}, []),
        ({"maximum": 5000}, []),
        ({"count": 2, "affinity": [{"mask": 3, "group": 0}]}, []),
        ({"count": 2, "shares": 10}, ["/windows/resources/cpu/shares"]),
        ({"shares": 10, "maximum": 10}, ["/windows/resources/cpu/maximum"]),
        (
            {"count": 1, "shares": 10, "maximum": 10},
            ["/windows/resources/cpu/shares", "/windows/resources/cpu/maximum"],
        ),
    ],
)
def test_windows_cpu_exclusive(cpu: dict[str, Any], paths: list[str]) -> None:
    doc = edit(WINDOWS, {"/windows/resources": {"cpu": cpu}})
    assert _found(doc, "OCI-WIN-CPU-EXCL", "windows") == [(p, "error") for p in paths]


@pytest.mark.parametrize(("key", "value", "bad"), [("shares", 0, False), ("shares", 10000, False),
                                                   ("shares", 10001, True), ("maximum", 10000, False),
                                                   ("maximum", 65535, True)])  # fmt: skip
def test_windows_cpu_range(key: str, value: int, bad: bool) -> None:
    doc = edit(WINDOWS, {"/windows/resources": {"cpu": {key: value}}})
    assert _found(doc, "OCI-WIN-CPU-RANGE", "windows") == (
        [(f"/windows/resources/cpu/{key}", "warning")] if bad else []
    )


def test_hooks_and_rlimits_are_posix_only() -> None:
    doc = edit(WINDOWS, {"/hooks": {"createRuntime": [{"path": "C:\\\\h.exe"}]},
                         "/process/rlimits": [{"type": "RLIMIT_NOFILE", "soft": 1, "hard": 1}]})  # fmt: skip
    assert _found(doc, "OCI-POSIX-ONLY", "windows") == [("/process/rlimits", "warning"), ("/hooks", "warning")]
    linux = edit(LINUX, {"/hooks": {"createRuntime": [{"path": "/bin/true"}]}})
    assert _found(linux, "OCI-POSIX-ONLY", "linux") == []


def test_hook_paths_on_windows_use_windows_absoluteness() -> None:
    doc = edit(WINDOWS, {"/hooks": {"poststop": [{"path": "C:\\\\hooks\\\\stop.exe"}, {"path": "/bin/stop"}]}})
    assert _found(doc, "OCI-HOOK-PATH-ABS", "windows") == [("/hooks/poststop/1/path", "error")]


@pytest.mark.parametrize(
    ("base", "platform", "kind", "known"),
    [
        (FREEBSD, "freebsd", "RLIMIT_NOFILE", True),
        (FREEBSD, "freebsd", "RLIMIT_SBSIZE", True),
        (FREEBSD, "freebsd", "RLIMIT_KQUEUES", True),
        (FREEBSD, "freebsd", "RLIMIT_VMEM", True),
        (FREEBSD, "freebsd", "RLIMIT_MSGQUEUE", False),  # Linux-only
        (FREEBSD, "freebsd", "RLIMIT_RTPRIO", False),
        (ZOS, "zos", "RLIMIT_NOFILE", True),
        (ZOS, "zos", "RLIMIT_MEMLIMIT", True),
        (ZOS, "zos", "RLIMIT_AS", True),
        (ZOS, "zos", "RLIMIT_NPROC", False),
        (ZOS, "zos", "RLIMIT_SBSIZE", False),
        (LINUX, "linux", "RLIMIT_MEMLIMIT", False),
    ],
)
def test_rlimit_names_per_platform(base: dict[str, Any], platform: str, kind: str, known: bool) -> None:
    doc = edit(base, {"/process/rlimits": [{"type": kind, "soft": 1, "hard": 1}]})
    assert _found(doc, "OCI-RLIM-TYPE-KNOWN", platform) == ([] if known else [("/process/rlimits/0/type", "error")])


IMG = "org.opencontainers.image."


@pytest.mark.parametrize(
    ("notes", "key", "severity"),
    [
        ({"created": "2025-11-02T10:00:00Z"}, None, None),
        ({"created": "2025-11-02t10:00:00.123456789+05:30"}, None, None),
        ({"created": "2016-12-31T23:59:60Z"}, None, None),  # a leap second
        ({"created": "2025-11-02T10:00:00"}, "created", "error"),  # no time-offset
        ({"created": "2025-11-02T10:00Z"}, "created", "error"),  # no seconds
        ({"created": "2025-02-30T10:00:00Z"}, "created", "error"),
        ({"created": "2025-11-02"}, "created", "error"),
        ({"created": "2025-11-02T10:00:00+0100"}, "created", "error"),
        ({"stopSignal": "SIGTERM"}, None, None),
        ({"stopSignal": "SIGRTMIN+3"}, None, None),
        ({"stopSignal": "SIGRTMAX-2"}, None, None),
        ({"stopSignal": "9"}, None, None),
        ({"stopSignal": "SIGFOO"}, "stopSignal", "error"),
        ({"stopSignal": "TERM"}, "stopSignal", "error"),
        ({"stopSignal": "sigterm"}, "stopSignal", "error"),
        ({"stopSignal": "SIGRTMIN+99"}, "stopSignal", "error"),
        ({"architecture": "arm64", "variant": "v8"}, None, None),
        ({"architecture": "arm64", "variant": "v8.1"}, None, None),
        ({"architecture": "arm", "variant": "v7"}, None, None),
        ({"architecture": "amd64", "variant": "v3"}, None, None),
        ({"architecture": "ppc64le", "variant": "power9"}, None, None),
        ({"architecture": "riscv64", "variant": "rva20u64"}, None, None),
        ({"architecture": "amd64", "variant": "v8"}, "variant", "warning"),
        ({"architecture": "s390x", "variant": "z15"}, None, None),  # not in the table: implementation-defined
        ({"variant": "v7"}, None, None),
        ({"variant": "armhf"}, "variant", "warning"),
        ({"os": "windows", "os.features": "win32k"}, None, None),
        ({"os": "windows", "os.features": "win32k,gpu"}, "os.features", "warning"),
        ({"os": "linux", "os.features": "sse4,aes"}, None, None),
        ({"os.features": "a,,b"}, "os.features", "warning"),
        ({"os.version": "10.0.14393.1066", "author": "anyone <a@example.com>"}, None, None),
        ({"os": "linux", "architecture": "amd64"}, None, None),
        ({"os": "Linux"}, "os", "error"),
        ({"architecture": "x86_64"}, "architecture", "error"),
    ],
)
def test_image_annotation_values(notes: dict[str, str], key: str | None, severity: str | None) -> None:
    doc = edit(LINUX, {"/annotations": {IMG + k: v for k, v in notes.items()}})
    found = _found(doc, "OCI-ANNO-IMAGE-VAL", "linux")
    assert found == ([] if key is None else [(f"/annotations/{IMG}{key}", severity)])

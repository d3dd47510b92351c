"""Regressions from a review against the runtime-spec text (v1.3.0): each case quotes the sentence it checks."""

from __future__ import annotations

from typing import Any

import pytest

from tests.core.profiles.oci.support import DEL, LINUX, WINDOWS, edit, run

Hit = tuple[str, str, str]
"""(rule, pointer, severity) of one expected finding."""


def case(
    name: str,
    changes: dict[str, Any],
    hits: list[Hit],
    *,
    base: dict[str, Any] = LINUX,
    platform: str = "linux",
    absent: tuple[str, ...] = (),
) -> Any:
    """`changes` to `base` must give every one of `hits`, and no finding of the rules in `absent`."""
    return pytest.param(changes, hits, base, platform, absent, id=name)


CASES = [
    # config.md#configPOSIXUser: uid and gid are REQUIRED, also when `user` is an empty object.
    case(
        "posix-user-empty-object",
        {"/process/user": {}},
        [("OCI-USER-UIDGID", "/process/user/uid", "error"), ("OCI-USER-UIDGID", "/process/user/gid", "error")],
    ),
    # config.md#configProcess: args is OPTIONAL on Windows, and commandLine is REQUIRED if it is omitted (an
    # empty array is omitted for Go's omitempty).
    case(
        "windows-empty-args-needs-commandline",
        {"/process/args": []},
        [("OCI-PROC-ARGS-WIN", "/process/commandLine", "error")],
        base=WINDOWS,
        platform="windows",
    ),
    case(
        "windows-commandline-alone",
        {"/process/args": DEL, "/process/commandLine": "cmd.exe /c echo hi"},
        [],
        base=WINDOWS,
        platform="windows",
        absent=("OCI-PROC-ARGS-WIN", "OCI-PROC-ARGS-MIN"),
    ),
    # Windows takes '/' as a path separator too: C:/ and //server/share are absolute, C: alone is not.
    case(
        "windows-cwd-forward-slash",
        {"/process/cwd": "C:/app"},
        [],
        base=WINDOWS,
        platform="windows",
        absent=("OCI-PROC-CWD-ABS",),
    ),
    case(
        "windows-cwd-drive-relative",
        {"/process/cwd": "C:app"},
        [("OCI-PROC-CWD-ABS", "/process/cwd", "error")],
        base=WINDOWS,
        platform="windows",
    ),
    case(
        "windows-nested-mounts-with-forward-slashes",
        {
            "/mounts": [
                {"destination": "C:/data", "source": "C:\\a"},
                {"destination": "c:\\Data\\sub", "source": "C:\\b"},
            ]
        },
        [("OCI-MNT-DEST-WIN-NEST", "/mounts/1/destination", "error")],
        base=WINDOWS,
        platform="windows",
    ),
]


@pytest.mark.parametrize(("changes", "hits", "base", "platform", "absent"), CASES)
def test_spec_sentence(
    changes: dict[str, Any], hits: list[Hit], base: dict[str, Any], platform: str, absent: tuple[str, ...]
) -> None:
    report = run(edit(base, changes), platform=platform)
    found = {(f.rule, f.path, f.severity) for f in report.findings}
    assert set(hits) <= found, report.findings
    assert [f for f in report.findings if f.rule in absent] == []

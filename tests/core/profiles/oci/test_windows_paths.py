"""Windows paths as Windows reads them (profile oci, platform windows).

config.md#configMounts (Windows): "destination ... MUST NOT be nested within another mount"; Windows resolves a
path with GetFullPathName: '/' and '\\' are both separators, repeated separators collapse, "." and ".." segments
are resolved, trailing periods and spaces of the last segment go, and NTFS compares names case-insensitively.
"""

from __future__ import annotations

import pytest

from app.core.profiles.oci.context import is_abs, windows_key
from tests.core.profiles.oci.support import WINDOWS, edit, of_rule, run


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("c:\\\\a", "c:\\a"),
        ("C:\\A", "c:\\a"),
        ("c:/a", "c:\\a"),
        ("c:\\a\\", "c:\\a"),
        ("c:\\a\\.\\b", "c:\\a\\b"),
        ("c:\\a\\..\\b", "c:\\b"),
        ("c:\\..\\x", "c:\\x"),
        ("c:\\a.", "c:\\a"),
        ("c:\\a ", "c:\\a"),
        ("\\\\server\\share\\x\\\\y", "\\\\server\\share\\x\\y"),
        ("//server/share/x", "\\\\server\\share\\x"),
        ("\\\\?\\Volume{X}\\A", "\\\\?\\volume{x}\\a"),
    ],
)
def test_windows_key(path: str, key: str) -> None:
    assert windows_key(path) == key


def _mounts(*destinations: str) -> list[tuple[str, str]]:
    mounts = [{"destination": d, "source": f"C:\\src{i}"} for i, d in enumerate(destinations)]
    report = run(edit(WINDOWS, {"/mounts": mounts}), platform="windows")
    return [(f.rule, f.path) for f in report.findings if f.rule in ("OCI-MNT-DEST-WIN-NEST", "OCI-MNT-ORDER")]


NEST = "OCI-MNT-DEST-WIN-NEST"


@pytest.mark.parametrize(
    ("destinations", "nested"),
    [
        pytest.param(("C:\\data", "C:\\data\\logs"), True, id="plain"),
        pytest.param(("c:\\\\data", "C:\\data\\logs"), True, id="repeated-separator"),
        pytest.param(("C:\\data", "c:\\\\\\\\data\\\\\\\\logs"), True, id="repeated-in-child"),
        pytest.param(("c:\\Data", "C:\\DATA\\logs"), True, id="case-insensitive"),
        pytest.param(("C:/data", "C:\\data\\logs"), True, id="slash-is-separator"),
        pytest.param(("C:\\data\\", "C:/data/logs/"), True, id="trailing-separators"),
        pytest.param(("C:\\data", "C:\\other\\..\\data\\logs"), True, id="dot-dot"),
        pytest.param(("C:\\data", "C:\\database"), False, id="prefix-is-not-nesting"),
        pytest.param(("C:\\data", "D:\\data\\logs"), False, id="other-drive"),
    ],
)
def test_nesting(destinations: tuple[str, str], nested: bool) -> None:
    found = [p for r, p in _mounts(*destinations) if r == NEST]
    assert found == (["/mounts/1/destination"] if nested else [])


def test_same_directory_twice_is_hidden_not_nested() -> None:
    # c:\\data and C:/DATA/ are one directory: the later mount hides the earlier (OCI-MNT-ORDER).
    assert ("OCI-MNT-ORDER", "/mounts/0/destination") in _mounts("c:\\\\data", "C:/DATA/")


@pytest.mark.parametrize(
    ("path", "absolute"),
    [
        ("C:\\x", True),
        ("c:/x", True),
        ("C:\\\\x", True),
        ("\\\\server\\share", True),
        ("//server/share", True),
        ("\\\\?\\C:\\x", True),
        ("C:x", False),  # drive-relative
        ("\\x", False),  # relative to the current drive
        ("x\\y", False),
        ("/x", False),
    ],
)
def test_absolute_paths(path: str, absolute: bool) -> None:
    assert is_abs(path, "windows") == absolute
    # process.cwd "MUST be an absolute path" and mount destinations on Windows use the same reading.
    report = run(edit(WINDOWS, {"/process/cwd": path}), platform="windows")
    assert (of_rule(report, "OCI-PROC-CWD-ABS") == []) == absolute

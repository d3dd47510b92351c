"""Deprecations and "since" rules, audited against each release's spec text (opencontainers/runtime-spec tags).

Each case quotes the text of the release where the rule starts; the document is judged as the release its
ociVersion names, so the same member is plain OPTIONAL before that release and reported from it on.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.core.profiles.oci.support import LINUX, WINDOWS, edit, of_rule, run

HOOK = {"path": "/bin/true"}
RELEASES = ["1.0.0", "1.0.1", "1.0.2", "1.1.0", "1.2.0", "1.2.1", "1.3.0"]


def _rules(version: str, changes: dict[str, Any], rule: str, *, base: dict[str, Any] = LINUX,
           platform: str = "linux") -> list[tuple[str, str]]:  # fmt: skip
    report = run(edit(base, {"/ociVersion": version, **changes}), platform=platform)
    return [(f.path, f.severity) for f in of_rule(report, rule)]


# v1.0.0 and v1.0.1 config.md: "* **`prestart`** (array of objects, OPTIONAL) is an array of pre-start hooks."
# v1.0.2 config.md: "* **`prestart`** (array of objects, OPTIONAL, **DEPRECATED**) is an array of `prestart` hooks."
@pytest.mark.parametrize("version", RELEASES)
def test_prestart_deprecated_from_1_0_2(version: str) -> None:
    found = _rules(version, {"/hooks": {"prestart": [HOOK]}}, "OCI-HOOK-PRESTART-DEP")
    deprecated = version not in ("1.0.0", "1.0.1")
    assert found == ([("/hooks/prestart", "warning")] if deprecated else [])


# v1.0.2 config-linux.md: "**`kernel`** *(int64, OPTIONAL)* - sets hard limit for kernel memory".
# v1.1.0 config-linux.md: "**`kernel`** *(int64, OPTIONAL, NOT RECOMMENDED)* - sets hard limit for kernel memory".
@pytest.mark.parametrize("version", RELEASES)
@pytest.mark.parametrize("key", ["kernel", "kernelTCP"])
def test_kernel_memory_not_recommended_from_1_1_0(version: str, key: str) -> None:
    found = _rules(version, {"/linux/resources": {"memory": {key: 1 << 20}}}, "OCI-MEM-KERNEL-DEP")
    not_recommended = version not in ("1.0.0", "1.0.1", "1.0.2")
    assert found == ([(f"/linux/resources/memory/{key}", "warning")] if not_recommended else [])


# v1.0.x config.md: "**`options`** (array of strings, OPTIONAL) Mount options of the filesystem to be used."
# v1.1.0 config.md adds "Linux: See Linux mount options below" and the option table; v1.2.0 adds `idmap`
# and `ridmap` to that table ("| `idmap` | SHOULD | Indicates that the mount MUST have an idmapping applied").
@pytest.mark.parametrize(
    ("version", "option", "listed"),
    [
        ("1.0.2", "mode=755", True),
        ("1.0.2", "nosuchoption", True),  # no table before 1.1.0: nothing to compare with
        ("1.1.0", "nosuchoption", False),
        ("1.1.0", "rro", True),
        ("1.1.0", "idmap", False),
        ("1.2.0", "idmap", True),
        ("1.3.0", "ridmap", True),
        ("1.3.0", "nosuchoption", False),
    ],
)
def test_mount_option_table_by_release(version: str, option: str, listed: bool) -> None:
    mount = {"destination": "/data", "type": "tmpfs", "source": "tmpfs", "options": [option]}
    changes: dict[str, Any] = {"/mounts/4": mount}
    if option in ("idmap", "ridmap"):
        changes["/linux/namespaces/5"] = {"type": "user"}
        changes["/linux/uidMappings"] = changes["/linux/gidMappings"] = [{"containerID": 0, "hostID": 1, "size": 1}]
    found = _rules(version, changes, "OCI-MNT-OPTS")
    assert (found == []) == listed


# v1.2.0 config.md: "Relative paths are **deprecated**" for Linux mount destinations; before, "MUST be absolute".
@pytest.mark.parametrize(("version", "severity"), [("1.1.0", "error"), ("1.2.0", "warning"), ("1.3.0", "warning")])
def test_relative_destination(version: str, severity: str) -> None:
    found = _rules(version, {"/mounts/4": {"destination": "data", "type": "tmpfs", "source": "t"}},
                   "OCI-MNT-DEST-LINUX")  # fmt: skip
    assert found == [("/mounts/4/destination", severity)]


# v1.1.0 config-windows.md: "The following parameters can be specified (mutually exclusive):" (count, shares,
# maximum); v1.0.x: "The following parameters can be specified:".
@pytest.mark.parametrize("version", RELEASES)
def test_windows_cpu_exclusive_from_1_1_0(version: str) -> None:
    cpu = {"/windows/resources": {"cpu": {"count": 2, "shares": 100}}}
    found = _rules(version, cpu, "OCI-WIN-CPU-EXCL", base=WINDOWS, platform="windows")
    exclusive = version not in ("1.0.0", "1.0.1", "1.0.2")
    assert found == ([("/windows/resources/cpu/shares", "error")] if exclusive else [])


# v1.2.0 config.md: the eight org.opencontainers.image.* keys; before, "All keys in the org.opencontainers
# namespace are reserved and MUST NOT be used by subsequent specifications."
@pytest.mark.parametrize(("version", "reserved"), [("1.1.0", True), ("1.2.0", False), ("1.3.0", False)])
def test_image_keys_allowed_from_1_2_0(version: str, reserved: bool) -> None:
    found = _rules(version, {"/annotations": {"org.opencontainers.image.os": "linux"}}, "OCI-ANNO-RESERVED")
    assert (found != []) == reserved


def test_option_tables_are_the_release_tables() -> None:
    from app.core.profiles.oci.checks_misc import LINUX_MOUNT_OPTIONS, LINUX_MOUNT_OPTIONS_1_1

    # v1.1.0 config.md "Linux mount options": 59 option strings; v1.2.0 adds `idmap` and `ridmap`.
    assert len(LINUX_MOUNT_OPTIONS_1_1) == 59
    assert LINUX_MOUNT_OPTIONS - LINUX_MOUNT_OPTIONS_1_1 == {"idmap", "ridmap"}
    # The table lists `rdev` ("Recursive `dev`") but no `rnodev`.
    assert "rdev" in LINUX_MOUNT_OPTIONS and "rnodev" not in LINUX_MOUNT_OPTIONS
    mount = {"destination": "/data", "type": "tmpfs", "source": "tmpfs", "options": ["rnodev"]}
    assert _rules("1.3.0", {"/mounts/4": mount}, "OCI-MNT-OPTS") == [("/mounts/4/options/0", "info")]

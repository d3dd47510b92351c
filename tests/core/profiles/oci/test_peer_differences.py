"""Where specgate and oci-runtime-tool disagree on purpose: runtime-tools has bugs here; specgate follows the spec."""

from __future__ import annotations

import pytest

from tests.core.profiles.oci.support import LINUX, edit, of_rule, run


def test_device_minor_zero_is_valid() -> None:
    # config-linux.md#configLinuxDevices: "major, minor (int64, REQUIRED unless type is p)". 0 is a number like any
    # other, and the spec's own example has /dev/sda 8:0. runtime-tools' deviceValid requires minor > 0.
    doc = edit(
        LINUX,
        {
            "/linux/devices": [
                {"path": "/dev/sda", "type": "b", "major": 8, "minor": 0},
                {"path": "/dev/loop0", "type": "b", "major": 7, "minor": 0},
            ]
        },
    )
    report = run(doc)
    assert report.valid
    assert of_rule(report, "OCI-DEV-MAJMIN") == []


@pytest.mark.parametrize(
    "key",
    ["os", "os.version", "os.features", "architecture", "variant", "author", "created", "stopSignal"],
)
def test_image_annotations_are_allowed_since_1_2_0(key: str) -> None:
    # config.md#configAnnotations (1.2.0+): "Keys using the org.opencontainers namespace are reserved ... except
    # org.opencontainers.image.{os,...,stopSignal}". runtime-tools flags every org.opencontainers key.
    values = {"os": "linux", "architecture": "amd64", "created": "2025-11-02T10:00:00Z", "stopSignal": "SIGTERM"}
    doc = edit(LINUX, {"/annotations": {f"org.opencontainers.image.{key}": values.get(key, "x")}})
    report = run(doc)
    assert report.valid, report.findings
    assert of_rule(report, "OCI-ANNO-RESERVED") == []
    older = run(edit(doc, {"/ociVersion": "1.1.0"}))
    assert [f.severity for f in of_rule(older, "OCI-ANNO-RESERVED")] == ["error"]


@pytest.mark.parametrize("version", ["1.0.0", "1.0.2", "1.1.0", "1.2.0", "1.2.1", "1.3.0-rc.1", "1.3.5"])
def test_any_1_x_version_is_judged_not_refused(version: str) -> None:
    # config.md#configSpecificationVersion: ociVersion "MUST be in SemVer v2.0.0 format"; nothing requires one exact
    # version. runtime-tools refuses every ociVersion other than exactly 1.3.0.
    report = run(edit(LINUX, {"/ociVersion": version}))
    assert report.valid
    assert [f for f in report.findings if f.rule.startswith("OCI-VER")] == []


def test_relative_linux_mount_destination_is_a_warning_since_1_2_0() -> None:
    # config.md#configMounts (1.2.0+): "For the Linux platform ... the destination SHOULD be an absolute path; a
    # relative path MAY be used ... (deprecated) and MUST be interpreted as relative to /". runtime-tools still
    # demands an absolute destination.
    report = run(edit(LINUX, {"/mounts/4": {"destination": "data", "type": "tmpfs", "source": "tmpfs"}}))
    assert report.valid
    assert [f.severity for f in of_rule(report, "OCI-MNT-DEST-LINUX")] == ["warning"]


def test_unlimited_memory_limit_with_swap_is_fine() -> None:
    # config-linux.md#configLinuxMemory: -1 means unlimited. runtime-tools compares it as 2^64-1 and errors.
    report = run(edit(LINUX, {"/linux/resources/memory": {"limit": -1, "swap": 1024}}))
    assert of_rule(report, "OCI-MEM-SWAP-GE") == []


def test_relative_create_runtime_hook_path_is_an_error() -> None:
    # config.md#configHooks: "path (string, REQUIRED) with similar semantics to IEEE Std 1003.1-2008 execv's path.
    # This specification extends the IEEE standard in that path MUST be absolute." runtime-tools checks only
    # prestart, poststart and poststop.
    report = run(edit(LINUX, {"/hooks": {"createRuntime": [{"path": "hooks/setup"}]}}))
    assert [(f.severity, f.path) for f in of_rule(report, "OCI-HOOK-PATH-ABS")] == [
        ("error", "/hooks/createRuntime/0/path")
    ]

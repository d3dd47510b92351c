"""Version awareness: ociVersion picks the release; some severities depend on it."""

from __future__ import annotations

import pytest

from app.core.profiles.oci.versions import parse, release_for
from tests.core.profiles.oci.support import LINUX, edit, of_rule, run


@pytest.mark.parametrize(
    ("declared", "tag", "exact"),
    [
        pytest.param("1.0.0", "v1.0.0", True, id="exact"),
        pytest.param("1.0.5", "v1.0.2", True, id="newer-patch"),
        pytest.param("1.2.0", "v1.2.0", True, id="1.2.0"),
        pytest.param("1.3.0-rc.1", "v1.3.0", True, id="prerelease"),
        pytest.param("1.3.0+dev", "v1.3.0", True, id="build"),
        pytest.param("1.4.0", "v1.3.0", False, id="newer-minor"),
        pytest.param("0.5.0-dev", "v1.3.0", False, id="major-0"),
        pytest.param("banana", "v1.3.0", False, id="not-semver"),
        pytest.param(None, "v1.3.0", False, id="missing"),
    ],
)
def test_release_for(declared: str | None, tag: str, exact: bool) -> None:
    judged = release_for(declared)
    assert (judged.tag, judged.exact) == (tag, exact)


@pytest.mark.parametrize("text", ["1.0", "v1.0.0", "01.0.0", "1.0.0-", "1.0.0+", "1.0.0-01", " 1.0.0", ""])
def test_not_semver(text: str) -> None:
    assert parse(text) is None
    if text:
        assert [f.severity for f in of_rule(run(edit(LINUX, {"/ociVersion": text})), "OCI-VER-SEMVER")] == ["error"]


def test_newer_minor_warns() -> None:
    report = run(edit(LINUX, {"/ociVersion": "1.4.0"}))
    assert report.valid
    assert [f.severity for f in of_rule(report, "OCI-VER-MAJOR")] == ["warning"]


@pytest.mark.parametrize(("version", "severity"), [("1.0.2", "error"), ("1.1.0", "warning"), ("1.3.0", "warning")])
def test_unknown_capability_severity_by_version(version: str, severity: str) -> None:
    doc = edit(LINUX, {"/ociVersion": version, "/process/capabilities": {"permitted": ["CAP_CHOWN", "CAP_BOGUS"]}})
    hits = of_rule(run(doc), "OCI-CAP-NAMES")
    assert [(f.severity, f.path) for f in hits] == [(severity, "/process/capabilities/permitted/1")]


@pytest.mark.parametrize(("version", "severity"), [("1.1.0", "error"), ("1.2.0", "warning"), ("1.3.0", "warning")])
def test_relative_linux_mount_destination_by_version(version: str, severity: str) -> None:
    doc = edit(LINUX, {"/ociVersion": version, "/mounts/4": {"destination": "data", "type": "tmpfs"}})
    hits = of_rule(run(doc), "OCI-MNT-DEST-LINUX")
    assert [(f.severity, f.path) for f in hits] == [(severity, "/mounts/4/destination")]


def test_newer_field_is_a_warning_and_still_type_checked() -> None:
    doc = edit(LINUX, {"/ociVersion": "1.0.0", "/linux/netDevices": {"eth0": {"name": 23}}})
    report = run(doc)
    assert [(f.severity, f.path) for f in of_rule(report, "OCI-VER-GATE")] == [("warning", "/linux/netDevices")]
    assert [f.path for f in of_rule(report, "OCI-NETDEV-NAME")] == ["/linux/netDevices/eth0/name"]


def test_newer_enum_value_is_a_warning() -> None:
    doc = edit(LINUX, {"/ociVersion": "1.0.2", "/linux/namespaces/5": {"type": "time"}})
    report = run(doc)
    assert report.valid
    assert [f.path for f in of_rule(report, "OCI-VER-GATE")] == ["/linux/namespaces/5/type"]


@pytest.mark.parametrize("member", ["enableCMT", "enableMBM"])
def test_removed_intel_rdt_members_warn_in_1_3_0(member: str) -> None:
    doc = edit(LINUX, {"/linux/intelRdt": {"closID": "guaranteed", member: True}})
    hits = of_rule(run(doc), "OCI-RDT-MON")
    assert [(f.severity, f.path) for f in hits] == [("warning", f"/linux/intelRdt/{member}")]
    assert of_rule(run(edit(doc, {"/ociVersion": "1.2.1"})), "OCI-RDT-MON") == []


@pytest.mark.parametrize(
    ("changes", "pointer", "rule"),
    [
        pytest.param({"/Hostname": "box"}, "/Hostname", "OCI-DOC-UNKNOWN", id="case-sensitive"),
        pytest.param({"/hooks": {"preStart": []}}, "/hooks/preStart", "OCI-HOOK-KINDS", id="hook-typo"),
        pytest.param({"/process/user/name": "x"}, "/process/user/name", "OCI-DOC-UNKNOWN", id="nested"),
        pytest.param(
            {
                "/linux/seccomp": {
                    "defaultAction": "SCMP_ACT_ALLOW",
                    "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "argz": []}],
                }
            },
            "/linux/seccomp/syscalls/0/argz",
            "OCI-DOC-UNKNOWN",
            id="array-element",
        ),
    ],
)
def test_unknown_members_warn_with_pointer(changes: dict[str, object], pointer: str, rule: str) -> None:
    report = run(edit(LINUX, changes))
    assert report.valid
    assert [(f.severity, f.path) for f in of_rule(report, rule)] == [("warning", pointer)]


def test_free_maps_have_no_unknown_members() -> None:
    doc = edit(
        LINUX,
        {
            "/annotations": {"com.example.Anything": "x"},
            "/linux/sysctl": {"net.core.somaxconn": "1"},
            "/linux/resources/unified": {"memory.max": "1"},
            "/linux/resources/rdma": {"mlx5_0": {"hcaHandles": 1}},
            "/linux/netDevices": {"eth9": {}},
        },
    )
    report = run(doc)
    assert of_rule(report, "OCI-DOC-UNKNOWN") == []

"""Each rule a features document yields, both ways, and "a property left out means unknown: info only".

The sentences cited are features.md and features-linux.md of runtime-spec v1.3.0.
"""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from app import core
from app.core.features import make_profile, parse_features
from app.core.features.catalog import RULES
from app.core.loader import load
from app.core.profiles.base import CheckOptions
from tests.conftest import SHARED

BASE: dict[str, Any] = {"ociVersionMin": "1.0.0", "ociVersionMax": "1.2.0"}


def judge(features: dict[str, Any], config: dict[str, Any]) -> list[tuple[str, str, str]]:
    document = parse_features(orjson.dumps({**BASE, **features}), name="features:test", source="test")
    findings = make_profile(document).check(load(orjson.dumps(config)), CheckOptions())
    return [(f.rule, f.severity, f.path) for f in findings]


SECCOMP = {
    "enabled": True,
    "actions": ["SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO"],
    "operators": ["SCMP_CMP_EQ"],
    "archs": ["SCMP_ARCH_X86_64"],
    "knownFlags": ["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG"],
    "supportedFlags": ["SECCOMP_FILTER_FLAG_TSYNC"],
}
FILTER = {
    "defaultAction": "SCMP_ACT_ERRNO",
    "architectures": ["SCMP_ARCH_X86_64"],
    "flags": ["SECCOMP_FILTER_FLAG_TSYNC"],
    "syscalls": [
        {"names": ["mount"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]}
    ],
}


def seccomp(**changes: Any) -> dict[str, Any]:
    return {"linux": {"seccomp": {**FILTER, **changes}}}


# (features fragment, config that breaks it, expected finding, config that keeps to it)
CASES = [
    # "The runtime MUST accept this value as the ociVersion property of config.json" (ociVersionMin/Max).
    ({}, {"ociVersion": "1.3.0"}, ("FEAT-OCI-VERSION-NEWER", "warning", "/ociVersion"), {"ociVersion": "1.2.0"}),
    (
        {"ociVersionMin": "1.1.0"},
        {"ociVersion": "1.0.2"},
        ("FEAT-OCI-VERSION", "warning", "/ociVersion"),
        {"ociVersion": "1.1.0"},
    ),
    ({}, {"ociVersion": "2.0.0"}, ("FEAT-OCI-VERSION", "warning", "/ociVersion"), {"ociVersion": "1.1.0+build.5"}),
    # hooks: "The runtime MUST support the elements in this array as the hooks property of config.json."
    (
        {"hooks": ["prestart", "poststop"]},
        {"hooks": {"createRuntime": [{"path": "/bin/true"}]}},
        ("FEAT-HOOK", "error", "/hooks/createRuntime"),
        {"hooks": {"prestart": [{"path": "/bin/true"}]}},
    ),
    # mountOptions: "The runtime MUST recognize the elements in this array as the options of mounts".
    (
        {"mountOptions": ["ro", "nosuid"]},
        {"mounts": [{"destination": "/a", "options": ["nosuid", "rro"]}]},
        ("FEAT-MOUNT-OPTION", "warning", "/mounts/0/options/1"),
        {"mounts": [{"destination": "/a", "options": ["ro", "mode=755", "newinstance"]}]},
    ),
    # mountExtensions.idmap: "whether the runtime parses ... uidMappings and gidMappings properties of mounts".
    (
        {"mountOptions": ["bind"], "linux": {"mountExtensions": {"idmap": {"enabled": False}}}},
        {"mounts": [{"destination": "/a", "options": ["bind", "idmap"]}]},
        ("FEAT-MOUNT-IDMAP", "error", "/mounts/0"),
        {"mounts": [{"destination": "/a", "options": ["bind"]}]},
    ),
    (
        {"linux": {"mountExtensions": {"idmap": {"enabled": False}}}},
        {"mounts": [{"destination": "/a", "uidMappings": [{"containerID": 0, "hostID": 1, "size": 1}]}]},
        ("FEAT-MOUNT-IDMAP", "error", "/mounts/0"),
        {"mounts": [{"destination": "/a", "uidMappings": []}]},
    ),
    # namespaces: "The runtime MUST recognize the elements in this array as the type of linux.namespaces".
    (
        {"linux": {"namespaces": ["pid", "mount"]}},
        {"linux": {"namespaces": [{"type": "pid"}, {"type": "time"}]}},
        ("FEAT-NAMESPACE", "error", "/linux/namespaces/1/type"),
        {"linux": {"namespaces": [{"type": "mount"}]}},
    ),
    # capabilities: "The runtime MUST recognize the elements in this array in the process.capabilities object".
    (
        {"linux": {"capabilities": ["CAP_CHOWN", "CAP_KILL"]}},
        {"process": {"capabilities": {"bounding": ["CAP_KILL", "CAP_BPF"]}}},
        ("FEAT-CAPABILITY", "error", "/process/capabilities/bounding/1"),
        {"process": {"capabilities": {"bounding": ["CAP_KILL"], "ambient": ["CAP_CHOWN"]}}},
    ),
    # cgroup: v2 (unified is cgroup v2 only, config-linux.md), systemd (slice:prefix:name), rdma.
    (
        {"linux": {"cgroup": {"v1": True, "v2": False}}},
        {"linux": {"resources": {"unified": {"memory.oom.group": "1"}}}},
        ("FEAT-CGROUP-V2", "error", "/linux/resources/unified"),
        {"linux": {"resources": {"memory": {"limit": 1}}}},
    ),
    (
        {"linux": {"cgroup": {"systemd": False, "systemdUser": False}}},
        {"linux": {"cgroupsPath": "kubepods-pod1.slice:cri-containerd:abc"}},
        ("FEAT-CGROUP-SYSTEMD", "error", "/linux/cgroupsPath"),
        {"linux": {"cgroupsPath": "/kubepods/pod1/abc"}},
    ),
    (
        {"linux": {"cgroup": {"rdma": False}}},
        {"linux": {"resources": {"rdma": {"mlx5_1": {"hcaHandles": 3}}}}},
        ("FEAT-CGROUP-RDMA", "error", "/linux/resources/rdma"),
        {"linux": {"resources": {}}},
    ),
    # seccomp: enabled, actions, operators, archs, knownFlags, supportedFlags.
    ({"linux": {"seccomp": {"enabled": False}}}, seccomp(), ("FEAT-SECCOMP", "error", "/linux/seccomp"), {}),
    (
        {"linux": {"seccomp": SECCOMP}},
        seccomp(defaultAction="SCMP_ACT_LOG"),
        ("FEAT-SECCOMP-ACTION", "error", "/linux/seccomp/defaultAction"),
        seccomp(),
    ),
    (
        {"linux": {"seccomp": SECCOMP}},
        seccomp(
            syscalls=[
                {"names": ["x"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_GT"}]}
            ]
        ),
        ("FEAT-SECCOMP-OPERATOR", "error", "/linux/seccomp/syscalls/0/args/0/op"),
        seccomp(),
    ),
    (
        {"linux": {"seccomp": SECCOMP}},
        seccomp(architectures=["SCMP_ARCH_X86_64", "SCMP_ARCH_ARM"]),
        ("FEAT-SECCOMP-ARCH", "error", "/linux/seccomp/architectures/1"),
        seccomp(),
    ),
    (
        {"linux": {"seccomp": SECCOMP}},
        seccomp(flags=["SECCOMP_FILTER_FLAG_SPEC_ALLOW"]),
        ("FEAT-SECCOMP-FLAG", "error", "/linux/seccomp/flags/0"),
        seccomp(),
    ),
    # supportedFlags: "may be a subset of knownFlags due to some flags not supported by the current kernel".
    (
        {"linux": {"seccomp": SECCOMP}},
        seccomp(flags=["SECCOMP_FILTER_FLAG_LOG"]),
        ("FEAT-SECCOMP-FLAG-UNSUPPORTED", "warning", "/linux/seccomp/flags/0"),
        seccomp(),
    ),
    # apparmor / selinux / intelRdt / memoryPolicy / netDevices.
    (
        {"linux": {"apparmor": {"enabled": False}}},
        {"process": {"apparmorProfile": "p"}},
        ("FEAT-APPARMOR", "warning", "/process/apparmorProfile"),
        {"process": {"apparmorProfile": ""}},
    ),
    (
        {"linux": {"selinux": {"enabled": False}}},
        {"linux": {"mountLabel": "system_u:object_r:container_file_t:s0"}},
        ("FEAT-SELINUX", "error", "/linux/mountLabel"),
        {"linux": {}},
    ),
    (
        {"linux": {"selinux": {"enabled": False}}},
        {"process": {"selinuxLabel": "system_u:system_r:container_t:s0"}},
        ("FEAT-SELINUX", "error", "/process/selinuxLabel"),
        {"process": {}},
    ),
    (
        {"linux": {"intelRdt": {"enabled": False}}},
        {"linux": {"intelRdt": {"closID": "a"}}},
        ("FEAT-INTELRDT", "error", "/linux/intelRdt"),
        {"linux": {}},
    ),
    (
        {"linux": {"intelRdt": {"enabled": True, "schemata": False}}},
        {"linux": {"intelRdt": {"schemata": ["L3:0=f"]}}},
        ("FEAT-INTELRDT-SCHEMATA", "error", "/linux/intelRdt/schemata"),
        {"linux": {"intelRdt": {"closID": "a"}}},
    ),
    (
        {"linux": {"intelRdt": {"enabled": True, "monitoring": False}}},
        {"linux": {"intelRdt": {"enableMonitoring": True}}},
        ("FEAT-INTELRDT-MONITORING", "error", "/linux/intelRdt/enableMonitoring"),
        {"linux": {"intelRdt": {"enableMonitoring": False}}},
    ),
    (
        {"linux": {"memoryPolicy": {"modes": ["MPOL_BIND"], "flags": []}}},
        {"linux": {"memoryPolicy": {"mode": "MPOL_INTERLEAVE", "nodes": "0"}}},
        ("FEAT-MEMORY-POLICY-MODE", "error", "/linux/memoryPolicy/mode"),
        {"linux": {"memoryPolicy": {"mode": "MPOL_BIND", "nodes": "0"}}},
    ),
    (
        {"linux": {"memoryPolicy": {"modes": ["MPOL_BIND"], "flags": ["MPOL_F_STATIC_NODES"]}}},
        {"linux": {"memoryPolicy": {"mode": "MPOL_BIND", "flags": ["MPOL_F_RELATIVE_NODES"]}}},
        ("FEAT-MEMORY-POLICY-FLAG", "error", "/linux/memoryPolicy/flags/0"),
        {"linux": {"memoryPolicy": {"mode": "MPOL_BIND", "flags": ["MPOL_F_STATIC_NODES"]}}},
    ),
    (
        {"linux": {"netDevices": {"enabled": False}}},
        {"linux": {"netDevices": {"eth1": {"name": "eth1"}}}},
        ("FEAT-NETDEVICES", "error", "/linux/netDevices"),
        {"linux": {"netDevices": {}}},
    ),
    # potentiallyUnsafeConfigAnnotations: "A value that ends with "." is interpreted as a prefix of annotations."
    (
        {"potentiallyUnsafeConfigAnnotations": ["com.example.foo.bar", "org.systemd.property."]},
        {"annotations": {"org.systemd.property.ExecStartPre": "x"}},
        ("FEAT-UNSAFE-ANNOTATION", "warning", "/annotations/org.systemd.property.ExecStartPre"),
        {"annotations": {"com.example.foo.bar.baz": "x", "org.systemd.propertyX": "y"}},
    ),
    (
        {"potentiallyUnsafeConfigAnnotations": ["com.example.foo.bar", "org.systemd.property."]},
        {"annotations": {"com.example.foo.bar": "x"}},
        ("FEAT-UNSAFE-ANNOTATION", "warning", "/annotations/com.example.foo.bar"),
        {"annotations": {}},
    ),
]


@pytest.mark.parametrize(
    ("features", "bad", "expected", "good"), CASES, ids=[f"{c[2][0]}-{i}" for i, c in enumerate(CASES)]
)
def test_each_rule_both_ways(
    features: dict[str, Any], bad: dict[str, Any], expected: tuple[str, str, str], good: dict[str, Any]
) -> None:
    assert expected in judge(features, bad)
    assert [f for f in judge(features, good) if f[0] == expected[0]] == []


def test_every_rule_is_tested_both_ways() -> None:
    tested = {case[2][0] for case in CASES}
    assert tested == {r.id for r in RULES} - {"FEAT-UNKNOWN"}


@pytest.mark.parametrize(
    ("features", "bad", "expected", "good"), CASES, ids=[f"{c[2][0]}-{i}" for i, c in enumerate(CASES)]
)
def test_a_property_left_out_is_at_most_info(
    features: dict[str, Any], bad: dict[str, Any], expected: tuple[str, str, str], good: dict[str, Any]
) -> None:
    # features.md: "All properties in the Features structure except ociVersionMin and ociVersionMax MAY either be
    # absent or have the null value." Absent means the runtime did not say: never an error or a warning.
    if expected[0].startswith("FEAT-OCI-VERSION"):
        return  # the version range is REQUIRED, never absent
    found = judge({}, bad)
    assert {severity for _, severity, _ in found} <= {"info"}, found
    assert all(rule == "FEAT-UNKNOWN" for rule, _, _ in found)


def test_unknown_is_reported_once_per_area() -> None:
    config = {"mounts": [{"destination": "/a", "options": ["ro", "nosuid"]}, {"destination": "/b", "options": ["rw"]}]}
    assert judge({}, config) == [("FEAT-UNKNOWN", "info", "/mounts/0/options/0")]


def test_runc_example_accepts_a_containerd_spec_as_runc_would() -> None:
    raw = (SHARED / "bench" / "k8s.json").read_bytes()
    report = core.validate(raw, profile="features:runc-1.1")
    assert report.valid
    # containerd 2 writes ociVersion 1.2.0; runc 1.1 knows up to 1.1.0-rc.2 (SemVer: 1.1.0-rc.2 < 1.1.0 < 1.2.0).
    assert ("FEAT-OCI-VERSION-NEWER", "/ociVersion") in [(f.rule, f.path) for f in report.findings]

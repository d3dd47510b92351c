"""Real workloads come out valid with few findings: the bench specs and the admission example's pod."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import SHARED
from tests.core.profiles.runsc.support import report

POD_UID = "b8e2f0d4-6a71-4d3c-9e55-0c1f7a9d2e64"
SANDBOX_ID = "5b0c6f2e4d1a7c9e8f3b2a1d0c9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e"
KUBELET_POD = f"/var/lib/kubelet/pods/{POD_UID}"
CONTAINERD_SANDBOX = f"/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/{SANDBOX_ID}"


# runsc's ParseMountOptions warns about every host-only mount option (nodev, relatime, rprivate, ...): real
# specs carry many, so they are counted apart from the findings that say something about the workload.
OPT_UNKNOWN = "RUNSC-MOUNT-OPT-UNKNOWN"


def _others(findings: list[Any]) -> list[Any]:
    return [f for f in findings if f.rule != OPT_UNKNOWN]


@pytest.mark.parametrize("name", ["small", "big", "k8s"])
def test_bench_specs_are_valid(name: str) -> None:
    result = report((SHARED / "bench" / f"{name}.json").read_bytes())
    assert result.valid, [f for f in result.findings if f.severity == "error"]
    assert len(_others(result.findings)) <= 6
    # Every option CRI runtimes write is one Linux knows: runsc ignores it, which is worth an info, not a warning.
    assert all(f.severity == "info" for f in result.findings if f.rule == OPT_UNKNOWN)


def test_k8s_bench_findings_are_the_expected_few() -> None:
    result = report((SHARED / "bench" / "k8s.json").read_bytes())
    assert {(f.rule, f.path) for f in _others(result.findings)} == {
        ("RUNSC-APPARMOR", "/process/apparmorProfile"),
        ("RUNSC-CAPS-NETRAW", "/process/capabilities"),
        ("RUNSC-SECCOMP-OFF", "/linux/seccomp"),
        ("RUNSC-MASKED-READONLY", "/linux/maskedPaths"),
        ("RUNSC-MOUNT-TYPE-UNKNOWN", "/mounts/3/type"),
    }
    assert result.sandbox.container_type == "container"
    assert result.sandbox.creates_sandbox is False


def _bind(destination: str, source: str, mode: str = "rw") -> dict[str, Any]:
    return {"destination": destination, "type": "bind", "source": source, "options": ["rbind", "rprivate", mode]}


def _builder_spec() -> dict[str, Any]:
    """The OCI spec containerd 2.x builds for the admission example's `builder` container (RuntimeDefault seccomp)."""
    pod = json.loads((SHARED / "reference" / "admissionreview-pod-example.json").read_text())["request"]["object"]
    container = pod["spec"]["containers"][0]
    caps = ["CAP_" + c for c in container["securityContext"]["capabilities"]["add"]]
    volumes = f"{KUBELET_POD}/volumes"
    return {
        "ociVersion": "1.2.0",
        "process": {
            "user": {"uid": 10001, "gid": 10001, "additionalGids": [10001]},
            "args": container["command"] + container["args"],
            "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]
            + [f"{e['name']}={e['value']}" for e in container["env"]],
            "cwd": "/",
            "capabilities": {"bounding": caps, "effective": caps, "permitted": caps},
            "noNewPrivileges": True,
            "apparmorProfile": "cri-containerd.apparmor.d",
            "oomScoreAdj": 1000,
        },
        "root": {"path": "rootfs", "readonly": True},
        "mounts": [
            {"destination": "/proc", "type": "proc", "source": "proc", "options": ["nosuid", "noexec", "nodev"]},
            {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
             "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
            {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
             "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
            {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
             "options": ["nosuid", "noexec", "nodev"]},
            {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]},
            {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
             "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]},
            _bind("/etc/hosts", f"{KUBELET_POD}/etc-hosts"),
            _bind("/dev/termination-log", f"{KUBELET_POD}/containers/builder/1f2e3d4c"),
            _bind("/etc/hostname", f"{CONTAINERD_SANDBOX}/hostname"),
            _bind("/etc/resolv.conf", f"{CONTAINERD_SANDBOX}/resolv.conf"),
            _bind("/dev/shm", f"/run/containerd/io.containerd.grpc.v1.cri/sandboxes/{SANDBOX_ID}/shm"),
            _bind("/workspace", f"{volumes}/kubernetes.io~empty-dir/workspace"),
            _bind("/tmp", f"{volumes}/kubernetes.io~empty-dir/tmp"),
            _bind("/var/run/secrets/kubernetes.io/serviceaccount",
                  f"{volumes}/kubernetes.io~projected/kube-api-access-x7k2p", "ro"),
        ],
        "annotations": {
            "io.kubernetes.cri.container-type": "container",
            "io.kubernetes.cri.container-name": "builder",
            "io.kubernetes.cri.sandbox-id": SANDBOX_ID,
            "io.kubernetes.cri.sandbox-name": pod["metadata"]["name"],
            "io.kubernetes.cri.sandbox-namespace": pod["metadata"]["namespace"],
            "io.kubernetes.cri.image-name": container["image"],
        },
        "linux": {
            "resources": {"memory": {"limit": 2147483648}, "cpu": {"shares": 512, "quota": 200000, "period": 100000}},
            "cgroupsPath": f"/kubepods/burstable/pod{POD_UID}/0123abcd",
            "namespaces": [
                {"type": "pid"},
                {"type": "ipc", "path": "/proc/4242/ns/ipc"},
                {"type": "uts", "path": "/proc/4242/ns/uts"},
                {"type": "mount"},
                {"type": "network", "path": "/proc/4242/ns/net"},
                {"type": "cgroup"},
            ],
            "seccomp": {
                "defaultAction": "SCMP_ACT_ERRNO",
                "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
                "syscalls": [
                    {"names": ["accept", "read", "write"], "action": "SCMP_ACT_ALLOW"},
                    {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
                     "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_EQ"}]},
                    {"names": ["clone"], "action": "SCMP_ACT_ALLOW",
                     "args": [{"index": 0, "value": 2114060288, "op": "SCMP_CMP_MASKED_EQ"}]},
                ],
            },
            "maskedPaths": ["/proc/acpi", "/proc/kcore", "/proc/keys"],
            "readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"],
        },
    }  # fmt: skip


def _sandbox_spec() -> dict[str, Any]:
    """The pause container's spec for the same pod (it creates the sandbox)."""
    return {
        "ociVersion": "1.2.0",
        "process": {"user": {"uid": 65535, "gid": 65535}, "args": ["/pause"], "cwd": "/",
                    "capabilities": {"bounding": [], "effective": [], "permitted": []}, "noNewPrivileges": True},
        "root": {"path": "rootfs", "readonly": True},
        "mounts": [{"destination": "/proc", "type": "proc", "source": "proc", "options": ["nosuid", "noexec", "nodev"]},
                   {"destination": "/dev/shm", "type": "bind", "source": f"/run/containerd/s/{SANDBOX_ID}/shm",
                    "options": ["rbind", "ro", "nosuid", "nodev", "noexec"]}],
        "annotations": {"io.kubernetes.cri.container-type": "sandbox", "io.kubernetes.cri.sandbox-id": SANDBOX_ID,
                        "io.kubernetes.cri.sandbox-name": "untrusted-build-7f9c"},
        "linux": {"sysctl": {"net.ipv4.ip_unprivileged_port_start": "0"},
                  "namespaces": [{"type": "pid"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"},
                                 {"type": "network"}]},
    }  # fmt: skip


def test_admission_example_container_is_valid() -> None:
    result = report(_builder_spec())
    assert result.valid, result.findings
    assert {f.rule for f in _others(result.findings)} == {
        "RUNSC-APPARMOR",
        "RUNSC-SECCOMP-OFF",
        "RUNSC-MASKED-READONLY",
        "RUNSC-MOUNT-TYPE-UNKNOWN",
    }
    assert result.sandbox.sandbox_id == SANDBOX_ID


def test_admission_example_with_runtime_default_annotation_drops_seccomp() -> None:
    data = _builder_spec()
    data["annotations"]["dev.gvisor.internal.seccomp.builder"] = "RuntimeDefault"
    result = report(data)
    assert result.valid
    assert [(f.rule, f.severity) for f in result.findings if "SECCOMP" in f.rule] == [
        ("RUNSC-SECCOMP-RUNTIMEDEFAULT", "info")
    ]


def test_admission_example_with_oci_seccomp_enforced_is_valid() -> None:
    data = _builder_spec()
    data["annotations"]["dev.gvisor.flag.oci-seccomp"] = "true"
    result = report(data)
    assert result.valid, result.findings
    assert not [f for f in result.findings if "SECCOMP" in f.rule]


def test_admission_example_sandbox_is_valid_and_creates_the_sandbox() -> None:
    result = report(_sandbox_spec())
    assert result.valid, result.findings
    assert result.sandbox.container_type == "sandbox"
    assert result.sandbox.creates_sandbox is True
    assert [f.rule for f in _others(result.findings)] == ["RUNSC-SYSCTL-OTHER"]
    # nodev on /proc and on the shm bind mount: the sentry ignores it, and says so.
    assert [f.path for f in result.findings if f.rule == OPT_UNKNOWN] == ["/mounts/0/options/2", "/mounts/1/options/3"]

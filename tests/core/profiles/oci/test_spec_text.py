"""Regressions from a review against the runtime-spec text (v1.3.0): each case quotes the sentence it checks."""

from __future__ import annotations

from typing import Any

import pytest

from tests.core.profiles.oci.support import DEL, LINUX, WINDOWS, edit, run

ZOS: dict[str, Any] = {
    "ociVersion": "1.3.0",
    "root": {"path": "rootfs"},
    "process": {"cwd": "/", "args": ["sh"], "user": {"uid": 0, "gid": 0}, "noNewPrivileges": True},
    "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"}],
    "zos": {"namespaces": [{"type": "pid"}, {"type": "mount"}, {"type": "ipc"}, {"type": "uts"}]},
}
"""A z/OS config with no finding at all (the config-zos.md example namespaces)."""

FREEBSD: dict[str, Any] = {
    "ociVersion": "1.3.0",
    "root": {"path": "rootfs"},
    "process": {"cwd": "/", "args": ["sh"], "user": {"uid": 0, "gid": 0}},
    "mounts": [{"destination": "/dev", "type": "devfs", "source": "devfs", "options": ["ruleset=4"]}],
    "freebsd": {
        "devices": [{"path": "pf", "mode": 448}],
        "jail": {"host": "new", "vnet": "new", "enforceStatfs": 1, "allow": {"rawSockets": True, "mount": ["tmpfs"]}},
    },
}
"""The config-freebsd.md examples in a FreeBSD config with no finding at all."""

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
    # config-windows.md#configWindowsCpu: affinity is an array of objects with REQUIRED mask and group (the
    # v1.2.1/v1.3.0 schemas wrongly describe a single object).
    case(
        "windows-cpu-affinity-array",
        {"/windows/resources": {"cpu": {"count": 2, "affinity": [{"mask": 3, "group": 0}]}}},
        [],
        base=WINDOWS,
        platform="windows",
        absent=("OCI-SCHEMA",),
    ),
    case(
        "windows-cpu-affinity-entry-needs-group",
        {"/windows/resources": {"cpu": {"affinity": [{"mask": 3}]}}},
        [("OCI-SCHEMA", "/windows/resources/cpu/affinity/0/group", "error")],
        base=WINDOWS,
        platform="windows",
    ),
    # config-zos.md#configZOSNamespaces: path MUST be absolute; duplicated types MUST be an error.
    case(
        "zos-namespace-path-absolute",
        {"/zos/namespaces/0": {"type": "pid", "path": "proc/1234/ns/pid"}},
        [("OCI-NS-PATH-ABS", "/zos/namespaces/0/path", "error")],
        base=ZOS,
        platform="zos",
    ),
    case(
        "zos-namespace-duplicate",
        {"/zos/namespaces/4": {"type": "mount"}},
        [("OCI-NS-DUP", "/zos/namespaces/4/type", "error")],
        base=ZOS,
        platform="zos",
    ),
    case(
        "zos-example-namespaces",
        {"/zos/namespaces/0": {"type": "pid", "path": "/proc/1234/ns/pid"}},
        [],
        base=ZOS,
        platform="zos",
        absent=("OCI-NS-PATH-ABS", "OCI-NS-DUP", "OCI-LINUX-DEFFS"),
    ),
    # config-zos.md: /proc SHOULD be available.
    case("zos-proc-filesystem", {"/mounts": []}, [("OCI-LINUX-DEFFS", "/mounts", "warning")], base=ZOS, platform="zos"),
    # config-freebsd.md#configFreeBSDDevices: each container SHOULD have devfs mounted on /dev.
    case(
        "freebsd-devfs-on-dev",
        {"/mounts": []},
        [("OCI-LINUX-DEFFS", "/mounts", "warning")],
        base=FREEBSD,
        platform="freebsd",
    ),
    case("freebsd-example-is-clean", {}, [], base=FREEBSD, platform="freebsd", absent=("OCI-LINUX-DEFFS",)),
    # config.md#configPOSIXProcess: rlimits[].type is REQUIRED (a missing field, not a malformed one).
    case(
        "rlimit-type-missing",
        {"/process/rlimits": [{"soft": 1, "hard": 1}]},
        [("OCI-RLIM-FIELDS", "/process/rlimits/0/type", "error")],
        absent=("OCI-RLIM-TYPE-FMT",),
    ),
    # config.md#configMounts: a relative Linux destination is read relative to "/", so "proc" provides /proc.
    case(
        "linux-relative-destination-counts-for-defaults",
        {"/mounts/0/destination": "proc"},
        [("OCI-MNT-DEST-LINUX", "/mounts/0/destination", "warning")],
        absent=("OCI-LINUX-DEFFS",),
    ),
    # config-vm.md: hypervisor.path, kernel.path, kernel.initrd and image.path MUST be absolute.
    case(
        "vm-paths-absolute",
        {"/vm": {"kernel": {"path": "vmlinuz", "initrd": "initrd.img"}, "image": {"path": "img", "format": "raw"}}},
        [
            ("OCI-VM-PATH-ABS", "/vm/kernel/path", "error"),
            ("OCI-VM-PATH-ABS", "/vm/kernel/initrd", "error"),
            ("OCI-VM-PATH-ABS", "/vm/image/path", "error"),
        ],
        platform="vm",
    ),
    # config.md#configPOSIXMounts: "If specified, it MUST be specified along with gidMappings" arrived in 1.2.0,
    # with the idmap/ridmap options; 1.1.0 only defined the two fields.
    case(
        "mount-mappings-pair-before-1.2.0-warns",
        {
            "/ociVersion": "1.1.0",
            "/mounts/4": {
                "destination": "/data",
                "source": "/host",
                "options": ["rbind"],
                "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 10}],
            },
        },
        [("OCI-MNT-IDMAP-PAIR", "/mounts/4/gidMappings", "warning")],
        absent=("OCI-MNT-IDMAP-OPT",),
    ),
    case(
        "mount-mappings-pair-from-1.2.0-errs",
        {
            "/ociVersion": "1.2.0",
            "/mounts/4": {
                "destination": "/data",
                "source": "/host",
                "options": ["rbind"],
                "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 10}],
            },
        },
        [
            ("OCI-MNT-IDMAP-PAIR", "/mounts/4/gidMappings", "error"),
            ("OCI-MNT-IDMAP-OPT", "/mounts/4/options", "warning"),
        ],
    ),
    # config-linux.md#configLinuxTimeOffset: "The name of the clock is the entry key": a free key, judged by
    # OCI-TIMEOFF-KEYS alone, while members of its value are still checked.
    case(
        "time-offsets-keys-are-free",
        {"/linux/namespaces/5": {"type": "time"}, "/linux/timeOffsets": {"realtime": {"secs": 1, "Nanosecs": 2}}},
        [
            ("OCI-TIMEOFF-KEYS", "/linux/timeOffsets/realtime", "warning"),
            ("OCI-DOC-UNKNOWN", "/linux/timeOffsets/realtime/Nanosecs", "warning"),
        ],
    ),
    # A VM runtime applies the Linux process settings in its guest: 1.0.x still errs on unknown capabilities.
    case(
        "vm-capabilities-1.0.x",
        {"/ociVersion": "1.0.2", "/process/capabilities": {"bounding": ["CAP_FOO"]}},
        [("OCI-CAP-NAMES", "/process/capabilities/bounding/0", "error")],
        platform="vm",
    ),
    # A Kubernetes container joins its pod's namespaces by path; runc accepts hostname and namespaced sysctls
    # there (the spec only says the UTS namespace "may be the runtime UTS namespace"), so no IMPL warning either.
    case(
        "kubernetes-container-joins-pod-namespaces",
        {
            "/hostname": "web-0",
            "/linux/namespaces": [
                {"type": "pid"},
                {"type": "ipc", "path": "/proc/48213/ns/ipc"},
                {"type": "uts", "path": "/proc/48213/ns/uts"},
                {"type": "mount"},
                {"type": "network", "path": "/proc/48213/ns/net"},
                {"type": "cgroup"},
            ],
            "/linux/sysctl": {"net.ipv4.ip_unprivileged_port_start": "0", "kernel.shm_rmid_forced": "1"},
        },
        [],
        absent=("OCI-HOST-UTS", "OCI-SYSCTL-NS"),
    ),
    # Mounts happen in the listed order: a later mount on / hides every earlier one.
    case(
        "mount-on-root-hides-earlier-mounts",
        {"/mounts/4": {"destination": "/", "type": "tmpfs", "source": "tmpfs"}},
        [("OCI-MNT-ORDER", "/mounts/0/destination", "warning"), ("OCI-MNT-ORDER", "/mounts/3/destination", "warning")],
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


def test_time_offset_clock_is_not_an_unknown_member() -> None:
    doc = edit(LINUX, {"/linux/namespaces/5": {"type": "time"}, "/linux/timeOffsets": {"realtime": {"secs": 1}}})
    assert [(f.rule, f.path) for f in run(doc).findings] == [("OCI-TIMEOFF-KEYS", "/linux/timeOffsets/realtime")]


def example(name: str, changes: dict[str, Any], *, base: dict[str, Any] = LINUX, platform: str = "linux") -> Any:
    """A spec example (placed in a clean document of its platform) that must give no error."""
    return pytest.param(changes, base, platform, id=name)


_WIN_ROOT = "\\\\?\\Volume{ec84d99e-3f02-11e7-ac6c-00155d7682cf}\\"
_ALL_NS = [{"type": t} for t in ("pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time")]
_MAP = [{"containerID": 0, "hostID": 1000, "size": 32000}]

EXAMPLES = [
    example(
        "linux-devices",
        {
            "/linux/devices": [
                {"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 438, "uid": 0, "gid": 0},
                {"path": "/dev/sda", "type": "b", "major": 8, "minor": 0, "fileMode": 432, "uid": 0, "gid": 0},
            ]
        },
    ),
    example(
        "hooks",
        {
            "/hooks": {
                "prestart": [
                    {"path": "/usr/bin/fix-mounts", "args": ["fix-mounts", "arg1", "arg2"], "env": ["key1=value1"]},
                    {"path": "/usr/bin/setup-network"},
                ],
                "createRuntime": [
                    {"path": "/usr/bin/fix-mounts", "args": ["fix-mounts", "arg1", "arg2"], "env": ["key1=value1"]},
                    {"path": "/usr/bin/setup-network"},
                ],
                "createContainer": [
                    {"path": "/usr/bin/mount-hook", "args": ["-mount", "arg1", "arg2"], "env": ["key1=value1"]}
                ],
                "startContainer": [{"path": "/usr/bin/refresh-ldcache"}],
                "poststart": [{"path": "/usr/bin/notify-start", "timeout": 5}],
                "poststop": [{"path": "/usr/sbin/cleanup.sh", "args": ["cleanup.sh", "-f"]}],
            }
        },
    ),
    example(
        "seccomp",
        {
            "/linux/seccomp": {
                "defaultAction": "SCMP_ACT_ALLOW",
                "architectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"],
                "syscalls": [{"names": ["getcwd", "chmod"], "action": "SCMP_ACT_ERRNO"}],
            }
        },
    ),
    # config-linux.md's example misses a comma after "nodes" and has a trailing one after "flags".
    example(
        "memory-policy-typos-fixed",
        {"/linux/memoryPolicy": {"mode": "MPOL_INTERLEAVE", "nodes": "2-3", "flags": ["MPOL_F_STATIC_NODES"]}},
    ),
    example(
        "intel-rdt",
        {
            "/linux/intelRdt": {
                "closID": "guaranteed_group",
                "schemata": ["L3:0=7f0;1=1f", "L2:0=f;1=f;2=f;3=f", "MB:0=20;1=70"],
            }
        },
    ),
    example("net-devices", {"/linux/netDevices": {"eth0": {"name": "container_eth0"}}}),
    example(
        "namespaces-and-mappings",
        {
            "/linux/namespaces": [
                {"type": "pid", "path": "/proc/1234/ns/pid"},
                {"type": "network", "path": "/var/run/netns/neta"},
                *_ALL_NS[2:],
            ],
            "/linux/uidMappings": _MAP,
            "/linux/gidMappings": _MAP,
            "/linux/timeOffsets": {"monotonic": {"secs": 172800, "nanosecs": 0}},
        },
    ),
    example(
        "resources",
        {
            "/linux/cgroupsPath": "/myRuntime/myContainer",
            "/linux/resources": {
                "memory": {"limit": 536870912, "reservation": 536870912, "swap": 536870912, "swappiness": 0},
                "cpu": {
                    "shares": 1024,
                    "quota": 1000000,
                    "burst": 1000000,
                    "period": 500000,
                    "realtimeRuntime": 950000,
                    "realtimePeriod": 1000000,
                    "cpus": "2-3",
                    "mems": "0-7",
                    "idle": 0,
                },
                "blockIO": {
                    "weight": 10,
                    "leafWeight": 10,
                    "weightDevice": [
                        {"major": 8, "minor": 0, "weight": 500, "leafWeight": 300},
                        {"major": 8, "minor": 16, "weight": 500},
                    ],
                    "throttleReadBpsDevice": [{"major": 8, "minor": 0, "rate": 600}],
                    "throttleWriteIOPSDevice": [{"major": 8, "minor": 16, "rate": 300}],
                },
                "hugepageLimits": [{"pageSize": "2MB", "limit": 209715200}, {"pageSize": "64KB", "limit": 1000000}],
                "network": {"classID": 1048577, "priorities": [{"name": "eth0", "priority": 500}]},
                "pids": {"limit": 32771},
                "rdma": {"mlx5_1": {"hcaHandles": 3, "hcaObjects": 10000}, "mlx4_0": {"hcaObjects": 1000}},
                "unified": {"io.max": "259:0 rbps=2097152 wiops=120", "hugetlb.1GB.max": "1073741824"},
                "devices": [
                    {"allow": False, "access": "rwm"},
                    {"allow": True, "type": "c", "major": 10, "minor": 229, "access": "rw"},
                    {"allow": True, "type": "b", "major": 8, "minor": 0, "access": "r"},
                ],
            },
        },
    ),
    example(
        "linux-process",
        {
            "/process": {
                "terminal": True,
                "consoleSize": {"height": 25, "width": 80},
                "user": {"uid": 1, "gid": 1, "umask": 63, "additionalGids": [5, 6]},
                "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"],
                "cwd": "/root",
                "args": ["sh"],
                "apparmorProfile": "acme_secure_profile",
                "selinuxLabel": "system_u:system_r:svirt_lxc_net_t:s0:c124,c675",
                "ioPriority": {"class": "IOPRIO_CLASS_IDLE", "priority": 4},
                "noNewPrivileges": True,
                "capabilities": {
                    "bounding": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
                    "permitted": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
                    "inheritable": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
                    "effective": ["CAP_AUDIT_WRITE", "CAP_KILL"],
                    "ambient": ["CAP_NET_BIND_SERVICE"],
                },
                "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}],
                "execCPUAffinity": {"initial": "7", "final": "0-3,7"},
            }
        },
    ),
    example(
        "linux-mounts",
        {
            "/mounts/4": {
                "destination": "/tmp",
                "type": "tmpfs",
                "source": "tmpfs",
                "options": ["nosuid", "strictatime", "mode=755", "size=65536k"],
            },
            "/mounts/5": {
                "destination": "/data",
                "type": "none",
                "source": "/volumes/testing",
                "options": ["rbind", "rw"],
            },
        },
    ),
    example(
        "annotations-hostname-domainname",
        {"/annotations": {"com.example.gpu-cores": "2"}, "/hostname": "mrsdalloway", "/domainname": "foobarbaz.test"},
    ),
    example(
        "windows",
        {
            "/root": {"path": _WIN_ROOT},
            "/process": {
                "terminal": True,
                "user": {"username": "containeradministrator"},
                "env": ["VARIABLE=1"],
                "cwd": "c:\\foo",
                "args": ["someapp.exe"],
            },
            "/mounts": [
                {"destination": "C:\\folder-inside-container", "source": "C:\\folder-on-host", "options": ["ro"]}
            ],
            "/windows": {
                "layerFolders": ["C:\\Layers\\layer2", "C:\\Layers\\layer1", "C:\\Layers\\layer-base", "C:\\scratch"],
                "devices": [
                    {"id": "24E552D7-6523-47F7-A647-D3465BF1F5CA", "idType": "class"},
                    {"id": "5175d334-c371-4806-b3ba-71fd53c9258d", "idType": "class"},
                ],
                "resources": {"memory": {"limit": 2097152}, "cpu": {"maximum": 5000}, "storage": {"iops": 50}},
                "network": {
                    "endpointList": ["7a010682-17e0-4455-a838-02e5d9655fe6"],
                    "allowUnqualifiedDNSQuery": True,
                    "DNSSearchList": ["a.com", "b.com"],
                    "networkSharedContainerName": "containerName",
                    "networkNamespace": "168f3daf-efc6-4377-b20a-2c86764ba892",
                },
                "servicing": True,
                "ignoreFlushesDuringBoot": True,
            },
        },
        base=WINDOWS,
        platform="windows",
    ),
    example(
        "windows-hyperv",
        {"/root": DEL, "/windows/hyperv": {"utilityVMPath": "C:\\path\\to\\utilityvm"}},
        base=WINDOWS,
        platform="windows",
    ),
    example(
        "solaris",
        {
            "/process": {
                "terminal": True,
                "consoleSize": {"height": 25, "width": 80},
                "user": {"uid": 1, "gid": 1, "umask": 7, "additionalGids": [2, 8]},
                "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"],
                "cwd": "/root",
                "args": ["/usr/bin/bash"],
            },
            "/mounts": [
                {"destination": "/opt/local", "type": "lofs", "source": "/usr/local", "options": ["ro", "nodevices"]},
                {"destination": "/opt/sfw", "type": "lofs", "source": "/opt/sfw"},
            ],
            "/solaris": {
                "milestone": "svc:/milestone/container:default",
                "limitpriv": "default",
                "maxShmMemory": "512m",
                "cappedCPU": {"ncpus": "8"},
                "cappedMemory": {"physical": "512m", "swap": "512m"},
                "anet": [
                    {
                        "allowedAddress": "172.17.0.2/16",
                        "configureAllowedAddress": "true",
                        "defrouter": "172.17.0.1/16",
                        "linkProtection": "mac-nospoof, ip-nospoof",
                        "linkname": "net0",
                        "lowerLink": "net2",
                        "macAddress": "02:42:f8:52:c7:16",
                    }
                ],
            },
            "/linux": DEL,
        },
        platform="solaris",
    ),
    example(
        "zos",
        {"/zos/namespaces": [{"type": "pid", "path": "/proc/1234/ns/pid"}, {"type": "mount"}, {"type": "ipc"}]},
        base=ZOS,
        platform="zos",
    ),
    example("freebsd", {}, base=FREEBSD, platform="freebsd"),
    example(
        "vm",
        {
            "/vm": {
                "hypervisor": {"path": "/path/to/vmm", "parameters": ["opts1=foo", "opts2=bar"]},
                "kernel": {
                    "path": "/path/to/vmlinuz",
                    "parameters": ["foo=bar", "hello world"],
                    "initrd": "/path/to/initrd.img",
                },
                "image": {"path": "/path/to/vm/rootfs.img", "format": "raw"},
                "hwConfig": {
                    "deviceTree": "/path/to/vm/devicetree.dtb",
                    "vcpus": 1,
                    "memory": 4194304,
                    "dtdevs": ["path/to/dev1_node", "path/to/dev2_node"],
                    "iomems": [{"firstMFN": 12288, "nrMFNs": 1}, {"firstGFN": 12544, "firstMFN": 33024, "nrMFNs": 2}],
                    "irqs": [11, 22],
                },
            }
        },
        platform="vm",
    ),
]


@pytest.mark.parametrize(("changes", "base", "platform"), EXAMPLES)
def test_spec_example_has_no_error(changes: dict[str, Any], base: dict[str, Any], platform: str) -> None:
    report = run(edit(base, changes), platform=platform)
    assert [f for f in report.findings if f.severity == "error"] == []

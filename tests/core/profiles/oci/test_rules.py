"""Every decidable document rule of profile oci, both ways: a document that breaks it and one that does not."""

from __future__ import annotations

from typing import Any

import pytest

from app.core.profiles.oci.catalog import CATALOG
from tests.core.profiles.oci.support import DEL, LINUX, SOLARIS, WINDOWS, edit, of_rule, run

NS = "/linux/namespaces"
RES = "/linux/resources"
SC = "/linux/seccomp"
M4 = "/mounts/4"
TMP = {"destination": "/data", "type": "tmpfs", "source": "tmpfs"}
BIND = {"destination": "/data", "source": "/host", "options": ["rbind"]}
MAP = [{"containerID": 0, "hostID": 1000, "size": 10}]
NO_UTS = {NS: [{"type": "pid"}, {"type": "mount"}, {"type": "network"}]}
WITH_USER = {NS + "/5": {"type": "user"}, "/linux/uidMappings": MAP, "/linux/gidMappings": MAP}
WITH_TIME = {NS + "/5": {"type": "time"}}
HOOK = {"path": "/bin/true"}
DEV = {"path": "/dev/sda", "type": "b", "major": 8, "minor": 0}
SC_OK = {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]}
DENY_ALL = {"allow": False, "access": "rwm"}


def case(
    rule: str,
    bad: dict[str, Any] | str,
    path: str,
    good: dict[str, Any] | None = None,
    *,
    base: dict[str, Any] = LINUX,
    platform: str = "linux",
    lifecycle: str = "create",
    severity: str | None = None,
) -> Any:
    """One row: `bad` edits of `base` must give `rule` at `path`; `good` edits must not give `rule` at all."""
    return pytest.param(rule, bad, path, good or {}, base, platform, lifecycle, severity, id=rule)


CASES = [
    # document
    case(
        "OCI-DOC-NODUPKEYS", '{"ociVersion": "1.3.0", "ociVersion": "1.3.0", "root": {"path": "rootfs"}}', "/ociVersion"
    ),
    case("OCI-DOC-UNKNOWN", {"/Hostname": "box"}, "/Hostname", {"/hostname": "box"}),
    case(
        "OCI-DOC-INT",
        {"/process/user/additionalGids": [1.5]},
        "/process/user/additionalGids/0",
        {"/process/user/additionalGids": [5]},
    ),
    case("OCI-SCHEMA", {"/root/readonly": "yes"}, "/root/readonly", {"/root/readonly": True}),
    # ociVersion
    case("OCI-VER-REQ", {"/ociVersion": DEL}, "/ociVersion"),
    case("OCI-VER-SEMVER", {"/ociVersion": "banana"}, "/ociVersion", {"/ociVersion": "1.3.0-rc.1+build.5"}),
    case("OCI-VER-MAJOR", {"/ociVersion": "2.0.0"}, "/ociVersion", {"/ociVersion": "1.2.1"}, severity="warning"),
    case(
        "OCI-VER-GATE",
        {"/ociVersion": "1.0.2", "/domainname": "example"},
        "/domainname",
        {"/ociVersion": "1.1.0", "/domainname": "example"},
        severity="warning",
    ),
    # root
    case("OCI-ROOT-REQ", {"/root": DEL}, "/root"),
    case("OCI-ROOT-PATH-REQ", {"/root": {}}, "/root/path"),
    case("OCI-ROOT-PATH-POSIX", {"/root/path": ""}, "/root/path", severity="warning"),
    case(
        "OCI-ROOT-PATH-CONV",
        {"/root/path": "/srv/image"},
        "/root/path",
        {"/root/path": "/srv/rootfs"},
        severity="warning",
    ),
    case("OCI-ROOT-PATH-WIN", {"/root/path": "C:\\rootfs"}, "/root/path", base=WINDOWS, platform="windows"),
    case(
        "OCI-ROOT-RO-WIN",
        {"/root/readonly": True},
        "/root/readonly",
        {"/root/readonly": False},
        base=WINDOWS,
        platform="windows",
    ),
    # mounts
    case("OCI-MNT-DEST-REQ", {M4: {"type": "tmpfs", "source": "tmpfs"}}, M4 + "/destination", {M4: TMP}),
    case(
        "OCI-MNT-DEST-LINUX", {M4: {**TMP, "destination": "data"}}, M4 + "/destination", {M4: TMP}, severity="warning"
    ),
    case(
        "OCI-MNT-DEST-ABS-OTHER",
        {"/mounts": [{**TMP, "destination": "data"}]},
        "/mounts/0/destination",
        {"/mounts": [TMP]},
        base=SOLARIS,
        platform="solaris",
    ),
    case(
        "OCI-MNT-DEST-WIN-NEST",
        {
            "/mounts": [
                {"destination": "C:\\data", "source": "C:\\a"},
                {"destination": "C:\\data\\sub", "source": "C:\\b"},
            ]
        },
        "/mounts/1/destination",
        {"/mounts": [{"destination": "C:\\data", "source": "C:\\a"}, {"destination": "C:\\other", "source": "C:\\b"}]},
        base=WINDOWS,
        platform="windows",
    ),
    case("OCI-MNT-ORDER", {M4: {**TMP, "destination": "/dev"}}, "/mounts/2/destination", {M4: TMP}, severity="warning"),
    case(
        "OCI-MNT-SRC-WIN",
        {"/mounts": [{"destination": "C:\\data", "source": "\\\\fileserver\\share"}]},
        "/mounts/0/source",
        {"/mounts": [{"destination": "C:\\pipe", "source": "\\\\.\\pipe\\docker_engine"}]},
        base=WINDOWS,
        platform="windows",
    ),
    case("OCI-MNT-BIND-SRC", {M4: {"destination": "/data", "options": ["rbind"]}}, M4 + "/source", {M4: BIND}),
    case("OCI-MNT-TYPE", {M4: {"destination": "/data", "source": "x"}}, M4 + "/type", {M4: TMP}),
    case(
        "OCI-MNT-OPTS",
        {M4: {**TMP, "options": ["noexek"]}},
        M4 + "/options/0",
        {M4: {**TMP, "options": ["noexec", "size=64k"]}},
        severity="info",
    ),
    case(
        "OCI-MNT-IDMAP-PAIR",
        {M4: {**BIND, "options": ["rbind", "idmap"], "uidMappings": MAP}},
        M4 + "/gidMappings",
        {M4: {**BIND, "options": ["rbind", "idmap"], "uidMappings": MAP, "gidMappings": MAP}},
    ),
    case(
        "OCI-MNT-IDMAP-OPT",
        {M4: {**BIND, "uidMappings": MAP, "gidMappings": MAP}},
        M4 + "/options",
        {M4: {**BIND, "options": ["rbind", "ridmap"], "uidMappings": MAP, "gidMappings": MAP}},
        severity="warning",
    ),
    case(
        "OCI-MNT-IDMAP-USERNS",
        {M4: {**BIND, "options": ["rbind", "idmap"]}},
        M4 + "/options",
        {M4: {**BIND, "options": ["rbind", "idmap"], "uidMappings": MAP, "gidMappings": MAP}},
    ),
    case(
        "OCI-MNT-IDMAP-ENTRY",
        {
            M4: {
                **BIND,
                "options": ["rbind", "idmap"],
                "uidMappings": [{"containerID": 0, "hostID": 1}],
                "gidMappings": MAP,
            }
        },
        M4 + "/uidMappings/0/size",
        {M4: {**BIND, "options": ["rbind", "idmap"], "uidMappings": MAP, "gidMappings": MAP}},
    ),
    # process
    case("OCI-PROC-REQ-START", {"/process": DEL}, "/process", lifecycle="start", severity="error"),
    case("OCI-PROC-CWD-REQ", {"/process/cwd": DEL}, "/process/cwd"),
    case("OCI-PROC-CWD-ABS", {"/process/cwd": "tmp"}, "/process/cwd", {"/process/cwd": "/tmp"}),
    case("OCI-PROC-ARGS-MIN", {"/process/args": []}, "/process/args", {"/process/args": ["true"]}),
    case(
        "OCI-PROC-ARGS-WIN",
        {"/process/args": DEL},
        "/process/commandLine",
        {"/process/args": DEL, "/process/commandLine": "cmd /c dir"},
        base=WINDOWS,
        platform="windows",
    ),
    case(
        "OCI-PROC-ENV",
        {"/process/env": ["1X=y"]},
        "/process/env/0",
        {"/process/env": ["X=y", "EMPTY="]},
        severity="warning",
    ),
    case(
        "OCI-PROC-CONSOLE",
        {"/process/consoleSize": {"height": 24, "width": 80}},
        "/process/consoleSize",
        {"/process/consoleSize": {"height": 24, "width": 80}, "/process/terminal": True},
        severity="warning",
    ),
    case(
        "OCI-PROC-CONSOLE-REQ",
        {"/process/terminal": True, "/process/consoleSize": {"height": 24}},
        "/process/consoleSize/width",
        {"/process/terminal": True, "/process/consoleSize": {"height": 24, "width": 8}},
    ),
    case("OCI-USER-UIDGID", {"/process/user": {"uid": 0}}, "/process/user/gid"),
    case(
        "OCI-USER-UMASK",
        {"/process/user/umask": 1000},
        "/process/user/umask",
        {"/process/user/umask": 18},
        severity="warning",
    ),
    case(
        "OCI-RLIM-FIELDS",
        {"/process/rlimits": [{"type": "RLIMIT_NOFILE", "soft": 1}]},
        "/process/rlimits/0/hard",
        {"/process/rlimits": [{"type": "RLIMIT_NOFILE", "soft": 1, "hard": 1}]},
    ),
    case(
        "OCI-RLIM-TYPE-FMT",
        {"/process/rlimits": [{"type": "rlimit_nofile", "soft": 1, "hard": 1}]},
        "/process/rlimits/0/type",
    ),
    case(
        "OCI-RLIM-TYPE-KNOWN",
        {"/process/rlimits": [{"type": "RLIMIT_FOO", "soft": 1, "hard": 1}]},
        "/process/rlimits/0/type",
        {"/process/rlimits": [{"type": "RLIMIT_LOCKS", "soft": 1, "hard": 1}]},
    ),
    # config-windows.md#configWindowsCpu (v1.1.0+): "The following parameters can be specified (mutually exclusive)".
    case(
        "OCI-WIN-CPU-EXCL",
        {"/windows/resources": {"cpu": {"count": 2, "maximum": 5000}}},
        "/windows/resources/cpu/maximum",
        {"/windows/resources": {"cpu": {"maximum": 5000}}},
        base=WINDOWS,
        platform="windows",
    ),
    # shares "is a value between 0 and 10,000"; maximum is "a percentage times 100".
    case(
        "OCI-WIN-CPU-RANGE",
        {"/windows/resources": {"cpu": {"shares": 20000}}},
        "/windows/resources/cpu/shares",
        {"/windows/resources": {"cpu": {"shares": 10000}}},
        base=WINDOWS,
        platform="windows",
        severity="warning",
    ),
    # config.md: "For POSIX platforms, the configuration structure supports hooks".
    case(
        "OCI-POSIX-ONLY",
        {"/hooks": {"poststop": [{"path": "C:\\hooks\\stop.exe"}]}},
        "/hooks",
        {"/hooks": DEL},
        base=WINDOWS,
        platform="windows",
        severity="warning",
    ),
    case(
        "OCI-RLIM-DUP",
        {"/process/rlimits": [{"type": "RLIMIT_NOFILE", "soft": 1, "hard": 1}] * 2},
        "/process/rlimits/1/type",
    ),
    case(
        "OCI-RLIM-ORDER",
        {"/process/rlimits": [{"type": "RLIMIT_NOFILE", "soft": 10, "hard": 5}]},
        "/process/rlimits/0/soft",
        {"/process/rlimits": [{"type": "RLIMIT_NOFILE", "soft": 5, "hard": 5}]},
        severity="warning",
    ),
    case(
        "OCI-CAP-NAMES",
        {"/process/capabilities": {"bounding": ["CAP_FOO"]}},
        "/process/capabilities/bounding/0",
        {"/process/capabilities": {"bounding": ["CAP_CHECKPOINT_RESTORE"]}},
        severity="warning",
    ),
    case(
        "OCI-CAP-SETS",
        {"/process/capabilities": {"effective": ["CAP_CHOWN"]}},
        "/process/capabilities/effective/0",
        {"/process/capabilities": {"effective": ["CAP_CHOWN"], "permitted": ["CAP_CHOWN"]}},
        severity="warning",
    ),
    case(
        "OCI-PROC-NNP",
        {"/process/noNewPrivileges": "yes"},
        "/process/noNewPrivileges",
        {"/process/noNewPrivileges": True},
    ),
    case(
        "OCI-PROC-OOM",
        {"/process/oomScoreAdj": 5000},
        "/process/oomScoreAdj",
        {"/process/oomScoreAdj": -999},
        severity="warning",
    ),
    case(
        "OCI-PROC-SELINUX",
        {"/process/selinuxLabel": "bogus"},
        "/process/selinuxLabel",
        {"/process/selinuxLabel": "system_u:system_r:container_t:s0:c1,c2"},
        severity="warning",
    ),
    case(
        "OCI-SCHED-POLICY",
        {"/process/scheduler": {"nice": 0}},
        "/process/scheduler/policy",
        {"/process/scheduler": {"policy": "SCHED_BATCH"}},
    ),
    case(
        "OCI-SCHED-FLAGS",
        {"/process/scheduler": {"policy": "SCHED_OTHER", "flags": ["SCHED_FLAG_X"]}},
        "/process/scheduler/flags/0",
        {"/process/scheduler": {"policy": "SCHED_OTHER", "flags": ["SCHED_FLAG_RESET_ON_FORK"]}},
    ),
    case(
        "OCI-SCHED-NICE",
        {"/process/scheduler": {"policy": "SCHED_OTHER", "nice": 50}},
        "/process/scheduler/nice",
        {"/process/scheduler": {"policy": "SCHED_OTHER", "nice": -20}},
        severity="warning",
    ),
    case(
        "OCI-SCHED-PRIO",
        {"/process/scheduler": {"policy": "SCHED_FIFO", "priority": 0}},
        "/process/scheduler/priority",
        {"/process/scheduler": {"policy": "SCHED_FIFO", "priority": 10}},
        severity="warning",
    ),
    case(
        "OCI-SCHED-DL",
        {"/process/scheduler": {"policy": "SCHED_OTHER", "runtime": 5}},
        "/process/scheduler/runtime",
        {"/process/scheduler": {"policy": "SCHED_DEADLINE", "runtime": 5, "deadline": 10, "period": 10}},
        severity="warning",
    ),
    case(
        "OCI-IOPRIO-CLASS",
        {"/process/ioPriority": {"class": "IOPRIO_CLASS_X", "priority": 0}},
        "/process/ioPriority/class",
        {"/process/ioPriority": {"class": "IOPRIO_CLASS_IDLE", "priority": 0}},
    ),
    case(
        "OCI-IOPRIO-PRIO",
        {"/process/ioPriority": {"class": "IOPRIO_CLASS_BE"}},
        "/process/ioPriority/priority",
        {"/process/ioPriority": {"class": "IOPRIO_CLASS_BE", "priority": 4}},
    ),
    case(
        "OCI-EXECAFF-FMT",
        {"/process/execCPUAffinity": {"initial": "3-1"}},
        "/process/execCPUAffinity/initial",
        severity="warning",
    ),
    case(
        "OCI-EXECAFF-SCOPE",
        {"/process/execCPUAffinity": {"initial": "0-3,7", "final": ""}},
        "/process/execCPUAffinity",
        severity="info",
    ),
    # hostname, domainname, platform
    case("OCI-HOST-UTS", {**NO_UTS, "/hostname": "box"}, "/hostname", {"/hostname": "box"}, severity="warning"),
    case(
        "OCI-DOMAIN-UTS",
        {**NO_UTS, "/domainname": "example.org"},
        "/domainname",
        {"/domainname": "example.org"},
        severity="warning",
    ),
    case("OCI-HOST-LEN", {"/hostname": "h" * 65}, "/hostname", {"/hostname": "h" * 64}, severity="warning"),
    case("OCI-PLAT-WIN", {"/windows": DEL}, "/windows", base=WINDOWS, platform="windows"),
    case(
        "OCI-PLAT-MATCH",
        {"/solaris": {}},
        "/solaris",
        {"/vm": {"hypervisor": {"path": "/usr/bin/qemu"}, "kernel": {"path": "/boot/vmlinuz"}}},
        severity="warning",
    ),
    # hooks
    case(
        "OCI-HOOK-KINDS",
        {"/hooks": {"preStart": [HOOK]}},
        "/hooks/preStart",
        {"/hooks": {"createRuntime": [HOOK]}},
        severity="warning",
    ),
    case(
        "OCI-HOOK-PRESTART-DEP",
        {"/hooks": {"prestart": [HOOK]}},
        "/hooks/prestart",
        {"/hooks": {"createRuntime": [HOOK]}},
        severity="warning",
    ),
    case("OCI-HOOK-PATH-REQ", {"/hooks": {"poststop": [{"args": ["x"]}]}}, "/hooks/poststop/0/path"),
    case(
        "OCI-HOOK-PATH-ABS",
        {"/hooks": {"startContainer": [{"path": "true"}]}},
        "/hooks/startContainer/0/path",
        {"/hooks": {"startContainer": [HOOK]}},
    ),
    case(
        "OCI-HOOK-TIMEOUT",
        {"/hooks": {"poststop": [{**HOOK, "timeout": 0}]}},
        "/hooks/poststop/0/timeout",
        {"/hooks": {"poststop": [{**HOOK, "timeout": 1}]}},
    ),
    case(
        "OCI-HOOK-ENV",
        {"/hooks": {"poststop": [{**HOOK, "env": ["=x"]}]}},
        "/hooks/poststop/0/env/0",
        {"/hooks": {"poststop": [{**HOOK, "env": ["A=x"]}]}},
        severity="warning",
    ),
    # annotations
    case("OCI-ANNO-MAP", {"/annotations": ["com.example.a"]}, "/annotations", {"/annotations": {}}),
    case("OCI-ANNO-KEY-EMPTY", {"/annotations": {"": "x"}}, "/annotations/", {"/annotations": {"com.example.a": ""}}),
    case(
        "OCI-ANNO-KEY-RDNS",
        {"/annotations": {"mykey": "x"}},
        "/annotations/mykey",
        {"/annotations": {"io.kubernetes.cri.container-type": "container"}},
        severity="warning",
    ),
    case(
        "OCI-ANNO-RESERVED",
        {"/annotations": {"org.opencontainers.foo": "x"}},
        "/annotations/org.opencontainers.foo",
        {"/annotations": {"org.opencontainers.image.os": "linux"}},
    ),
    case(
        "OCI-ANNO-IMAGE-VAL",
        {"/annotations": {"org.opencontainers.image.created": "yesterday"}},
        "/annotations/org.opencontainers.image.created",
        {"/annotations": {"org.opencontainers.image.created": "2025-11-02T10:00:00Z"}},
    ),
    case(
        "OCI-ANNO-VAL-STR",
        {"/annotations": {"com.example.k": 1}},
        "/annotations/com.example.k",
        {"/annotations": {"com.example.k": "1"}},
    ),
    # namespaces, ID mappings, time offsets
    case("OCI-NS-TYPE", {NS + "/5": {"type": "bogus"}}, NS + "/5/type", {NS + "/5": {"type": "cgroup"}}),
    case("OCI-NS-DUP", {NS + "/5": {"type": "pid"}}, NS + "/5/type"),
    case(
        "OCI-NS-PATH-ABS",
        {NS + "/5": {"type": "cgroup", "path": "proc/1/ns/cgroup"}},
        NS + "/5/path",
        {NS + "/5": {"type": "cgroup", "path": "/proc/1/ns/cgroup"}},
    ),
    case(
        "OCI-NS-USER-MAP",
        {"/linux/uidMappings": MAP, "/linux/gidMappings": MAP},
        "/linux/uidMappings",
        WITH_USER,
        severity="warning",
    ),
    case(
        "OCI-NS-TIME",
        {"/linux/timeOffsets": {"monotonic": {"secs": 1}}},
        "/linux/timeOffsets",
        {**WITH_TIME, "/linux/timeOffsets": {"monotonic": {"secs": 1}}},
        severity="warning",
    ),
    case(
        "OCI-NS-MASK",
        {NS: [{"type": "pid"}], "/linux/maskedPaths": ["/proc/kcore"]},
        "/linux/maskedPaths",
        {"/linux/maskedPaths": ["/proc/kcore"]},
        severity="warning",
    ),
    case(
        "OCI-IDMAP-FIELDS",
        {**WITH_USER, "/linux/uidMappings": [{"containerID": 0, "hostID": 1}]},
        "/linux/uidMappings/0/size",
        WITH_USER,
    ),
    case(
        "OCI-IDMAP-SANE",
        {**WITH_USER, "/linux/uidMappings": [{"containerID": 0, "hostID": 1, "size": 0}]},
        "/linux/uidMappings/0/size",
        WITH_USER,
        severity="warning",
    ),
    case(
        "OCI-TIMEOFF-KEYS",
        {**WITH_TIME, "/linux/timeOffsets": {"realtime": {"secs": 1}}},
        "/linux/timeOffsets/realtime",
        {**WITH_TIME, "/linux/timeOffsets": {"boottime": {"secs": 1}}},
        severity="warning",
    ),
    case(
        "OCI-TIMEOFF-VALS",
        {**WITH_TIME, "/linux/timeOffsets": {"monotonic": {"secs": 1, "nanosecs": 2 * 10**9}}},
        "/linux/timeOffsets/monotonic/nanosecs",
        {**WITH_TIME, "/linux/timeOffsets": {"monotonic": {"secs": 1, "nanosecs": 999_999_999}}},
        severity="warning",
    ),
    # devices
    case(
        "OCI-DEV-TYPE", {"/linux/devices": [{**DEV, "type": "q"}]}, "/linux/devices/0/type", {"/linux/devices": [DEV]}
    ),
    case(
        "OCI-DEV-PATH",
        {"/linux/devices": [{**DEV, "path": "dev/sda"}]},
        "/linux/devices/0/path",
        {"/linux/devices": [DEV]},
    ),
    case(
        "OCI-DEV-MAJMIN",
        {"/linux/devices": [{"path": "/dev/sda", "type": "b", "major": 8}]},
        "/linux/devices/0/minor",
        {"/linux/devices": [DEV, {"path": "/dev/fifo", "type": "p"}]},
    ),
    case(
        "OCI-DEV-MODE",
        {"/linux/devices": [{**DEV, "fileMode": 4095}]},
        "/linux/devices/0/fileMode",
        {"/linux/devices": [{**DEV, "fileMode": 432}]},
    ),
    case(
        "OCI-DEV-DUPNUM",
        {"/linux/devices": [DEV, {**DEV, "path": "/dev/disk0"}]},
        "/linux/devices/1",
        {"/linux/devices": [DEV, {**DEV, "path": "/dev/sda1", "minor": 1}]},
        severity="warning",
    ),
    case(
        "OCI-DEV-DUPPATH",
        {"/linux/devices": [DEV, {**DEV, "minor": 1}]},
        "/linux/devices/1/path",
        {"/linux/devices": [DEV]},
        severity="warning",
    ),
    case(
        "OCI-DEV-DEFAULTS",
        {"/linux/devices": [{"path": "/dev/null", "type": "c", "major": 1, "minor": 3}]},
        "/linux/devices/0",
        {"/linux/devices": [DEV]},
        severity="info",
    ),
    # netDevices
    case(
        "OCI-NETDEV-MAP",
        {"/linux/netDevices": {"eth0": "x"}},
        "/linux/netDevices/eth0",
        {"/linux/netDevices": {"eth0": {}}},
    ),
    case(
        "OCI-NETDEV-NAME",
        {"/linux/netDevices": {"eth0": {"name": 23}}},
        "/linux/netDevices/eth0/name",
        {"/linux/netDevices": {"eth0": {"name": "ctr0"}}},
    ),
    case(
        "OCI-NETDEV-IFNAME",
        {"/linux/netDevices": {"eth0": {"name": "a/b"}}},
        "/linux/netDevices/eth0/name",
        {"/linux/netDevices": {"eth0": {"name": "eth%d"}}},
        severity="warning",
    ),
    case(
        "OCI-NETDEV-NS",
        {NS: [{"type": "pid"}], "/linux/netDevices": {"eth0": {}}},
        "/linux/netDevices",
        {"/linux/netDevices": {"eth0": {}}},
        severity="warning",
    ),
    case(
        "OCI-NETDEV-CLASH",
        {"/linux/netDevices": {"eth0": {"name": "x"}, "eth1": {"name": "x"}}},
        "/linux/netDevices/eth1",
        {"/linux/netDevices": {"eth0": {"name": "x%d"}, "eth1": {"name": "x%d"}}},
    ),
    # cgroups
    case(
        "OCI-CG-PATH",
        {"/linux/cgroupsPath": "ctr"},
        "/linux/cgroupsPath",
        {"/linux/cgroupsPath": "/ctr"},
        severity="info",
    ),
    case(
        "OCI-CG-DEV-ALLOW",
        {RES + "/devices": [{"access": "rwm"}]},
        RES + "/devices/0/allow",
        {RES + "/devices": [DENY_ALL]},
    ),
    case(
        "OCI-CG-DEV-TYPE",
        {RES + "/devices": [DENY_ALL, {"allow": True, "type": "x"}]},
        RES + "/devices/1/type",
        {RES + "/devices": [DENY_ALL, {"allow": True, "type": "c", "major": 1, "minor": 3, "access": "rw"}]},
    ),
    case(
        "OCI-CG-DEV-ACCESS",
        {RES + "/devices": [DENY_ALL, {"allow": True, "access": "rwx"}]},
        RES + "/devices/1/access",
        {RES + "/devices": [DENY_ALL, {"allow": True, "access": "mr"}]},
    ),
    case(
        "OCI-CG-DEV-ORDER",
        {RES + "/devices": [{"allow": True, "type": "c", "access": "rwm"}]},
        RES + "/devices/0",
        {RES + "/devices": [DENY_ALL]},
        severity="info",
    ),
    case(
        "OCI-MEM-VALUES",
        {RES + "/memory": {"limit": -5}},
        RES + "/memory/limit",
        {RES + "/memory": {"limit": -1}},
        severity="warning",
    ),
    case(
        "OCI-MEM-KERNEL-DEP",
        {RES + "/memory": {"kernelTCP": -1}},
        RES + "/memory/kernelTCP",
        {RES + "/memory": {"limit": 1024}},
        severity="warning",
    ),
    case(
        "OCI-MEM-SWAPPINESS",
        {RES + "/memory": {"swappiness": 200}},
        RES + "/memory/swappiness",
        {RES + "/memory": {"swappiness": 100}},
        severity="warning",
    ),
    case(
        "OCI-MEM-SWAP-GE",
        {RES + "/memory": {"limit": 100, "swap": 50}},
        RES + "/memory/swap",
        {RES + "/memory": {"limit": -1, "swap": 50}},
        severity="warning",
    ),
    case(
        "OCI-MEM-RESV-LE",
        {RES + "/memory": {"limit": 100, "reservation": 200}},
        RES + "/memory/reservation",
        {RES + "/memory": {"limit": 100, "reservation": 100}},
        severity="warning",
    ),
    case(
        "OCI-CPU-BURST",
        {RES + "/cpu": {"quota": 100, "burst": 200}},
        RES + "/cpu/burst",
        {RES + "/cpu": {"quota": 100, "burst": 100}},
    ),
    case(
        "OCI-CPU-LIST",
        {RES + "/cpu": {"cpus": "a"}},
        RES + "/cpu/cpus",
        {RES + "/cpu": {"cpus": "0-3,7"}},
        severity="warning",
    ),
    case("OCI-CPU-IDLE", {RES + "/cpu": {"idle": 5}}, RES + "/cpu/idle", {RES + "/cpu": {"idle": 1}}),
    case(
        "OCI-BLKIO-WEIGHT",
        {RES + "/blockIO": {"weight": 20000}},
        RES + "/blockIO/weight",
        {RES + "/blockIO": {"weight": 500}},
        severity="warning",
    ),
    case(
        "OCI-BLKIO-WDEV",
        {RES + "/blockIO": {"weightDevice": [{"major": 8, "minor": 0}]}},
        RES + "/blockIO/weightDevice/0",
        {RES + "/blockIO": {"weightDevice": [{"major": 8, "minor": 0, "weight": 5}]}},
    ),
    case(
        "OCI-BLKIO-THROTTLE",
        {RES + "/blockIO": {"throttleReadBpsDevice": [{"major": 8, "minor": 0}]}},
        RES + "/blockIO/throttleReadBpsDevice/0/rate",
        {RES + "/blockIO": {"throttleReadBpsDevice": [{"major": 8, "minor": 0, "rate": 1}]}},
    ),
    case(
        "OCI-HUGE-FIELDS",
        {RES + "/hugepageLimits": [{"pageSize": "2MB"}]},
        RES + "/hugepageLimits/0/limit",
        {RES + "/hugepageLimits": [{"pageSize": "2MB", "limit": 0}]},
    ),
    case(
        "OCI-HUGE-SIZE",
        {RES + "/hugepageLimits": [{"pageSize": "2mb", "limit": 1}]},
        RES + "/hugepageLimits/0/pageSize",
        {RES + "/hugepageLimits": [{"pageSize": "64KB", "limit": 1}]},
    ),
    case(
        "OCI-NET-PRIO",
        {RES + "/network": {"priorities": [{"name": "eth0"}]}},
        RES + "/network/priorities/0/priority",
        {RES + "/network": {"priorities": [{"name": "eth0", "priority": 1}]}},
    ),
    case("OCI-PIDS-LIMIT", {RES + "/pids": {"limit": "many"}}, RES + "/pids/limit", {RES + "/pids": {"limit": 0}}),
    case(
        "OCI-RDMA-ENTRY",
        {RES + "/rdma": {"mlx5_1": {}}},
        RES + "/rdma/mlx5_1",
        {RES + "/rdma": {"mlx5_1": {"hcaObjects": 10}}},
    ),
    case(
        "OCI-UNIFIED-KEY",
        {RES + "/unified": {"../memory.max": "1"}},
        RES + "/unified/..~1memory.max",
        {RES + "/unified": {"memory.max": "1"}},
        severity="warning",
    ),
    # intelRdt, memoryPolicy, sysctl
    case(
        "OCI-RDT-MBW",
        {"/linux/intelRdt": {"memBwSchema": "L3:0=1"}},
        "/linux/intelRdt/memBwSchema",
        {"/linux/intelRdt": {"memBwSchema": "MB:0=20"}},
    ),
    case(
        "OCI-RDT-L3",
        {"/linux/intelRdt": {"l3CacheSchema": "MB:0=20"}},
        "/linux/intelRdt/l3CacheSchema",
        {"/linux/intelRdt": {"l3CacheSchema": "L3:0=ff"}},
        severity="warning",
    ),
    case(
        "OCI-RDT-SCHEMATA",
        {"/linux/intelRdt": {"schemata": ["L3:0=f\nMB:0=1"]}},
        "/linux/intelRdt/schemata/0",
        {"/linux/intelRdt": {"schemata": ["L3:0=f", "MB:0=1"]}},
    ),
    case(
        "OCI-RDT-CLOSID",
        {"/linux/intelRdt": {"closID": "a/b"}},
        "/linux/intelRdt/closID",
        {"/linux/intelRdt": {"closID": "/"}},
        severity="warning",
    ),
    case(
        "OCI-RDT-MON",
        {"/linux/intelRdt": {"enableMonitoring": "yes"}},
        "/linux/intelRdt/enableMonitoring",
        {"/linux/intelRdt": {"enableMonitoring": True}},
    ),
    case(
        "OCI-MPOL-MODE",
        {"/linux/memoryPolicy": {"nodes": "0"}},
        "/linux/memoryPolicy/mode",
        {"/linux/memoryPolicy": {"mode": "MPOL_BIND", "nodes": "0"}},
    ),
    case(
        "OCI-MPOL-NODES",
        {"/linux/memoryPolicy": {"mode": "MPOL_BIND", "nodes": ""}},
        "/linux/memoryPolicy/nodes",
        {"/linux/memoryPolicy": {"mode": "MPOL_LOCAL"}},
        severity="warning",
    ),
    case(
        "OCI-MPOL-FLAGS",
        {
            "/linux/memoryPolicy": {
                "mode": "MPOL_BIND",
                "nodes": "0",
                "flags": ["MPOL_F_STATIC_NODES", "MPOL_F_RELATIVE_NODES"],
            }
        },
        "/linux/memoryPolicy/flags",
        {"/linux/memoryPolicy": {"mode": "MPOL_BIND", "nodes": "0", "flags": ["MPOL_F_STATIC_NODES"]}},
    ),
    case(
        "OCI-SYSCTL-NS",
        {"/linux/sysctl": {"vm.swappiness": "1"}},
        "/linux/sysctl/vm.swappiness",
        {"/linux/sysctl": {"net.ipv4.ip_forward": "1", "kernel.shmmax": "1", "fs.mqueue.msg_max": "10"}},
        severity="warning",
    ),
    # seccomp
    case("OCI-SC-DEFAULT", {SC: {"defaultAction": "SCMP_ACT_BOGUS"}}, SC + "/defaultAction", {SC: SC_OK}),
    case(
        "OCI-SC-ACTION",
        {SC: {**SC_OK, "syscalls": [{"names": ["read"], "action": "X"}]}},
        SC + "/syscalls/0/action",
        {SC: SC_OK},
    ),
    case(
        "OCI-SC-NAMES",
        {SC: {**SC_OK, "syscalls": [{"names": [], "action": "SCMP_ACT_ALLOW"}]}},
        SC + "/syscalls/0/names",
        {SC: SC_OK},
    ),
    case(
        "OCI-SC-DEF-ERRNO",
        {SC: {**SC_OK, "defaultAction": "SCMP_ACT_ALLOW", "defaultErrnoRet": 1}},
        SC + "/defaultErrnoRet",
        {SC: {**SC_OK, "defaultErrnoRet": 1}},
    ),
    case(
        "OCI-SC-ERRNO",
        {SC: {**SC_OK, "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "errnoRet": 1}]}},
        SC + "/syscalls/0/errnoRet",
        {SC: {**SC_OK, "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}},
    ),
    case(
        "OCI-SC-ARCH",
        {SC: {**SC_OK, "architectures": ["SCMP_ARCH_Z80"]}},
        SC + "/architectures/0",
        {SC: {**SC_OK, "architectures": ["SCMP_ARCH_X86_64"]}},
    ),
    case(
        "OCI-SC-FLAGS",
        {SC: {**SC_OK, "flags": ["SECCOMP_FILTER_FLAG_X"]}},
        SC + "/flags/0",
        {SC: {**SC_OK, "flags": ["SECCOMP_FILTER_FLAG_LOG"]}},
    ),
    case(
        "OCI-SC-META",
        {SC: {**SC_OK, "listenerMetadata": "x"}},
        SC + "/listenerMetadata",
        {SC: {**SC_OK, "listenerMetadata": "x", "listenerPath": "/run/agent.sock"}},
    ),
    case(
        "OCI-SC-NOTIFY",
        {SC: {**SC_OK, "syscalls": [{"names": ["mount"], "action": "SCMP_ACT_NOTIFY"}]}},
        SC + "/listenerPath",
        {SC: {**SC_OK, "listenerPath": "/run/a.sock", "syscalls": [{"names": ["mount"], "action": "SCMP_ACT_NOTIFY"}]}},
        severity="warning",
    ),
    case(
        "OCI-SC-KILLALL",
        {SC: {"defaultAction": "SCMP_ACT_KILL_PROCESS"}},
        SC + "/defaultAction",
        {SC: SC_OK},
        severity="warning",
    ),
    case(
        "OCI-SC-ARGS",
        {
            SC: {
                **SC_OK,
                "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1}]}],
            }
        },
        SC + "/syscalls/0/args/0/op",
        {
            SC: {
                **SC_OK,
                "syscalls": [
                    {
                        "names": ["read"],
                        "action": "SCMP_ACT_ALLOW",
                        "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}],
                    }
                ],
            }
        },
    ),
    case(
        "OCI-SC-ARGIDX",
        {
            SC: {
                **SC_OK,
                "syscalls": [
                    {
                        "names": ["read"],
                        "action": "SCMP_ACT_ALLOW",
                        "args": [{"index": 7, "value": 1, "op": "SCMP_CMP_EQ"}],
                    }
                ],
            }
        },
        SC + "/syscalls/0/args/0/index",
        {SC: SC_OK},
        severity="warning",
    ),
    # paths, labels, personality, default filesystems
    case(
        "OCI-PROP-ROOTFS",
        {"/linux/rootfsPropagation": "rprivate"},
        "/linux/rootfsPropagation",
        {"/linux/rootfsPropagation": "private"},
    ),
    case(
        "OCI-MASK-ABS",
        {"/linux/maskedPaths": ["proc/kcore"]},
        "/linux/maskedPaths/0",
        {"/linux/maskedPaths": ["/proc/kcore"]},
    ),
    case(
        "OCI-RO-ABS",
        {"/linux/readonlyPaths": ["proc/sys"]},
        "/linux/readonlyPaths/0",
        {"/linux/readonlyPaths": ["/proc/sys"]},
    ),
    case(
        "OCI-MOUNTLABEL",
        {"/linux/mountLabel": "bogus"},
        "/linux/mountLabel",
        {"/linux/mountLabel": "system_u:object_r:container_file_t:s0"},
        severity="warning",
    ),
    case(
        "OCI-PERS-DOMAIN",
        {"/linux/personality": {}},
        "/linux/personality/domain",
        {"/linux/personality": {"domain": "LINUX32"}},
    ),
    case(
        "OCI-PERS-FLAGS",
        {"/linux/personality": {"domain": "LINUX", "flags": ["X"]}},
        "/linux/personality/flags/0",
        {"/linux/personality": {"domain": "LINUX", "flags": []}},
    ),
    case("OCI-LINUX-DEFFS", {"/mounts": []}, "/mounts", severity="warning"),
    case(
        "OCI-VM-PATH-ABS",
        {"/vm": {"hypervisor": {"path": "bin/qemu"}, "kernel": {"path": "/boot/vmlinuz"}}},
        "/vm/hypervisor/path",
        {"/vm": {"hypervisor": {"path": "/usr/bin/qemu"}, "kernel": {"path": "/boot/vmlinuz", "initrd": "/boot/i"}}},
    ),
]

BUNDLE_OR_LOADER = {"OCI-DOC-UTF8", "OCI-DOC-NAME", "OCI-ROOT-PATH-DIR"}
"""Covered in test_bundle.py (bundle mode) and test_document.py (the loader enforces UTF-8)."""


@pytest.mark.parametrize(("rule", "bad", "path", "good", "base", "platform", "lifecycle", "severity"), CASES)
def test_rule_both_ways(
    rule: str,
    bad: dict[str, Any] | str,
    path: str,
    good: dict[str, Any],
    base: dict[str, Any],
    platform: str,
    lifecycle: str,
    severity: str | None,
) -> None:
    negative = run(bad if isinstance(bad, str) else edit(base, bad), platform=platform, lifecycle=lifecycle)
    hits = of_rule(negative, rule)
    assert [f.path for f in hits].count(path) >= 1, (path, negative.findings)
    expected = severity or CATALOG[rule].severity
    assert {f.severity for f in hits if f.path == path} == {expected}
    assert all(f.message for f in hits)
    positive = run(edit(base, good), platform=platform, lifecycle=lifecycle)
    assert of_rule(positive, rule) == [], positive.findings


def test_every_decidable_rule_has_a_case() -> None:
    covered = {p.values[0] for p in CASES}
    decidable = {r.id for r in CATALOG if r.scope == "document"}
    assert decidable - covered - BUNDLE_OR_LOADER == set()


def test_base_documents_are_clean() -> None:
    for base, platform in ((LINUX, "linux"), (WINDOWS, "windows"), (SOLARIS, "solaris")):
        assert run(base, platform=platform).findings == []

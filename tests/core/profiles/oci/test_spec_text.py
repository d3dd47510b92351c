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

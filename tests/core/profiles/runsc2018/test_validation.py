"""ValidateSpec of 2018 runsc, branch by branch (runsc/specutils/specutils.go)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.core.profiles.runsc2018.support import DROP, MINIMAL, judge, spec, triples

E, W = "error", "warning"
CT = "io.kubernetes.cri.container-type"
SID = "io.kubernetes.cri.sandbox-id"


def test_minimal_spec_is_valid() -> None:
    report = judge(MINIMAL)
    assert report.valid
    assert report.findings == []
    assert report.profile == "runsc-2018"


CASES = [
    # Mandatory fields: process, process.args, root, root.path.
    pytest.param(spec(process=DROP), [("RUNSC2018-PROCESS-REQUIRED", E, "/process")], id="process-absent"),
    pytest.param(spec(process=None), [("RUNSC2018-PROCESS-REQUIRED", E, "/process")], id="process-null"),
    pytest.param(spec(process={}), [("RUNSC2018-ARGS-REQUIRED", E, "/process/args")], id="args-absent"),
    pytest.param(spec(process={"args": None}), [("RUNSC2018-ARGS-REQUIRED", E, "/process/args")], id="args-null"),
    pytest.param(spec(process={"args": []}), [("RUNSC2018-ARGS-REQUIRED", E, "/process/args")], id="args-empty"),
    pytest.param(spec(process={"args": [""]}), [], id="args-one-empty-string-is-enough"),
    pytest.param(spec(root=DROP), [("RUNSC2018-ROOT-REQUIRED", E, "/root")], id="root-absent"),
    pytest.param(spec(root=None), [("RUNSC2018-ROOT-REQUIRED", E, "/root")], id="root-null"),
    pytest.param(spec(root={}), [("RUNSC2018-ROOTPATH-REQUIRED", E, "/root/path")], id="root-path-absent"),
    pytest.param(spec(root={"path": ""}), [("RUNSC2018-ROOTPATH-REQUIRED", E, "/root/path")], id="root-path-empty"),
    pytest.param(spec(root={"path": None}), [("RUNSC2018-ROOTPATH-REQUIRED", E, "/root/path")], id="root-path-null"),
    pytest.param(spec(root={"path": "/abs", "readonly": True}), [], id="root-absolute-readonly"),
    # Unsupported platforms: any non-null value, even an empty object.
    pytest.param(spec(solaris={}), [("RUNSC2018-SOLARIS", E, "/solaris")], id="solaris-empty-object"),
    pytest.param(spec(solaris={"milestone": "x"}), [("RUNSC2018-SOLARIS", E, "/solaris")], id="solaris-object"),
    pytest.param(spec(solaris=None), [], id="solaris-null-is-absent"),
    pytest.param(spec(windows={}), [("RUNSC2018-WINDOWS", E, "/windows")], id="windows-empty-object"),
    pytest.param(spec(windows=None), [], id="windows-null-is-absent"),
    pytest.param(spec(vm={"hypervisor": {"path": "/x"}}), [], id="vm-unknown-to-2018-ignored"),
    # SELinux refused, AppArmor and seccomp only warned about.
    pytest.param(
        spec(process={"args": ["sh"], "selinuxLabel": "system_u:system_r:container_t:s0"}),
        [("RUNSC2018-SELINUX", E, "/process/selinuxLabel")],
        id="selinux-label",
    ),
    pytest.param(spec(process={"args": ["sh"], "selinuxLabel": ""}), [], id="selinux-label-empty"),
    pytest.param(
        spec(process={"args": ["sh"], "apparmorProfile": "docker-default"}),
        [("RUNSC2018-APPARMOR", W, "/process/apparmorProfile")],
        id="apparmor-warned",
    ),
    pytest.param(spec(process={"args": ["sh"], "apparmorProfile": ""}), [], id="apparmor-empty"),
    pytest.param(
        spec(linux={"seccomp": {"defaultAction": "SCMP_ACT_ERRNO"}}),
        [("RUNSC2018-SECCOMP", W, "/linux/seccomp")],
        id="seccomp-warned",
    ),
    pytest.param(spec(linux={"seccomp": {}}), [("RUNSC2018-SECCOMP", W, "/linux/seccomp")], id="seccomp-empty-object"),
    pytest.param(spec(linux={"seccomp": None}), [], id="seccomp-null"),
    pytest.param(spec(linux={}), [], id="linux-without-seccomp"),
    pytest.param(spec(linux=None), [], id="linux-null"),
    pytest.param(spec(linux={"rootfsPropagation": "shared"}), [], id="rootfs-propagation-not-checked-in-2018"),
    # Mount destinations must be absolute (path.IsAbs: a leading slash, nothing else).
    pytest.param(spec(mounts=[{"destination": "/proc", "type": "proc"}]), [], id="mount-absolute"),
    pytest.param(
        spec(mounts=[{"destination": "/a"}, {"destination": "tmp", "type": "tmpfs"}]),
        [("RUNSC2018-MOUNT-DEST-ABS", E, "/mounts/1/destination")],
        id="mount-relative",
    ),
    pytest.param(
        spec(mounts=[{"type": "tmpfs"}]), [("RUNSC2018-MOUNT-DEST-ABS", E, "/mounts/0/destination")], id="mount-no-dest"
    ),
    pytest.param(
        spec(mounts=[{"destination": ""}]),
        [("RUNSC2018-MOUNT-DEST-ABS", E, "/mounts/0/destination")],
        id="mount-empty-dest",
    ),
    pytest.param(
        spec(mounts=[None]), [("RUNSC2018-MOUNT-DEST-ABS", E, "/mounts/0/destination")], id="mount-null-element"
    ),
    pytest.param(spec(mounts=[{"destination": "/../x"}]), [], id="mount-unclean-but-absolute"),
    pytest.param(
        spec(mounts=[{"destination": "./x"}, {"destination": "../x"}]),
        [
            ("RUNSC2018-MOUNT-DEST-ABS", E, "/mounts/0/destination"),
            ("RUNSC2018-MOUNT-DEST-ABS", E, "/mounts/1/destination"),
        ],
        id="mount-every-relative-reported",
    ),
    pytest.param(spec(mounts=None), [], id="mounts-null"),
    pytest.param(spec(mounts=[]), [], id="mounts-empty"),
    # containerd annotations (CRI-O's are not read in 2018).
    pytest.param(spec(annotations={}), [], id="no-container-type"),
    pytest.param(spec(annotations={CT: "sandbox"}), [], id="type-sandbox"),
    pytest.param(spec(annotations={CT: "container", SID: "abc"}), [], id="type-container-with-id"),
    pytest.param(spec(annotations={CT: "container", SID: ""}), [], id="type-container-empty-id-is-set"),
    pytest.param(
        spec(annotations={CT: "container"}),
        [("RUNSC2018-SANDBOX-ID", E, "/annotations/io.kubernetes.cri.sandbox-id")],
        id="type-container-without-id",
    ),
    pytest.param(
        spec(annotations={CT: "container", "io.kubernetes.cri-o.SandboxID": "abc"}),
        [("RUNSC2018-SANDBOX-ID", E, "/annotations/io.kubernetes.cri.sandbox-id")],
        id="crio-sandbox-id-not-read",
    ),
    pytest.param(
        spec(annotations={CT: "Sandbox"}),
        [("RUNSC2018-CONTAINER-TYPE", E, "/annotations/io.kubernetes.cri.container-type")],
        id="type-case-sensitive",
    ),
    pytest.param(
        spec(annotations={CT: ""}),
        [("RUNSC2018-CONTAINER-TYPE", E, "/annotations/io.kubernetes.cri.container-type")],
        id="type-empty",
    ),
    pytest.param(
        spec(annotations={CT: "pod", SID: "x"}),
        [("RUNSC2018-CONTAINER-TYPE", E, "/annotations/io.kubernetes.cri.container-type")],
        id="type-unknown",
    ),
    pytest.param(spec(annotations={"io.kubernetes.cri-o.ContainerType": "bogus"}), [], id="crio-type-ignored"),
    pytest.param(spec(annotations=None), [], id="annotations-null"),
]


@pytest.mark.parametrize(("doc", "expected"), CASES)
def test_validate_spec_branches(doc: dict[str, Any], expected: list[tuple[str, str, str]]) -> None:
    report = judge(doc)
    assert triples(report) == expected
    assert report.valid == all(severity != E for _, severity, _ in expected)


def test_every_failing_check_is_reported_in_seed_order() -> None:
    doc = {
        "process": {"selinuxLabel": "l", "apparmorProfile": "a"},
        "root": {"path": ""},
        "solaris": {},
        "windows": {},
        "linux": {"seccomp": {}},
        "mounts": [{"destination": "rel"}],
        "annotations": {CT: "container"},
    }
    assert [rule for rule, _, _ in triples(judge(doc))] == [
        "RUNSC2018-ARGS-REQUIRED",
        "RUNSC2018-ROOTPATH-REQUIRED",
        "RUNSC2018-SOLARIS",
        "RUNSC2018-WINDOWS",
        "RUNSC2018-SELINUX",
        "RUNSC2018-APPARMOR",
        "RUNSC2018-SECCOMP",
        "RUNSC2018-MOUNT-DEST-ABS",
        "RUNSC2018-SANDBOX-ID",
    ]


def test_nothing_is_checked_below_a_missing_process() -> None:
    # Without a process there is no args, SELinux or AppArmor check (the seed dereferences spec.Process).
    assert triples(judge({"root": {"path": "r"}})) == [("RUNSC2018-PROCESS-REQUIRED", E, "/process")]


@pytest.mark.parametrize(
    ("doc", "expected_text"),
    [
        pytest.param(spec(process=DROP), "Spec.Process must be defined", id="process"),
        pytest.param(spec(process={}), "Spec.Process.Arg must be defined", id="args"),
        pytest.param(spec(root=DROP), "Spec.Root must be defined", id="root"),
        pytest.param(spec(root={}), "Spec.Root.Path must be defined", id="root-path"),
        pytest.param(spec(solaris={}), "Spec.Solaris is not supported", id="solaris"),
        pytest.param(spec(windows={}), "Spec.Windows is not supported", id="windows"),
        pytest.param(
            spec(process={"args": ["sh"], "selinuxLabel": "system_u:system_r:container_t:s0"}),
            "SELinux is not supported: system_u:system_r:container_t:s0",
            id="selinux",
        ),
        pytest.param(
            spec(process={"args": ["sh"], "apparmorProfile": "docker-default"}),
            'AppArmor profile "docker-default" is being ignored',
            id="apparmor",
        ),
        pytest.param(spec(linux={"seccomp": {}}), "Seccomp spec is being ignored", id="seccomp"),
        pytest.param(
            spec(mounts=[{"destination": "/ok"}, {"destination": "x"}]),
            "Spec.Mounts[1] Mount.Destination must be an absolute path",
            id="mount",
        ),
        pytest.param(spec(annotations={CT: "pod"}), "unknown container-type: pod", id="container-type"),
        pytest.param(
            spec(annotations={CT: "container"}),
            "spec has container-type of container, but no sandbox ID set",
            id="sandbox-id",
        ),
    ],
)
def test_messages_keep_the_seed_wording(doc: dict[str, Any], expected_text: str) -> None:
    (finding,) = judge(doc).findings
    assert expected_text in finding.message


def test_docker_style_spec_is_valid_with_warnings_only() -> None:
    doc = spec(
        process={
            "args": ["nginx"],
            "apparmorProfile": "docker-default",
            "capabilities": {"bounding": ["CAP_CHOWN", "CAP_NET_RAW"], "effective": ["CAP_CHOWN"]},
        },
        linux={"seccomp": {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": []}, "maskedPaths": ["/proc/kcore"]},
        mounts=[
            {"destination": "/proc", "type": "proc", "source": "proc"},
            {"destination": "/dev", "type": "tmpfs", "source": "tmpfs"},
            {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue"},
        ],
    )
    report = judge(doc)
    assert report.valid
    # The /dev tmpfs is dropped by IsSupportedDevMount: info only, the spec still runs.
    assert [f.rule for f in report.findings] == ["RUNSC2018-APPARMOR", "RUNSC2018-SECCOMP", "RUNSC2018-DEV-MOUNT"]
    assert report.summary.warnings == 2

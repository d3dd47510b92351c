"""The rootfs tar annotation, looked up exactly as RootfsTarUpperPath does.

gVisor 3c5eee17dc45 (google/gvisor@3c5eee17dc45659fb86843531074f38e78e0cc35), runsc/specutils/specutils.go:
- RootfsTarUpperPath: `if name := ContainerName(spec); name != "" { return annotations[upper + "." + name] }`;
  then `if cType == ContainerTypeContainer || cType == ContainerTypeSandbox { return "" }`; else the plain key.
- ContainerName: io.kubernetes.cri.container-name, then the first dev.gvisor.container-name-remap.* whose
  SplitN(value, "=", 2) has <from> equal to the name (values without "=" are skipped with a warning).
- ValidateSpec: a non-empty path needs --allow-rootfs-tar-annotation (off by default) and a writable root.
runsc/specutils/cri.go SpecContainerType: containerd's io.kubernetes.cri.container-type wins over CRI-O's key.
"""

from __future__ import annotations

import pytest

from app.core.profiles.runsc.annotations import container_name, rootfs_tar_key
from tests.core.profiles.runsc.support import Change, hits, note, put, spec

UPPER = "dev.gvisor.tar.rootfs.upper"
NAME = "io.kubernetes.cri.container-name"
TYPE = "io.kubernetes.cri.container-type"
CRIO_TYPE = "io.kubernetes.cri-o.ContainerType"
SANDBOX_ID = "io.kubernetes.cri.sandbox-id"
REMAP = "dev.gvisor.container-name-remap."


@pytest.mark.parametrize(
    ("notes", "key"),
    [
        pytest.param({}, None, id="no-annotations"),
        pytest.param({UPPER: "/t.tar"}, UPPER, id="plain"),
        pytest.param({NAME: "app"}, f"{UPPER}.app", id="named"),
        pytest.param({NAME: ""}, UPPER, id="empty-name-is-no-name"),
        pytest.param({TYPE: "sandbox"}, None, id="cri-sandbox-no-name"),
        pytest.param({TYPE: "container", SANDBOX_ID: "s"}, None, id="cri-container-no-name"),
        pytest.param({CRIO_TYPE: "sandbox"}, None, id="crio-sandbox-no-name"),
        pytest.param({CRIO_TYPE: "container"}, None, id="crio-container-no-name"),
        # ContainerTypeUnknown is neither sandbox nor container: the plain key is read.
        pytest.param({TYPE: "pod"}, UPPER, id="unknown-type-reads-plain"),
        pytest.param({TYPE: "sandbox", NAME: "app"}, f"{UPPER}.app", id="cri-named"),
        pytest.param({NAME: "app", REMAP + "1": "app=saved"}, f"{UPPER}.saved", id="remapped"),
        pytest.param({NAME: "app", REMAP + "1": "other=saved"}, f"{UPPER}.app", id="remap-other-name"),
        pytest.param({NAME: "app", REMAP + "1": "app"}, f"{UPPER}.app", id="remap-without-equals-skipped"),
        pytest.param({NAME: "app", REMAP + "1": "app=a=b"}, f"{UPPER}.a=b", id="remap-splitn-2"),
        # A remap to "" leaves no name: the multi-container rule applies, else the plain key.
        pytest.param({NAME: "app", REMAP + "1": "app="}, UPPER, id="remap-to-empty"),
        pytest.param({NAME: "app", TYPE: "sandbox", REMAP + "1": "app="}, None, id="remap-to-empty-cri"),
        # Remaps apply only to a name that is set.
        pytest.param({REMAP + "1": "=x"}, UPPER, id="remap-without-name"),
    ],
)
def test_rootfs_tar_key(notes: dict[str, str], key: str | None) -> None:
    assert rootfs_tar_key(notes) == key


def test_container_name_remap() -> None:
    assert container_name({NAME: "cont-123", REMAP + "x": "cont-123=cont"}) == "cont"
    assert container_name({REMAP + "x": "a=b"}) == ""


def _notes(**pairs: str) -> list[Change]:
    return [note(k, v) for k, v in pairs.items()]


def test_plain_key_refused_in_single_container_spec() -> None:
    assert hits(spec(note(UPPER, "/t.tar")), "RUNSC-ROOTFS-TAR-DISABLED") == [(f"/annotations/{UPPER}", "error")]


@pytest.mark.parametrize("kind", ["sandbox", "container"])
def test_plain_key_not_refused_in_cri_spec_without_name(kind: str) -> None:
    data = spec(note(UPPER, "/t.tar"), note(TYPE, kind), note(SANDBOX_ID, "s"))
    assert hits(data, "RUNSC-ROOTFS-TAR-DISABLED") == []
    assert hits(data, "RUNSC-ROOTFS-TAR-UNUSED") == [(f"/annotations/{UPPER}", "info")]


def test_per_container_key_uses_the_remapped_name() -> None:
    data = spec(note(NAME, "app-1"), note(REMAP + "r", "app-1=app"), note(f"{UPPER}.app", "/t.tar"),
                note(f"{UPPER}.app-1", "/u.tar"))  # fmt: skip
    assert hits(data, "RUNSC-ROOTFS-TAR-DISABLED") == [(f"/annotations/{UPPER}.app", "error")]
    assert hits(data, "RUNSC-ROOTFS-TAR-UNUSED") == [(f"/annotations/{UPPER}.app-1", "info")]


def test_named_container_ignores_the_plain_key() -> None:
    data = spec(note(NAME, "app"), note(UPPER, "/t.tar"))
    assert hits(data, "RUNSC-ROOTFS-TAR-DISABLED") == []
    assert hits(data, "RUNSC-ROOTFS-TAR-UNUSED") == [(f"/annotations/{UPPER}", "info")]


def test_empty_path_is_not_set() -> None:
    assert hits(spec(note(UPPER, "")), "RUNSC-ROOTFS-TAR-DISABLED") == []


def test_readonly_root_only_with_a_path() -> None:
    assert hits(spec(note(UPPER, "/t.tar"), put("root/readonly", True)), "RUNSC-ROOTFS-TAR-READONLY") == [
        ("/root/readonly", "error")
    ]
    data = spec(note(UPPER, "/t.tar"), note(TYPE, "sandbox"), put("root/readonly", True))
    assert hits(data, "RUNSC-ROOTFS-TAR-READONLY") == []


def test_conflicting_remaps_are_reported() -> None:
    data = spec(note(NAME, "app"), note(REMAP + "1", "app=a"), note(REMAP + "2", "app=b"))
    assert hits(data, "RUNSC-ANNOT-REMAP") == [(f"/annotations/{REMAP}2", "warning")]
    same = spec(note(NAME, "app"), note(REMAP + "1", "app=a"), note(REMAP + "2", "app=a"))
    assert hits(same, "RUNSC-ANNOT-REMAP") == []


def test_remap_does_not_affect_seccomp() -> None:
    # specutils_test.go TestSeccomp "remap does not affect seccomp": fixSpec uses containerNameNoRemap.
    seccomp = put("linux/seccomp", {"defaultAction": "SCMP_ACT_ERRNO"})
    data = spec(note(NAME, "cont1"), note("dev.gvisor.internal.seccomp.cont1", "RuntimeDefault"),
                note(REMAP + "1", "cont1=another"), seccomp)  # fmt: skip
    assert hits(data, "RUNSC-SECCOMP-RUNTIMEDEFAULT") == [("/linux/seccomp", "info")]
    remapped = spec(note(NAME, "cont1"), note("dev.gvisor.internal.seccomp.another", "RuntimeDefault"),
                    note(REMAP + "1", "cont1=another"), seccomp)  # fmt: skip
    assert hits(remapped, "RUNSC-SECCOMP-RUNTIMEDEFAULT") == []


# specutils_test.go TestRootfsUpperTarPath, case by case (name, annotations, the annotation whose value is read).
GVISOR_TAR_CASES = [
    ("no annotation", {}, None),
    ("no gvisor tar rootfs upper annotation", {"dev.gvisor": "123"}, UPPER),
    ("get gvisor tar rootfs upper annotation", {UPPER: "123"}, UPPER),
    ("container specific rootfs upper annotation", {NAME: "cont", UPPER + ".cont": "456"}, UPPER + ".cont"),
    ("container specific rootfs upper annotation with remap",
     {NAME: "cont-123", REMAP + "1": "cont-123=cont", UPPER + ".cont": "789"}, UPPER + ".cont"),
    ("no fallback when other container-specific annotation exists",
     {NAME: "cont", UPPER + ".other": "should-not-be-used", UPPER: "base"}, UPPER + ".cont"),
    ("container specific takes priority over base",
     {NAME: "cont", UPPER: "base-path", UPPER + ".cont": "specific-path"}, UPPER + ".cont"),
    ("empty container name falls back to base", {NAME: "", UPPER: "base-path"}, UPPER),
    ("container name set but no matching annotation", {NAME: "cont", UPPER: "base-path"}, UPPER + ".cont"),
    ("CRI sandbox without container name returns empty", {TYPE: "sandbox", UPPER: "base-path"}, None),
    ("CRI container without container name returns empty", {TYPE: "container", UPPER: "base-path"}, None),
]  # fmt: skip


@pytest.mark.parametrize(("notes", "key"), [pytest.param(n, k, id=i) for i, n, k in GVISOR_TAR_CASES])
def test_gvisor_rootfs_upper_tar_path_cases(notes: dict[str, str], key: str | None) -> None:
    if notes:
        assert rootfs_tar_key(notes) == key
    path = notes.get(key, "") if key else ""
    disabled = hits(spec(*_notes(**notes)), "RUNSC-ROOTFS-TAR-DISABLED")
    assert disabled == ([(f"/annotations/{key}", "error")] if path else [])


# specutils_test.go TestContainerName.
@pytest.mark.parametrize(
    ("notes", "name"),
    [
        pytest.param({}, "", id="no-name"),
        pytest.param({NAME: "cont"}, "cont", id="container-name"),
        pytest.param({NAME: "cont-123", REMAP + "1": "cont-123=cont"}, "cont", id="remap"),
        pytest.param({NAME: "cont", REMAP + "1": "another-123=another"}, "cont", id="remap-not-found"),
        pytest.param({NAME: "cont", REMAP + "1": "another-123"}, "cont", id="remap-invalid"),
        pytest.param({NAME: "cont", REMAP + "1": ""}, "cont", id="remap-invalid-empty"),
        pytest.param({REMAP + "1": "cont-123=cont"}, "", id="remap-empty-name"),
    ],
)
def test_gvisor_container_name_cases(notes: dict[str, str], name: str) -> None:
    assert container_name(notes) == name

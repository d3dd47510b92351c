"""Shared mount hints: every replica of a shared mount is checked against the hint (mountHint.checkCompatible).

gVisor 3c5eee17dc45 (google/gvisor@3c5eee17dc45659fb86843531074f38e78e0cc35):
- runsc/boot/mount_hints.go MountHint.checkCompatible: master ro / noexec / noatime / nosuid needs the same in the
  replica; ShouldShareMount: only type tmpfs with share container or pod makes a shared master.
- runsc/boot/vfs.go containerMounter.mountSubmounts -> mountSharedSubmount calls checkCompatible for every mount
  whose source FindMount matches; an error fails the container ("mount shared mount %q to %q: %v").
- runsc/boot/vfs.go ParseMountOptions: options only ever set a restriction ("rw" does not undo "ro").
- runsc/boot/mount_hints_test.go TestHintsCheckCompatible: the cases mirrored below.
"""

from __future__ import annotations

import json

import pytest

from app.core.engine import classify_mounts
from tests.core.profiles.runsc.support import Change, hits, mount, note, spec

SRC = "/var/lib/kubelet/pods/p/volumes/kubernetes.io~empty-dir/cache"
RULE = "RUNSC-MOUNT-SHARED-COMPAT"


def hint(name: str = "cache", *, type_: str = "tmpfs", share: str = "pod", options: str | None = None) -> list[Change]:
    changes = [
        note(f"dev.gvisor.spec.mount.{name}.source", SRC),
        note(f"dev.gvisor.spec.mount.{name}.type", type_),
        note(f"dev.gvisor.spec.mount.{name}.share", share),
    ]
    if options is not None:
        changes.append(note(f"dev.gvisor.spec.mount.{name}.options", options))
    return changes


def replica(*options: str, source: str = SRC) -> Change:
    return mount(destination="/cache", type="bind", source=source, options=["rbind", *options])


# mount_hints_test.go TestHintsCheckCompatible, one row each: (master options, replica options, error part).
CHECK_COMPATIBLE = [
    pytest.param("", [], None, id="empty"),
    pytest.param("ro,noatime,noexec", ["ro", "noatime", "noexec"], None, id="same"),
    pytest.param("rw,atime,exec", ["ro", "noatime", "noexec"], None, id="compatible"),
    pytest.param("nofoo,nodev", ["foo", "dev"], None, id="unsupported"),
    pytest.param("ro", ["rw"], "read-write", id="incompatible-ro"),
    pytest.param("noatime", ["atime"], "noatime", id="incompatible-atime"),
    pytest.param("noexec", ["exec"], "noexec", id="incompatible-exec"),
    # checkCompatible's fourth test, the one the Go test table leaves out.
    pytest.param("nosuid", ["suid"], "nosuid", id="incompatible-suid"),
    pytest.param("nosuid", ["nosuid", "nodev"], None, id="nosuid-kept"),
    # ParseMountOptions never clears a flag: "ro" then "rw" is still read-only, so it is compatible.
    pytest.param("ro", ["ro", "rw"], None, id="ro-then-rw-stays-ro"),
    # The replica may be stricter than the master.
    pytest.param("", ["ro", "noexec", "noatime", "nosuid"], None, id="stricter-replica"),
]


@pytest.mark.parametrize(("master", "options", "error"), CHECK_COMPATIBLE)
def test_check_compatible(master: str, options: list[str], error: str | None) -> None:
    found = hits(spec(*hint(options=master), replica(*options)), RULE)
    if error is None:
        assert found == []
    else:
        assert found == [("/mounts/1", "error")]


def test_message_names_the_hint_and_every_incompatibility() -> None:
    from tests.core.profiles.runsc.support import report

    got = [f for f in report(spec(*hint(options="ro,noexec"), replica("rw"))).findings if f.rule == RULE]
    assert len(got) == 1
    message = got[0].message
    assert 'mount shared mount "cache" to "/cache"' in message
    assert "dev.gvisor.spec.mount.cache.options" in message
    assert "cannot mount read-write shared mount because master is read-only" in message
    assert "cannot mount exec enabled shared mount because master is noexec" in message


@pytest.mark.parametrize(
    ("type_", "share"),
    [
        # ShouldShareMount is false: bind hints need a common gofer, share=shared has outside observers.
        pytest.param("bind", "pod", id="bind-pod"),
        pytest.param("bind", "container", id="bind-container"),
        pytest.param("tmpfs", "shared", id="tmpfs-shared"),
    ],
)
def test_only_shared_tmpfs_hints_are_masters(type_: str, share: str) -> None:
    assert hits(spec(*hint(type_=type_, share=share, options="ro"), replica("rw")), RULE) == []


@pytest.mark.parametrize("share", ["container", "pod"])
def test_share_container_and_pod_both_share(share: str) -> None:
    assert hits(spec(*hint(share=share, options="ro"), replica()), RULE) == [("/mounts/1", "error")]


def test_every_replica_is_checked_and_others_are_not() -> None:
    data = spec(
        *hint(options="noexec"),
        replica("noexec"),
        replica(),
        mount(destination="/other", type="bind", source="/srv/other", options=["rbind"]),
        # A tmpfs-typed spec mount of the same source is found by FindMount too.
        mount(destination="/t", type="tmpfs", source=SRC, options=["nosuid"]),
    )
    assert hits(data, RULE) == [("/mounts/2", "error"), ("/mounts/4", "error")]


def test_incomplete_hint_is_ignored() -> None:
    # NewPodMountHints drops a hint without share: no master, nothing to compare.
    changes = [note("dev.gvisor.spec.mount.cache.source", SRC), note("dev.gvisor.spec.mount.cache.type", "tmpfs"),
               note("dev.gvisor.spec.mount.cache.options", "ro")]  # fmt: skip
    assert hits(spec(*changes, replica()), RULE) == []


def test_filtered_hint_options_do_not_count() -> None:
    # FilterMountOptions drops shared/rshared from the hint before it becomes the master's options.
    assert hits(spec(*hint(options="rshared"), replica()), RULE) == []


def test_classify_mounts_reports_the_replica_invalid() -> None:
    data = spec(*hint(options="ro"), replica(), replica("ro"))
    infos = classify_mounts(json.dumps(data), profile="runsc").mounts
    bad, good = infos[1], infos[2]
    assert bad.category == "invalid"
    assert any('mount hint "cache"' in r and "master is read-only" in r for r in bad.reasons)
    assert good.category == "gofer"
    assert not any("master is" in r for r in good.reasons)


def test_relative_mount_source_never_matches() -> None:
    # fixSpec makes the mount's source absolute (bundle-relative) before FindMount compares it with the hint's
    # source as written: a relative source equal to a relative hint source is not the same path any more.
    prefix = "dev.gvisor.spec.mount.rel."
    changes = [note(prefix + "source", "cache"), note(prefix + "type", "tmpfs"), note(prefix + "share", "pod"),
               note(prefix + "options", "ro")]  # fmt: skip
    assert hits(spec(*changes, replica(source="cache")), RULE) == []


def test_master_options_are_parsed_when_a_replica_mounts_it() -> None:
    # vfs.go getSharedMount -> mountSharedMaster -> getMountNameAndOptions -> consumeMountOptions: "invalid option".
    key = "/annotations/dev.gvisor.spec.mount.cache.options"
    bad = [p for p, s in hits(spec(*hint(options="size=1=2"), replica()), "RUNSC-MOUNT-HINT-KEY") if s == "error"]
    assert bad == [key]
    assert hits(spec(*hint(options="size=1g,mode=0777"), replica()), "RUNSC-MOUNT-HINT-KEY") == []
    # No replica, no master: nothing is mounted from the hint.
    assert hits(spec(*hint(options="size=1=2")), "RUNSC-MOUNT-HINT-KEY") == []

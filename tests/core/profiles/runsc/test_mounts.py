"""Mount classification as runsc-mounts.md section 1 describes it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.core.engine import classify_mounts
from tests.core.profiles.runsc.support import spec


def _classify(entry: Any, annotations: dict[str, str] | None = None) -> tuple[str, bool, list[str]]:
    data = spec()
    data["mounts"] = [entry]
    if annotations:
        data["annotations"] = annotations
    info = classify_mounts(json.dumps(data), profile="runsc").mounts[0]
    return info.category, info.gofer, info.reasons


@pytest.mark.parametrize(
    ("entry", "category", "gofer", "reason"),
    [
        pytest.param({"destination": "/proc", "type": "proc", "source": "proc"}, "sentry", False, "inside the sentry",
                     id="proc"),
        pytest.param({"destination": "/data", "type": "bind", "source": "/host", "options": ["rbind", "rprivate"]},
                     "gofer", True, "gofer serves", id="bind"),
        pytest.param({"destination": "/data", "type": "none", "source": "/host", "options": ["rbind"]}, "gofer", True,
                     "options contain rbind, so runsc treats it as a bind mount", id="rbind-option"),
        pytest.param({"destination": "/data", "source": "/host", "options": ["bind", "ro"]}, "gofer", True,
                     "options contain bind", id="bind-option-no-type"),
        pytest.param({"destination": "/data", "type": "bind", "source": ""}, "invalid", False, "empty source",
                     id="bind-no-source"),
        pytest.param({"destination": "/dev", "type": "tmpfs", "source": "tmpfs"}, "sentry", False,
                     "/dev is retyped to the sentry dev filesystem", id="dev"),
        pytest.param({"destination": "/dev/", "type": "devtmpfs", "source": "udev"}, "sentry", False,
                     "/dev is retyped", id="dev-devtmpfs"),
        pytest.param({"destination": "/dev/pts", "type": "devpts", "source": "devpts"}, "sentry", False,
                     "/dev/pts is retyped to the sentry devpts filesystem", id="devpts"),
        pytest.param({"destination": "/dev", "type": "bind", "source": "/hostdev", "options": ["rbind"]}, "gofer", True,
                     "replaces the sentry's dev", id="dev-bind"),
        pytest.param({"destination": "/dev", "type": "tmpfs", "source": "", "options": ["rbind"]}, "invalid", False,
                     "empty source", id="dev-rbind-no-source"),
        pytest.param({"destination": "/dev/pts", "type": "bind", "source": "/dev/pts"}, "invalid", True,
                     "retypes /dev/pts to its devpts", id="devpts-bind-type-without-option"),
        pytest.param({"destination": "/dev/shm", "type": "bind", "source": "/run/shm", "options": ["rbind"]}, "gofer",
                     True, "gofer serves", id="dev-shm-bind"),
        pytest.param({"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue"}, "skipped", False,
                     'unknown filesystem type "mqueue"', id="mqueue"),
        pytest.param({"destination": "/x", "type": "overlay", "source": "overlay"}, "skipped", False,
                     'unknown filesystem type "overlay"', id="overlay"),
        pytest.param({"destination": "/x", "source": "/host"}, "skipped", False, 'unknown filesystem type ""',
                     id="empty-type-no-bind"),
        pytest.param({"destination": "/img", "type": "erofs", "source": "/images/a.erofs"}, "erofs", False,
                     "image file", id="erofs"),
        pytest.param({"destination": "/sys", "type": "none", "source": "none"}, "sentry", False, "sysfs",
                     id="none-is-sysfs"),
        pytest.param({"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup"}, "sentry", False,
                     "cgroup", id="cgroup"),
        pytest.param({"destination": "data", "type": "tmpfs", "source": "tmpfs"}, "invalid", False, "not absolute",
                     id="relative-destination"),
        pytest.param({"destination": "/d", "type": "bind", "source": "/h", "options": ["rbind", "rshared"]}, "invalid",
                     True, "shared propagation", id="rshared"),
        pytest.param({"destination": "/t", "type": "tmpfs", "source": "tmpfs", "options": ["rshared"]}, "sentry",
                     False, "inside the sentry", id="tmpfs-rshared-not-checked"),
    ],
)  # fmt: skip
def test_classification(entry: dict[str, Any], category: str, gofer: bool, reason: str) -> None:
    got_category, got_gofer, reasons = _classify(entry)
    assert (got_category, got_gofer) == (category, gofer)
    assert any(reason in r for r in reasons), reasons


def test_gofer_flag_is_the_is_gofer_mount_predicate() -> None:
    # IsGoferMount looks only at bind-ness and source; an invalid spec does not change what the mount is.
    data = spec()
    data["mounts"] = [{"destination": "rel", "type": "bind", "source": "/h"}, {"destination": "/e", "type": "bind"}]
    infos = classify_mounts(json.dumps(data), profile="runsc").mounts
    assert [(i.category, i.gofer) for i in infos] == [("invalid", True), ("invalid", False)]


def test_hinted_tmpfs_mount_mentions_the_hint() -> None:
    notes = {
        "dev.gvisor.spec.mount.cache.source": "/var/lib/kubelet/pods/x/volumes/kubernetes.io~empty-dir/cache",
        "dev.gvisor.spec.mount.cache.type": "tmpfs",
        "dev.gvisor.spec.mount.cache.share": "pod",
    }
    entry = {"destination": "/cache", "type": "bind", "options": ["rbind"],
             "source": "/var/lib/kubelet/pods/x/volumes/kubernetes.io~empty-dir/cache"}  # fmt: skip
    category, gofer, reasons = _classify(entry, notes)
    assert (category, gofer) == ("gofer", True)
    assert any('mount hint "cache"' in r and "tmpfs" in r for r in reasons)


def test_members_are_reported_as_submitted_and_indexes_kept() -> None:
    data = spec()
    data["mounts"] = [7, {"Destination": "/x", "TYPE": "tmpfs", "source": "t"}]
    mounts = classify_mounts(json.dumps(data), profile="runsc").mounts
    assert [m.index for m in mounts] == [0, 1]
    assert mounts[0].category == "invalid"
    # Go matches keys case-insensitively, so the second mount is a tmpfs at /x.
    assert mounts[1].category == "sentry"


def test_bench_k8s_classification() -> None:
    from tests.conftest import SHARED

    mounts = classify_mounts((SHARED / "bench" / "k8s.json").read_bytes(), profile="runsc").mounts
    categories = {m.destination: m.category for m in mounts}
    assert categories["/dev/mqueue"] == "skipped"
    assert categories["/dev"] == "sentry"
    assert categories["/etc/hosts"] == "gofer"
    assert categories["/proc"] == "sentry"
    assert all(m.gofer == (m.category == "gofer") for m in mounts)


@pytest.mark.parametrize(
    ("option", "quoted", "severity"),
    [
        pytest.param("nodev", '"nodev"', "info", id="linux-option"),
        pytest.param("nosiud", '"nosiud"', "warning", id="typo"),
        pytest.param('x"y', '"x\\"y"', "warning", id="quote"),
        pytest.param("a\\b", '"a\\\\b"', "warning", id="backslash"),
        pytest.param("tab\there", '"tab\\there"', "warning", id="control"),
        pytest.param("ünï", '"ünï"', "warning", id="unicode"),
    ],
)
def test_unknown_option_messages_quote_as_go(option: str, quoted: str, severity: str) -> None:
    from app.core.engine import validate

    data = spec()
    data["mounts"] = [{"destination": "/t", "type": "tmpfs", "source": "t", "options": ["ro", option, "nosuid"]}]
    findings = [f for f in validate(json.dumps(data), profile="runsc").findings if f.rule == "RUNSC-MOUNT-OPT-UNKNOWN"]
    assert [(f.path, f.severity) for f in findings] == [("/mounts/0/options/1", severity)]
    assert findings[0].message.startswith(f'ignoring unknown mount option {quoted} on "/t": the sentry applies only ')

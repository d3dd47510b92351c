"""Is9PMount and IsSupportedDevMount of 2018 runsc, and the mount classification built on them."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from app.core import engine
from app.core.profiles.runsc2018.mounts import EXISTING_DEVICES, is_9p_mount, is_supported_dev_mount
from tests.core.profiles.runsc2018.support import PROFILE, spec

TWELVE = [
    "/dev/fd", "/dev/stdin", "/dev/stdout", "/dev/stderr", "/dev/null", "/dev/zero",
    "/dev/full", "/dev/random", "/dev/urandom", "/dev/shm", "/dev/pts", "/dev/ptmx",
]  # fmt: skip


def test_the_twelve_paths_of_the_seed() -> None:
    assert list(EXISTING_DEVICES) == TWELVE


@pytest.mark.parametrize("path", TWELVE)
def test_each_provided_device_is_not_supported(path: str) -> None:
    assert not is_supported_dev_mount({"destination": path})
    assert not is_supported_dev_mount({"destination": path + "/child"})
    assert not is_supported_dev_mount({"destination": path + "/"})
    assert is_supported_dev_mount({"destination": path + "x"})


@pytest.mark.parametrize(
    ("destination", "supported"),
    [
        pytest.param("/dev", False, id="dev-itself"),
        pytest.param("/dev/", False, id="dev-trailing-slash"),
        pytest.param("//dev", False, id="dev-double-leading-slash"),
        pytest.param("/dev/./", False, id="dev-dot"),
        pytest.param("/dev/../dev/null", False, id="unclean-null"),
        pytest.param("/dev//shm/x", False, id="double-slash-below-shm"),
        pytest.param("/dev/pts/0", False, id="below-pts"),
        pytest.param("/dev/shm/../fuse", True, id="cleaned-out-of-shm"),
        pytest.param("/devices", True, id="sibling-of-dev"),
        pytest.param("/dev/nullx", True, id="sibling-of-null"),
        pytest.param("/dev/fuse", True, id="fuse-not-provided-in-2018"),
        pytest.param("/dev/tty", True, id="tty-not-in-list"),
        pytest.param("/dev/mqueue", True, id="mqueue-not-in-list"),
        pytest.param("/dev/net/tun", True, id="tun-not-in-list"),
        pytest.param("/data", True, id="ordinary"),
        pytest.param("/", True, id="root"),
        pytest.param("", True, id="empty-cleans-to-dot"),
        pytest.param("dev/null", True, id="relative-not-matched"),
    ],
)
def test_is_supported_dev_mount(destination: str, supported: bool) -> None:
    assert is_supported_dev_mount({"destination": destination}) is supported


@pytest.mark.parametrize(
    ("mount", "expected"),
    [
        pytest.param({"destination": "/data", "type": "bind", "source": "/host"}, True, id="bind-with-source"),
        pytest.param({"destination": "/data", "type": "bind", "source": "rel"}, True, id="bind-relative-source"),
        pytest.param({"destination": "/data", "type": "bind", "source": ""}, False, id="bind-empty-source"),
        pytest.param({"destination": "/data", "type": "bind"}, False, id="bind-no-source"),
        pytest.param({"destination": "/data", "type": "Bind", "source": "/h"}, False, id="type-case-sensitive"),
        pytest.param({"destination": "/data", "type": "rbind", "source": "/h"}, False, id="type-rbind"),
        pytest.param(
            {"destination": "/data", "type": "none", "source": "/h", "options": ["rbind"]}, False, id="rbind-option"
        ),
        pytest.param({"destination": "/data", "source": "/h", "options": ["bind"]}, False, id="bind-option-no-type"),
        pytest.param({"destination": "/dev/shm", "type": "bind", "source": "/h"}, False, id="bind-over-shm"),
        pytest.param({"destination": "/dev", "type": "bind", "source": "/dev"}, False, id="bind-over-dev"),
        pytest.param({"destination": "/dev/fuse", "type": "bind", "source": "/dev/fuse"}, True, id="bind-fuse"),
        pytest.param({"destination": "/proc", "type": "proc", "source": "proc"}, False, id="proc"),
    ],
)
def test_is_9p_mount(mount: dict[str, Any], expected: bool) -> None:
    assert is_9p_mount(mount) is expected


def classify(mounts: Any) -> list[tuple[int, str, bool]]:
    result = engine.classify_mounts(orjson.dumps(spec(mounts=mounts)), profile=PROFILE)
    assert result.profile == PROFILE
    for info in result.mounts:
        assert info.reasons, "every classification says why"
    return [(m.index, m.category, m.gofer) for m in result.mounts]


def test_docker_default_mounts() -> None:
    mounts = [
        {"destination": "/proc", "type": "proc", "source": "proc", "options": ["nosuid", "noexec", "nodev"]},
        {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime"]},
        {"destination": "/dev/pts", "type": "devpts", "source": "devpts"},
        {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["ro"]},
        {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup"},
        {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue"},
        {"destination": "/dev/shm", "type": "bind", "source": "/var/lib/docker/shm", "options": ["rbind"]},
        {"destination": "/etc/resolv.conf", "type": "bind", "source": "/var/lib/docker/resolv.conf"},
        {"destination": "/data", "type": "none", "source": "/srv/data", "options": ["rbind", "rw"]},
    ]
    assert classify(mounts) == [
        (0, "sandbox-internal", False),
        (1, "ignored-dev", False),
        (2, "ignored-dev", False),
        (3, "sandbox-internal", False),
        (4, "sandbox-internal", False),
        (5, "sandbox-internal", False),
        (6, "ignored-dev", False),
        (7, "9p", True),
        (8, "sandbox-internal", False),
    ]


def test_classification_reports_fields_and_reasons() -> None:
    result = engine.classify_mounts(
        orjson.dumps(
            spec(
                mounts=[
                    {"destination": "/data", "type": "bind", "source": "/host/data"},
                    {"destination": "/dev/null", "type": "bind", "source": "/dev/null"},
                    {"destination": "/x", "type": "none", "source": "/h", "options": ["rbind"]},
                    {"destination": "/y", "type": "bind"},
                    {"destination": "/z", "type": "mqueue"},
                ]
            )
        ),
        profile=PROFILE,
    )
    data, null, rbind, sourceless, unknown = result.mounts
    assert (data.destination, data.type, data.source) == ("/data", "bind", "/host/data")
    assert "gofer" in data.reasons[0]
    assert "12" in null.reasons[0]
    assert any("rbind" in r for r in rbind.reasons)
    assert "source" in sourceless.reasons[0]
    assert "unknown" in unknown.reasons[0]


@pytest.mark.parametrize(
    "mounts",
    [
        pytest.param(None, id="null"),
        pytest.param({"a": 1}, id="object"),
        pytest.param("x", id="string"),
        pytest.param([], id="empty"),
    ],
)
def test_no_mounts(mounts: Any) -> None:
    assert classify(mounts) == []


def test_odd_entries_are_classified_as_go_decodes_them() -> None:
    result = engine.classify_mounts(
        orjson.dumps(spec(mounts=[None, 5, {"destination": 1, "type": "bind", "source": "/h"}])), profile=PROFILE
    )
    assert [(m.category, m.destination) for m in result.mounts] == [
        ("sandbox-internal", None),
        ("sandbox-internal", None),
        ("9p", None),  # a refused destination is "" to Go, which Clean makes "." : not a /dev path
    ]


def test_case_insensitive_keys_are_matched() -> None:
    result = engine.classify_mounts(
        orjson.dumps(spec(Mounts=[{"Destination": "/d", "TYPE": "bind", "Source": "/h"}])), profile=PROFILE
    )
    assert [(m.category, m.gofer, m.destination) for m in result.mounts] == [("9p", True, "/d")]

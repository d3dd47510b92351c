"""2018 runsc drops /dev mounts that IsSupportedDevMount rejects: an info finding at the mount.

gVisor 7b938ef78 (2018-11-14), runsc/specutils/specutils.go IsSupportedDevMount:
`dst := filepath.Clean(m.Destination)`; false for "/dev" and for `dst == dev || strings.HasPrefix(dst, dev+"/")`
with dev one of /dev/fd, /dev/stdin, /dev/stdout, /dev/stderr, /dev/null, /dev/zero, /dev/full, /dev/random,
/dev/urandom, /dev/shm, /dev/pts, /dev/ptmx. runsc/boot/fs.go createMountsHelper:
`if !specutils.IsSupportedDevMount(m) { log.Warningf("ignoring dev mount at %q", m.Destination); continue }`.
The finding is info only: the spec is not refused, and the seed's other rules are unchanged.
"""

from __future__ import annotations

import json

import pytest

from app.core.engine import classify_mounts
from tests.core.profiles.runsc2018.support import PROFILE, judge, spec

RULE = "RUNSC2018-DEV-MOUNT"


@pytest.mark.parametrize(
    ("destination", "dropped"),
    [
        ("/dev", True),
        ("/dev/", True),
        ("//dev", True),
        ("/x/../dev/shm", True),
        ("/dev/shm", True),
        ("/dev/shm/sub", True),
        ("/dev/pts", True),
        ("/dev/ptmx", True),
        ("/dev/null", True),
        ("/dev/fd/3", True),
        ("/dev/stdin", True),
        ("/dev/urandom", True),
        ("/dev/mqueue", False),
        ("/dev/termination-log", False),
        ("/dev/nvidia0", False),
        ("/dev/shmem", False),  # HasPrefix(dst, dev + "/"): not a prefix match on the name
        ("/device", False),
        ("/data/dev", False),
        ("/proc", False),
    ],
)
def test_is_supported_dev_mount(destination: str, dropped: bool) -> None:
    report = judge(spec(mounts=[{"destination": destination, "type": "tmpfs", "source": "tmpfs"}]))
    found = [(f.path, f.severity) for f in report.findings if f.rule == RULE]
    assert found == ([("/mounts/0", "info")] if dropped else [])
    assert report.valid


def test_finding_agrees_with_classify_mounts() -> None:
    mounts = [
        {"destination": "/proc", "type": "proc", "source": "proc"},
        {"destination": "/dev/shm", "type": "bind", "source": "/host/shm"},
        {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue"},
        {"destination": "/dev", "type": "tmpfs", "source": "tmpfs"},
    ]
    data = spec(mounts=mounts)
    findings = [f for f in judge(data).findings if f.rule == RULE]
    assert [f.path for f in findings] == ["/mounts/1", "/mounts/3"]
    assert 'ignoring dev mount at "/dev/shm"' in findings[0].message.replace("'", '"')
    infos = classify_mounts(json.dumps(data), profile=PROFILE).mounts
    assert [i.index for i in infos if i.category == "ignored-dev"] == [1, 3]


def test_non_object_and_odd_entries_are_left_to_the_decoder() -> None:
    report = judge(spec(mounts=[{"destination": 5}]))
    assert RULE not in [f.rule for f in report.findings]

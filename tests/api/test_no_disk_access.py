"""No request makes the server open, stat or list a path it was given: bundle, root, mount sources, hooks, devices.

Those paths name the runtime's host, not the server's; judging them against the server's own disk
would be wrong and a probe of its file system. Watched two ways while requests run in-process:
an audit hook (sys.addaudithook: open, os.listdir, os.scandir, subprocess and every other audited
call) and wrappers around os.stat, os.lstat, os.access and os.readlink, which are not audited. Every
path in the documents carries a marker; any watched call whose arguments carry it fails the test.
"""

from __future__ import annotations

import copy
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient

from app.api.examples import CONFIG
from app.core import profile_names
from tests.conftest import SHARED

MARKER = "specgate-audit-5c1d"
_seen: list[tuple[str, str]] = []
_watching = False


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _watching:
        try:
            text = repr(args)
        except Exception:  # an argument that cannot be shown is no path we gave
            return
        if MARKER in text:
            _seen.append((event, text[:200]))


sys.addaudithook(_audit)  # cannot be removed: it records only inside `watching()`


@contextmanager
def watching(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, str]]]:
    global _watching

    def wrap(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if _watching and MARKER in repr(args):
                _seen.append((f"os.{name}", repr(args)[:200]))
            return original(*args, **kwargs)

        return wrapper

    for name in ("stat", "lstat", "access", "readlink"):
        monkeypatch.setattr(os, name, wrap(name, getattr(os, name)))
    _seen.clear()
    _watching = True
    try:
        yield _seen
    finally:
        _watching = False


def config() -> dict[str, Any]:
    document = copy.deepcopy(CONFIG)
    document["root"] = {"path": f"rootfs-{MARKER}", "readonly": True}
    document["process"]["cwd"] = f"/{MARKER}/cwd"
    document["mounts"] = [
        {"destination": "/data", "type": "bind", "source": f"/{MARKER}/data", "options": ["rbind", "ro"]},
        {"destination": "/rel", "type": "bind", "source": f"{MARKER}/relative", "options": ["bind"]},
        {"destination": "/dev/shm", "type": "tmpfs", "source": f"{MARKER}-shm"},
    ]
    document["hooks"] = {
        "prestart": [{"path": f"/{MARKER}/hooks/prestart"}],
        "createRuntime": [{"path": f"{MARKER}/relative-hook"}],
    }
    linux = document.setdefault("linux", {})
    linux["namespaces"] = [{"type": "network", "path": f"/proc/1/{MARKER}/ns/net"}, {"type": "pid"}, {"type": "mount"}]
    linux["devices"] = [{"path": f"/dev/{MARKER}", "type": "c", "major": 1, "minor": 3}]
    linux["maskedPaths"] = [f"/proc/{MARKER}"]
    linux["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": f"/run/{MARKER}.sock"}
    return document


def admission_review() -> dict[str, Any]:
    review = json.loads((SHARED / "reference" / "admissionreview-pod-example.json").read_text())
    spec = review["request"]["object"]["spec"]
    spec.setdefault("volumes", []).append({"name": "host", "hostPath": {"path": f"/{MARKER}/host"}})
    for container in spec["containers"]:
        container.setdefault("volumeMounts", []).append({"name": "host", "mountPath": "/host"})
    return review


@pytest.mark.parametrize("profile", profile_names())
def test_requests_touch_no_given_path(client: TestClient, monkeypatch: pytest.MonkeyPatch, profile: str) -> None:
    body = orjson.dumps(config())
    json_type = {"content-type": "application/json"}
    with watching(monkeypatch) as seen:
        answers = [
            client.post(f"/validate?profile={profile}", content=body, headers=json_type),
            client.post(f"/validate?profile={profile}&lifecycle=start", content=body, headers=json_type),
            client.post(f"/normalize?profile={profile}&bundle=/{MARKER}/bundle", content=body, headers=json_type),
            client.post(f"/classify-mounts?profile={profile}", content=body, headers=json_type),
            client.post(
                f"/capabilities?profile={profile}",
                content=orjson.dumps(CONFIG["process"]["capabilities"]),
                headers=json_type,
            ),
        ]
        answers.append(client.post("/admission", content=orjson.dumps(admission_review()), headers=json_type))
    assert all(answer.status_code < 500 for answer in answers), [a.text for a in answers if a.status_code >= 500]
    assert answers[0].status_code == 200 and answers[2].status_code in (200, 422)
    assert answers[-1].status_code == 200, answers[-1].text  # the AdmissionReview was judged
    assert seen == []


def test_the_watch_sees_a_real_access(monkeypatch: pytest.MonkeyPatch) -> None:
    # The test above is only worth something if the watch catches what it claims to.
    with watching(monkeypatch) as seen:
        os.path.exists(f"/{MARKER}/bundle/config.json")
        with pytest.raises(OSError):
            os.listdir(f"/{MARKER}")
        with pytest.raises(OSError):
            open(f"/{MARKER}/hook")
    assert [event for event, _ in seen] == ["os.stat", "os.listdir", "open"]

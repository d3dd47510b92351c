"""No input makes any profile raise: wrong types anywhere are findings, never exceptions.

Documents from the corpora are mutated at random places (seeded, so failures reproduce) into
values of every JSON kind, and each operation of each profile is run on them.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path
from typing import Any

import pytest

from app.core import CapabilityError, get_profile, load, profile_names
from app.core.gospec.types import RUNSC_STRUCTS
from app.core.profiles.base import CheckOptions
from tests.conftest import SHARED

ITERATIONS = int(os.environ.get("SPECGATE_FUZZ_ITERATIONS", "300"))

ODD_VALUES: list[Any] = [
    None,
    True,
    0,
    -1,
    1.5,
    2**64,
    "",
    "x",
    "/abs",
    "../rel",
    [],
    [None],
    [1, "a", {}],
    {},
    {"": None},
    {"type": 1, "path": [], "options": "ro", "source": {}, "destination": 7},
]


def _corpus() -> list[dict[str, Any]]:
    paths = sorted((SHARED / "conformance/runtime-spec/schema/test/config/good").glob("*.json"))
    paths += [SHARED / "bench/small.json", SHARED / "conformance/runtime-spec/examples/config-example.json"]
    return [json.loads(Path(p).read_text()) for p in paths]


def _places(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _places(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _places(value, (*path, index))
    return found


def _member_names() -> list[str]:
    """Every member name specs-go knows, plus the 1.3.0 ones, so mutations reach every rule."""
    names = {json_name for fields in RUNSC_STRUCTS.values() for json_name, _ in fields}
    names |= {"netDevices", "memoryPolicy", "schemata", "enableMonitoring", "freebsd", "hwConfig", "nodes", "mode"}
    return sorted(names)


MEMBERS = _member_names()


def _mutate(doc: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    doc = json.loads(json.dumps(doc))
    for _ in range(rng.randint(1, 4)):
        places = [p for p in _places(doc) if p]
        place = rng.choice(places)
        parent: Any = doc
        for token in place[:-1]:
            parent = parent[token]
        value = json.loads(json.dumps(rng.choice(ODD_VALUES)))
        if isinstance(parent, dict) and rng.random() < 0.5:
            parent[rng.choice(MEMBERS)] = value  # a member the document did not have
        else:
            parent[place[-1]] = value
    return doc


def _run_everything(profile: str, raw: bytes) -> None:
    prof = get_profile(profile)
    doc = load(raw)
    for platform in prof.platforms:
        for lifecycle in ("create", "start"):
            prof.check(doc, CheckOptions(platform=platform, lifecycle=lifecycle))
    prof.sandbox(doc.data)
    prof.classify_mounts(doc.data)
    prof.normalize(doc.data, "/bundle")
    caps = doc.data.get("process", {}).get("capabilities") if isinstance(doc.data.get("process"), dict) else None
    try:
        prof.capability_sets(caps)
    except CapabilityError:
        pass


@pytest.mark.parametrize("profile", profile_names())
def test_mutated_corpus_never_raises(profile: str) -> None:
    rng = random.Random(f"specgate-{profile}")
    corpus = _corpus()
    for _ in range(ITERATIONS):
        doc = _mutate(rng.choice(corpus), rng)
        raw = json.dumps(doc).encode()
        try:
            _run_everything(profile, raw)
        except Exception as exc:  # pragma: no cover - the message is the point
            pytest.fail(f"{profile} raised {exc!r} on {raw.decode()}")


@pytest.mark.parametrize("profile", profile_names())
@pytest.mark.parametrize("value", ODD_VALUES, ids=repr)
def test_odd_value_at_every_top_level_member(profile: str, value: Any) -> None:
    members = ["ociVersion", "process", "root", "hostname", "domainname", "mounts", "hooks", "annotations"]
    members += ["linux", "windows", "solaris", "vm", "zos", "freebsd"]
    for member in members:
        _run_everything(profile, json.dumps({"ociVersion": "1.0.0", member: value}).encode())

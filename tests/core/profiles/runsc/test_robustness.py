"""No input shape may make a rule raise: wrong types at many paths, random trees."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from app.core.engine import classify_mounts, normalize
from app.core.errors import InvalidSpec
from tests.core.profiles.runsc.support import BASE, put, report, spec

ODD_VALUES: list[Any] = [None, True, 0, -1, 1.5, 2**70, "", "x", [], [None], [1, "a"], {}, {"a": 1}]
PATHS = [
    "process", "process/args", "process/cwd", "process/env", "process/capabilities",
    "process/capabilities/ambient", "process/rlimits", "process/user", "process/selinuxLabel", "root", "root/path",
    "root/readonly", "mounts", "mounts/0", "mounts/0/options", "mounts/0/type", "mounts/0/source", "annotations",
    "linux", "linux/seccomp", "linux/seccomp/syscalls", "linux/sysctl", "linux/devices", "linux/namespaces",
    "linux/uidMappings", "linux/rootfsPropagation", "hooks", "hooks/prestart", "solaris", "windows",
]  # fmt: skip


@pytest.mark.parametrize("path", PATHS)
def test_wrong_types_never_raise(path: str) -> None:
    for value in ODD_VALUES:
        data = spec(put("annotations/dev.gvisor.flag.oci-seccomp", "true"), put(path, value))
        raw = json.dumps(data)
        result = report(raw)
        assert result.profile == "runsc"
        classify_mounts(raw, profile="runsc")
        try:
            normalize(raw, profile="runsc", bundle="/b")
        except InvalidSpec:
            pass


def _random_tree(rng: random.Random, depth: int) -> Any:
    pick = rng.randrange(7 if depth < 4 else 4)
    if pick == 0:
        return rng.choice(ODD_VALUES)
    if pick == 1:
        return rng.choice(["SCMP_ACT_LOG", "bind", "rbind", "/x", "rshared", "a=b=c", "CAP_X", "c", "RLIMIT_AS"])
    if pick == 2:
        return rng.randrange(-10, 10)
    if pick == 3:
        return rng.random() < 0.5
    if pick == 4:
        return [_random_tree(rng, depth + 1) for _ in range(rng.randrange(3))]
    keys = ["type", "options", "source", "destination", "args", "op", "index", "action", "path", "names", "x"]
    return {rng.choice(keys): _random_tree(rng, depth + 1) for _ in range(rng.randrange(4))}


def test_random_subtrees_never_raise() -> None:
    rng = random.Random(1234)
    for _ in range(300):
        data = json.loads(json.dumps(BASE))
        for _ in range(3):
            section = rng.choice(["process", "linux", "mounts", "hooks", "annotations", "root"])
            data[section] = _random_tree(rng, 0)
        data.setdefault("annotations", {})
        if isinstance(data["annotations"], dict):
            data["annotations"]["dev.gvisor.flag.oci-seccomp"] = "true"
        raw = json.dumps(data)
        report(raw)
        classify_mounts(raw, profile="runsc")


def test_rules_never_raise_on_random_decoded_trees() -> None:
    # The rules read the spec as Go decodes it (every value of its Go type, or null); feed them decoded random trees.
    from app.core.gospec import decode
    from app.core.profiles.runsc import mounts
    from app.core.profiles.runsc.catalog import CATALOG
    from app.core.profiles.runsc.hints import pod_mount_hints
    from app.core.profiles.runsc.profile import run_rules
    from app.core.rules import Findings

    rng = random.Random(99)
    for _ in range(500):
        data: Any = json.loads(json.dumps(BASE))
        for _ in range(4):
            section = rng.choice(["process", "linux", "mounts", "hooks", "annotations", "root", "solaris"])
            data[section] = _random_tree(rng, 0)
        run_rules(decode(data, "runsc").spec, Findings(CATALOG))
        for entry in mounts.read_mounts(data):
            mounts.classify(entry, pod_mount_hints({}))

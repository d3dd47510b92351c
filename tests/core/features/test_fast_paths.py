"""The shortcuts of the features checks agree with the slow reading they skip."""

from __future__ import annotations

import random
from typing import Any
from unittest.mock import patch

import orjson
import pytest

from app.core.features import checks, make_profile, parse_features
from app.core.loader import load
from app.core.profiles.base import CheckOptions
from tests.core.profiles.oci.test_fast_paths import random_mounts

FEATURES: list[dict[str, Any]] = [
    {"mountOptions": ["nosuid", "nodev", "rbind", "rw", "ro", "bind"]},
    {"mountOptions": ["nosuid", "nodev"], "linux": {"mountExtensions": {"idmap": {"enabled": True}}}},
    {"linux": {"mountExtensions": {"idmap": {"enabled": False}}, "capabilities": ["CAP_KILL", "CAP_CHOWN"]}},
    {"linux": {"capabilities": ["CAP_KILL"]}},
]
CAPABILITIES = [["CAP_KILL"], ["CAP_KILL", "CAP_CHOWN"], ["CAP_NOPE"], [1, "CAP_KILL"], [["x"]], "CAP_KILL", None]


def findings(features: dict[str, Any], config: dict[str, Any], fast: bool) -> list[tuple[str, str, str, str]]:
    document = parse_features(
        orjson.dumps({"ociVersionMin": "1.0.0", "ociVersionMax": "1.2.0", **features}), name="features:t", source="t"
    )
    profile = make_profile(document)
    doc = load(orjson.dumps(config))
    if fast:
        found = profile.check(doc, CheckOptions())
    else:
        with patch.object(checks, "_mounts_fine", lambda mounts, listed, idmap: False):
            found = profile.check(doc, CheckOptions())
    return [(f.rule, f.severity, f.path, f.message) for f in found]


@pytest.mark.parametrize("seed", range(30))
def test_shortcuts_report_what_the_slow_reading_reports(seed: int) -> None:
    rng = random.Random(seed)
    config = {
        "ociVersion": "1.2.0",
        "mounts": random_mounts(rng, rng.choice([0, 1, 5, 20])),
        "process": {"capabilities": {"bounding": rng.choice(CAPABILITIES), "effective": rng.choice(CAPABILITIES)}},
    }
    for features in FEATURES:
        assert findings(features, config, True) == findings(features, config, False)

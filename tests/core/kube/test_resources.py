"""Kubernetes quantities, QoS classes and OOM scores the kubelet's way."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from app.core.kube.node import NodeModel, go_glob
from app.core.kube.resources import milli, oom_score_adj, qos_class, quantity, quota, shares, whole


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("500m", Decimal("0.5")), ("2", Decimal(2)), ("1.5", Decimal("1.5")), ("512Mi", Decimal(536870912)),
        ("1Gi", Decimal(1073741824)), ("1e3", Decimal(1000)), ("100M", Decimal(100_000_000)), ("1k", Decimal(1000)),
        (3, Decimal(3)), ("", None), ("12XB", None), (True, None), (None, None),
    ],
)  # fmt: skip
def test_quantity(text: Any, value: Decimal | None) -> None:
    assert quantity(text) == value


def test_milli_and_whole_round_up() -> None:
    assert milli("0.0001") == 1 and milli("250m") == 250 and milli(None) == 0
    assert whole("1.2") == 2 and whole("128Mi") == 134217728


def test_shares_and_quota() -> None:
    assert shares(0) == 2 and shares(1) == 2 and shares(250) == 256 and shares(1000) == 1024
    assert quota(0) == 0 and quota(1) == 1000 and quota(500) == 50000


def c(requests: dict[str, str] | None = None, limits: dict[str, str] | None = None) -> dict[str, Any]:
    return {"resources": {k: v for k, v in (("requests", requests), ("limits", limits)) if v is not None}}


def test_qos_classes() -> None:
    assert qos_class([{}, {}]) == "besteffort"
    assert qos_class([c(limits={"cpu": "1", "memory": "1Gi"})]) == "guaranteed"
    assert qos_class([c(limits={"cpu": "1", "memory": "1Gi"}), {}]) == "burstable"
    assert qos_class([c(requests={"cpu": "1"}, limits={"cpu": "2", "memory": "1Gi"})]) == "burstable"


def test_oom_score_adjustments() -> None:
    node = NodeModel(memory_capacity=16 * 2**30)
    assert oom_score_adj(node, {}, "besteffort", {}) == 1000
    assert oom_score_adj(node, {}, "guaranteed", {}) == -997
    assert oom_score_adj(node, {"priorityClassName": "system-node-critical"}, "burstable", {}) == -997
    assert oom_score_adj(node, {}, "burstable", c(requests={"memory": "8Gi"})) == 500
    assert oom_score_adj(node, {}, "burstable", {}) == 999  # never the BestEffort score
    assert oom_score_adj(node, {}, "burstable", c(requests={"memory": "16Gi"})) == 3


def test_pod_annotation_globs_match_like_go_filepath_match() -> None:
    assert go_glob(("dev.gvisor.*",), "dev.gvisor.spec.mount.data.share")
    assert not go_glob(("dev.gvisor.*",), "example.com/dev.gvisor.x")
    assert go_glob(("*",), "plain") and not go_glob(("*",), "with/slash")

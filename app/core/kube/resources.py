"""Container resources the kubelet's way: quantities, QoS class, cgroup parent, CPU/memory/huge pages, OOM score.

Sources: apimachinery `resource.Quantity`, kubelet `pkg/kubelet/qos/policy.go` (GetContainerOOMScoreAdjust),
`pkg/apis/core/v1/helper/qos` (GetPodQOS), `kuberuntime_container_linux.go` (calculateLinuxResources,
milliCPUToShares/Quota, GetHugepageLimitsFromResources, swap), `cm/cgroup_manager_linux.go` (systemd slice names).
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from app.core.kube.node import NodeModel

QoS = Literal["guaranteed", "burstable", "besteffort"]

_SUFFIX = {
    "": Decimal(1), "m": Decimal("0.001"), "u": Decimal("1e-6"), "n": Decimal("1e-9"),
    "k": Decimal(10) ** 3, "M": Decimal(10) ** 6, "G": Decimal(10) ** 9, "T": Decimal(10) ** 12,
    "P": Decimal(10) ** 15, "E": Decimal(10) ** 18,
    "Ki": Decimal(2) ** 10, "Mi": Decimal(2) ** 20, "Gi": Decimal(2) ** 30, "Ti": Decimal(2) ** 40,
    "Pi": Decimal(2) ** 50, "Ei": Decimal(2) ** 60,
}  # fmt: skip
_QUANTITY = re.compile(r"^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$")

MIN_SHARES = 2
SHARES_PER_CPU = 1024
QUOTA_PERIOD = 100000
MIN_QUOTA = 1000
GUARANTEED_OOM = -997
BESTEFFORT_OOM = 1000
SANDBOX_OOM = -998
NODE_CRITICAL = "system-node-critical"

HUGEPAGE_SIZES = {"2Mi": "2MB", "1Gi": "1GB", "64Ki": "64KB", "32Mi": "32MB", "512Mi": "512MB", "16Gi": "16GB"}
"""Kubernetes huge page resource suffix -> the page size string runc/containerd use."""


def quantity(value: Any) -> Decimal | None:
    """A Kubernetes quantity ("500m", "2Gi", 1.5, "1e3") as a Decimal; None when it does not parse."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return Decimal(str(value))
    if not isinstance(value, str):
        return None
    return _parse(value)


@functools.lru_cache(maxsize=1024)
def _parse(value: str) -> Decimal | None:
    # Pods repeat a handful of quantities ("500m", "512Mi"); each is read several times per translation.
    match = _QUANTITY.match(value.strip())
    if not match:
        return None
    number, exponent, suffix = match.groups()
    try:
        if exponent:
            return Decimal(number + exponent)
        return Decimal(number) * _SUFFIX[suffix or ""]
    except InvalidOperation:
        return None


def milli(value: Any) -> int:
    """Quantity.MilliValue(): rounded up to a whole milli-unit; 0 when absent."""
    q = quantity(value)
    return math.ceil(q * 1000) if q is not None and q > 0 else 0


def whole(value: Any) -> int:
    """Quantity.Value(): rounded up to a whole unit; 0 when absent."""
    q = quantity(value)
    return math.ceil(q) if q is not None and q > 0 else 0


def shares(milli_cpu: int) -> int:
    """cm.MilliCPUToShares."""
    if milli_cpu == 0:
        return MIN_SHARES
    return max(MIN_SHARES, milli_cpu * SHARES_PER_CPU // 1000)


def quota(milli_cpu: int, period: int = QUOTA_PERIOD) -> int:
    """milliCPUToQuota: 0 (no quota) without a limit, at least 1000."""
    if milli_cpu == 0:
        return 0
    return max(MIN_QUOTA, milli_cpu * period // 1000)


def _section(container: dict[str, Any], name: str) -> dict[str, Any]:
    resources = container.get("resources")
    section = resources.get(name) if isinstance(resources, dict) else None
    return section if isinstance(section, dict) else {}


def requests(container: dict[str, Any]) -> dict[str, Any]:
    """requests, defaulted from limits as the API server does for every resource with a limit and no request."""
    out = dict(_section(container, "limits"))
    out.update(_section(container, "requests"))
    return out


def limits(container: dict[str, Any]) -> dict[str, Any]:
    return _section(container, "limits")


def qos_class(containers: list[dict[str, Any]]) -> QoS:
    """GetPodQOS over app and init containers (cpu and memory only)."""
    any_set = False
    guaranteed = True
    for c in containers:
        req, lim = requests(c), limits(c)
        for res in ("cpu", "memory"):
            r, li = quantity(req.get(res)), quantity(lim.get(res))
            if (r is not None and r > 0) or (li is not None and li > 0):
                any_set = True
            if li is None or li <= 0 or r != li:
                guaranteed = False
    if not any_set:
        return "besteffort"
    return "guaranteed" if guaranteed else "burstable"


def cgroup_parent(node: NodeModel, qos: QoS, uid: str) -> str:
    """The pod's cgroup: a systemd slice name (`kubepods-burstable-pod<uid_>.slice`) or a cgroupfs path."""
    if node.cgroup_driver == "systemd":
        escaped = uid.replace("-", "_")
        return f"kubepods-pod{escaped}.slice" if qos == "guaranteed" else f"kubepods-{qos}-pod{escaped}.slice"
    return f"/kubepods/pod{uid}" if qos == "guaranteed" else f"/kubepods/{qos}/pod{uid}"


def oom_score_adj(node: NodeModel, pod_spec: dict[str, Any], qos: QoS, container: dict[str, Any]) -> int:
    """GetContainerOOMScoreAdjust: node-critical and guaranteed -997, best-effort 1000, burstable by memory request."""
    if pod_spec.get("priorityClassName") == NODE_CRITICAL or qos == "guaranteed":
        return GUARANTEED_OOM
    if qos == "besteffort":
        return BESTEFFORT_OOM
    request = whole(requests(container).get("memory"))
    adj = 1000 - (1000 * request) // node.memory_capacity
    if adj < 1000 + GUARANTEED_OOM:
        return 1000 + GUARANTEED_OOM
    if adj == BESTEFFORT_OOM:
        return adj - 1
    return adj


@dataclass
class CriResources:
    """LinuxContainerResources as the kubelet sends them."""

    cpu_shares: int = MIN_SHARES
    cpu_quota: int = 0
    cpu_period: int = QUOTA_PERIOD
    memory_limit: int = 0
    memory_swap_limit: int = 0
    oom_score_adj: int = 0
    hugepages: list[tuple[str, int]] = field(default_factory=list)
    unified: dict[str, str] = field(default_factory=dict)


def linux_resources(cpu_request: int, cpu_limit: int, memory_limit: int, node: NodeModel) -> CriResources:
    """calculateLinuxResources: shares from the request (or the limit), quota from the limit, period 100ms."""
    out = CriResources(
        cpu_shares=shares(cpu_request if cpu_request or not cpu_limit else cpu_limit),
        cpu_quota=quota(cpu_limit),
        memory_limit=memory_limit,
    )
    if node.cgroup_version == 2:
        out.unified["memory.oom.group"] = "1"
    return out


def container_resources(node: NodeModel, container: dict[str, Any], oom: int) -> CriResources:
    """The kubelet's resources for one container, with huge pages and the NoSwap swap setting."""
    req, lim = requests(container), limits(container)
    out = linux_resources(milli(req.get("cpu")), milli(lim.get("cpu")), whole(lim.get("memory")), node)
    out.oom_score_adj = oom
    wanted = {
        HUGEPAGE_SIZES.get(key.removeprefix("hugepages-"), key.removeprefix("hugepages-")): whole(value)
        for key, value in lim.items()
        if isinstance(key, str) and key.startswith("hugepages-")
    }
    out.hugepages = [(size, wanted.pop(size, 0)) for size in node.hugepage_sizes] + sorted(wanted.items())
    if node.swap_controller:
        # kubelet NoSwap (the default swap behaviour): cgroup v2 memory.swap.max=0; v1 swap limit = memory limit.
        if node.cgroup_version == 2:
            out.unified["memory.swap.max"] = "0"
        else:
            out.memory_swap_limit = out.memory_limit
    return out


def pod_totals(spec: dict[str, Any]) -> tuple[int, int, int]:
    """PodRequests/PodLimits (cpu request milli, cpu limit milli, memory limit): the sum over app containers, or the
    largest init container when that is larger (calculateSandboxResources)."""
    apps = [c for c in spec.get("containers") or [] if isinstance(c, dict)]
    inits = [c for c in spec.get("initContainers") or [] if isinstance(c, dict)]

    def total(pick: Any, res: str, conv: Any) -> int:
        summed: int = sum(conv(pick(c).get(res)) for c in apps)
        return max([summed, *(int(conv(pick(c).get(res))) for c in inits)])

    return total(requests, "cpu", milli), total(limits, "cpu", milli), total(limits, "memory", whole)

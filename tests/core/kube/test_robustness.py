"""No Pod makes the translation crash: a wrong type anywhere is a WorkloadError or is ignored as the kubelet would,
never another exception (which judge_object would have to turn into a SPECGATE-INTERNAL denial).

The Pods of the corpus are mutated at random places (seeded, so a failure reproduces) into values of every JSON
kind, including members the Pod did not have.
"""

from __future__ import annotations

import json
import os
import random
from typing import Any

import pytest

from app.core.errors import WorkloadError
from app.core.kube import NodeModel, judge_object, translate
from tests.core.kube.golden import cases
from tests.core.test_robustness import ODD_VALUES, _places

ITERATIONS = int(os.environ.get("SPECGATE_FUZZ_ITERATIONS", "300"))

POD_MEMBERS = sorted(
    {
        "securityContext", "capabilities", "add", "drop", "privileged", "runAsUser", "runAsGroup", "fsGroup",
        "supplementalGroups", "supplementalGroupsPolicy", "seLinuxOptions", "seccompProfile", "appArmorProfile",
        "type", "localhostProfile", "allowPrivilegeEscalation", "readOnlyRootFilesystem", "procMount", "sysctls",
        "hostUsers", "hostNetwork", "hostPID", "hostIPC", "shareProcessNamespace", "volumes", "volumeMounts",
        "name", "mountPath", "subPath", "subPathExpr", "mountPropagation", "readOnly", "recursiveReadOnly",
        "hostPath", "path", "emptyDir", "medium", "configMap", "secret", "projected", "downwardAPI", "csi",
        "persistentVolumeClaim", "claimName", "ephemeral", "image", "resources", "requests", "limits", "cpu",
        "memory", "hugepages-2Mi", "env", "value", "valueFrom", "fieldRef", "fieldPath", "command", "args",
        "workingDir", "tty", "stdin", "initContainers", "containers", "ephemeralContainers", "targetContainerName",
        "terminationMessagePath", "runtimeClassName", "priorityClassName", "hostname", "subdomain",
        "setHostnameAsFQDN", "annotations", "metadata", "spec", "template", "uid", "namespace", "kind",
    }
)  # fmt: skip


def _mutate(obj: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    obj = json.loads(json.dumps(obj))
    for _ in range(rng.randint(1, 4)):
        place = rng.choice([p for p in _places(obj) if p])
        parent: Any = obj
        for token in place[:-1]:
            parent = parent[token]
        value = json.loads(json.dumps(rng.choice([*ODD_VALUES, "Bidirectional", "Localhost", "ALL", "-1", "1Gi"])))
        if isinstance(parent, dict) and rng.random() < 0.5:
            parent[rng.choice(POD_MEMBERS)] = value
        else:
            parent[place[-1]] = value
    return obj


NODES = [NodeModel(), NodeModel(cri="cri-o", selinux=True), NodeModel(apparmor=False, seccomp_default=True)]


@pytest.mark.parametrize("node", NODES, ids=["containerd", "cri-o-selinux", "no-apparmor"])
def test_mutated_pods_never_crash_the_translation(node: NodeModel) -> None:
    rng = random.Random(f"specgate-kube-{node.cri}-{node.selinux}")
    objects = [case.obj for case in cases()]
    for _ in range(ITERATIONS):
        obj = _mutate(rng.choice(objects), rng)
        try:
            translate(obj, node)
        except WorkloadError:
            continue
        except Exception as exc:  # pragma: no cover - the message is the point
            pytest.fail(f"translate raised {exc!r} on {json.dumps(obj)}")


def test_judging_a_mutated_pod_never_reports_an_internal_error() -> None:
    rng = random.Random("specgate-kube-judge")
    objects = [case.obj for case in cases()]
    for _ in range(ITERATIONS // 10):
        obj = _mutate(rng.choice(objects), rng)
        try:
            verdict = judge_object(obj)
        except WorkloadError:
            continue
        internal = [f for f in verdict.all_findings() if f.rule == "SPECGATE-INTERNAL"]
        assert internal == [], json.dumps(obj)

"""The translation reproduces the Kubernetes corpus (tests/data/k8s) from the Pods it stands for.

Each Pod in tests/data/k8s/pods is translated and the chosen container compared with its corpus document field by
field. The corpus was written by hand (generate.py) from cri-to-oci.md; the translation follows containerd's and the
kubelet's code. Every place where the two still differ is listed below with the reason, and the test fails both on
a difference not listed and on a listed difference that has disappeared.
"""

from __future__ import annotations

import json

import pytest

from app import core
from app.core.kube import security, translate, verdict_of
from app.core.kube.node import CONTAINERD_CAPS
from tests.core.kube.golden import CORPUS, Case, cases, corpus_document, diff, translated
from tests.core.test_k8s_corpus import EXPECTED

GIDS = (
    "containerd always puts the primary gid in additionalGids: WithUser/WithAdditionalGIDs end with "
    "ensureAdditionalGids (pkg/oci/spec_opts.go); the corpus leaves additionalGids out when it has no other group"
)
MOUNT_ORDER = (
    "withMounts (internal/cri/opts/spec_linux_opts.go) sorts kubelet's and containerd's binds together by path "
    "depth (sort.Stable(orderedMounts)); the corpus appends the Pod's volumes after containerd's own binds"
)
SECCOMP = (
    "the RuntimeDefault profile is containerd's seccomp.DefaultProfile as of main @301026e (socket filters for "
    "AF_ALG/AF_VSOCK, the kernel>=4.8 ptrace rule, newer syscalls; valueTwo omitted as omitempty); the corpus carries "
    "an older, abridged copy"
)
SANDBOX_RESOURCES = (
    "the kubelet sends the Pod's summed resources in PodSandboxConfig.Linux.Resources (applySandboxResources) and "
    "containerd records them as sandbox-cpu-period/quota/shares and sandbox-memory annotations; the corpus omits them"
)
SANDBOX_RESOLV = (
    "sandboxContainerSpec binds resolv.conf with rbind,ro,nosuid,nodev,noexec (podsandbox/sandbox_run_linux.go); "
    "the corpus writes rbind,ro"
)
USERNS_MOUNTS = (
    "with hostUsers:false the kubelet sets uid/gid mappings on every CRI mount (KEP-127 'Handling of volumes', also "
    "/etc/hosts and the termination log) and containerd on its own /etc/hostname and /etc/resolv.conf "
    "(linuxContainerMounts); the corpus maps only the service-account volume"
)

DIFFERENCES: dict[str, dict[str, str]] = {
    "containerd-sandbox-pause": {
        "/annotations": SANDBOX_RESOURCES,
        "/linux/seccomp/syscalls": SECCOMP,
        "/mounts/~1etc~1resolv.conf/options": SANDBOX_RESOLV,
    },
    "containerd-sandbox-host-namespaces": {
        "/annotations": SANDBOX_RESOURCES,
        "/mounts/~1etc~1resolv.conf/options": SANDBOX_RESOLV,
    },
    "containerd-sandbox-sysctls": {
        "/annotations": SANDBOX_RESOURCES,
        "/linux/seccomp/syscalls": SECCOMP,
        "/mounts/~1etc~1resolv.conf/options": SANDBOX_RESOLV,
        "/process/user/additionalGids": "WithSupplementalGroups merges and de-duplicates (mergeGids); the corpus "
        "lists runAsGroup and fsGroup 999 twice",
    },
    "containerd-sandbox-userns": {
        "/annotations": SANDBOX_RESOURCES,
        "/linux/seccomp/syscalls": SECCOMP,
        "/mounts/~1etc~1resolv.conf/options": SANDBOX_RESOLV,
        "/linux/namespaces/5/path": "with hostUsers:false (and no hostNetwork) containerd pins the user namespace "
        "and names it by path (<state>/sandboxes/<id>/pinned-namespaces/user); the corpus leaves the path out",
        "/linux/sysctl/net.ipv4.ping_group_range": "containerd skips enable_unprivileged_icmp in a user namespace "
        "(!usernsEnabled in sandboxContainerSpec); the corpus sets it",
    },
    "containerd-nginx-default": {
        "/linux/resources/hugepageLimits": "the kubelet sends a limit for every huge page size of the node, also for "
        "BestEffort containers (GetHugepageLimitsFromResources)",
        "/linux/resources/unified/memory.swap.max": "kubelet's NoSwap sets memory.swap.max=0 on cgroup v2 for every "
        "container (configureContainerSwapResources), BestEffort included",
    },
    "containerd-restricted-gvisor": {
        "/annotations/io.containerd.cri.runtime-handler": "containerd 2.x only reads io.containerd.cri.runtime-handler "
        "(a deprecated pull annotation, internal/cri/annotations); it never writes it into a spec",
        "/linux/seccomp/syscalls": SECCOMP,
        "/mounts#order": MOUNT_ORDER,
    },
    "containerd-hostpath-hosttocontainer": {"/mounts#order": MOUNT_ORDER, "/process/user/additionalGids": GIDS},
    "containerd-csi-node-bidirectional": {"/process/user/additionalGids": GIDS},
    "containerd-privileged-dind": {"/process/user/additionalGids": GIDS},
    "containerd-userns-container": {
        "/linux/namespaces/5": "containerd adds the cgroup namespace in buildLinuxSpec before WithPodNamespaces "
        "appends the user namespace, so cgroup comes before user; the corpus has user first",
        "/linux/namespaces/6": "(the same reordering as /linux/namespaces/5)",
        "/linux/seccomp/syscalls": SECCOMP,
        "/mounts/~1etc~1hosts": USERNS_MOUNTS,
        "/mounts/~1dev~1termination-log": USERNS_MOUNTS,
        "/mounts/~1etc~1hostname": USERNS_MOUNTS,
        "/mounts/~1etc~1resolv.conf": USERNS_MOUNTS,
        "/process/user/additionalGids": GIDS,
    },
    "containerd-userns-mappings-without-userns": {
        "/linux/namespaces": "the corpus document is the userns container with its `user` namespace removed on "
        "purpose (what a broken mutating tool leaves); no translation writes that",
        "/linux/seccomp/syscalls": SECCOMP,
        "/mounts/~1etc~1hosts": USERNS_MOUNTS,
        "/mounts/~1dev~1termination-log": USERNS_MOUNTS,
        "/mounts/~1etc~1hostname": USERNS_MOUNTS,
        "/mounts/~1etc~1resolv.conf": USERNS_MOUNTS,
        "/process/user/additionalGids": GIDS,
    },
    "containerd-init-container": {
        "/linux/cgroupsPath": "the corpus puts the container in the BestEffort cgroup although it has requests and "
        "limits (a Burstable Pod)",
        "/process/oomScoreAdj": "the corpus gives the BestEffort score 1000 to a container with a memory request",
        "/process/user/additionalGids": GIDS,
    },
    "containerd-gpu-device-plugin": {"/process/user/additionalGids": GIDS},
    "containerd-selinux": {"/process/user/additionalGids": GIDS},
    "containerd-cap-prefix-gotcha": {"/mounts#order": MOUNT_ORDER, "/process/user/additionalGids": GIDS},
    "containerd-istio-init": {"/process/user/additionalGids": GIDS},
    "containerd-localhost-profiles": {"/process/user/additionalGids": GIDS},
    "containerd-gvisor-oci-seccomp-log": {"/process/user/additionalGids": GIDS},
    "containerd-gvisor-mount-hints": {"/process/user/additionalGids": GIDS},
    "containerd-ephemeral-debug": {
        "/linux/resources/cpu": "ephemeral containers may not have resources (API validation); the corpus gives "
        "this one the default container's requests and limits",
        "/linux/resources/memory": "(ephemeral container resources, as /linux/resources/cpu)",
        "/process/oomScoreAdj": "an ephemeral container requests no memory, so in a Burstable Pod the kubelet "
        "computes 1000 and lowers it to 999 (qos/policy.go); the corpus writes 968",
        "/process/user/additionalGids": GIDS,
    },
    "containerd-host-namespaces-node-exporter": {
        "/linux/namespaces": "with hostPID the container still joins the pause process's pid namespace by path "
        "(WithPodNamespaces: pid mode NODE is not CONTAINER); the corpus leaves the pid namespace out",
        "/mounts#order": MOUNT_ORDER,
        "/process/env/1": "with hostNetwork the kubelet sends no hostname (generatePodSandboxConfig), so containerd "
        "writes HOSTNAME=<the node's host name>; the corpus writes the Pod name",
        "/process/user/additionalGids": GIDS,
    },
    "containerd-volumes-subpath": {"/linux/seccomp/syscalls": SECCOMP, "/mounts#order": MOUNT_ORDER},
    "containerd-recursive-readonly": {"/mounts#order": MOUNT_ORDER, "/process/user/additionalGids": GIDS},
    "containerd-missing-sandbox-id": {
        "/annotations/io.kubernetes.cri.sandbox-id": "the corpus document had the annotation removed on purpose",
        "/process/user/additionalGids": GIDS,
    },
    "containerd17-cgroupv1-redis": {"/mounts#order": MOUNT_ORDER},
    "crio-sandbox-infra": {
        "/annotations/io.kubernetes.cri-o.CgroupParent": "the corpus puts the infra container of a Burstable Pod in "
        "the BestEffort cgroup",
        "/linux/cgroupsPath": "(BestEffort cgroup, as CgroupParent)",
    },
    "crio-app": {
        "/annotations/io.kubernetes.cri-o.Volumes": "the translation lists every CRI mount of the container; the "
        "corpus lists only /etc/hosts",
        "/process/oomScoreAdj": "the corpus gives the BestEffort score 1000 to a container with requests",
    },
    "crio-openshift-selinux": {
        "/annotations/io.kubernetes.cri-o.Volumes": "(as crio-app)",
        "/process/oomScoreAdj": "(as crio-app: 1000 for a container with requests)",
        "/linux/seccomp/defaultErrnoRet": "CRI-O's RuntimeDefault is containers/common's profile (defaultErrnoRet "
        "38); the translation uses containerd's profile for both flavours",
        "/linux/seccomp/syscalls": SECCOMP,
    },
}


def documents() -> list[tuple[Case, str, dict[str, str]]]:
    return [(case, name, selector) for case in cases() for name, selector in case.documents.items()]


def _explained(pointer: str, prefixes: dict[str, str]) -> str | None:
    return next((p for p in prefixes if pointer == p or pointer.startswith(p + "/")), None)


@pytest.mark.parametrize(("case", "name", "selector"), [pytest.param(*d, id=d[1]) for d in documents()])
def test_translation_reproduces_the_corpus_document(case: Case, name: str, selector: dict[str, str]) -> None:
    differences = diff(corpus_document(name), translated(case, selector).config)
    explained = DIFFERENCES.get(name, {})
    unexplained = [d for d in differences if _explained(d, explained) is None]
    assert unexplained == [], f"{name}: differences without a reason"
    stale = [p for p in explained if not any(_explained(d, {p: ""}) for d in differences)]
    assert stale == [], f"{name}: listed differences that no longer occur"


def test_every_corpus_document_has_its_pod() -> None:
    covered = {name for _, name, _ in documents()}
    assert covered == {p.stem for p in CORPUS.glob("*.json")}
    assert set(DIFFERENCES) <= covered


BROKEN_ON_PURPOSE = {"containerd-missing-sandbox-id", "containerd-userns-mappings-without-userns"}
"""Corpus documents damaged after translation; the Pod itself translates into a valid document."""


@pytest.mark.parametrize("profile", ["runsc", "runsc-2018", "oci"])
@pytest.mark.parametrize(("case", "name", "selector"), [pytest.param(*d, id=d[1]) for d in documents()])
def test_translated_documents_get_the_corpus_verdict(
    case: Case, name: str, selector: dict[str, str], profile: str
) -> None:
    config = translated(case, selector).config
    report = core.validate(json.dumps(config).encode(), profile=profile)
    errors = {f.rule for f in report.findings if f.severity == "error"}
    expected = set() if name in BROKEN_ON_PURPOSE else set(EXPECTED[name][profile].errors)
    assert errors == expected, [(f.rule, f.path) for f in report.findings if f.severity == "error"]


PLAIN_JSON = (dict, list, str, int, float, bool, type(None))


def _plain_json_problems(node: object, pointer: str = "") -> list[str]:
    if type(node) not in PLAIN_JSON:
        return [f"{pointer or '/'}: {type(node).__name__}"]
    if isinstance(node, dict):
        bad = [f"{pointer}: key {k!r}" for k in node if type(k) is not str]
        return bad + [p for k, v in node.items() for p in _plain_json_problems(v, f"{pointer}/{k}")]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in _plain_json_problems(v, f"{pointer}/{i}")]
    return []


def test_translations_are_plain_json_so_the_judge_may_skip_the_reparse() -> None:
    # judge_object hands the translated dict to the engine as a Document without parsing orjson's dump again; that
    # is the same input only while every value is exactly a JSON type (a tuple would reach the rules as a tuple).
    shared = security._default_seccomp(tuple(CONTAINERD_CAPS), "amd64", True)
    before = json.dumps(shared)
    for case in cases():
        translation = translate(case.obj, case.node, state=case.state)
        for container in translation.containers:
            assert _plain_json_problems(container.config) == [], (case.file, container.name)
        configs = json.dumps([c.config for c in translation.containers])
        for profile in ("runsc", "runsc-2018", "oci"):
            verdict_of(translation, profile=profile)
        assert json.dumps([c.config for c in translation.containers]) == configs, case.file  # judged, not changed
    assert json.dumps(shared) == before  # the shared RuntimeDefault rules are read-only for the judges

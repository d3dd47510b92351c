"""Real Kubernetes config.json documents (tests/data/k8s): the verdict of every profile, in the core and over HTTP.

The documents are what containerd and CRI-O write for real Pods (tests/data/k8s/README.md says which Pod and which
runtime code). The expected verdicts come from the reference tables (runsc-rules.md, runsc-mounts.md, the runtime-spec
schema and oci-rules.md), not from specgate's output: each row says why.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app import core
from app.config import Settings
from app.main import create_app
from app.models import ValidationReport

CORPUS = Path(__file__).resolve().parent.parent / "data" / "k8s"
PROFILES = ("runsc", "runsc-2018", "oci")


@dataclass(frozen=True)
class Verdict:
    """What one profile must say about one document."""

    errors: frozenset[str] = frozenset()
    """Exactly the rule ids of the error findings (empty: the document is valid)."""
    error_paths: frozenset[str] | None = None
    """When given, exactly the pointers of the error findings."""
    warnings: frozenset[str] = frozenset()
    """Rule ids that must be among the warnings (not every warning)."""


def ok(*warnings: str) -> Verdict:
    return Verdict(warnings=frozenset(warnings))


def bad(*errors: str, paths: tuple[str, ...] | None = None, warnings: tuple[str, ...] = ()) -> Verdict:
    return Verdict(
        errors=frozenset(errors),
        error_paths=None if paths is None else frozenset(paths),
        warnings=frozenset(warnings),
    )


# runsc-mounts.md §3: a `type: mqueue` mount is skipped with "ignoring unknown filesystem type".
MQ = "RUNSC-MOUNT-TYPE-UNKNOWN"
# runsc-rules.md A: ValidateSpec warns "AppArmor profile %q is being ignored".
AA, AA18 = "RUNSC-APPARMOR", "RUNSC2018-APPARMOR"
# runsc-rules.md E: with --oci-seccomp=false (the default) linux.seccomp is ignored with a warning; 2018 warned too.
SC_OFF, SC18 = "RUNSC-SECCOMP-OFF", "RUNSC2018-SECCOMP"

CAP_SETS = ("bounding", "effective", "permitted")
# containerd's privileged set is cap.Current() of a 5.9+ kernel: 41 caps, of which 38-40 (CAP_PERFMON, CAP_BPF,
# CAP_CHECKPOINT_RESTORE) are unknown to 2018 runsc, whose Capabilities() fails at start with "unknown capability".
NEW_CAP_PATHS = tuple(f"/process/capabilities/{s}/{i}" for s in CAP_SETS for i in (38, 39, 40))
PRIVILEGED_2018 = bad("RUNSC2018-CAPS-UNKNOWN", paths=NEW_CAP_PATHS)
# The runtime-spec schema (defs-linux.json RootfsPropagation) allows only private, shared, slave and unbindable;
# containerd writes rslave (HostToContainer) and rshared (Bidirectional).
OCI_RPROP = bad("OCI-PROP-ROOTFS", paths=("/linux/rootfsPropagation",))
CAP_CAP_PATHS = tuple(f"/process/capabilities/{s}/14" for s in CAP_SETS)

EXPECTED: dict[str, dict[str, Verdict]] = {
    "containerd-sandbox-pause": {"runsc": ok(SC_OFF, MQ), "runsc-2018": ok(SC18), "oci": ok()},
    "containerd-sandbox-host-namespaces": {"runsc": ok(MQ), "runsc-2018": ok(), "oci": ok()},
    # net.ipv6.conf.all.disable_ipv6=1 parses as an int (RUNSC-SYSCTL-IPV6); other keys are ignored.
    "containerd-sandbox-sysctls": {"runsc": ok(SC_OFF, MQ), "runsc-2018": ok(SC18), "oci": ok()},
    "containerd-nginx-default": {"runsc": ok(AA, MQ), "runsc-2018": ok(AA18), "oci": ok()},
    "containerd-restricted-gvisor": {"runsc": ok(AA, SC_OFF, MQ), "runsc-2018": ok(AA18, SC18), "oci": ok()},
    # rslave is accepted by runsc's validateRootfsPropagation and by the bind option check (only shared/rshared fail).
    "containerd-hostpath-hosttocontainer": {"runsc": ok(MQ), "runsc-2018": ok(), "oci": OCI_RPROP},
    # Bidirectional: rootfsPropagation rshared and an rshared bind; gVisor refuses both (google/gvisor#9324).
    "containerd-csi-node-bidirectional": {
        "runsc": bad(
            "RUNSC-ROOTFS-PROPAGATION",
            "RUNSC-MOUNT-SHARED-PROPAGATION",
            paths=("/linux/rootfsPropagation", "/mounts/10/options/1"),
        ),
        "runsc-2018": PRIVILEGED_2018,
        "oci": OCI_RPROP,
    },
    "containerd-privileged-dind": {"runsc": ok(), "runsc-2018": PRIVILEGED_2018, "oci": ok()},
    "containerd-sandbox-userns": {"runsc": ok(SC_OFF, MQ), "runsc-2018": ok(SC18), "oci": ok()},
    "containerd-userns-container": {"runsc": ok(AA, SC_OFF, MQ), "runsc-2018": ok(AA18, SC18), "oci": ok()},
    # modifySpecForDirectfs (2023): "spec defines UID/GID mappings without defining userns"; 2018 had no such check;
    # the OCI spec does not require the namespace (runc and runtime-tools do), so oci only warns.
    "containerd-userns-mappings-without-userns": {
        "runsc": bad("RUNSC-USERNS-MAPPINGS", warnings=(AA, SC_OFF)),
        "runsc-2018": ok(AA18, SC18),
        "oci": ok("OCI-NS-USER-MAP"),
    },
    "containerd-init-container": {"runsc": ok(AA, MQ), "runsc-2018": ok(AA18), "oci": ok()},
    "containerd-gpu-device-plugin": {"runsc": ok(AA, MQ), "runsc-2018": ok(AA18), "oci": ok()},
    "containerd-selinux": {
        "runsc": bad("RUNSC-SELINUX", paths=("/process/selinuxLabel",)),
        "runsc-2018": bad("RUNSC2018-SELINUX", paths=("/process/selinuxLabel",)),
        "oci": ok(),
    },
    # containerd prepends CAP_ to every add item; runsc's capsFromNames: unknown capability "CAP_CAP_SYS_CHROOT".
    # runtime-spec >= 1.1.0: an unknown capability SHOULD be logged, not fail (ociVersion here is 1.2.1).
    "containerd-cap-prefix-gotcha": {
        "runsc": bad("RUNSC-CAPS-NAMES", paths=CAP_CAP_PATHS),
        "runsc-2018": bad("RUNSC2018-CAPS-UNKNOWN", paths=CAP_CAP_PATHS),
        "oci": ok("OCI-CAP-NAMES"),
    },
    "containerd-istio-init": {"runsc": ok(AA, MQ), "runsc-2018": ok(AA18), "oci": ok()},
    "containerd-localhost-profiles": {"runsc": ok(AA, SC_OFF, MQ), "runsc-2018": ok(AA18, SC18), "oci": ok()},
    # dev.gvisor.flag.oci-seccomp=true is allowlisted; convertAction then rejects SCMP_ACT_LOG.
    "containerd-gvisor-oci-seccomp-log": {
        "runsc": bad("RUNSC-SECCOMP-ACTION", paths=("/linux/seccomp/defaultAction",)),
        "runsc-2018": ok(AA18, SC18),
        "oci": ok(),
    },
    "containerd-gvisor-mount-hints": {"runsc": ok(AA, MQ), "runsc-2018": ok(AA18), "oci": ok()},
    "containerd-ephemeral-debug": {"runsc": ok(AA, MQ), "runsc-2018": ok(AA18), "oci": ok()},
    "containerd-host-namespaces-node-exporter": {"runsc": ok(AA, MQ), "runsc-2018": ok(AA18), "oci": OCI_RPROP},
    "containerd-volumes-subpath": {"runsc": ok(AA, SC_OFF, MQ), "runsc-2018": ok(AA18, SC18), "oci": ok()},
    # runsc knows no "rro" (runsc-mounts.md §6): ignored, so the volume is writable in the sandbox (see the rro test).
    "containerd-recursive-readonly": {"runsc": ok(AA, MQ), "runsc-2018": ok(AA18), "oci": ok()},
    "containerd-missing-sandbox-id": {
        "runsc": bad("RUNSC-SANDBOX-ID", paths=("/annotations/io.kubernetes.cri.sandbox-id",)),
        "runsc-2018": bad("RUNSC2018-SANDBOX-ID", paths=("/annotations/io.kubernetes.cri.sandbox-id",)),
        "oci": ok(),
    },
    "containerd17-cgroupv1-redis": {"runsc": ok(AA, MQ), "runsc-2018": ok(AA18), "oci": ok()},
    "crio-sandbox-infra": {"runsc": ok(MQ), "runsc-2018": ok(), "oci": ok()},
    "crio-app": {"runsc": ok(MQ), "runsc-2018": ok(), "oci": ok()},
    "crio-openshift-selinux": {
        "runsc": bad("RUNSC-SELINUX", paths=("/process/selinuxLabel",), warnings=(SC_OFF,)),
        "runsc-2018": bad("RUNSC2018-SELINUX", paths=("/process/selinuxLabel",), warnings=(SC18,)),
        "oci": ok(),
    },
}

XFAIL: dict[tuple[str, str], str] = {}
"""(document, profile) pairs where specgate is known to be wrong today, with the reason; strict, so they flip."""


def raw_of(name: str) -> bytes:
    return (CORPUS / f"{name}.json").read_bytes()


def cases() -> Iterator[Any]:
    for name, verdicts in EXPECTED.items():
        for profile in PROFILES:
            marks = []
            if (name, profile) in XFAIL:
                marks.append(pytest.mark.xfail(strict=True, reason=XFAIL[name, profile]))
            yield pytest.param(name, profile, verdicts[profile], id=f"{name}-{profile}", marks=marks)


def judge(name: str, profile: str) -> ValidationReport:
    return core.validate(raw_of(name), profile=profile, platform="linux")


@pytest.mark.parametrize(("name", "profile", "verdict"), list(cases()))
def test_verdict(name: str, profile: str, verdict: Verdict) -> None:
    report = judge(name, profile)
    errors = [f for f in report.findings if f.severity == "error"]
    warnings = [f for f in report.findings if f.severity == "warning"]
    assert {f.rule for f in errors} == verdict.errors, [(f.rule, f.path, f.message) for f in errors]
    assert report.valid is (not verdict.errors)
    if verdict.error_paths is not None:
        assert {f.path for f in errors} == verdict.error_paths
    assert verdict.warnings <= {f.rule for f in warnings}


# runsc ignores the unknown option 'rro' with a warning (vfs.go ParseMountOptions; runsc-mounts.md §6), so a
# recursiveReadOnly volume is mounted read-write in the sandbox: that must stay a warning, not an info.
def test_runsc_warns_that_rro_leaves_the_volume_writable() -> None:
    report = judge("containerd-recursive-readonly", "runsc")
    rro = [f for f in report.findings if f.path == "/mounts/11/options/2"]
    assert [(f.rule, f.severity) for f in rro] == [("RUNSC-MOUNT-OPT-UNKNOWN", "warning")]


def test_corpus_and_table_match() -> None:
    on_disk = {p.stem for p in CORPUS.glob("*.json")}
    assert on_disk == set(EXPECTED)
    readme = (CORPUS / "README.md").read_text()
    assert [n for n in EXPECTED if f"| {n} |" not in readme] == []


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("k8s_corpus_generate", CORPUS / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_files_are_what_the_generator_writes() -> None:
    docs: dict[str, Any] = _generator().docs()
    assert set(docs) == set(EXPECTED)
    for name, doc in docs.items():
        assert raw_of(name).decode() == json.dumps(doc, indent=2) + "\n", name


def _annotation(name: str, *keys: str) -> str | None:
    annotations: dict[str, str] = json.loads(raw_of(name))["annotations"]
    return next((annotations[k] for k in keys if k in annotations), None)


CONTAINERD_ID = "io.kubernetes.cri.sandbox-id"
CRIO_ID = "io.kubernetes.cri-o.SandboxID"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_runsc_places_the_container_as_cri_asks(name: str) -> None:
    # runsc cri.go reads the containerd keys first, then CRI-O's; a sandbox spec creates the sandbox.
    kind = _annotation(name, "io.kubernetes.cri.container-type", "io.kubernetes.cri-o.ContainerType")
    sandbox = judge(name, "runsc").sandbox
    assert sandbox.container_type == kind
    assert sandbox.creates_sandbox is (kind == "sandbox")
    assert sandbox.sandbox_id == _annotation(name, CONTAINERD_ID, CRIO_ID)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_runsc_2018_reads_only_containerd_annotations(name: str) -> None:
    # 2018 ShouldCreateSandbox/SandboxID knew only io.kubernetes.cri.*: a CRI-O spec was a standalone container.
    kind = _annotation(name, "io.kubernetes.cri.container-type")
    sandbox = judge(name, "runsc-2018").sandbox
    assert sandbox.container_type == kind
    assert sandbox.creates_sandbox is (kind != "container")
    assert sandbox.sandbox_id == _annotation(name, CONTAINERD_ID)


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    settings = Settings.model_validate({"max_body_bytes": 1024 * 1024, "docs": False, "warm_up": False})
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_http_api_gives_the_core_report(client: TestClient, name: str, profile: str) -> None:
    response = client.post(
        "/validate",
        params={"profile": profile, "platform": "linux"},
        content=raw_of(name),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.text
    assert response.json() == judge(name, profile).model_dump(mode="json")

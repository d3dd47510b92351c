"""Same answers: every document of the test corpora through gRPC and HTTP, one server for both, compared exactly.

The corpora: the runtime-spec conformance fixtures, the Kubernetes corpus, the bench documents and the CLI
fixtures; every profile; Validate, ClassifyMounts and Normalize. A document one protocol refuses, the other
refuses too, with the same words (HTTP `detail` = gRPC status message).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import grpc
import httpx
import pytest

from app.core import get_profile, profile_names
from app.grpc.gen import specgate_pb2 as pb, specgate_pb2_grpc as pb_grpc
from tests.conftest import ROOT, SHARED
from tests.grpc import wire
from tests.grpc.conftest import Served
from tests.grpc.status import failure_of

CORPORA = [
    SHARED / "conformance",
    ROOT / "tests" / "data" / "k8s",
    SHARED / "bench",
    ROOT / "tests" / "fixtures",
]
DOCUMENTS = sorted({path for corpus in CORPORA for path in corpus.rglob("*.json")})
JSON = {"content-type": "application/json"}


def _platform(path: Path, profile: str) -> str:
    # The conformance fixtures name their platform first (freebsd-minimal.json, zos-example.json).
    prefix = path.name.split("-")[0]
    return prefix if prefix in get_profile(profile).platforms else "linux"


@pytest.fixture(scope="module")
def http(served: Served) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=served.http_url, headers=JSON, timeout=30) as client:
        yield client


def test_the_corpora_are_there() -> None:
    assert len(DOCUMENTS) >= 50
    assert {p.parent.name for p in DOCUMENTS} >= {"good", "bad", "k8s", "bench"}


@pytest.mark.parametrize("profile", profile_names())
def test_validate_parity(http: httpx.Client, stub: pb_grpc.SpecgateStub, profile: str) -> None:
    judged = 0
    for path in DOCUMENTS:
        raw = path.read_bytes()
        platform = _platform(path, profile)
        answer = http.post("/validate", params={"profile": profile, "platform": platform}, content=raw)
        request = pb.ValidateRequest(document=raw, profile=profile, platform=platform)
        if answer.status_code == 200:
            assert wire.report(stub.Validate(request, timeout=30)) == answer.json(), path
            judged += 1
        else:
            assert answer.status_code == 400, path
            failure = failure_of(stub.Validate, request, timeout=30)
            assert (failure.code, failure.message) == (grpc.StatusCode.INVALID_ARGUMENT, answer.json()["detail"]), path
    assert judged >= len(DOCUMENTS) - 5


@pytest.mark.parametrize("profile", profile_names())
def test_classify_mounts_parity(http: httpx.Client, stub: pb_grpc.SpecgateStub, profile: str) -> None:
    for path in DOCUMENTS:
        raw = path.read_bytes()
        answer = http.post("/classify-mounts", params={"profile": profile}, content=raw)
        request = pb.ClassifyMountsRequest(document=raw, profile=profile)
        if answer.status_code == 200:
            grpc_answer = stub.ClassifyMounts(request, timeout=30)
            assert wire.mounts(grpc_answer) == answer.json(), path
            # Every category the core produces has its enum value.
            assert all(m.category != pb.MOUNT_CATEGORY_UNSPECIFIED for m in grpc_answer.mounts), path
        else:
            failure = failure_of(stub.ClassifyMounts, request, timeout=30)
            assert (failure.code, failure.message) == (grpc.StatusCode.INVALID_ARGUMENT, answer.json()["detail"]), path


@pytest.mark.parametrize("profile", profile_names())
def test_normalize_parity(http: httpx.Client, stub: pb_grpc.SpecgateStub, profile: str) -> None:
    bundle = "/run/containerd/io.containerd.runtime.v2.task/k8s.io/4f1c0e2a"
    normalized = 0
    for path in DOCUMENTS:
        raw = path.read_bytes()
        answer = http.post("/normalize", params={"profile": profile, "bundle": bundle}, content=raw)
        request = pb.NormalizeRequest(document=raw, profile=profile, bundle=bundle)
        if answer.status_code == 200:
            assert wire.normalized(stub.Normalize(request, timeout=30)) == answer.json(), path
            normalized += 1
        else:
            failure = failure_of(stub.Normalize, request, timeout=30)
            problem = answer.json()
            assert (failure.code, failure.message) == (grpc.StatusCode.INVALID_ARGUMENT, problem["detail"]), path
            if answer.status_code == 422:  # the spec is invalid: each error finding, with its pointer
                expected = [("document" + e["path"], e["message"]) for e in problem["errors"]]
                assert failure.violations == expected, path
    assert normalized > 0


def test_validate_stream_parity(http: httpx.Client, stub: pb_grpc.SpecgateStub) -> None:
    raws = [path.read_bytes() for path in DOCUMENTS]
    requests = (pb.ValidateStreamRequest(id=str(i), request=pb.ValidateRequest(document=r)) for i, r in enumerate(raws))
    answers = list(stub.ValidateStream(requests, timeout=60))
    assert [a.index for a in answers] == list(range(len(raws)))
    for raw, answer in zip(raws, answers, strict=True):
        expected = http.post("/validate", content=raw)
        if expected.status_code == 200:
            assert wire.report(answer.report) == expected.json()
        else:
            assert answer.error.message == expected.json()["detail"]


def test_rules_and_capability_tables_parity(http: httpx.Client, stub: pb_grpc.SpecgateStub) -> None:
    rules = stub.ListRules(pb.ListRulesRequest(), timeout=30).rules
    assert [
        {
            "id": r.id,
            "profile": r.profile,
            "severity": pb.Severity.Name(r.severity).removeprefix("SEVERITY_").lower(),
            "summary": r.summary,
            "reference": r.reference,
            "scope": pb.RuleScope.Name(r.scope).removeprefix("RULE_SCOPE_").lower(),
            "checked": r.checked,
            "enabled": not r.disabled,
            "catalog_severity": pb.Severity.Name(r.catalog_severity).removeprefix("SEVERITY_").lower()
            if r.catalog_severity
            else None,
            "policy": r.policy or None,
        }
        for r in rules
    ] == http.get("/rules?profile=*").json()["rules"]  # gRPC: an empty profile lists every profile
    for profile in profile_names():
        table = stub.ListCapabilities(pb.ListCapabilitiesRequest(profile=profile), timeout=30)
        assert {
            "profile": table.profile,
            "capabilities": [{"name": c.name, "number": c.number} for c in table.capabilities],
            "last_cap": table.last_cap,
        } == http.get("/capabilities", params={"profile": profile}).json()

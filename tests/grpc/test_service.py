"""Each call of specgate.v1.Specgate against a real server: answers, and the status of every kind of bad input."""

from __future__ import annotations

import json

import grpc
import orjson
import pytest

from app.api.examples import CONFIG
from app.grpc.gen import specgate_pb2 as pb, specgate_pb2_grpc as pb_grpc
from tests.api.conftest import MiB
from tests.grpc.status import details, failure_of

VALID = orjson.dumps(CONFIG)
SELINUX = orjson.dumps({**CONFIG, "process": {**CONFIG["process"], "selinuxLabel": "system_u:system_r:t:s0"}})


def test_validate_answers_the_report(stub: pb_grpc.SpecgateStub) -> None:
    report = stub.Validate(pb.ValidateRequest(document=SELINUX), timeout=10)
    assert not report.valid
    assert (report.profile, report.platform) == ("runsc", "linux")
    selinux = next(f for f in report.findings if f.rule == "RUNSC-SELINUX")
    assert (selinux.severity, selinux.path) == (pb.SEVERITY_ERROR, "/process/selinuxLabel")
    assert report.summary.errors == sum(f.severity == pb.SEVERITY_ERROR for f in report.findings) >= 1
    # The example is a Kubernetes container: it joins the sandbox its annotations name.
    assert report.sandbox.container_type == pb.CONTAINER_TYPE_CONTAINER and not report.sandbox.creates_sandbox
    assert (
        report.sandbox.HasField("sandbox_id")
        and report.sandbox.sandbox_id == CONFIG["annotations"]["io.kubernetes.cri.sandbox-id"]
    )


def test_a_sandbox_without_id_has_no_sandbox_id_field(stub: pb_grpc.SpecgateStub) -> None:
    report = stub.Validate(pb.ValidateRequest(document=b'{"ociVersion": "1.0.2"}'), timeout=10)
    assert report.sandbox.container_type == pb.CONTAINER_TYPE_UNSPECIFIED and report.sandbox.creates_sandbox
    assert not report.sandbox.HasField("sandbox_id")


def test_validate_with_every_argument(stub: pb_grpc.SpecgateStub) -> None:
    no_process = orjson.dumps({k: v for k, v in CONFIG.items() if k != "process"})
    created = stub.Validate(pb.ValidateRequest(document=no_process, profile="oci", platform="linux"), timeout=10)
    started = stub.Validate(
        pb.ValidateRequest(document=no_process, profile="oci", lifecycle=pb.LIFECYCLE_START), timeout=10
    )
    assert created.profile == "oci" and created.valid
    rule = next(f for f in started.findings if f.path == "/process")
    assert (rule.rule, rule.severity, started.valid) == ("OCI-PROC-REQ-START", pb.SEVERITY_ERROR, False)


def test_malformed_document_is_invalid_argument_with_line_and_column(stub: pb_grpc.SpecgateStub) -> None:
    failure = failure_of(stub.Validate, pb.ValidateRequest(document=b'{"a": "\xc3\x28"}'), timeout=10)
    assert failure.code is grpc.StatusCode.INVALID_ARGUMENT
    assert failure.reason == "DOCUMENT_ENCODING"
    assert (failure.metadata["line"], failure.metadata["column"]) == ("1", "8")
    assert failure.violations == [("document", failure.message)]


@pytest.mark.parametrize(
    ("document", "reason"),
    [(b"", "DOCUMENT_SYNTAX"), (b"[]", "DOCUMENT_NOT_OBJECT"), (b"[" * 100_000, "DOCUMENT_TOO_DEEP")],
)
def test_documents_that_are_no_json_object(stub: pb_grpc.SpecgateStub, document: bytes, reason: str) -> None:
    for call, request in [
        (stub.Validate, pb.ValidateRequest(document=document)),
        (stub.ClassifyMounts, pb.ClassifyMountsRequest(document=document)),
        (stub.Normalize, pb.NormalizeRequest(document=document, bundle="/b")),
    ]:
        failure = failure_of(call, request, timeout=10)
        assert (failure.code, failure.reason) == (grpc.StatusCode.INVALID_ARGUMENT, reason)


@pytest.mark.parametrize(
    ("request_", "field", "reason"),
    [
        (pb.ValidateRequest(document=VALID, profile="runc"), "profile", "UNKNOWN_PROFILE"),
        (pb.ValidateRequest(document=VALID, platform="windows"), "platform", "UNKNOWN_PLATFORM"),
        (pb.ValidateRequest(document=VALID, lifecycle=7), "lifecycle", "BAD_ARGUMENT"),  # type: ignore[arg-type]
    ],
    ids=["profile", "platform", "lifecycle"],
)
def test_unusable_arguments(stub: pb_grpc.SpecgateStub, request_: pb.ValidateRequest, field: str, reason: str) -> None:
    failure = failure_of(stub.Validate, request_, timeout=10)
    assert (failure.code, failure.reason) == (grpc.StatusCode.INVALID_ARGUMENT, reason)
    assert [name for name, _ in failure.violations] == [field]


def test_unknown_profile_lists_the_known_ones(stub: pb_grpc.SpecgateStub) -> None:
    failure = failure_of(stub.ListRules, pb.ListRulesRequest(profile="runc"), timeout=10)
    assert failure.metadata["profiles"].split(",") == ["runsc", "runsc-2018", "oci", "features:runc-1.1"]
    assert failure.message == "unknown profile 'runc'; known profiles: runsc, runsc-2018, oci, features:runc-1.1"


def test_document_over_the_limit_is_resource_exhausted(stub: pb_grpc.SpecgateStub) -> None:
    # Just over SPECGATE_MAX_BODY_BYTES: the service refuses it, with details.
    failure = failure_of(stub.Validate, pb.ValidateRequest(document=b" " * (MiB + 1)), timeout=10)
    assert (failure.code, failure.reason) == (grpc.StatusCode.RESOURCE_EXHAUSTED, "DOCUMENT_TOO_LARGE")
    assert "SPECGATE_MAX_BODY_BYTES" in failure.message
    assert failure.metadata == {"size": str(MiB + 1), "limit": str(MiB)}
    # Far over it: gRPC refuses the message before it is decoded.
    assert failure_of(stub.Validate, pb.ValidateRequest(document=b" " * 10 * MiB), timeout=10).code is (
        grpc.StatusCode.RESOURCE_EXHAUSTED
    )
    # And the server goes on answering.
    assert stub.Validate(pb.ValidateRequest(document=VALID), timeout=10).valid


def test_document_of_exactly_the_limit_is_judged(stub: pb_grpc.SpecgateStub) -> None:
    document = VALID + b" " * (MiB - len(VALID))
    assert stub.Validate(pb.ValidateRequest(document=document), timeout=10).valid


def test_normalize(stub: pb_grpc.SpecgateStub) -> None:
    answer = stub.Normalize(pb.NormalizeRequest(document=VALID, bundle="/run/bundle"), timeout=10)
    spec = json.loads(answer.spec)
    assert spec["root"]["path"] == "/run/bundle/rootfs"
    assert [(op.op, op.path, json.loads(op.value)) for op in answer.patch][0] == (
        pb.PATCH_OP_REPLACE,
        "/root/path",
        "/run/bundle/rootfs",
    )


def test_normalize_refuses_an_invalid_spec_with_each_error(stub: pb_grpc.SpecgateStub) -> None:
    failure = failure_of(stub.Normalize, pb.NormalizeRequest(document=SELINUX, bundle="/b"), timeout=10)
    assert (failure.code, failure.reason) == (grpc.StatusCode.INVALID_ARGUMENT, "INVALID_SPEC")
    assert ("document/process/selinuxLabel" in dict(failure.violations)) and failure.metadata == {"profile": "runsc"}


def test_normalize_refuses_a_relative_bundle(stub: pb_grpc.SpecgateStub) -> None:
    failure = failure_of(stub.Normalize, pb.NormalizeRequest(document=VALID, bundle="run/bundle"), timeout=10)
    assert (failure.code, failure.reason) == (grpc.StatusCode.INVALID_ARGUMENT, "BAD_ARGUMENT")
    assert [name for name, _ in failure.violations] == ["bundle"]


def test_capabilities(stub: pb_grpc.SpecgateStub) -> None:
    caps = orjson.dumps({"bounding": ["CAP_KILL", "CAP_CHOWN", "CAP_NET_RAW"], "effective": ["CAP_CHOWN"]})
    answer = stub.Capabilities(pb.CapabilitiesRequest(capabilities=caps), timeout=10)
    assert list(answer.bounding.names) == ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"]
    assert (answer.bounding.mask, answer.bounding.mask_bits) == ("0x0000000000002021", 0x2021)
    assert (answer.bounding.granted_mask, answer.bounding.granted_mask_bits) == ("0x0000000000000021", 0x21)
    assert list(answer.ambient.names) == [] and answer.ambient.mask_bits == 0


def test_unknown_capabilities_name_each_pointer(stub: pb_grpc.SpecgateStub) -> None:
    caps = orjson.dumps({"bounding": ["CAP_CHOWN", "CAP_FLY"], "ambient": "CAP_KILL"})
    failure = failure_of(stub.Capabilities, pb.CapabilitiesRequest(capabilities=caps), timeout=10)
    assert (failure.code, failure.reason) == (grpc.StatusCode.INVALID_ARGUMENT, "UNKNOWN_CAPABILITIES")
    assert {name for name, _ in failure.violations} == {"capabilities/bounding/1", "capabilities/ambient"}
    broken = failure_of(stub.Capabilities, pb.CapabilitiesRequest(capabilities=b"{"), timeout=10)
    assert (broken.reason, broken.violations[0][0]) == ("DOCUMENT_SYNTAX", "capabilities")


def test_list_capabilities(stub: pb_grpc.SpecgateStub) -> None:
    table = stub.ListCapabilities(pb.ListCapabilitiesRequest(profile="runsc-2018"), timeout=10)
    assert (table.profile, table.capabilities[0].name, table.capabilities[0].number) == ("runsc-2018", "CAP_CHOWN", 0)
    assert table.last_cap == table.capabilities[-1].number


def test_classify_mounts(stub: pb_grpc.SpecgateStub) -> None:
    spec = {**CONFIG, "mounts": [{"destination": "/data", "type": "bind", "source": "/srv", "options": ["rbind"]}]}
    answer = stub.ClassifyMounts(pb.ClassifyMountsRequest(document=orjson.dumps(spec)), timeout=10)
    (mount,) = answer.mounts
    assert (mount.category, mount.category_name, mount.gofer, mount.destination) == (
        pb.MOUNT_CATEGORY_GOFER,
        "gofer",
        True,
        "/data",
    )


def test_list_rules(stub: pb_grpc.SpecgateStub) -> None:
    every = stub.ListRules(pb.ListRulesRequest(), timeout=10).rules
    runsc = stub.ListRules(pb.ListRulesRequest(profile="runsc"), timeout=10).rules
    assert {r.profile for r in every} == {"runsc", "runsc-2018", "oci", "features:runc-1.1"}
    assert {r.id for r in runsc} < {r.id for r in every}
    assert stub.ListRules(pb.ListRulesRequest(profile="*"), timeout=10).rules == every
    assert all(r.severity != pb.SEVERITY_UNSPECIFIED and r.scope != pb.RULE_SCOPE_UNSPECIFIED for r in every)


def test_stream_answers_each_document_in_order_and_goes_on_after_a_bad_one(stub: pb_grpc.SpecgateStub) -> None:
    documents = [VALID, b"{", SELINUX, b" " * (MiB + 1), VALID]
    requests = [
        pb.ValidateStreamRequest(id=f"doc-{i}", request=pb.ValidateRequest(document=d)) for i, d in enumerate(documents)
    ]
    requests.append(pb.ValidateStreamRequest(id="oci", request=pb.ValidateRequest(document=VALID, profile="nope")))
    answers = list(stub.ValidateStream(iter(requests), timeout=30))
    assert [(a.id, a.index) for a in answers] == [(r.id, i) for i, r in enumerate(requests)]
    outcomes = [a.WhichOneof("outcome") for a in answers]
    assert outcomes == ["report", "error", "report", "error", "report", "error"]
    assert answers[0].report == stub.Validate(pb.ValidateRequest(document=VALID), timeout=10)
    assert not answers[2].report.valid
    codes = [details(answers[i].error).code for i in (1, 3, 5)]
    assert codes == [
        grpc.StatusCode.INVALID_ARGUMENT,
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        grpc.StatusCode.INVALID_ARGUMENT,
    ]
    assert details(answers[1].error).reason == "DOCUMENT_SYNTAX"


def test_empty_stream(stub: pb_grpc.SpecgateStub) -> None:
    assert list(stub.ValidateStream(iter([]), timeout=10)) == []

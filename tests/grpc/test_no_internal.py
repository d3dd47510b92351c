"""No input gets UNKNOWN or INTERNAL: mutated documents, odd arguments and bytes that are no protobuf message."""

from __future__ import annotations

import json
import random

import grpc
import pytest

from app.api.examples import CAPABILITIES, CONFIG
from app.grpc.gen import specgate_pb2 as pb, specgate_pb2_grpc as pb_grpc
from tests.api.test_no_server_error import _mutate
from tests.grpc.status import failure_of

PROFILES = ["runsc", "runsc-2018", "oci"]
ACCEPTED = {grpc.StatusCode.OK, grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.RESOURCE_EXHAUSTED}
ODD_TEXT = ["", "x", "RUNSC", "runsc ", "\u0000", "é" * 300, "../../etc", "/", "/\u0000/b", "a" * 100_000]
METHODS = [
    "Validate",
    "ValidateStream",
    "Normalize",
    "Capabilities",
    "ListCapabilities",
    "ClassifyMounts",
    "ListRules",
]


def _code(call: object, request: object) -> grpc.StatusCode:
    try:
        call(request, timeout=30)  # type: ignore[operator]
    except grpc.RpcError as exc:
        return exc.code()  # type: ignore[attr-defined,no-any-return]
    return grpc.StatusCode.OK


@pytest.mark.parametrize("seed", range(2))
def test_mutated_documents(stub: pb_grpc.SpecgateStub, seed: int) -> None:
    rnd = random.Random(seed)
    codes = set()
    for _ in range(8):
        raw = json.dumps(_mutate(CONFIG, rnd)).encode()
        caps = json.dumps(_mutate(CAPABILITIES, rnd)).encode()
        for profile in PROFILES:
            codes.add(_code(stub.Validate, pb.ValidateRequest(document=raw, profile=profile)))
            codes.add(_code(stub.Normalize, pb.NormalizeRequest(document=raw, profile=profile, bundle="/b")))
            codes.add(_code(stub.ClassifyMounts, pb.ClassifyMountsRequest(document=raw, profile=profile)))
            codes.add(_code(stub.Capabilities, pb.CapabilitiesRequest(capabilities=caps, profile=profile)))
    assert codes <= ACCEPTED


def test_odd_arguments(stub: pb_grpc.SpecgateStub) -> None:
    document = json.dumps(CONFIG).encode()
    codes = set()
    for text in ODD_TEXT:
        codes.add(_code(stub.Validate, pb.ValidateRequest(document=document, profile=text)))
        codes.add(_code(stub.Validate, pb.ValidateRequest(document=document, platform=text)))
        codes.add(_code(stub.Normalize, pb.NormalizeRequest(document=document, bundle=text)))
        codes.add(_code(stub.ListRules, pb.ListRulesRequest(profile=text)))
        codes.add(_code(stub.ListCapabilities, pb.ListCapabilitiesRequest(profile=text)))
    for lifecycle in (-1, 3, 2**31 - 1):
        codes.add(_code(stub.Validate, pb.ValidateRequest(document=document, lifecycle=lifecycle)))  # type: ignore[arg-type]
    assert codes <= ACCEPTED


@pytest.mark.parametrize("method", METHODS)
def test_bytes_that_are_no_message(channel: grpc.Channel, method: str) -> None:
    path = f"/specgate.v1.Specgate/{method}"
    message = pb.DESCRIPTOR.services_by_name["Specgate"].methods_by_name[method].input_type
    text_field = next(f.number for f in message.fields if f.type == f.TYPE_STRING)
    # Corrupt wire format; a string field that is not UTF-8; a truncated length-delimited field.
    bodies = [b"\xff\xff\xff", bytes([text_field << 3 | 2, 2, 0xC3, 0x28]), b"\x0a\x05ab"]
    for body in bodies:
        if method == "ValidateStream":
            answers = list(channel.stream_stream(path)(iter([body]), timeout=30))
            (answer,) = (pb.ValidateStreamResponse.FromString(a) for a in answers)
            assert answer.error.code == grpc.StatusCode.INVALID_ARGUMENT.value[0]
            assert "is not a valid specgate.v1.ValidateStreamRequest message" in answer.error.message
        else:
            failure = failure_of(channel.unary_unary(path), body)
            assert (failure.code, failure.reason) == (grpc.StatusCode.INVALID_ARGUMENT, "MALFORMED_REQUEST")

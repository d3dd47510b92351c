"""Read a failed call's status as a client does: the code, the message and the google.rpc details."""

from __future__ import annotations

from dataclasses import dataclass, field

import grpc
from google.rpc import error_details_pb2, status_pb2
from grpc_status import rpc_status


@dataclass
class Failure:
    code: grpc.StatusCode
    message: str
    reason: str = ""
    metadata: dict[str, str] = field(default_factory=dict)
    violations: list[tuple[str, str]] = field(default_factory=list)


def details(status: status_pb2.Status) -> Failure:
    """The parts of a google.rpc.Status, with its BadRequest and ErrorInfo unpacked."""
    failure = Failure(code=next(c for c in grpc.StatusCode if c.value[0] == status.code), message=status.message)
    for packed in status.details:
        if packed.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            packed.Unpack(info)
            assert info.domain == "specgate"
            failure.reason, failure.metadata = info.reason, dict(info.metadata)
        elif packed.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            packed.Unpack(bad)
            failure.violations = [(v.field, v.description) for v in bad.field_violations]
    return failure


def failure_of(call: object, *args: object, **kwargs: object) -> Failure:
    """Make the call, which must fail, and return its status with details."""
    try:
        call(*args, **kwargs)  # type: ignore[operator]
    except grpc.RpcError as exc:
        status = rpc_status.from_call(exc)  # type: ignore[arg-type]
        if status is None:  # no rich details: grpc itself refused (message size, deadline)
            return Failure(code=exc.code(), message=exc.details() or "")  # type: ignore[attr-defined]
        assert status.message == exc.details()  # type: ignore[attr-defined]
        return details(status)
    raise AssertionError("the call succeeded")

"""The one place where errors become gRPC statuses, with the standard rich details (google.rpc.Status).

core DocumentError                      -> INVALID_ARGUMENT, reason DOCUMENT_<KIND> (line and column in metadata)
core UnknownProfile / UnknownPlatform   -> INVALID_ARGUMENT, reason UNKNOWN_PROFILE / UNKNOWN_PLATFORM
core BadArgument, unknown enum value    -> INVALID_ARGUMENT, reason BAD_ARGUMENT
a request that is no protobuf message   -> INVALID_ARGUMENT, reason MALFORMED_REQUEST (grpcio would say UNKNOWN)
core InvalidSpec (Normalize)            -> INVALID_ARGUMENT, reason INVALID_SPEC, each error finding a violation
core CapabilityError                    -> INVALID_ARGUMENT, reason UNKNOWN_CAPABILITIES, each problem a violation
a document over the size limit          -> RESOURCE_EXHAUSTED, reason DOCUMENT_TOO_LARGE
no accepted bearer token (app.grpc.auth) -> UNAUTHENTICATED, reason TOKEN_MISSING / TOKEN_REJECTED
anything else                           -> INTERNAL; no input may cause one, this is the last resort

Each status carries a `google.rpc.BadRequest` whose field violations name the request field (`profile`,
`platform`, `lifecycle`, `bundle`) or, inside a JSON document, the field followed by the RFC 6901 pointer
(`document/process/args`, `capabilities/bounding/0`), and a `google.rpc.ErrorInfo` with domain "specgate".
The status message is the HTTP problem's `detail`, word for word.
"""

from __future__ import annotations

import grpc
from google.protobuf import any_pb2
from google.rpc import error_details_pb2, status_pb2

from app.core import BadArgument, CapabilityError, DocumentError, InvalidSpec, UnknownPlatform, UnknownProfile
from app.core.errors import SpecgateError

DOMAIN = "specgate"
DETAILS_KEY = "grpc-status-details-bin"
"""The trailing metadata key of the serialized google.rpc.Status (what grpcio-status and every gRPC library read)."""


class RpcError(Exception):
    """A call, or one document of a stream, ends with this status."""

    def __init__(self, status: status_pb2.Status) -> None:
        self.status = status
        super().__init__(status.message)

    @property
    def code(self) -> grpc.StatusCode:
        """The status code as grpc spells it."""
        return CODES[self.status.code]

    @property
    def trailing_metadata(self) -> tuple[tuple[str, bytes], ...]:
        """The metadata that carries the details to the client."""
        return ((DETAILS_KEY, self.status.SerializeToString()),)


CODES = {code.value[0]: code for code in grpc.StatusCode}


def _status(
    code: grpc.StatusCode,
    message: str,
    reason: str,
    violations: list[tuple[str, str]],
    metadata: dict[str, str] | None = None,
) -> RpcError:
    bad_request = error_details_pb2.BadRequest(
        field_violations=[
            error_details_pb2.BadRequest.FieldViolation(field=field, description=description)
            for field, description in violations
        ]
    )
    info = error_details_pb2.ErrorInfo(reason=reason, domain=DOMAIN, metadata=metadata or {})
    details = []
    for detail in (bad_request, info):
        packed = any_pb2.Any()
        packed.Pack(detail)
        details.append(packed)
    return RpcError(status_pb2.Status(code=code.value[0], message=message, details=details))


def bad_argument(field: str, message: str) -> RpcError:
    """INVALID_ARGUMENT about one request field."""
    return _status(grpc.StatusCode.INVALID_ARGUMENT, f"{field}: {message}", "BAD_ARGUMENT", [(field, message)])


def bad_request_message(message: str, detail: str) -> RpcError:
    """INVALID_ARGUMENT: the request's bytes are not a `message` (protobuf wire format, UTF-8 strings)."""
    text = f"the request is not a valid {message} message: {detail}"
    return _status(grpc.StatusCode.INVALID_ARGUMENT, text, "MALFORMED_REQUEST", [("", text)])


def too_large(field: str, size: int, limit: int) -> RpcError:
    """RESOURCE_EXHAUSTED: the document is over the limit shared with HTTP."""
    message = f"the {field} is larger than {limit} bytes, the limit of this service (SPECGATE_MAX_BODY_BYTES)"
    return _status(
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        message,
        "DOCUMENT_TOO_LARGE",
        [(field, f"{size} bytes; at most {limit} are accepted")],
        {"size": str(size), "limit": str(limit)},
    )


def from_core(exc: SpecgateError, field: str = "document") -> RpcError:
    """The status of a core error; `field` names the request field that held the JSON document."""
    invalid = grpc.StatusCode.INVALID_ARGUMENT
    if isinstance(exc, DocumentError):
        where = {"line": str(exc.line), "column": str(exc.column)} if exc.line is not None else {}
        reason = "DOCUMENT_" + exc.kind.upper().replace("-", "_")
        return _status(invalid, str(exc), reason, [(field, str(exc))], {"kind": exc.kind, **where})
    if isinstance(exc, UnknownProfile):
        return _status(invalid, str(exc), "UNKNOWN_PROFILE", [("profile", str(exc))], {"profiles": ",".join(exc.known)})
    if isinstance(exc, UnknownPlatform):
        metadata = {"profile": exc.profile, "platforms": ",".join(exc.known)}
        return _status(invalid, str(exc), "UNKNOWN_PLATFORM", [("platform", str(exc))], metadata)
    if isinstance(exc, BadArgument):
        return _status(invalid, str(exc), "BAD_ARGUMENT", [(exc.name, exc.detail)])
    if isinstance(exc, InvalidSpec):
        report = exc.report
        violations = [(field + f.path, f.message) for f in report.findings if f.severity == "error"]
        message = f"{exc}; the runtime would refuse it before normalizing it. Fix the error findings and retry."
        return _status(invalid, message, "INVALID_SPEC", violations, {"profile": report.profile})
    if isinstance(exc, CapabilityError):
        violations = [(field + path, message) for path, message in exc.errors]
        return _status(invalid, str(exc), "UNKNOWN_CAPABILITIES", violations)
    return _status(invalid, str(exc), "BAD_ARGUMENT", [(field, str(exc))])


def unauthenticated(message: str, presented: bool) -> RpcError:
    """UNAUTHENTICATED: no bearer token, or one the service does not accept."""
    reason = "TOKEN_REJECTED" if presented else "TOKEN_MISSING"
    return _status(grpc.StatusCode.UNAUTHENTICATED, message, reason, [])


def internal(operation: str) -> RpcError:
    """INTERNAL for a bug: no input may lead here."""
    return _status(
        grpc.StatusCode.INTERNAL,
        f"specgate failed on this {operation} call; this is a bug, please report it with the request",
        "INTERNAL",
        [],
    )

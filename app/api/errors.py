"""The one place where errors become HTTP answers: RFC 9457 problem details (application/problem+json).

core DocumentError                  -> 400 (with line, column and `errors`)
core UnknownProfile / UnknownPlatform / BadArgument -> 422
core InvalidSpec                    -> 422, the validation report merged into the problem
core MalformedReview                -> 400, JSON but not an AdmissionReview (each bad field in `errors`)
core WorkloadError                  -> 422, /translate of an object that carries no Pod, or a malformed Pod spec
core CapabilityError                -> 422, each unknown name with its JSON Pointer in `errors`
RequestValidationError              -> 422 (a query parameter FastAPI could not bind)
HTTPException                       -> its own status (413, 415, 404, 405, ...)
ClientDisconnect                    -> 400, logged without a traceback: the client left before its body arrived
anything else                       -> 500; no input may cause one, this is the last resort
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request, Response, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect

from app import metrics
from app.api.methods import allowed_methods
from app.core import BadArgument, CapabilityError, DocumentError, InvalidSpec, UnknownPlatform, UnknownProfile
from app.core.errors import WorkloadError
from app.core.kube.admission import MalformedReview
from app.models import Problem

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_BASE = "urn:specgate:problem:"
"""Problem types are URNs: the service runs air-gapped, so there is no page to dereference."""

logger = logging.getLogger("specgate.api")

_TITLES = {413: "Content Too Large", 422: "Unprocessable Content"}
"""RFC 9110's names where Python's http.HTTPStatus still has the older ones."""

_KINDS = {
    400: "bad-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    408: "request-timeout",
    411: "length-required",
    413: "too-large",
    415: "unsupported-media-type",
    422: "unprocessable",
    429: "too-many-requests",
    500: "internal",
    503: "unavailable",
}
"""The problem type of an answer raised without one (an HTTPException): one `urn:specgate:problem:` scheme for
every status, so a client can switch on `type` alone; about:blank is never sent."""

_DOCUMENT_TITLES = {
    "encoding": "The body is not UTF-8",
    "syntax": "The body is not JSON",
    "not-object": "The body is not a JSON object",
    "too-deep": "The body nests too deeply",
}


class ProblemResponse(JSONResponse):
    """A JSON response with the problem+json media type."""

    media_type = PROBLEM_MEDIA_TYPE


def problem(
    status_code: int,
    detail: str,
    *,
    kind: str | None = None,
    title: str | None = None,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> ProblemResponse:
    """Build a problem+json response; `kind` names the problem type, else the status does (`_KINDS`)."""
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + (kind or _KINDS.get(status_code) or f"http-{status_code}"),
        "title": title or _TITLES.get(status_code) or HTTPStatus(status_code).phrase,
        "status": status_code,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    body.update(extra)
    return ProblemResponse(body, status_code=status_code, headers=headers)


def _document_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, DocumentError)
    where: dict[str, Any] = {}
    if exc.line is not None and exc.column is not None:
        where = {"line": exc.line, "column": exc.column}
    return problem(
        status.HTTP_400_BAD_REQUEST,
        str(exc),
        kind=f"document-{exc.kind}",
        title=_DOCUMENT_TITLES.get(exc.kind, "The body is not a JSON object"),
        errors=[{"path": "", "message": str(exc)}],
        **where,
    )


def _unknown_profile(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, UnknownProfile)
    return problem(
        status.HTTP_422_UNPROCESSABLE_CONTENT,
        str(exc),
        kind="unknown-profile",
        title="Unknown profile",
        errors=[{"path": "query.profile", "message": str(exc)}],
        profiles=exc.known,
    )


def _unknown_platform(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, UnknownPlatform)
    return problem(
        status.HTTP_422_UNPROCESSABLE_CONTENT,
        str(exc),
        kind="unknown-platform",
        title="Unknown platform",
        errors=[{"path": "query.platform", "message": str(exc)}],
        platforms=list(exc.known),
    )


def _bad_argument(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, BadArgument)
    return problem(
        status.HTTP_422_UNPROCESSABLE_CONTENT,
        str(exc),
        kind="bad-argument",
        title="Unusable parameter",
        errors=[{"path": f"query.{exc.name}", "message": exc.detail}],
    )


def _invalid_spec(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, InvalidSpec)
    metrics.observe_report(exc.report)  # a refused /normalize is a verdict too
    report = exc.report.model_dump(mode="json")
    errors = [{"path": f["path"], "message": f["message"]} for f in report["findings"] if f["severity"] == "error"]
    return problem(
        status.HTTP_422_UNPROCESSABLE_CONTENT,
        f"{exc}; the runtime would refuse it before normalizing it. Fix the error findings and retry.",
        kind="invalid-spec",
        title="The spec is invalid",
        errors=errors,
        **report,
    )


def _malformed_review(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, MalformedReview)
    return problem(
        status.HTTP_400_BAD_REQUEST,
        str(exc),
        kind="malformed-review",
        title="The body is not an AdmissionReview",
        errors=[{"path": path, "message": message} for path, message in exc.errors],
    )


def _workload_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, WorkloadError)
    return problem(
        status.HTTP_422_UNPROCESSABLE_CONTENT,
        f"the object cannot be translated: {exc}",
        kind="workload",
        title="The object carries no usable Pod",
        errors=[{"path": exc.path, "message": exc.detail}],
    )


def _capability_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, CapabilityError)
    return problem(
        status.HTTP_422_UNPROCESSABLE_CONTENT,
        str(exc),
        kind="capabilities",
        title="Unusable capability sets",
        errors=[{"path": path, "message": message} for path, message in exc.errors],
    )


def _request_validation(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"path": ".".join(str(part) for part in err.get("loc", ())), "message": str(err.get("msg", "invalid"))}
        for err in exc.errors()
    ]
    detail = "; ".join(f"{e['path']}: {e['message']}" for e in errors) or "the request is invalid"
    return problem(
        status.HTTP_422_UNPROCESSABLE_CONTENT,
        detail,
        kind="request-parameters",
        title="Invalid request parameters",
        errors=errors,
    )


def _http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    headers = dict(exc.headers) if exc.headers else None
    if exc.status_code < 200 or exc.status_code in (204, 304):
        return Response(status_code=exc.status_code, headers=headers)
    detail = str(exc.detail)
    # Starlette's routing answers with the bare phrase; say what exists instead.
    if exc.status_code == status.HTTP_404_NOT_FOUND and detail == "Not Found":
        detail = f"there is no {request.url.path}; the API is described at /openapi.json and /docs"
    elif exc.status_code == status.HTTP_405_METHOD_NOT_ALLOWED and detail == "Method Not Allowed":
        # Starlette's Allow names only the first route on the path; GET and POST /capabilities are two routes.
        allowed = ", ".join(allowed_methods(request.scope)) or (headers or {}).get("Allow", "")
        headers = {**(headers or {}), "Allow": allowed}
        detail = f"{request.method} is not allowed on {request.url.path}; allowed: {allowed}"
    return problem(exc.status_code, detail, headers=headers)


def _client_disconnect(request: Request, exc: Exception) -> Response:
    # Nobody is left to read the answer; the request is over, and it is not a server error.
    logger.info("client disconnected before sending the whole body of %s %s", request.method, request.url.path)
    return problem(
        status.HTTP_400_BAD_REQUEST,
        "the connection closed before the whole body arrived; send the document again",
        kind="incomplete-body",
    )


def _unexpected(request: Request, exc: Exception) -> Response:
    # Every input must get a 4xx; reaching here is a bug, logged with its traceback.
    logger.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(
        status.HTTP_500_INTERNAL_SERVER_ERROR,
        "specgate failed on this request; this is a bug, please report it with the request",
        kind="internal",
    )


def install_exception_handlers(app: FastAPI) -> None:
    """Register every mapping above on the app."""
    app.add_exception_handler(DocumentError, _document_error)
    app.add_exception_handler(UnknownProfile, _unknown_profile)
    app.add_exception_handler(UnknownPlatform, _unknown_platform)
    app.add_exception_handler(BadArgument, _bad_argument)
    app.add_exception_handler(InvalidSpec, _invalid_spec)
    app.add_exception_handler(CapabilityError, _capability_error)
    app.add_exception_handler(MalformedReview, _malformed_review)
    app.add_exception_handler(WorkloadError, _workload_error)
    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(HTTPException, _http_exception)
    app.add_exception_handler(ClientDisconnect, _client_disconnect)
    app.add_exception_handler(Exception, _unexpected)


def problem_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for the given error statuses, all problem+json."""
    descriptions = {
        400: "The body is not a JSON object: not JSON, not UTF-8, or not an object (with line and column); "
        "on /admission also a JSON object that is not an AdmissionReview.",
        404: "No such resource (e.g. no profile of that name).",
        413: "The body is larger than the configured limit (SPECGATE_MAX_BODY_BYTES).",
        415: "The body is not sent as application/json.",
        422: "A parameter is unusable (e.g. an unknown profile), or the request cannot be processed.",
    }
    return {
        code: {
            "description": descriptions[code],
            "model": Problem,
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for code in codes
    }

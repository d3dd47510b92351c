"""Dependencies shared by the routes, as `Annotated` aliases.

The document is read as raw bytes, never through a FastAPI body model: the core parses it
exactly once (duplicate members and encoding errors are only visible in the bytes), and
the size limit is enforced while the body streams in, so a 10 MB body is refused without
being buffered.
"""

from __future__ import annotations

from typing import Annotated, get_args, get_origin

from fastapi import Depends, HTTPException, Query, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from app.api.query_names import check_query_names
from app.config import Settings
from app.core import get_profile, profile_names
from app.core.policy_file import Policy

PROFILES = profile_names()
PLATFORMS = sorted({platform for name in PROFILES for platform in get_profile(name).platforms})


async def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    # `async` even though it never awaits: FastAPI runs a plain `def` dependency in the thread pool,
    # a hop of tens of microseconds on every request for a dictionary lookup.
    settings: Settings = request.app.state.settings
    return settings


async def single_query_values(request: Request) -> None:
    """Refuse a parameter of the route given twice with different values: which one was meant would be a guess."""
    # FastAPI would silently take the last one, so `?profile=oci&profile=runsc` would be judged as runsc.
    # Parameters the route does not declare are ignored, as FastAPI ignores them (a probe's cache buster).
    # `async` so that it runs on the event loop (see get_settings); a query without a repeated name, the
    # usual case, is settled by one comparison of lengths.
    query = request.query_params
    if len(query) == len(query.multi_items()):
        return
    route = request.scope.get("route")
    declared = (
        {param.alias for param in route.dependant.query_params if not _repeatable(param.field_info.annotation)}
        if isinstance(route, APIRoute)
        else set()
    )
    errors = [
        {
            "type": "repeated",
            "loc": ("query", name),
            "msg": f"given {len(values)} times with different values ({', '.join(map(repr, values))}); give it once",
            "input": values,
        }
        for name in sorted(declared)
        if len(set(values := request.query_params.getlist(name))) > 1
    ]
    if errors:
        raise RequestValidationError(errors)


def _repeatable(annotation: object) -> bool:
    # A parameter declared as a list (`?profile=oci&profile=features:runc-1.1`) is meant to repeat.
    return get_origin(annotation) is list or any(get_origin(arg) is list for arg in get_args(annotation))


def policy_of(request: Request) -> Policy | None:
    """The policy file the service was started with, if any (read by the routes: no dependency to solve)."""
    policy: Policy | None = request.app.state.policy
    return policy


def check_media_type(content_type: str | None) -> None:
    """Raise 415 unless the Content-Type is JSON in UTF-8 (or absent)."""
    # No Content-Type at all is taken as JSON (what `curl --data-binary` from a pipeline sends without -H);
    # a declared type that is not JSON is refused, so a form post or a text upload never gets parsed as a spec.
    if content_type is None:
        return
    media_type, _, params = content_type.partition(";")
    media_type = media_type.strip().lower()
    if media_type != "application/json" and not (
        media_type.startswith("application/") and media_type.endswith("+json")
    ):
        raise HTTPException(
            status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            f"the body must be sent as application/json, not {media_type or 'an empty media type'!r}; "
            "send the header 'Content-Type: application/json'",
        )
    for param in params.split(";"):
        name, _, value = param.partition("=")
        charset = value.strip().strip('"').lower()
        if name.strip().lower() == "charset" and charset not in ("utf-8", "utf8"):
            raise HTTPException(
                status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
                f"a config.json must be UTF-8, not {charset!r}; send it as 'application/json; charset=utf-8'",
            )


def _too_large(limit: int, limit_name: str) -> HTTPException:
    return HTTPException(
        status.HTTP_413_CONTENT_TOO_LARGE,
        f"the body is larger than {limit} bytes, the limit of this service ({limit_name})",
    )


async def read_document(
    request: Request,
    *,
    limit: int | None = None,
    limit_name: str = "SPECGATE_MAX_BODY_BYTES",
    check_query: bool = True,
) -> bytes:
    """The request body as bytes, after checking its query (unless `check_query` is false), media type,
    encoding and size (at most `limit`, default SPECGATE_MAX_BODY_BYTES)."""
    # Every dependency FastAPI solves costs tens of microseconds per request, so the document routes
    # have this one only: it does the repeated-parameter check itself and reads the settings directly.
    if check_query:
        await single_query_values(request)
        check_query_names(request)
    settings: Settings = request.app.state.settings
    check_media_type(request.headers.get("content-type"))
    encoding = request.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("", "identity"):
        raise HTTPException(
            status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            f"Content-Encoding {encoding!r} is not supported; send the document uncompressed",
        )
    limit = settings.max_body_bytes if limit is None else limit
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(limit, limit_name)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise _too_large(limit, limit_name)
    return bytes(body)


SettingsDep = Annotated[Settings, Depends(get_settings)]
RawDocument = Annotated[bytes, Depends(read_document)]
"""The body of a document route; it also refuses repeated query parameters (single_query_values)."""
SingleQueryValues = Depends(single_query_values)
"""For a route with query parameters and no RawDocument: `dependencies=[SingleQueryValues]`."""
ProfileQuery = Annotated[
    str,
    Query(
        description=f"The rule set to judge with: {', '.join(PROFILES)}. An unknown profile gets 422.",
        json_schema_extra={"enum": PROFILES},
    ),
]
PlatformQuery = Annotated[
    str,
    Query(
        description="The platform the document targets (the document does not say). `runsc` and `runsc-2018` judge "
        "only `linux`; `oci` judges every platform listed. A platform the profile does not judge gets 422.",
        json_schema_extra={"enum": PLATFORMS},
    ),
]
ProfilesQuery = Annotated[
    list[str],
    Query(
        description=f"The rule sets to judge with: {', '.join(PROFILES)}, or a `features:` profile the operator "
        "loaded (GET /profiles lists them). Repeat it to judge with several at once "
        "(`?profile=oci&profile=features:runc-1.1`): the findings are merged, each naming its profile, and the "
        "document is valid only if no profile finds an error. An unknown profile gets 422.",
        json_schema_extra={"items": {"type": "string", "enum": PROFILES}},
    ),
]
LifecycleQuery = Annotated[
    str,
    Query(
        description="`create` judges the spec as `runtime create` does; `start` also requires `process`.",
        json_schema_extra={"enum": ["create", "start"]},
    ),
]
BundleQuery = Annotated[
    str,
    Query(
        description="Absolute path of the bundle directory on the runtime's host; relative paths in the spec are "
        "joined onto it. The server never reads it from its own disk.",
        examples=["/run/containerd/io.containerd.runtime.v2.task/k8s.io/4f1c0e2a"],
    ),
]

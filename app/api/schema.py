"""The OpenAPI document, with error responses described as problem+json only."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from app.api.auth import is_open
from app.api.errors import PROBLEM_MEDIA_TYPE
from app.api.examples import response_examples


def _problem_only(document: dict[str, Any]) -> dict[str, Any]:
    # FastAPI files a response `model` under application/json too; errors are only ever problem+json.
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            for code, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if code.startswith(("4", "5")) and PROBLEM_MEDIA_TYPE in content:
                    content.pop("application/json", None)
    return document


def _real_examples(document: dict[str, Any]) -> dict[str, Any]:
    # The 200 answers as the core gives them to the request examples, not as Swagger UI would make them up.
    for (path, method), examples in response_examples().items():
        operation = document.get("paths", {}).get(path, {}).get(method)
        if operation is None:
            continue
        content = operation.get("responses", {}).get("200", {}).get("content", {}).get("application/json")
        if content is not None:
            content["examples"] = examples
    return document


BEARER = "bearerAuth"


def _bearer_security(document: dict[str, Any]) -> dict[str, Any]:
    # Tokens are optional (off unless SPECGATE_API_TOKENS[_FILE] is set), so every guarded operation accepts either
    # a bearer token or nothing ({}); Swagger UI then offers "Authorize" and sends the token once given.
    schemes = document.setdefault("components", {}).setdefault("securitySchemes", {})
    schemes[BEARER] = {
        "type": "http",
        "scheme": "bearer",
        "description": "Needed when the service is configured with tokens (SPECGATE_API_TOKENS or "
        "SPECGATE_API_TOKENS_FILE); without one such a service answers 401.",
    }
    unauthorized = {
        "description": "A token is configured and the request carries none, or one that is not accepted "
        "(WWW-Authenticate: Bearer).",
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    for path, operations in document.get("paths", {}).items():
        if is_open(path):
            continue
        for operation in operations.values():
            operation["security"] = [{BEARER: []}, {}]
            operation.setdefault("responses", {}).setdefault("401", unauthorized)
    return document


def install_openapi(app: FastAPI) -> None:
    """Replace app.openapi with a cached builder that applies the fix above."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _bearer_security(
                _real_examples(
                    _problem_only(
                        get_openapi(
                            title=app.title,
                            version=app.version,
                            openapi_version=app.openapi_version,
                            summary=app.summary,
                            description=app.description,
                            routes=app.routes,
                            tags=app.openapi_tags,
                            license_info=app.license_info,
                            separate_input_output_schemas=app.separate_input_output_schemas,
                        )
                    )
                )
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

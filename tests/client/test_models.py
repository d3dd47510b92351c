"""The client's mirrored wire models have the server's JSON schemas, so the two cannot drift apart."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

import app.models
import specgate_client
from specgate_client import _models

MODELS = sorted(
    name
    for name, value in vars(app.models).items()
    if isinstance(value, type) and issubclass(value, BaseModel) and value.__module__ == "app.models" and name[0] != "_"
)


def _tolerant(schema: Any) -> Any:
    """The schema without `additionalProperties: false`: the client ignores members the server may add."""
    if isinstance(schema, dict):
        return {k: _tolerant(v) for k, v in schema.items() if not (k == "additionalProperties" and v is False)}
    if isinstance(schema, list):
        return [_tolerant(v) for v in schema]
    return schema


@pytest.mark.parametrize("name", MODELS)
def test_client_model_has_the_server_schema(name: str) -> None:
    server: type[BaseModel] = getattr(app.models, name)
    client: type[BaseModel] = getattr(_models, name)
    for mode in ("validation", "serialization"):
        assert _tolerant(client.model_json_schema(mode=mode)) == _tolerant(server.model_json_schema(mode=mode))


def test_every_server_model_is_mirrored_and_exported() -> None:
    assert "ValidationReport" in MODELS and len(MODELS) >= 15
    missing = [name for name in MODELS if name not in specgate_client.__all__]
    assert missing == []


def test_client_ignores_members_a_newer_server_adds() -> None:
    finding = specgate_client.Finding.model_validate(
        {"rule": "R", "severity": "error", "path": "", "message": "m", "remediation": "new field"}
    )
    assert finding.rule == "R"

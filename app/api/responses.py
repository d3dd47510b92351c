"""A response that serialises the core's model once and skips FastAPI's revalidation of it.

A route that returns a model makes FastAPI validate it against the response model again and then
serialise it; the core already built the model from checked values, so the validation only costs
time (tens of microseconds for a report with a few dozen findings). Routes declare the model with
`response_model=` (so the OpenAPI document is unchanged) and return `ModelResponse(model)`:
FastAPI passes a Response through as it is.

The bytes are exactly what FastAPI would have sent: pydantic's compact JSON of the model, by alias.
A validation report, the answer of every POST /validate, is written by orjson from the models' own
field dictionaries (about 3x faster than pydantic's serializer on a report of 24 findings), which gives
the same bytes for the plain models it is allowed on (`_PLAIN`, checked at import).
"""

from __future__ import annotations

from typing import Any

import orjson
from pydantic import BaseModel
from starlette.responses import Response

from app.models import Finding, PolicyChange, PolicyEffect, SandboxInfo, Summary, ValidationReport


def _plain(cls: type[BaseModel]) -> type[BaseModel]:
    """`cls`, after checking that pydantic writes its JSON as orjson writes its `__dict__`: every field under its
    own name, in `__dict__` (no extra members elsewhere), nothing computed or custom."""
    decorators = cls.__pydantic_decorators__
    assert cls.model_config.get("extra") == "forbid", cls  # extra members live outside __dict__
    assert not cls.model_computed_fields and not decorators.field_serializers and not decorators.model_serializers
    assert all(f.alias is None and f.serialization_alias is None and not f.exclude for f in cls.model_fields.values())
    return cls


_PLAIN: frozenset[type[BaseModel]] = frozenset(
    _plain(cls) for cls in (ValidationReport, Finding, Summary, SandboxInfo, PolicyEffect, PolicyChange)
)
"""Exactly these classes, not their subclasses (a MergedReport's findings carry a profile: pydantic writes those)."""


def _fields(value: Any) -> dict[str, Any]:
    if type(value) in _PLAIN:
        fields: dict[str, Any] = value.__dict__
        return fields
    raise TypeError  # orjson gives up; model_json falls back to pydantic


def _not_plain(value: Any) -> dict[str, Any]:
    raise TypeError  # e.g. a Finding subclass, which carries more than pydantic writes for a Finding


def model_json(model: BaseModel) -> bytes:
    """pydantic's compact JSON of `model` by alias (what FastAPI sends), faster for a plain validation report.

    The core builds each model with every field in field order (app/core/rules.py), which is the order pydantic
    writes; tests compare both serialisations over every corpus document. The findings' field dictionaries are
    handed to orjson in one list rather than through its `default` hook, a call back into Python per finding.
    """
    if type(model) is ValidationReport:
        try:
            fields = dict(model.__dict__)
            fields["findings"] = [f.__dict__ if type(f) is Finding else _not_plain(f) for f in fields["findings"]]
            return orjson.dumps(fields, default=_fields)
        except TypeError:
            pass  # a value orjson does not write as pydantic does (a lone surrogate, an int past 64 bits...)
    return model.__pydantic_serializer__.to_json(model, by_alias=True)


class ModelResponse(Response):
    """200 application/json with the pydantic model's own JSON."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        assert isinstance(content, BaseModel)
        return model_json(content)

"""A response that serialises the core's model once, in Rust, and skips FastAPI's revalidation of it.

A route that returns a model makes FastAPI validate it against the response model again and then
serialise it; the core already built the model from checked values, so the validation only costs
time (tens of microseconds for a report with a few dozen findings). Routes declare the model with
`response_model=` (so the OpenAPI document is unchanged) and return `ModelResponse(model)`:
FastAPI passes a Response through as it is.

The bytes are exactly what FastAPI would have sent: pydantic's compact JSON of the model, by alias.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from starlette.responses import Response


class ModelResponse(Response):
    """200 application/json with the pydantic model's own JSON."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        assert isinstance(content, BaseModel)
        return content.__pydantic_serializer__.to_json(content, by_alias=True)

"""POST /classify-mounts: how the runtime would serve each mount."""

from __future__ import annotations

from fastapi import APIRouter, Request

from app import core
from app.api.deps import ProfileQuery
from app.api.errors import problem_responses
from app.api.examples import document_body
from app.api.offload import judge
from app.api.responses import ModelResponse
from app.models import MountsResult

router = APIRouter(tags=["mounts"])


@router.post(
    "/classify-mounts",
    summary="Classify the mounts of a config.json",
    description=(
        "Say for each entry of `mounts` how the profile's runtime would serve it. For `runsc`, `category` is "
        "`gofer` (served from the host through the gofer, the seed's `Is9PMount`), `erofs`, `sentry` (inside "
        "the sandbox), `skipped` or `invalid`, and `gofer` is true when the host file system is reached."
    ),
    response_model=MountsResult,
    response_description="One entry per mount, in document order, with the reasons for its category.",
    responses=problem_responses(400, 413, 415, 422),
    openapi_extra=document_body("The config.json, sent as its raw bytes.", invalid=False),
)
async def classify_mounts(request: Request, profile: ProfileQuery = "runsc") -> ModelResponse:
    """Classify the mounts of a config.json."""
    return ModelResponse(await judge(request, core.classify_mounts, profile=profile))

"""POST /normalize: the spec as the runtime holds it after reading the bundle."""

from __future__ import annotations

from fastapi import APIRouter, Request

from app import core
from app.api.deps import BundleQuery, ProfileQuery, policy_of
from app.api.errors import problem_responses
from app.api.examples import document_body
from app.api.offload import judge
from app.api.responses import ModelResponse
from app.models import NormalizeResult

router = APIRouter(tags=["normalize"])


@router.post(
    "/normalize",
    summary="Normalize a config.json against its bundle",
    description=(
        "Make relative paths absolute the way runsc's `ReadSpec` does: a relative `root.path` and relative bind "
        "mount sources are joined onto `bundle`. Returns the normalized spec, the RFC 6902 patch that turns the "
        "submitted document into it, and the findings of the validation that runs first.\n\n"
        "A spec the runtime would refuse gets 422 with the validation report in the problem body. "
        "The server never reads `bundle` from its own disk."
    ),
    response_model=NormalizeResult,
    response_description="The normalized spec, the RFC 6902 patch and the findings.",
    responses=problem_responses(400, 413, 415, 422),
    openapi_extra=document_body("The config.json, sent as its raw bytes.", invalid=False),
)
async def normalize(request: Request, bundle: BundleQuery, profile: ProfileQuery = "runsc") -> ModelResponse:
    """Normalize a config.json against its bundle directory."""
    return ModelResponse(
        await judge(request, core.normalize, profile=profile, bundle=bundle, policy=policy_of(request))
    )

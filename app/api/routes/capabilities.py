"""GET and POST /capabilities: the capability table, and names and masks of capability sets."""

from __future__ import annotations

from fastapi import APIRouter, Request

from app import core
from app.api.deps import ProfileQuery, SingleQueryValues, read_document
from app.api.errors import problem_responses
from app.api.examples import capabilities_body
from app.api.responses import ModelResponse
from app.models import CapabilitiesResult, CapabilityTable

router = APIRouter(prefix="/capabilities", tags=["capabilities"])


@router.get(
    "",
    summary="List the capabilities a profile knows",
    description="Every capability name the profile accepts, with its number, and the highest number (`last_cap`).",
    response_model=CapabilityTable,
    dependencies=[SingleQueryValues],
    response_description="The capability table.",
    responses=problem_responses(422),
)
async def capability_table(profile: ProfileQuery = "runsc") -> ModelResponse:
    """List the capabilities a profile knows."""
    return ModelResponse(core.capability_table(profile=profile))


@router.post(
    "",
    summary="Resolve capability sets to names and masks",
    description=(
        "Map an OCI `process.capabilities` object to canonical names and to the 64-bit masks `/proc/PID/status` "
        "prints (16 hex digits, e.g. `0x0000000000000021`), for all five sets including `ambient`. `granted` is "
        "what the runtime actually gives the task. Unknown names get 422, each with its JSON Pointer."
    ),
    response_model=CapabilitiesResult,
    response_description="The five sets as names and masks.",
    responses=problem_responses(400, 413, 415, 422),
    openapi_extra=capabilities_body(),
)
async def capability_sets(request: Request, profile: ProfileQuery = "runsc") -> ModelResponse:
    """Resolve capability sets to names and masks."""
    raw = await read_document(request)  # not a dependency: see app.api.offload.judge
    return ModelResponse(core.capabilities(core.load(raw).data, profile=profile))

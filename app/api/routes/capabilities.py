"""GET and POST /capabilities: the capability table, and names and masks of capability sets."""

from __future__ import annotations

from fastapi import APIRouter

from app import core
from app.api.deps import ProfileQuery, RawDocument
from app.api.errors import problem_responses
from app.api.examples import capabilities_body
from app.models import CapabilitiesResult, CapabilityTable

router = APIRouter(prefix="/capabilities", tags=["capabilities"])


@router.get(
    "",
    summary="List the capabilities a profile knows",
    description="Every capability name the profile accepts, with its number, and the highest number (`last_cap`).",
    response_description="The capability table.",
    responses=problem_responses(422),
)
async def capability_table(profile: ProfileQuery = "runsc") -> CapabilityTable:
    """List the capabilities a profile knows."""
    return core.capability_table(profile=profile)


@router.post(
    "",
    summary="Resolve capability sets to names and masks",
    description=(
        "Map an OCI `process.capabilities` object to canonical names and to the 64-bit masks `/proc/PID/status` "
        "prints (16 hex digits, e.g. `0x0000000000000021`), for all five sets including `ambient`. `granted` is "
        "what the runtime actually gives the task. Unknown names get 422, each with its JSON Pointer."
    ),
    response_description="The five sets as names and masks.",
    responses=problem_responses(400, 413, 415, 422),
    openapi_extra=capabilities_body(),
)
async def capability_sets(raw: RawDocument, profile: ProfileQuery = "runsc") -> CapabilitiesResult:
    """Resolve capability sets to names and masks."""
    return core.capabilities(core.load(raw).data, profile=profile)

"""GET /rules: the rule catalog."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from app import core
from app.api.deps import PROFILES, SingleQueryValues, policy_of
from app.api.errors import problem_responses
from app.api.responses import ModelResponse
from app.models import RulesList

router = APIRouter(tags=["rules"])


@router.get(
    "/rules",
    summary="List the rules",
    description=(
        "Every rule specgate checks (or lists for reference): id, profile, severity, summary and the spec section "
        "or runtime source it comes from. `profile` defaults to `runsc`, as everywhere; `profile=*` lists the rules "
        "of every profile. With a policy file in force (SPECGATE_POLICY) this is the effective catalog: changed "
        "severities, rules turned off (`enabled: false`) and the profile's own severity in `catalog_severity`."
    ),
    response_model=RulesList,
    dependencies=[SingleQueryValues],
    response_description="The rule catalog.",
    responses=problem_responses(422),
)
async def list_rules(
    request: Request,
    profile: Annotated[
        str,
        Query(
            description="The rules of this profile, or `*` for the rules of every profile.",
            json_schema_extra={"enum": [*PROFILES, "*"]},
        ),
    ] = "runsc",
) -> ModelResponse:
    """List the rules of one profile or of all."""
    return ModelResponse(core.rules(profile, policy=policy_of(request)))

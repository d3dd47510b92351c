"""GET /rules: the rule catalog."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app import core
from app.api.deps import PROFILES, SingleQueryValues
from app.api.errors import problem_responses
from app.api.responses import ModelResponse
from app.models import RulesList

router = APIRouter(tags=["rules"])


@router.get(
    "/rules",
    summary="List the rules",
    description=(
        "Every rule specgate checks (or lists for reference): id, profile, severity, summary and the spec section "
        "or runtime source it comes from. Without `profile`, the rules of every profile."
    ),
    response_model=RulesList,
    dependencies=[SingleQueryValues],
    response_description="The rule catalog.",
    responses=problem_responses(422),
)
async def list_rules(
    profile: Annotated[
        str | None,
        Query(description="Only the rules of this profile.", json_schema_extra={"enum": PROFILES}),
    ] = None,
) -> ModelResponse:
    """List the rules of one profile or of all."""
    return ModelResponse(core.rules(profile))

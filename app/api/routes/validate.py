"""POST /validate: judge a config.json with one profile."""

from __future__ import annotations

from fastapi import APIRouter, Request

from app import core, metrics
from app.api.deps import LifecycleQuery, PlatformQuery, ProfilesQuery, policy_of
from app.api.errors import problem_responses
from app.api.examples import document_body
from app.api.offload import judge
from app.api.responses import ModelResponse
from app.models import MergedReport, ValidationReport

router = APIRouter(tags=["validate"])


@router.post(
    "/validate",
    summary="Validate a config.json",
    description=(
        "Judge an OCI runtime-spec `config.json` the way the profile's runtime (or the spec) would, and report "
        "**every** finding at once: rule id, severity, an RFC 6901 pointer into the submitted document and a "
        "message saying what to change.\n\n"
        "The answer is 200 whenever the body is a JSON object, also when the spec is invalid: the verdict is "
        "`valid` (true iff there is no `error` finding). A body that is not JSON, not UTF-8 or not an object "
        "gets 400 with the line and column."
    ),
    response_model=ValidationReport | MergedReport,
    response_description="The report: verdict, findings, counts by severity and sandbox placement.",
    responses=problem_responses(400, 413, 415, 422),
    openapi_extra=document_body("The config.json, sent as its raw bytes (`Content-Type: application/json`)."),
)
async def validate(
    request: Request,
    profile: ProfilesQuery = ["runsc"],  # noqa: B006  # FastAPI copies it; never mutated
    platform: PlatformQuery = "linux",
    lifecycle: LifecycleQuery = "create",
) -> ModelResponse:
    """Validate a config.json."""
    report = await judge(
        request,
        core.validate,
        profile=profile,
        platform=platform,
        policy=policy_of(request),
        lifecycle=lifecycle,  # type: ignore[arg-type]  # the core refuses other values with BadArgument
    )
    metrics.observe_report(report)
    return ModelResponse(report)

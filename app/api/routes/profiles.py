"""GET /profiles and GET /profiles/{name}/features: the profiles, and the runtime features each one accepts."""

from __future__ import annotations

from typing import Annotated

import orjson
from fastapi import APIRouter, HTTPException, Path, status
from starlette.responses import Response

from app import core
from app.api.errors import problem_responses
from app.api.responses import ModelResponse
from app.core.features import features_of
from app.models import ProfilesList, RuntimeFeatures

router = APIRouter(tags=["profiles"])


@router.get(
    "/profiles",
    summary="List the profiles",
    description=(
        "Every profile the service judges with: the built-in `runsc`, `runsc-2018` and `oci`, the shipped "
        "`features:runc-1.1`, and a `features:<name>` profile for each runtime features document in "
        "SPECGATE_FEATURES_DIR; with where its rules come from, its platforms and how many rules it has."
    ),
    response_model=ProfilesList,
    response_description="The profiles.",
)
async def list_profiles() -> ModelResponse:
    """List the profiles."""
    return ModelResponse(core.profiles())


@router.get(
    "/profiles/{name}/features",
    summary="Features document of a profile",
    description=(
        "A runtime features document (runtime-spec features.md, valid against its schema) describing what the "
        "profile accepts: OCI versions, hooks, mount options, namespaces, capabilities, cgroup managers, seccomp "
        "vocabulary, security modules and the annotations it treats as unsafe. For a `features:` profile, the "
        "document it was made from. Compare runtimes with `specgate features diff A B`."
    ),
    response_description="The features document.",
    response_model=RuntimeFeatures,
    responses=problem_responses(404),
)
async def profile_features(
    name: Annotated[str, Path(description="A profile name, as GET /profiles lists them.", examples=["runsc"])],
) -> Response:
    """Describe what a profile accepts as a runtime features document."""
    if name not in core.profile_names():
        raise HTTPException(
            status.HTTP_404_NOT_FOUND,
            f"no profile {name!r}; GET /profiles lists them: {', '.join(core.profile_names())}",
        )
    # The document as it is: a property the runtime does not describe stays absent (null would break the schema).
    return Response(orjson.dumps(features_of(name)), media_type="application/json")

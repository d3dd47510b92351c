"""The API router: every resource's router, collected."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from app.api.deps import single_query_values
from app.api.routes import capabilities, health, mounts, normalize, rules, validate

api_router = APIRouter(dependencies=[Depends(single_query_values)])
api_router.include_router(validate.router)
api_router.include_router(normalize.router)
api_router.include_router(capabilities.router)
api_router.include_router(mounts.router)
api_router.include_router(rules.router)
api_router.include_router(health.router)

"""The domain: judging OCI runtime-spec documents. Imports no web framework and no HTTP client."""

from __future__ import annotations

from app.core.engine import capabilities, capability_table, classify_mounts, judge, normalize, rules, validate
from app.core.errors import (
    BadArgument,
    CapabilityError,
    DocumentError,
    InvalidSpec,
    SpecgateError,
    UnknownPlatform,
    UnknownProfile,
)
from app.core.loader import Document, load
from app.core.profiles import get_profile, profile_names

__all__ = [
    "BadArgument",
    "capabilities",
    "capability_table",
    "CapabilityError",
    "classify_mounts",
    "Document",
    "DocumentError",
    "get_profile",
    "InvalidSpec",
    "judge",
    "load",
    "normalize",
    "profile_names",
    "rules",
    "SpecgateError",
    "UnknownPlatform",
    "UnknownProfile",
    "validate",
]

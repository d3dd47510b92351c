"""The domain: judging OCI runtime-spec documents. Imports no web framework and no HTTP client."""

from __future__ import annotations

# First: routes a compiled module older than its source (or all, with SPECGATE_NATIVE=0) to its source.
from app.core import _activate  # noqa: F401  # isort: skip
from app.core.engine import (
    capabilities,
    capability_table,
    classify_mounts,
    judge,
    normalize,
    profiles,
    rules,
    validate,
)
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
from app.core.policy_file import Policy, PolicyError, parse_policy, read_policy_file
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
    "parse_policy",
    "Policy",
    "PolicyError",
    "profile_names",
    "profiles",
    "read_policy_file",
    "rules",
    "SpecgateError",
    "UnknownPlatform",
    "UnknownProfile",
    "validate",
]

"""Runtime features documents (`runc features` and the like) as profiles, and the features a built-in profile has."""

from __future__ import annotations

from app.core.features.diff import Difference, diff, render as render_diff
from app.core.features.document import (
    FeaturesDocument,
    FeaturesError,
    parse_features,
    read_features_dir,
    read_features_file,
)
from app.core.features.emit import features_of
from app.core.features.profile import FeaturesProfile, make_profile

__all__ = [
    "diff",
    "Difference",
    "features_of",
    "FeaturesDocument",
    "FeaturesError",
    "FeaturesProfile",
    "make_profile",
    "parse_features",
    "read_features_dir",
    "read_features_file",
    "register_features",
    "render_diff",
]


def register_features(documents: list[FeaturesDocument]) -> list[str]:
    """Make each document a profile (`features:<stem>`) of the registry; the names, in order."""
    from app.core.profiles import register

    for document in documents:
        register(make_profile(document))
    return [d.name for d in documents]

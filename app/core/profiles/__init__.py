"""The profile registry: every rule set specgate can judge with, by name."""

from __future__ import annotations

from app.core.errors import UnknownProfile
from app.core.profiles.base import CheckOptions, Profile
from app.core.profiles.oci import OciProfile
from app.core.profiles.runsc import RunscProfile
from app.core.profiles.runsc2018 import Runsc2018Profile

__all__ = ["CheckOptions", "Profile", "get_profile", "profile_names"]

_PROFILES: dict[str, Profile] = {p.name: p for p in (RunscProfile(), Runsc2018Profile(), OciProfile())}


def get_profile(name: str) -> Profile:
    """The profile called `name`.

    Raises:
        UnknownProfile: no profile has that name.
    """
    try:
        return _PROFILES[name]
    except KeyError:
        raise UnknownProfile(name, profile_names()) from None


def profile_names() -> list[str]:
    """Names of all profiles, the default (`runsc`) first."""
    return list(_PROFILES)

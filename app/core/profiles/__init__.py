"""The profile registry: every rule set specgate can judge with, by name.

The built-in profiles are always there. Profiles made from runtime features documents (`features:<name>`) are
added at start-up by whoever reads them (the server from SPECGATE_FEATURES_DIR, the CLI from --features), with
`register`; the features document shipped with specgate (`features:runc-1.1`) is registered here.
"""

from __future__ import annotations

from app.core.errors import UnknownProfile
from app.core.profiles.base import CheckOptions, Profile
from app.core.profiles.oci import OciProfile
from app.core.profiles.runsc import RunscProfile
from app.core.profiles.runsc2018 import Runsc2018Profile

__all__ = ["CheckOptions", "Profile", "get_profile", "profile_names", "register", "unregister"]

_PROFILES: dict[str, Profile] = {p.name: p for p in (RunscProfile(), Runsc2018Profile(), OciProfile())}
_BUILT_IN = frozenset(_PROFILES)


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


def register(profile: Profile) -> None:
    """Add a profile (or replace one of the same name); the built-in `runsc`, `runsc-2018` and `oci` stay as they are.

    Raises:
        ValueError: the name is a built-in profile's.
    """
    if profile.name in _BUILT_IN:
        raise ValueError(f"{profile.name!r} is a built-in profile and cannot be replaced")
    _PROFILES[profile.name] = profile


def unregister(name: str) -> None:
    """Remove a profile added with `register` (nothing happens when there is none of that name)."""
    if name not in _BUILT_IN:
        _PROFILES.pop(name, None)


def _register_shipped_features() -> None:
    from app.core.features.document import builtin_features, parse_features  # the features package needs base
    from app.core.features.profile import make_profile

    for name, raw in builtin_features().items():
        register(make_profile(parse_features(raw, name=name, source="built-in")))


_register_shipped_features()

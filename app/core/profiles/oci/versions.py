"""ociVersion: SemVer parsing and the release whose schema and rules judge a document."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.core.profiles.oci.schema import LATEST, RELEASES

# The regular expression semver.org gives for SemVer 2.0.0 (pre-release and build metadata allowed).
_SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)

_RELEASE_NUMBERS: dict[str, tuple[int, int, int]] = {
    tag: (int(a), int(b), int(c)) for tag in RELEASES for a, b, c in [tag[1:].split(".")]
}


@dataclass(frozen=True, slots=True)
class Version:
    """A parsed SemVer version."""

    major: int
    minor: int
    patch: int
    prerelease: str | None = None

    @property
    def triple(self) -> tuple[int, int, int]:
        return (self.major, self.minor, self.patch)


def parse(text: str) -> Version | None:
    """The version, or None when `text` is not SemVer 2.0.0."""
    known = _RELEASE_VERSIONS.get(text)
    if known is not None:
        return known
    return _parse(text)


def _parse(text: str) -> Version | None:
    match = _SEMVER.match(text)
    if match is None:
        return None
    return Version(int(match[1]), int(match[2]), int(match[3]), match[4])


_RELEASE_VERSIONS: dict[str, Version | None] = {tag[1:]: _parse(tag[1:]) for tag in RELEASES}
"""Each vendored release's own version string, parsed once (Version is frozen, so it is shared)."""


@dataclass(frozen=True, slots=True)
class Judged:
    """The release a document is judged against, and what the declared version said."""

    tag: str
    """Vendored release whose schema judges the document."""
    version: Version | None
    """The declared version, None when absent or not SemVer."""
    exact: bool
    """False when the declared version is unknown to specgate (newer, other major, or unusable) and LATEST stood in."""
    triple: tuple[int, int, int] = field(init=False)
    """The version rules compare against: the release judging the document."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "triple", _RELEASE_NUMBERS[self.tag])  # frozen: set once, here

    def at_least(self, major: int, minor: int, patch: int = 0) -> bool:
        """True when the document is judged as at least that spec version."""
        return self.triple >= (major, minor, patch)


def release_for(declared: object) -> Judged:
    """The newest release with the declared major.minor whose patch is not above the declared one.

    A pre-release of x.y.z is judged as x.y.z (release candidates carry the release's fields). A version
    newer than every vendored release, with another major, or not SemVer at all, is judged by the latest.
    """
    if type(declared) is str and declared in _RELEASE_JUDGED:
        return _RELEASE_JUDGED[declared]
    return _judge(declared)


def _judge(declared: object) -> Judged:
    version = parse(declared) if isinstance(declared, str) else None
    if version is None:
        return Judged(LATEST, None, False)
    candidates = [
        tag
        for tag, (major, minor, patch) in _RELEASE_NUMBERS.items()
        if (major, minor) == (version.major, version.minor) and patch <= version.patch
    ]
    if candidates:
        return Judged(candidates[-1], version, True)
    return Judged(LATEST, version, False)


_RELEASE_JUDGED: dict[str, Judged] = {tag[1:]: _judge(tag[1:]) for tag in RELEASES}
"""What `_judge` says of each vendored release's own version string, the usual declaration ("1.2.0"): built once,
shared (Judged is frozen)."""


def since(tags: frozenset[str]) -> str:
    """The oldest release of a set of release tags, as a version (v1.1.0 -> 1.1.0)."""
    return min(tags, key=lambda t: _RELEASE_NUMBERS[t])[1:]


def newer_than(tag: str, other: str) -> bool:
    """True when release `tag` is newer than release `other`."""
    return _RELEASE_NUMBERS[tag] > _RELEASE_NUMBERS[other]

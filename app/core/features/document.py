"""Runtime features documents (runtime-spec features.md): read, checked against the schema of their era, and parsed.

A features document is what `runc features` (or crun, youki, runsc) prints: the OCI versions, hooks, mount options,
namespaces, capabilities, cgroup managers, seccomp vocabulary and security modules a runtime recognizes. Every
property but `ociVersionMin` and `ociVersionMax` MAY be absent or null, and features.md insists that null is not an
empty value: a missing list means "the runtime does not say", an empty list means "none". `Known` keeps that apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import jsonschema_rs
import orjson

from app.core.errors import DocumentError, SpecgateError
from app.core.loader import load
from app.core.pointer import ptr
from app.core.profiles.oci.schema import base_uri
from app.core.profiles.oci.versions import Version, parse

FEATURES_RELEASES: tuple[str, ...] = ("v1.1.0", "v1.2.0", "v1.2.1", "v1.3.0")
"""Releases whose schema/ has features-schema.json: the features document appeared in v1.1.0."""
_ROOT = "features-schema.json"
_SCHEMA_FILES = ("features-schema.json", "features-linux.json", "defs.json", "defs-linux.json")


class FeaturesError(SpecgateError):
    """A features document that cannot be used: not JSON, not valid against its schema, or inconsistent."""

    def __init__(self, source: str, problems: list[tuple[str, str]]) -> None:
        self.source = source
        self.problems = problems
        """(JSON Pointer into the features document, message) of each problem."""
        listed = "; ".join(f"{path or '/'}: {message}" for path, message in problems)
        super().__init__(f"{source}: not a usable runtime features document: {listed}")


@dataclass(frozen=True, slots=True)
class FeaturesDocument:
    """A parsed features document. `None` for a property means the runtime did not say (never "none")."""

    name: str
    """The profile name it is known by (`features:<file stem>`)."""
    source: str
    """Where it came from: a file name, or `built-in`."""
    data: dict[str, Any]
    version_min: Version
    version_max: Version
    schema_tag: str
    """The runtime-spec release whose features schema checked it."""
    hooks: frozenset[str] | None = None
    mount_options: frozenset[str] | None = None
    potentially_unsafe: tuple[str, ...] | None = None
    linux: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    _lists: dict[tuple[str, ...], frozenset[str] | None] = field(default_factory=dict, repr=False, compare=False)
    """linux_list answers, built once per document (a profile asks for the same lists on every config)."""
    precedence: tuple[PrecedenceKey, PrecedenceKey] = field(init=False, repr=False, compare=False)
    """`precedence_key` of version_min and version_max, computed once (every config is compared with them)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "precedence", (precedence_key(self.version_min), precedence_key(self.version_max)))

    def linux_list(self, *keys: str) -> frozenset[str] | None:
        """A list under `linux` (e.g. `linux_list("seccomp", "actions")`), None when the document does not say."""
        try:
            return self._lists[keys]
        except KeyError:
            value = self.linux_value(*keys)
            found = frozenset(v for v in value if isinstance(v, str)) if isinstance(value, list) else None
            self._lists[keys] = found
            return found

    def linux_flag(self, *keys: str) -> bool | None:
        """A boolean under `linux` (e.g. `linux_flag("apparmor", "enabled")`), None when the document does not say."""
        value = self.linux_value(*keys)
        return value if isinstance(value, bool) else None

    def linux_value(self, *keys: str) -> Any:
        node: Any = self.linux
        for key in keys:
            if not isinstance(node, dict):
                return None
            node = node.get(key)
        return node


def _version_tag(version: Version) -> str:
    """The newest features schema not newer than the declared ociVersionMax (v1.1.0 for anything older)."""
    chosen = FEATURES_RELEASES[0]
    for tag in FEATURES_RELEASES:
        triple = tuple(int(part) for part in tag[1:].split("."))
        if triple <= version.triple:
            chosen = tag
    return chosen


@cache
def _validator(tag: str) -> jsonschema_rs.Draft4Validator:
    folder = resources.files("app.core.schemas").joinpath(tag)
    schemas = {name: orjson.loads(folder.joinpath(name).read_bytes()) for name in _SCHEMA_FILES}
    registry = jsonschema_rs.Registry(
        [(base_uri(tag) + name, schema) for name, schema in schemas.items()], draft=jsonschema_rs.Draft4
    )
    return jsonschema_rs.Draft4Validator(schemas[_ROOT], registry=registry, base_uri=base_uri(tag) + _ROOT)


def _schema_problems(tag: str, data: dict[str, Any]) -> list[tuple[str, str]]:
    compiled = _validator(tag)
    if compiled.is_valid(data):
        return []
    problems: list[tuple[str, str]] = []
    for error in compiled.iter_errors(data):
        tokens: tuple[str | int, ...] = tuple(error.instance_path)
        if error.kind.name == "required":
            member = str(getattr(error.kind, "property", ""))
            problems.append((ptr(*tokens, member), f"the required member {member!r} is missing"))
        else:
            problems.append((ptr(*tokens), error.message))
    return sorted(problems)


def _version(data: dict[str, Any], key: str, problems: list[tuple[str, str]]) -> Version | None:
    value = data.get(key)
    if not isinstance(value, str):
        return None  # the schema reports it
    version = parse(value)
    if version is None:
        problems.append((ptr(key), f"{value!r} is not a SemVer 2.0.0 version"))
    return version


def parse_features(raw: bytes | str, *, name: str, source: str) -> FeaturesDocument:
    """Read a features document, checked against the features schema of its `ociVersionMax` era.

    Raises:
        FeaturesError: not JSON, not an object, not valid against the schema, or ociVersionMax < ociVersionMin;
            each problem with its JSON Pointer into the features document.
    """
    try:
        data = load(raw).data
    except DocumentError as exc:
        raise FeaturesError(source, [("", str(exc).replace("a config.json", "a features document"))]) from exc
    problems: list[tuple[str, str]] = []
    low = _version(data, "ociVersionMin", problems)
    high = _version(data, "ociVersionMax", problems)
    tag = _version_tag(high) if high is not None else FEATURES_RELEASES[-1]
    problems.extend(_schema_problems(tag, data))
    if low is not None and high is not None and _precedes(high, low):
        # features.md: "The value MUST NOT be less than the value of the ociVersionMin property."
        problems.append((ptr("ociVersionMax"), f"{data['ociVersionMax']!r} is less than ociVersionMin"))
    if problems or low is None or high is None:
        raise FeaturesError(source, problems or [("", "ociVersionMin and ociVersionMax are required")])

    def names(value: Any) -> frozenset[str] | None:
        return frozenset(v for v in value if isinstance(v, str)) if isinstance(value, list) else None

    unsafe = data.get("potentiallyUnsafeConfigAnnotations")
    linux = data.get("linux")
    return FeaturesDocument(
        name=name,
        source=source,
        data=data,
        version_min=low,
        version_max=high,
        schema_tag=tag,
        hooks=names(data.get("hooks")),
        mount_options=names(data.get("mountOptions")),
        potentially_unsafe=tuple(v for v in unsafe if isinstance(v, str)) if isinstance(unsafe, list) else None,
        linux=linux if isinstance(linux, dict) else None,
    )


PrecedenceKey = tuple[int, int, int, int, tuple[tuple[int, int | str], ...]]


def precedence_key(version: Version) -> PrecedenceKey:
    """SemVer 2.0.0 precedence (section 11): a pre-release precedes its release; identifiers compare numerically
    when both are numbers, numbers before words."""
    if version.prerelease is None:
        return (*version.triple, 1, ())
    identifiers = tuple((0, int(part)) if part.isdigit() else (1, part) for part in version.prerelease.split("."))
    return (*version.triple, 0, identifiers)


def _precedes(a: Version, b: Version) -> bool:
    return precedence_key(a) < precedence_key(b)


def builtin_features() -> dict[str, bytes]:
    """The features documents shipped with specgate, by profile name."""
    folder = resources.files("app.core.features").joinpath("data")
    return {
        f"features:{entry.name.removesuffix('.json')}": entry.read_bytes()
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".json")
    }


def read_features_file(path: str) -> FeaturesDocument:
    """Read one features document from disk (at start-up, never because of a request), named after its stem.

    Raises:
        FeaturesError: unreadable, or not a usable features document (each problem with its pointer).
    """
    import os.path  # only start-up code reads files

    stem = os.path.splitext(os.path.basename(path))[0]
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        raise FeaturesError(path, [("", f"cannot read it: {exc.strerror or exc}")]) from exc
    return parse_features(raw, name=f"features:{stem}", source=os.path.basename(path))


def read_features_dir(directory: str) -> list[FeaturesDocument]:
    """Every `*.json` of a directory as a features document, by file name.

    Raises:
        FeaturesError: the directory cannot be listed, or one of its documents is not usable.
    """
    import os

    try:
        names = sorted(n for n in os.listdir(directory) if n.endswith(".json"))
    except OSError as exc:
        raise FeaturesError(directory, [("", f"cannot list the directory: {exc.strerror or exc}")]) from exc
    return [read_features_file(os.path.join(directory, name)) for name in names]

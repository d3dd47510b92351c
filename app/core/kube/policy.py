"""The admission policy: which Pods are judged, with which profile, and what a finding does to them.

The same policy drives the webhook (`POST /admission`) and `specgate kube`, so a manifest that
passes in CI is admitted by the cluster, and the other way round. It is built once from the
operator's settings; nothing here reads the environment.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal, get_args

from app.core.errors import BadArgument
from app.core.profiles import get_profile

Action = Literal["deny", "warn", "audit"]
"""What an error finding does: refuse the object, admit it with warnings, or admit it and log a would-deny."""

ACTIONS: tuple[str, ...] = get_args(Action)

DEFAULT_RUNTIME_CLASSES: Mapping[str, str] = MappingProxyType({"gvisor": "runsc", "runsc": "runsc"})
"""runtimeClassName -> profile. The RuntimeClass gVisor's docs install is `gvisor`; some clusters name it `runsc`."""

DEFAULT_EXEMPT_NAMESPACES: frozenset[str] = frozenset({"kube-system"})
"""A webhook that can refuse kube-system's Pods can take the control plane down (gatekeeper#2363)."""

SKIP_ANNOTATION = "specgate.io/skip-rules"
"""Pod (or Pod template) annotation listing rule ids not to enforce on that Pod, e.g. `RUNSC-SECCOMP,RUNSC-SYSCTL`."""

_RULE_SEPARATOR = re.compile(r"[\s,]+")
_ANNOTATION_KEY = re.compile(
    r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"  # optional DNS-subdomain prefix
    r"[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$"  # the name: at most 63 characters
)


def parse_mapping(text: str, *, what: str = "runtime classes") -> dict[str, str]:
    """`gvisor=runsc, runc=oci` as a dict; the form an environment variable or a command-line option takes."""
    mapping: dict[str, str] = {}
    for item in text.split(","):
        item = item.strip()
        if not item:
            continue
        key, sep, value = item.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key or not value:
            raise BadArgument(what, f"{item!r} is not NAME=PROFILE; write e.g. 'gvisor=runsc,runc=oci'")
        mapping[key] = value
    return mapping


def parse_list(text: str) -> list[str]:
    """`a, b c` as ['a', 'b', 'c']: commas or white space separate the items."""
    return [item for item in _RULE_SEPARATOR.split(text) if item]


@dataclass(frozen=True, slots=True)
class Policy:
    """What the operator decided; validated when built, so a typo in a profile name fails at start, not per Pod.

    Raises:
        UnknownProfile: a runtime class maps to a profile that does not exist.
        BadArgument: an unknown action or an annotation key Kubernetes would not accept.
    """

    runtime_classes: Mapping[str, str] = field(default_factory=lambda: DEFAULT_RUNTIME_CLASSES)
    """runtimeClassName -> profile; a Pod whose runtime class is not listed is admitted unjudged."""
    default_profile: str | None = None
    """Profile for Pods without runtimeClassName (they run on the node's default handler, usually runc);
    None leaves them unjudged."""
    action: Action = "deny"
    exempt_namespaces: frozenset[str] = DEFAULT_EXEMPT_NAMESPACES
    skip_annotation: str = SKIP_ANNOTATION
    allow_existing: bool = False
    """On UPDATE, an error the object already had before the update (found in oldObject too) is a warning:
    a controller relabelling a Pod admitted before this policy is not blocked. Errors the update brings deny."""
    platform: str = "linux"
    _profiles: frozenset[str] = field(init=False, repr=False, compare=False, default=frozenset())

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise BadArgument("action", f"must be one of {', '.join(ACTIONS)}, not {self.action!r}")
        if not _ANNOTATION_KEY.match(self.skip_annotation):
            raise BadArgument("skip annotation", f"{self.skip_annotation!r} is not a valid annotation key")
        profiles = {*self.runtime_classes.values(), *([self.default_profile] if self.default_profile else [])}
        for name in profiles:
            get_profile(name)
        object.__setattr__(self, "runtime_classes", MappingProxyType(dict(self.runtime_classes)))
        object.__setattr__(self, "exempt_namespaces", frozenset(self.exempt_namespaces))
        object.__setattr__(self, "_profiles", frozenset(profiles))

    def profile_for(self, runtime_class: object) -> str | None:
        """The profile judging a Pod of this runtimeClassName (None or "" for none); None = not judged."""
        if runtime_class is None or runtime_class == "":
            return self.default_profile
        if not isinstance(runtime_class, str):
            return None
        return self.runtime_classes.get(runtime_class)

    def exempt(self, namespace: str | None) -> bool:
        """True for objects in a namespace the webhook must never refuse."""
        return namespace is not None and namespace in self.exempt_namespaces

    def skipped_rules(self, *annotation_maps: object) -> frozenset[str]:
        """The rule ids the skip annotation lists, over every annotation map given (Pod and Pod template)."""
        rules: set[str] = set()
        for found in annotation_maps:
            if isinstance(found, Mapping):
                value = found.get(self.skip_annotation)
                if isinstance(value, str):
                    rules.update(parse_list(value))
        return frozenset(rules)

    def describe(self) -> dict[str, Any]:
        """The policy as JSON, for logs and `specgate kube --format json`."""
        return {
            "runtime_classes": dict(self.runtime_classes),
            "default_profile": self.default_profile,
            "action": self.action,
            "exempt_namespaces": sorted(self.exempt_namespaces),
            "skip_annotation": self.skip_annotation,
            "allow_existing": self.allow_existing,
        }


def build_policy(
    *,
    runtime_classes: Mapping[str, str] | None = None,
    default_profile: str | None = None,
    action: str = "deny",
    exempt_namespaces: Iterable[str] | None = None,
    skip_annotation: str = SKIP_ANNOTATION,
    allow_existing: bool = False,
) -> Policy:
    """A Policy from loosely typed settings (an empty default profile means none)."""
    return Policy(
        runtime_classes=DEFAULT_RUNTIME_CLASSES if runtime_classes is None else runtime_classes,
        default_profile=default_profile or None,
        action=action,  # type: ignore[arg-type]  # checked in __post_init__
        exempt_namespaces=DEFAULT_EXEMPT_NAMESPACES if exempt_namespaces is None else frozenset(exempt_namespaces),
        skip_annotation=skip_annotation,
        allow_existing=allow_existing,
    )

"""The rule catalog of a profile and the collector that turns checks into findings."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel

from app.core.accel import build_models
from app.models import Finding, RuleInfo, RuleScope, Severity


@dataclass(frozen=True, slots=True)
class Rule:
    """One check a profile makes (or, for host rules, documents without making)."""

    id: str
    severity: Severity
    summary: str
    reference: str
    scope: RuleScope = "document"

    @property
    def checked(self) -> bool:
        """Host rules depend on the machine the runtime runs on; specgate lists them but cannot decide them."""
        return self.scope != "host"


class Catalog:
    """The rules of one profile, by id, in the order they were declared."""

    def __init__(self, profile: str, rules: Iterable[Rule]) -> None:
        self.profile = profile
        self._rules: dict[str, Rule] = {}
        for rule in rules:
            if rule.id in self._rules:
                raise ValueError(f"rule {rule.id} is declared twice in profile {profile}")
            self._rules[rule.id] = rule

    def __getitem__(self, rule_id: str) -> Rule:
        return self._rules[rule_id]

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self._rules

    def __iter__(self) -> Iterator[Rule]:
        return iter(self._rules.values())

    def __len__(self) -> int:
        return len(self._rules)

    def info(self) -> list[RuleInfo]:
        """The catalog as wire models, for GET /rules."""
        return [
            RuleInfo(
                id=r.id,
                profile=self.profile,
                severity=r.severity,
                summary=r.summary,
                reference=r.reference,
                scope=r.scope,
                checked=r.checked,
            )
            for r in self._rules.values()
        ]


class Findings:
    """Collects the findings of one check run.

    Each finding names a rule of the catalog; the severity comes from the catalog unless a
    check overrides it (for rules whose severity depends on the declared spec version).
    Findings are kept as plain tuples while checks run (a profile may still translate or drop
    them); `items` builds the wire models once, at the end.
    """

    __slots__ = ("_rules", "entries")

    def __init__(self, catalog: Catalog) -> None:
        self._rules = catalog._rules
        self.entries: list[tuple[str, Severity, str, str]] = []
        """(rule, severity, path, message) of each finding, in the order they were added."""

    def add(self, rule_id: str, path: str, message: str, *, severity: Severity | None = None) -> None:
        """Record one finding of rule `rule_id` at JSON Pointer `path`."""
        rule = self._rules[rule_id]  # KeyError here means a check names a rule the catalog lacks
        self.entries.append((rule_id, severity or rule.severity, path, message))

    def severity_of(self, rule_id: str) -> Severity:
        """The catalog severity of a rule (KeyError for a rule the catalog lacks), for checks that append
        many findings of one rule to `entries` directly."""
        severity: Severity = self._rules[rule_id].severity
        return severity

    @property
    def items(self) -> list[Finding]:
        """The findings as wire models (a new list on each call)."""
        return findings_of(self.entries)

    def __len__(self) -> int:
        return len(self.entries)


_new = object.__new__
_FINDING_NAMES = tuple(Finding.model_fields)
_FINDING_FIELDS = frozenset(_FINDING_NAMES)
"""Every field of Finding: each finding's fields-set is a new set copied from it."""


def finding(rule: str, severity: Severity, path: str, message: str) -> Finding:
    """A `Finding` from trusted values, as `Finding.model_construct` would build it, about three times faster."""
    return findings_of(((rule, severity, path, message),))[0]


def findings_of(entries: Sequence[tuple[str, Severity, str, str]]) -> list[Finding]:
    """A `Finding` for each (rule, severity, path, message), built as `Finding.model_construct` would build it,
    in one call for all of them (a report may hold thousands): app/core/accel.py, in C when it is built."""
    return build_models(Finding, _FINDING_NAMES, entries, _FINDING_FIELDS)


Model = TypeVar("Model", bound=BaseModel)


def construct(cls: type[Model], values: dict[str, Any]) -> Model:
    """`cls.model_construct(**values)` for trusted values that set every field of `cls`, in field order.

    Only for the plain wire models of app.models (no aliases, no post-init, extra not allowed).
    """
    # Written out as `object.__setattr__(...)` on purpose: mypyc compiles that spelling to a direct C call of the
    # generic setattr (an alias is a Python call that packs its arguments in a tuple).
    made: Model = _new(cls)
    object.__setattr__(made, "__dict__", values)
    object.__setattr__(made, "__pydantic_fields_set__", set(values))
    object.__setattr__(made, "__pydantic_extra__", None)
    object.__setattr__(made, "__pydantic_private__", None)
    return made

"""The rule catalog of a profile and the collector that turns checks into findings."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel

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
_FINDING_FIELDS = frozenset(Finding.model_fields)
"""Every field of Finding: each finding's fields-set is a new set copied from it."""

# Models are built as `model_construct` builds them: a new instance, then its __dict__ and BaseModel's three slots
# set with object.__setattr__, without model_construct's per-field loop over aliases and defaults. The calls are
# written out as `object.__setattr__(...)` on purpose: mypyc compiles that spelling to a direct C call of the
# generic setattr (an alias, or the slots' own __set__, is a Python call that packs its arguments in a tuple).


def finding(rule: str, severity: Severity, path: str, message: str) -> Finding:
    """A `Finding` from trusted values, as `Finding.model_construct` would build it, about three times faster."""
    return findings_of(((rule, severity, path, message),))[0]


def findings_of(entries: Iterable[tuple[str, Severity, str, str]]) -> list[Finding]:
    """A `Finding` for each (rule, severity, path, message), built as `Finding.model_construct` would build it,
    in one loop with no call per finding (a report may hold thousands).

    The fields are stored one by one, in field order, not as a new `__dict__`: on Python 3.11 a model instance
    starts with inline attribute values (its class has a managed dict), so assigning `__dict__` first builds a
    throwaway dict from them (a garbage-collected allocation per finding) before replacing it. Stored one by one,
    they go into the inline values under the class's shared keys; `__dict__` is made from them, with the same
    items in the same order, when something (a serializer, `vars`) asks for it.
    """
    made_all: list[Finding] = []
    cls, new, fields = Finding, _new, _FINDING_FIELDS
    for rule, severity, path, message in entries:
        made = new(cls)
        object.__setattr__(made, "rule", rule)
        object.__setattr__(made, "severity", severity)
        object.__setattr__(made, "path", path)
        object.__setattr__(made, "message", message)
        object.__setattr__(made, "__pydantic_fields_set__", set(fields))  # its own set: models are mutable
        object.__setattr__(made, "__pydantic_extra__", None)
        object.__setattr__(made, "__pydantic_private__", None)
        made_all.append(made)  # not an alias of the bound method: compiled, this is a direct PyList_Append
    return made_all


Model = TypeVar("Model", bound=BaseModel)


def construct(cls: type[Model], values: dict[str, Any]) -> Model:
    """`cls.model_construct(**values)` for trusted values that set every field of `cls`, in field order.

    Only for the plain wire models of app.models (no aliases, no post-init, extra not allowed).
    """
    made: Model = _new(cls)
    object.__setattr__(made, "__dict__", values)
    object.__setattr__(made, "__pydantic_fields_set__", set(values))
    object.__setattr__(made, "__pydantic_extra__", None)
    object.__setattr__(made, "__pydantic_private__", None)
    return made

"""The rule catalog of a profile and the collector that turns checks into findings."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

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
    """

    __slots__ = ("_catalog", "items")

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog
        self.items: list[Finding] = []

    def add(self, rule_id: str, path: str, message: str, *, severity: Severity | None = None) -> None:
        """Record one finding of rule `rule_id` at JSON Pointer `path`."""
        rule = self._catalog[rule_id]  # KeyError here means a check names a rule the catalog lacks
        self.items.append(
            Finding.model_construct(rule=rule_id, severity=severity or rule.severity, path=path, message=message)
        )

    def __len__(self) -> int:
        return len(self.items)

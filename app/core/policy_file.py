"""Policy files: shape a profile without forking it (turn a rule off or give it another severity, maybe only somewhere).

A policy names the profile it is written for and, per rule id, `off` or a new severity, optionally scoped to
JSON Pointers of the config (shell-style patterns; a pattern without wildcards also covers everything below it)
and, for admission, to namespaces. TOML (or YAML, with PyYAML installed):

    profile = "runsc"

    [rules]
    RUNSC-SECCOMP-OFF = "off"                 # we know; stop failing our pipeline on it
    RUNSC-APPARMOR = "error"                  # but this one must fail it
    RUNSC-MOUNT-OPTION-IGNORED = { severity = "off", paths = ["/mounts/*/options"] }
    RUNSC-SELINUX = [{ severity = "warning", namespaces = ["team-a"] }]

The same policy object is applied by every door (HTTP, CLI, gRPC, admission) through `apply`; a report says which
findings it changed. A policy that names an unknown rule id is refused at load, with the closest known id.
SPECGATE-INTERNAL cannot be changed: a bug in a rule must keep failing closed.
"""

from __future__ import annotations

import difflib
import fnmatch
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, cast

from app.core.errors import SpecgateError, UnknownProfile
from app.core.profiles import get_profile
from app.core.rules import construct, finding
from app.models import PolicyChange, PolicyEffect, RuleInfo, Severity, Summary, ValidationReport

Action = Literal["error", "warning", "info", "off"]
ACTIONS: tuple[Action, ...] = ("error", "warning", "info", "off")
PROTECTED = frozenset({"SPECGATE-INTERNAL"})


class PolicyError(SpecgateError):
    """A policy file that cannot be used; each problem with where it is in the file."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))


@dataclass(frozen=True, slots=True)
class Override:
    """What a policy does to one rule, where."""

    rule: str
    action: Action
    paths: tuple[str, ...] = ()
    """Pointer patterns it is limited to (empty: everywhere)."""
    namespaces: tuple[str, ...] = ()
    """Namespaces it is limited to, for admission (empty: everywhere, and always outside admission)."""

    def applies(self, path: str, namespace: str | None) -> bool:
        if self.namespaces and namespace not in self.namespaces:
            return False
        return not self.paths or any(_matches(pattern, path) for pattern in self.paths)


def _matches(pattern: str, path: str) -> bool:
    if any(c in pattern for c in "*?["):
        return fnmatch.fnmatchcase(path, pattern) or fnmatch.fnmatchcase(path, pattern.rstrip("/") + "/*")
    return path == pattern or path.startswith(pattern.rstrip("/") + "/")


@dataclass(frozen=True, slots=True)
class Policy:
    """A loaded, checked policy file."""

    source: str
    profile: str
    overrides: Mapping[str, tuple[Override, ...]]

    def action(self, rule: str, path: str, namespace: str | None = None) -> Action | None:
        """The first override of `rule` that covers `path` (and `namespace`), or None."""
        for override in self.overrides.get(rule, ()):
            if override.applies(path, namespace):
                return override.action
        return None


def parse_policy(text: str | bytes, *, source: str, fmt: Literal["toml", "yaml"] | None = None) -> Policy:
    """Read a policy from its text; `fmt` defaults to the source's extension (TOML unless .yaml/.yml).

    Raises:
        PolicyError: not TOML/YAML, an unknown profile or rule id (with the closest one), a bad severity or scope.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    fmt = fmt or ("yaml" if source.endswith((".yaml", ".yml")) else "toml")
    data = _read(text, source, fmt)
    problems: list[str] = []
    profile = data.get("profile")
    if not isinstance(profile, str):
        raise PolicyError(source, ["`profile` is required: the name of the profile the policy is written for"])
    try:
        catalog = get_profile(profile).catalog
    except UnknownProfile as exc:
        raise PolicyError(source, [f"profile: {exc}"]) from None
    unknown_keys = sorted(set(data) - {"profile", "rules"})
    if unknown_keys:
        problems.append(f"unknown top-level keys {', '.join(unknown_keys)}; a policy has `profile` and `rules`")
    rules = data.get("rules", {})
    if not isinstance(rules, dict):
        raise PolicyError(source, ["`rules` must be a table of rule id = severity (or off)"])
    overrides: dict[str, tuple[Override, ...]] = {}
    known = [r.id for r in catalog]
    for rule_id, spec in rules.items():
        where = f"rules.{rule_id}"
        if rule_id in PROTECTED:
            problems.append(f"{where}: {rule_id} cannot be changed: a rule that fails must keep failing closed")
            continue
        if rule_id not in catalog:
            close = difflib.get_close_matches(rule_id, known, n=1, cutoff=0.5)
            hint = f"; did you mean {close[0]}?" if close else ""
            problems.append(f"{where}: profile {profile} has no rule {rule_id!r}{hint}")
            continue
        entries = spec if isinstance(spec, list) else [spec]
        parsed = [
            _override(rule_id, entry, f"{where}[{i}]" if isinstance(spec, list) else where, problems)
            for i, entry in enumerate(entries)
        ]
        overrides[rule_id] = tuple(o for o in parsed if o is not None)
    if problems:
        raise PolicyError(source, problems)
    return Policy(source=source, profile=profile, overrides=overrides)


def _read(text: str, source: str, fmt: str) -> dict[str, Any]:
    try:
        if fmt == "yaml":
            import yaml  # optional: only YAML policies need PyYAML

            data = yaml.safe_load(text)
        else:
            data = tomllib.loads(text)
    except ImportError:
        raise PolicyError(
            source, ["YAML policies need PyYAML (pip install PyYAML), or write the policy in TOML"]
        ) from None
    except Exception as exc:  # tomllib.TOMLDecodeError, yaml.YAMLError: the message has line and column
        raise PolicyError(source, [f"not valid {fmt.upper()}: {exc}"]) from None
    if not isinstance(data, dict):
        raise PolicyError(source, ["a policy is a table with `profile` and `rules`"])
    return data


def _strings(value: Any, where: str, problems: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(f"{where}: must be a list of strings")
        return ()
    return tuple(value)


def _override(rule: str, entry: Any, where: str, problems: list[str]) -> Override | None:
    if isinstance(entry, str):
        entry = {"severity": entry}
    if not isinstance(entry, dict):
        problems.append(f"{where}: give a severity (error, warning, info, off) or a table with `severity`")
        return None
    extra = sorted(set(entry) - {"severity", "paths", "namespaces"})
    if extra:
        problems.append(f"{where}: unknown keys {', '.join(extra)}; use severity, paths, namespaces")
    action = entry.get("severity")
    if action not in ACTIONS:
        problems.append(f"{where}.severity: {action!r} is not one of {', '.join(ACTIONS)}")
        return None
    paths = _strings(entry.get("paths"), f"{where}.paths", problems)
    for path in paths:
        if path and not path.startswith("/"):
            problems.append(f"{where}.paths: {path!r} is not a JSON Pointer (it must start with '/')")
    namespaces = _strings(entry.get("namespaces"), f"{where}.namespaces", problems)
    return Override(rule, cast(Action, action), paths, namespaces)


def apply(report: ValidationReport, policy: Policy | None, *, namespace: str | None = None) -> ValidationReport:
    """The report as the policy shapes it: findings turned off are dropped, others get their new severity; the
    verdict and counts follow, and `report.policy` lists every change. Reports of other profiles pass untouched."""
    if policy is None or not policy.overrides:
        return report
    profiles = set(getattr(report, "profiles", None) or [report.profile])
    if policy.profile not in profiles:
        return report
    changes: list[PolicyChange] = []
    kept = []
    for item in report.findings:
        owner = getattr(item, "profile", None) or report.profile
        action = policy.action(item.rule, item.path, namespace) if owner == policy.profile else None
        if action is None or action == item.severity:
            kept.append(item)
            continue
        changes.append(PolicyChange(rule=item.rule, path=item.path, was=item.severity, now=action))
        if action == "off":
            continue
        severity: Severity = action
        kept.append(
            item.model_copy(update={"severity": severity})
            if owner != report.profile
            else finding(item.rule, severity, item.path, item.message)
        )
    if not changes:
        return report.model_copy(update={"policy": PolicyEffect(source=policy.source, changed=[])})
    errors = sum(f.severity == "error" for f in kept)
    warnings = sum(f.severity == "warning" for f in kept)
    summary = construct(Summary, {"errors": errors, "warnings": warnings, "infos": len(kept) - errors - warnings})
    return report.model_copy(
        update={
            "findings": kept,
            "summary": summary,
            "valid": errors == 0,
            "policy": PolicyEffect(source=policy.source, changed=changes),
        }
    )


def effective_rules(rules: list[RuleInfo], policy: Policy | None) -> list[RuleInfo]:
    """The catalog as a policy leaves it: unscoped overrides change the listed severity (`off` rules are marked
    disabled); scoped ones are listed under `policy` without changing the default."""
    if policy is None:
        return rules
    out: list[RuleInfo] = []
    for info in rules:
        overrides = policy.overrides.get(info.id, ()) if info.profile == policy.profile else ()
        if not overrides:
            out.append(info)
            continue
        everywhere = next((o for o in overrides if not o.paths and not o.namespaces), None)
        update: dict[str, Any] = {"catalog_severity": info.severity, "policy": _describe(overrides)}
        if everywhere is not None:
            if everywhere.action == "off":
                update["enabled"] = False
            else:
                update["severity"] = everywhere.action
        out.append(info.model_copy(update=update))
    return out


def _describe(overrides: tuple[Override, ...]) -> str:
    parts = []
    for o in overrides:
        scope = [f"paths {', '.join(o.paths)}"] if o.paths else []
        scope += [f"namespaces {', '.join(o.namespaces)}"] if o.namespaces else []
        parts.append(o.action + (f" ({'; '.join(scope)})" if scope else ""))
    return "; ".join(parts)


def read_policy_file(path: str) -> Policy:
    """Read a policy file from disk (at start-up, never because of a request).

    Raises:
        PolicyError: unreadable, or not a usable policy.
    """
    try:
        with open(path, "rb") as handle:
            text = handle.read()
    except OSError as exc:
        raise PolicyError(path, [f"cannot read it: {exc.strerror or exc}"]) from exc
    return parse_policy(text, source=path)

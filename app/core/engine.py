"""The operations of the core, over one shared loader and the profile registry."""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from typing import Any

from app.core.errors import BadArgument, InvalidSpec, UnknownPlatform
from app.core.loader import Document, load
from app.core.normalize import go_clean
from app.core.policy_file import Policy, apply, effective_rules
from app.core.profiles import get_profile, profile_names
from app.core.profiles.base import CheckOptions, Lifecycle, Profile
from app.core.rules import construct
from app.models import (
    CapabilitiesResult,
    CapabilityTable,
    Finding,
    MergedReport,
    MountsResult,
    NormalizeResult,
    ProfiledFinding,
    ProfileInfo,
    ProfilesList,
    RuleInfo,
    RulesList,
    SandboxInfo,
    Summary,
    ValidationReport,
)

_USUAL_OPTIONS = CheckOptions()
"""The options of almost every call (linux, create, no bundle): CheckOptions is frozen, so one instance serves all."""


def _options(
    prof: Profile, platform: str, lifecycle: Lifecycle, bundle: str | None, file_name: str | None
) -> CheckOptions:
    if platform not in prof.platforms:
        raise UnknownPlatform(prof.name, platform, prof.platforms)
    if lifecycle not in ("create", "start"):
        raise BadArgument("lifecycle", f"must be 'create' or 'start', not {lifecycle!r}")
    if platform == "linux" and lifecycle == "create" and bundle is None and file_name is None:
        return _USUAL_OPTIONS
    return CheckOptions(platform=platform, lifecycle=lifecycle, bundle=bundle, file_name=file_name)


def summarize(findings: list[Finding]) -> Summary:
    """Count findings by severity."""
    errors = warnings = 0
    for f in findings:  # one pass, one attribute read per finding, no list of severities
        severity = f.severity
        if severity == "error":
            errors += 1
        elif severity == "warning":
            warnings += 1
    infos = len(findings) - errors - warnings
    return construct(Summary, {"errors": errors, "warnings": warnings, "infos": infos})


INTERNAL_RULE = RuleInfo(
    id="SPECGATE-INTERNAL",
    profile="*",
    severity="error",
    summary="specgate could not finish checking the document (a bug); the document is treated as invalid",
    reference="https://github.com/specgate/specgate/issues",
)
"""The one finding no catalog lists: it is reported only when a rule fails, and never means the document is fine."""


def judge(doc: Document, prof: Profile, options: CheckOptions) -> ValidationReport:
    """The report of one profile on an already loaded document."""
    try:
        findings = prof.check(doc, options)
        sandbox = prof.sandbox(doc.data)
    except Exception as exc:
        # A bug in a rule must neither pass the document (the admission webhook must not fail open)
        # nor become a 500: the verdict is "invalid", with a finding that says why.
        findings = [
            Finding(
                rule=INTERNAL_RULE.id,
                severity="error",
                path="",
                message=f"specgate could not finish checking this document ({type(exc).__name__}: {exc}); "
                "it is treated as invalid so that nothing passes unchecked. Please report this with the document.",
            )
        ]
        sandbox = SandboxInfo()
    summary = summarize(findings)
    return construct(
        ValidationReport,
        {
            "valid": summary.errors == 0,
            "profile": prof.name,
            "platform": options.platform,
            "findings": findings,
            "summary": summary,
            "sandbox": sandbox,
            "policy": None,
        },
    )


def validate(
    raw: bytes | str,
    *,
    profile: str | Sequence[str] = "runsc",
    platform: str = "linux",
    lifecycle: Lifecycle = "create",
    bundle: str | None = None,
    file_name: str | None = None,
    policy: Policy | None = None,
    namespace: str | None = None,
) -> ValidationReport:
    """Judge a config.json as the profile's runtime (or the spec) would.

    Args:
        raw: the document's bytes (or text): duplicate members and encoding errors can only be seen there.
        profile: `runsc`, `runsc-2018`, `oci`, a `features:` profile, or several of them: the document is then
            judged by each, and the merged report (a `MergedReport`) is valid only if no profile finds an error.
        platform: target platform (the document does not say which it targets).
        lifecycle: `start` when the container is to be started, which makes `process` required.
        bundle: bundle directory for bundle-mode checks (root.path on disk); never set by the HTTP server.
        file_name: the name the document was read from, for bundle-mode checks.
        policy: a policy file to shape the findings of the profile it names.
        namespace: the Kubernetes namespace the document is for, for policy overrides scoped to namespaces.

    Returns:
        The report, with every finding at once. An invalid spec is a report with `valid` false.

    Raises:
        DocumentError: the input is not a JSON object.
        UnknownProfile, UnknownPlatform, BadArgument: the arguments are unusable.
    """
    if isinstance(profile, str):  # the usual call: one profile, no list to build
        prof = get_profile(profile)
        options = _options(prof, platform, lifecycle, bundle, file_name)
        report = judge(load(raw), prof, options)
    else:
        names = list(dict.fromkeys(profile))
        if not names:
            raise BadArgument("profile", "give at least one profile")
        judged = [(prof, _options(prof, platform, lifecycle, bundle, file_name)) for prof in map(get_profile, names)]
        doc = load(raw)
        if len(judged) == 1:
            report = judge(doc, *judged[0])
        else:
            report = merge([judge(doc, prof, options) for prof, options in judged])
    return apply(report, policy, namespace=namespace) if policy is not None else report


def merge(reports: list[ValidationReport]) -> MergedReport:
    """One report of several profiles on the same document: every finding with its profile, valid iff all are."""
    findings = [
        construct(
            ProfiledFinding,
            {"rule": f.rule, "severity": f.severity, "path": f.path, "message": f.message, "profile": r.profile},
        )
        for r in reports
        for f in r.findings
    ]
    summary = summarize(list(findings))
    names = [r.profile for r in reports]
    return construct(
        MergedReport,
        {
            "valid": all(r.valid for r in reports),
            "profile": ",".join(names),
            "platform": reports[0].platform,
            "findings": findings,
            "summary": summary,
            "sandbox": reports[0].sandbox,
            "policy": None,
            "profiles": names,
        },
    )


def _absolute_bundle(bundle: str) -> str:
    if not bundle or not posixpath.isabs(bundle):
        raise BadArgument("bundle", f"must be an absolute directory path, not {bundle!r}")
    return go_clean(bundle)


def normalize(
    raw: bytes | str, *, profile: str = "runsc", bundle: str, policy: Policy | None = None
) -> NormalizeResult:
    """The spec as the runtime holds it after ReadSpec: relative paths joined onto `bundle`.

    Raises:
        InvalidSpec: the profile finds errors, so the runtime would refuse the spec before normalizing it.
    """
    prof = get_profile(profile)
    bundle = _absolute_bundle(bundle)
    doc = load(raw)
    report = judge(doc, prof, CheckOptions())
    if policy is not None:
        report = apply(report, policy)
    if not report.valid:
        raise InvalidSpec(report)
    spec, patch = prof.normalize(doc.data, bundle)
    return NormalizeResult.model_construct(spec=spec, patch=patch, findings=report.findings)


def capability_table(*, profile: str = "runsc") -> CapabilityTable:
    """Every capability name the profile accepts, with its number."""
    return get_profile(profile).capability_table()


def capabilities(caps: Any, *, profile: str = "runsc") -> CapabilitiesResult:
    """Names and masks of an OCI `process.capabilities` object (already parsed).

    Raises:
        CapabilityError: unknown names or wrong shapes, each with its pointer.
    """
    return get_profile(profile).capability_sets(caps)


def classify_mounts(raw: bytes | str, *, profile: str = "runsc") -> MountsResult:
    """How the profile's runtime would serve each mount of the spec."""
    prof = get_profile(profile)
    doc = load(raw)
    return MountsResult.model_construct(profile=prof.name, mounts=prof.classify_mounts(doc.data))


ALL_PROFILES = "*"
"""The profile name that asks for the rules of every profile (`GET /rules?profile=*`)."""


def rules(profile: str | None = None, *, policy: Policy | None = None) -> RulesList:
    """The rule catalog of one profile, or of all of them (None or "*"), as the policy file (if any) leaves it."""
    names = [get_profile(profile).name] if profile not in (None, ALL_PROFILES) else profile_names()
    listed = [info for name in names for info in get_profile(name).catalog.info()]
    return RulesList.model_construct(rules=effective_rules(listed, policy))


def profiles() -> ProfilesList:
    """Every profile: its name, where its rules come from, its platforms and how many rules it has."""
    return ProfilesList(
        profiles=[
            ProfileInfo(
                name=prof.name,
                title=prof.title,
                description=prof.description,
                source=prof.source,
                platforms=list(prof.platforms),
                rules=len(prof.catalog),
            )
            for prof in map(get_profile, profile_names())
        ]
    )

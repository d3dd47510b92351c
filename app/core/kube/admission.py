"""The admission decision: an AdmissionReview in, allowed or denied out, with words a Pod's author can act on.

Framework-free: `POST /admission` parses the body, calls `decide`, and sends `answer`'s bytes;
nothing here knows about HTTP beyond the AdmissionReview's own fields.

    parse_review(raw)            -> AdmissionReviewRequest   (DocumentError / MalformedReview: a 400)
    decide(request, policy, ...) -> Verdict                  (never raises: a bug denies, it does not admit)
    answer(review, verdict)      -> the AdmissionReview reply, in the request's apiVersion
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import orjson
from pydantic import ValidationError

from app.core.errors import DocumentError, SpecgateError, WorkloadError
from app.core.kube.policy import Policy
from app.core.kube.workloads import POD_KINDS, find_pod
from app.core.loader import load
from app.core.pointer import escape
from app.models import AdmissionRequest, AdmissionReviewRequest

Decision = Literal["allow", "deny", "warn", "would-deny", "exempt", "not-judged", "error"]
"""What happened, as audit annotations and logs say it: `would-deny` is an audit-mode refusal that was admitted."""

MALFORMED_RULE = "KUBE-POD-INVALID"
"""A Pod (or Pod template) whose shape no apiserver would accept: refused as invalid (422), with where."""

INTERNAL_RULE = "SPECGATE-INTERNAL"
"""The finding of a rule that failed: it always denies, whatever the action (fail closed)."""

MAX_WARNINGS = 10
WARNING_WIDTH = 120
"""k8s.io/api admission/v1: "Limit warnings to 120 characters if possible"; longer ones may be truncated."""
MAX_MESSAGE_ERRORS = 5
"""status.message lists this many errors in full; the rest are counted (all of them are in `warnings`)."""
_AUDIT_VALUE_WIDTH = 1024

POD_BEARING_KINDS: frozenset[str] = frozenset(POD_KINDS)
"""Kinds that carry a Pod spec, so that judging the Deployment at apply time spares the user a silent ReplicaSet."""

_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
_CONTAINER_LABEL = {
    "container": "container",
    "initContainer": "init container",
    "ephemeralContainer": "ephemeral container",
}


class MalformedReview(SpecgateError):
    """The body is JSON but not an AdmissionReview a webhook can answer (a 400, never a verdict)."""

    def __init__(self, detail: str, errors: list[tuple[str, str]] | None = None) -> None:
        self.detail = detail
        self.errors = errors or []
        super().__init__(detail)


class PodFindingLike(Protocol):
    """What the decision reads of a finding on a Pod-bearing object (app.models.PodFinding)."""

    @property
    def rule(self) -> str: ...
    @property
    def severity(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def pod_path(self) -> str | None: ...
    @property
    def container(self) -> str | None: ...
    @property
    def container_kind(self) -> str | None: ...


Judge = Callable[[dict[str, Any], str], Sequence[PodFindingLike]]
"""Judges an object with a profile: every finding, each naming its container and Pod field."""


@dataclass(frozen=True, slots=True)
class InternalFinding:
    """A finding made here when judging itself failed."""

    message: str
    pod_path: str | None = None
    container: str | None = None
    container_kind: str | None = None
    rule: str = INTERNAL_RULE
    severity: str = "error"


@dataclass(frozen=True, slots=True)
class Verdict:
    """The decision on one review, before it is put into words of the wire format."""

    allowed: bool
    decision: Decision
    code: int = 200
    message: str | None = None
    warnings: list[str] = field(default_factory=list)
    audit_annotations: dict[str, str] = field(default_factory=dict)
    findings: Sequence[PodFindingLike] = ()
    profile: str | None = None
    subject: str = ""
    """The object in words, e.g. `Deployment "shop/web"`, for logs."""


def parse_review(raw: bytes | str) -> AdmissionReviewRequest:
    """The AdmissionReview in a request body, parsed once.

    Raises:
        DocumentError: not UTF-8, not JSON, or not an object (with line and column).
        MalformedReview: JSON, but not an AdmissionReview with a request to answer.
    """
    data = _load(raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw)
    try:
        review = AdmissionReviewRequest.model_validate(data)
    except ValidationError as exc:
        errors = [(_pointer(err["loc"]), err["msg"]) for err in exc.errors(include_url=False)]
        detail = "; ".join(f"{path or '(root)'}: {message}" for path, message in errors)
        raise MalformedReview(f"the body is not an AdmissionReview a webhook can answer: {detail}", errors) from None
    request = review.request
    if request.operation in ("CREATE", "UPDATE") and request.object is None:
        raise MalformedReview(
            f"request.object is missing: a {request.operation} review carries the object to admit",
            [("/request/object", "required for CREATE and UPDATE")],
        )
    return review


def _load(raw: bytes) -> dict[str, Any]:
    # orjson once, and nothing else on the hot path: duplicate members in a review are the apiserver's
    # business (it serialised the object itself). Only a broken body goes through the loader, for its
    # line and column.
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        load(raw)  # raises DocumentError, with the position
        raise  # pragma: no cover - the loader refuses whatever orjson refuses
    if not isinstance(data, dict):
        raise DocumentError("not-object", f"an AdmissionReview is a JSON object, not {_json_type(data)}")
    return data


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    names = {list: "an array", str: "a string", bool: "a boolean", int: "a number", float: "a number"}
    return names.get(type(value), type(value).__name__)


def _pointer(loc: Iterable[int | str]) -> str:
    return "".join(f"/{escape(str(part))}" for part in loc)


def _meta(obj: Mapping[str, Any] | None) -> Mapping[str, Any]:
    meta = obj.get("metadata") if obj is not None else None
    return meta if isinstance(meta, Mapping) else {}


def subject(kind: str, request: AdmissionRequest, obj: Mapping[str, Any] | None) -> str:
    """`Pod "ns/name"`: the object as the message names it (a generateName shows as `web-*`)."""
    meta = _meta(obj)
    name = request.name or meta.get("name") or (f"{meta['generateName']}*" if meta.get("generateName") else "")
    namespace = request.namespace or meta.get("namespace") or ""
    qualified = f"{namespace}/{name}" if namespace and name else str(name or namespace)
    return f'{kind} "{qualified}"' if qualified else kind


def where(finding: PodFindingLike) -> str:
    """The container a finding is about, in the Pod's words."""
    if finding.container_kind == "sandbox":
        return "the Pod sandbox"
    if not finding.container_kind:
        return "the Pod"
    label = _CONTAINER_LABEL.get(finding.container_kind, finding.container_kind)
    return f'{label} "{finding.container}"'


def describe(finding: PodFindingLike) -> str:
    """One finding in full: container, Pod field, rule and what to change."""
    field_text = f" at {finding.pod_path}" if finding.pod_path else ""
    return f"{where(finding)}{field_text}: {finding.message} [{finding.rule}]"


def shorten(text: str, width: int = WARNING_WIDTH) -> str:
    """`text` cut to `width` characters, ending in '...' when cut."""
    return text if len(text) <= width else text[: width - 3].rstrip() + "..."


def warning_lines(findings: Sequence[PodFindingLike]) -> list[str]:
    """Every error and warning finding as a warning line, most severe first, each at most 120 characters;
    10 lines, then '...and N more'.

    Infos are not warnings (a kubectl user is told of what to change, not of what runsc does by default).
    The same finding on several containers (a node default such as containerd's AppArmor profile) is one
    line naming how many containers it is on, so that the Pod's own problems are not crowded out.
    """
    groups: dict[tuple[str, str, str], list[PodFindingLike]] = {}
    for f in findings:
        if f.severity in ("error", "warning"):
            groups.setdefault((f.severity, f.rule, f.message), []).append(f)
    # Most severe first; within a severity, what is about one container (the Pod's own doing) before what
    # every container gets (node defaults), so the lines that matter are not cut off by the cap.
    ranked = sorted(groups.values(), key=lambda group: (_SEVERITY_RANK.get(group[0].severity, 3), len(group) > 1))
    lines = [_warning(group) for group in ranked[:MAX_WARNINGS]]
    if len(ranked) > MAX_WARNINGS:
        lines.append(f"...and {len(ranked) - MAX_WARNINGS} more")
    return lines


def _warning(group: Sequence[PodFindingLike]) -> str:
    first = group[0]
    if len(group) == 1:
        place = f"{where(first)}{' ' + first.pod_path if first.pod_path else ''}"
    else:
        place = f"{len(group)} containers ({', '.join(where(f) for f in group)})"
    return shorten(f"{first.severity}: {place}: {first.rule}: {first.message}")


def _message(subject_text: str, context: str, errors: Sequence[PodFindingLike]) -> str:
    # One mistake that reaches several containers (a Pod annotation, a Pod-level field) is said once.
    groups: dict[tuple[str, str | None, str], list[PodFindingLike]] = {}
    for f in errors:
        groups.setdefault((f.rule, f.pod_path, f.message), []).append(f)
    items = [_describe_group(group) for group in groups.values()]
    shown = "; ".join(f"({i}) {text}" for i, text in enumerate(items[:MAX_MESSAGE_ERRORS], 1))
    more = len(items) - MAX_MESSAGE_ERRORS
    tail = f"; and {more} more (see the warnings)" if more > 0 else ""
    count = "1 error" if len(items) == 1 else f"{len(items)} errors"
    return f"{subject_text} would not run {context}: {count}: {shown}{tail}"


def _describe_group(group: Sequence[PodFindingLike]) -> str:
    first = group[0]
    if len(group) == 1:
        return describe(first)
    names = [where(f) for f in group]
    place = ", ".join(names[:-1]) + f" and {names[-1]}"
    field_text = f" at {first.pod_path}" if first.pod_path else ""
    return f"{place}{field_text}: {first.message} [{first.rule}]"


def _audit_value(items: Iterable[str]) -> str:
    return shorten(",".join(dict.fromkeys(items)), _AUDIT_VALUE_WIDTH)


_KIND_OF_RESOURCE = {kind.lower() + "s": kind for kind in POD_BEARING_KINDS}


def _kind(request: AdmissionRequest) -> str:
    # request.kind is always sent by an apiserver; hand-written reviews may leave it out.
    if request.kind is not None and request.kind.kind:
        return request.kind.kind
    kind = (request.object or {}).get("kind")
    if isinstance(kind, str) and kind:
        return kind
    resource = request.resource.resource if request.resource is not None else ""
    return _KIND_OF_RESOURCE.get(resource, "object")


def decide(request: AdmissionRequest, *, policy: Policy, judge: Judge) -> Verdict:
    """The decision on one admission request; never raises (a failure denies, with the reason).

    - DELETE and CONNECT, subresources other than `ephemeralcontainers`, kinds that carry no Pod,
      exempt namespaces and runtime classes the policy does not map are admitted untouched.
    - CREATE and UPDATE of a Pod or workload are judged with the profile of its runtimeClassName; on the
      `ephemeralcontainers` subresource only the ephemeral containers the update adds are judged.
    - Error findings deny (action `deny`), become warnings (`warn`) or are only audited (`audit`);
      a failure of the judge itself denies whatever the action.
    """
    obj = request.object
    kind = _kind(request)
    who = subject(str(kind), request, obj)
    sub = request.subResource or ""
    if request.operation not in ("CREATE", "UPDATE") or obj is None:
        return Verdict(True, "not-judged", subject=who)
    if sub not in ("", "ephemeralcontainers") or kind not in POD_BEARING_KINDS:
        return Verdict(True, "not-judged", subject=who)
    namespace = request.namespace or _meta(obj).get("namespace")
    if policy.exempt(namespace):
        return Verdict(True, "exempt", audit_annotations={"decision": "exempt"}, subject=who)
    if obj.get("kind") is None:
        obj = {**obj, "kind": kind}  # the judge finds the Pod spec by kind; the apiserver always sets it
    try:
        source = find_pod(obj)
    except WorkloadError as exc:  # the apiserver validates objects first, so only a hand-made review gets here
        return _malformed(who, exc)
    runtime_class = source.spec.get("runtimeClassName")
    profile = policy.profile_for(runtime_class)
    if profile is None:
        return Verdict(True, "not-judged", subject=who)
    annotation_maps = (_meta(obj).get("annotations"), source.annotations)
    audit: dict[str, str] = {"profile": profile}
    if isinstance(runtime_class, str) and runtime_class:
        audit["runtime-class"] = runtime_class
    context = (
        f'with runtimeClassName "{runtime_class}" (profile {profile})'
        if runtime_class
        else f"on the node's default runtime (profile {profile})"
    )
    try:
        findings: Sequence[PodFindingLike] = _distinct(judge(obj, profile))
    except WorkloadError as exc:
        return _malformed(who, exc, audit, profile)
    except Exception as exc:  # a bug in a rule must not admit what it could not judge
        findings = [
            InternalFinding(
                f"specgate failed while judging this object ({type(exc).__name__}: {exc}); it is refused so that "
                "nothing runs unchecked. Please report this with the object."
            )
        ]
    if sub == "ephemeralcontainers":
        findings = _added_ephemeral(findings, obj, request.oldObject)
    elif policy.allow_existing and request.operation == "UPDATE" and request.oldObject is not None:
        findings = _existing_as_warnings(findings, request.oldObject, kind, profile, judge)
    skipped = policy.skipped_rules(*annotation_maps)
    if skipped:
        audit["skipped-rules"] = _audit_value(sorted(skipped))
        findings = [f for f in findings if f.rule not in skipped or f.rule == INTERNAL_RULE]
    return _verdict(who, context, findings, policy, profile, audit)


def _malformed(
    who: str, exc: WorkloadError, audit: dict[str, str] | None = None, profile: str | None = None
) -> Verdict:
    finding = InternalFinding(
        f"the Pod is malformed: {exc.detail}; the apiserver would refuse it", exc.path or "", rule=MALFORMED_RULE
    )
    return Verdict(
        False,
        "error",
        code=422,
        message=f"{who} cannot be judged: its Pod is malformed at {exc.path or '/'}: {exc.detail} [{MALFORMED_RULE}]",
        warnings=warning_lines([finding]),
        audit_annotations={**(audit or {}), "decision": "error", "rules": MALFORMED_RULE},
        findings=[finding],
        profile=profile,
        subject=who,
    )


def _distinct(findings: Iterable[PodFindingLike]) -> list[PodFindingLike]:
    # One bad capability is one mistake, though it lands in three capability sets of the config.json.
    seen: set[tuple[str, str | None, str | None, str]] = set()
    out = []
    for f in findings:
        key = (f.rule, f.pod_path, f.container, f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


@dataclass(frozen=True, slots=True)
class ExistingFinding:
    """An error the object had before this UPDATE too: reported, not enforced (Policy.allow_existing)."""

    rule: str
    message: str
    pod_path: str | None
    container: str | None
    container_kind: str | None
    severity: str = "warning"


def _existing_as_warnings(
    findings: Sequence[PodFindingLike], old: dict[str, Any], kind: str, profile: str, judge: Judge
) -> list[PodFindingLike]:
    if not any(f.severity == "error" for f in findings):
        return list(findings)
    try:
        before = judge(old if old.get("kind") else {**old, "kind": kind}, profile)
    except Exception:  # an old object that cannot be judged excuses nothing
        return list(findings)
    had = {(f.rule, f.pod_path, f.container_kind, f.container, f.message) for f in before if f.severity == "error"}
    out: list[PodFindingLike] = []
    for f in findings:
        if (
            f.severity == "error"
            and f.rule != INTERNAL_RULE
            and ((f.rule, f.pod_path, f.container_kind, f.container, f.message) in had)
        ):
            message = f"{f.message} (already so before this update, so it is not enforced now)"
            out.append(ExistingFinding(f.rule, message, f.pod_path, f.container, f.container_kind))
        else:
            out.append(f)
    return out


def _items_of(spec: Any, key: str) -> Any:
    return spec.get(key) if isinstance(spec, Mapping) else None


def _items(value: Any) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _added_ephemeral(
    findings: Sequence[PodFindingLike], obj: Mapping[str, Any], old: Mapping[str, Any] | None
) -> list[PodFindingLike]:
    # The Pod's other containers were admitted when it was created; this update only adds debug containers.
    before = {
        c.get("name")
        for c in _items(_items_of((old or {}).get("spec"), "ephemeralContainers"))
        if isinstance(c.get("name"), str)
    }
    return [
        f
        for f in findings
        if f.rule == INTERNAL_RULE or (f.container_kind == "ephemeralContainer" and f.container not in before)
    ]


def _verdict(
    who: str,
    context: str,
    findings: Sequence[PodFindingLike],
    policy: Policy,
    profile: str,
    audit: dict[str, str],
) -> Verdict:
    errors = [f for f in findings if f.severity == "error"]
    notable = sorted((f for f in findings if f.severity != "info"), key=lambda f: _SEVERITY_RANK.get(f.severity, 3))
    if notable:
        audit["rules"] = _audit_value(f.rule for f in notable)
    internal = any(f.rule == INTERNAL_RULE for f in errors)
    if not errors:
        audit["decision"] = "allow"
        warnings = [] if policy.action == "audit" else warning_lines(findings)
        return Verdict(
            True, "allow", warnings=warnings, audit_annotations=audit, findings=findings, profile=profile, subject=who
        )
    message = _message(who, context, errors)
    if internal or policy.action == "deny":
        decision: Decision = "error" if internal else "deny"
        audit["decision"] = decision
        return Verdict(
            False,
            decision,
            code=403,
            message=message,
            warnings=warning_lines(findings),
            audit_annotations=audit,
            findings=findings,
            profile=profile,
            subject=who,
        )
    if policy.action == "warn":
        audit["decision"] = "warn"
        return Verdict(
            True,
            "warn",
            message=message,
            warnings=warning_lines(findings),
            audit_annotations=audit,
            findings=findings,
            profile=profile,
            subject=who,
        )
    audit["decision"] = "would-deny"
    return Verdict(
        True, "would-deny", message=message, audit_annotations=audit, findings=findings, profile=profile, subject=who
    )


def answer(review: AdmissionReviewRequest, verdict: Verdict) -> dict[str, Any]:
    """The AdmissionReview reply: uid echoed, in the request's apiVersion, status only on a denial."""
    response: dict[str, Any] = {"uid": review.request.uid, "allowed": verdict.allowed}
    if not verdict.allowed:
        response["status"] = {
            "status": "Failure",
            "code": verdict.code,
            "reason": "Forbidden" if verdict.code == 403 else "Invalid",
            "message": verdict.message or "refused by specgate",
        }
    if verdict.warnings:
        response["warnings"] = verdict.warnings
    if verdict.audit_annotations:
        response["auditAnnotations"] = verdict.audit_annotations
    return {"apiVersion": review.apiVersion, "kind": "AdmissionReview", "response": response}


@dataclass(frozen=True, slots=True)
class Gate:
    """A policy and a judge, ready to decide reviews; built once per process from the operator's settings."""

    policy: Policy
    judge: Judge

    def decide(self, request: AdmissionRequest) -> Verdict:
        """The decision on one admission request (see `decide`)."""
        return decide(request, policy=self.policy, judge=self.judge)

    def warm_up(self, obj: dict[str, Any]) -> None:
        """Judge `obj` with every profile the policy uses, so that the first review is as fast as the others
        (the translation's tables and the profiles are loaded on first use, about a second)."""
        profiles = set(self.policy.runtime_classes.values())
        if self.policy.default_profile:
            profiles.add(self.policy.default_profile)
        for profile in sorted(profiles):
            self.judge(obj, profile)

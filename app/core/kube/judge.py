"""Judge a Kubernetes object: translate its Pod, validate every config.json, and speak in Pod terms.

Each finding keeps its config.json pointer (`path`) and also names the field of the submitted object it came from
(`pod_path`), the container and its kind. A failure inside the translation is never a pass: it becomes an error
finding (SPECGATE-INTERNAL), as a failing rule does in the engine.
"""

from __future__ import annotations

from typing import Any

import orjson

from app.core.engine import INTERNAL_RULE, judge, summarize
from app.core.errors import BadArgument, UnknownPlatform, WorkloadError
from app.core.kube.cri_config import Note
from app.core.kube.identity import PodState
from app.core.kube.node import NodeModel
from app.core.kube.translate import TranslatedContainer, Translation, translate
from app.core.kube.workloads import find_pod
from app.core.loader import Document
from app.core.policy_file import Policy as PolicyFile, apply as apply_policy
from app.core.profiles import get_profile
from app.core.profiles.base import CheckOptions
from app.core.rules import construct
from app.models import ContainerVerdict, ObjectVerdict, PodFinding, SandboxInfo

RUNSC_PROFILES = ("runsc", "runsc-2018")
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def _note_finding(note: Note, tc: TranslatedContainer, profile: str) -> PodFinding:
    severity = note.severity
    if note.rule == "KUBE-SELINUX-DROPPED" and profile not in RUNSC_PROFILES:
        severity = "info"  # only runsc refuses a label; runc applies it
    return construct(
        PodFinding,
        {
            "rule": note.rule,
            "severity": severity,
            "path": "",
            "message": note.message,
            "pod_path": note.pod_path,
            "container": tc.name,
            "container_kind": tc.kind,
        },
    )


def _verdict(tc: TranslatedContainer, findings: list[PodFinding], sandbox: SandboxInfo) -> ContainerVerdict:
    summary = summarize(list(findings))
    return construct(
        ContainerVerdict,
        {
            "kind": tc.kind,
            "name": tc.name,
            "index": tc.index,
            "pointer": tc.pointer,
            "valid": summary.errors == 0,
            "findings": findings,
            "summary": summary,
            "sandbox": sandbox,
        },
    )


def _judge_container(
    tc: TranslatedContainer, profile: str, options: CheckOptions, policy: PolicyFile | None, namespace: str | None
) -> ContainerVerdict:
    prof = get_profile(profile)
    try:
        # The translation built this dict itself: its member names are unique and orjson's dump proves its strings
        # are valid Unicode (it raises otherwise, as the loader would), so it is judged as is, without a re-parse.
        report = judge(Document(data=tc.config, raw=orjson.dumps(tc.config)), prof, options)
        if policy is not None:  # the same policy file as /validate and the CLI, scoped by the object's namespace
            report = apply_policy(report, policy, namespace=namespace)
        findings = [
            construct(
                PodFinding,
                {
                    "rule": f.rule,
                    "severity": f.severity,
                    "path": f.path,
                    "message": f.message,
                    "pod_path": tc.source(f.path),
                    "container": tc.name,
                    "container_kind": tc.kind,
                },
            )
            for f in report.findings
        ]
        sandbox = report.sandbox
    except Exception as exc:  # a bug must not pass the container
        findings = [_internal(exc, tc.pointer, tc.name, tc.kind)]
        sandbox = SandboxInfo()
    findings += [_note_finding(note, tc, profile) for note in tc.notes]
    findings.sort(key=lambda f: SEVERITY_ORDER.get(f.severity, 3))
    return _verdict(tc, findings, sandbox)


def _internal(exc: BaseException, pointer: str, name: str | None, kind: Any) -> PodFinding:
    return construct(
        PodFinding,
        {
            "rule": INTERNAL_RULE.id,
            "severity": "error",
            "path": "",
            "message": f"specgate could not finish translating or checking this object ({type(exc).__name__}: {exc}); "
            "it is treated as refused so that nothing passes unchecked. Please report this with the object.",
            "pod_path": pointer,
            "container": name,
            "container_kind": kind,
        },
    )


def _options(profile: str, platform: str) -> CheckOptions:
    prof = get_profile(profile)
    if platform not in prof.platforms:
        raise UnknownPlatform(prof.name, platform, prof.platforms)
    if platform != "linux":
        raise BadArgument("platform", "Kubernetes Pods are translated for linux nodes only")
    return CheckOptions(platform=platform)


def verdict_of(
    translation: Translation, *, profile: str = "runsc", platform: str = "linux", policy: PolicyFile | None = None
) -> ObjectVerdict:
    """Judge an existing translation (e.g. one already shown to the user by /translate)."""
    options = _options(profile, platform)
    namespace = translation.identity.namespace
    containers = [_judge_container(tc, profile, options, policy, namespace) for tc in translation.containers]
    return _object(translation.pod.kind, translation, containers, profile, platform, translation.node)


def _object(
    kind: str,
    translation: Translation | None,
    containers: list[ContainerVerdict],
    profile: str,
    platform: str,
    node: NodeModel,
    *,
    name: str = "",
    namespace: str = "default",
    pointer: str = "",
    runtime_class: str | None = None,
) -> ObjectVerdict:
    summary = summarize([f for c in containers for f in c.findings])
    if translation is not None:
        name, namespace = translation.identity.name, translation.identity.namespace
        pointer, runtime_class = translation.pod.spec_pointer, translation.runtime_class_name
    return construct(
        ObjectVerdict,
        {
            "valid": summary.errors == 0,
            "kind": kind,
            "name": name,
            "namespace": namespace,
            "pod_pointer": pointer,
            "runtime_class_name": runtime_class,
            "runtime_handler": translation.runtime_handler if translation else node.handler(runtime_class),
            "cri": node.cri,
            "profile": get_profile(profile).name,
            "platform": platform,
            "containers": containers,
            "summary": summary,
        },
    )


def judge_object(
    obj: Any,
    *,
    profile: str = "runsc",
    node: NodeModel | None = None,
    platform: str = "linux",
    state: PodState | None = None,
    policy: PolicyFile | None = None,
) -> ObjectVerdict:
    """Translate the Pod of `obj` and judge every config.json with `profile` (shaped by a policy file, if given).

    Raises:
        WorkloadError: `obj` carries no Pod or its Pod spec has the wrong shape.
        UnknownProfile, UnknownPlatform, BadArgument: the arguments are unusable.
    """
    node = node or NodeModel()
    _options(profile, platform)
    try:
        translation = translate(obj, node, state=state)
    except WorkloadError:
        raise
    except Exception as exc:  # fail closed: a translation bug is a refusal with the reason, never a pass
        source = find_pod(obj)
        finding = _internal(exc, source.spec_pointer, None, None)
        tc = TranslatedContainer("sandbox", "POD", 0, source.spec_pointer, {})
        verdict = _verdict(tc, [finding], SandboxInfo())
        return _object(
            source.kind, None, [verdict], profile, platform, node,
            name=source.name, namespace=source.namespace, pointer=source.spec_pointer,
            runtime_class=source.runtime_class_name,
        )  # fmt: skip
    return verdict_of(translation, profile=profile, platform=platform, policy=policy)

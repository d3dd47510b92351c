"""The core's wire models (app.models) as the messages of specgate.v1, field for field.

Every HTTP JSON member has its protobuf field of the same name; enums replace the strings of the JSON
(severity, mount category, rule scope, patch op, container type), and JSON values the proto cannot type
(the normalized spec, a patch value) travel as JSON text.
"""

from __future__ import annotations

from typing import Any

import orjson

from app.grpc.gen import specgate_pb2 as pb
from app.models import (
    CapabilitiesResult,
    CapabilitySet,
    CapabilityTable,
    Finding,
    MountsResult,
    NormalizeResult,
    RulesList,
    ValidationReport,
)

SEVERITY: dict[str, pb.Severity.ValueType] = {
    "error": pb.SEVERITY_ERROR,
    "warning": pb.SEVERITY_WARNING,
    "info": pb.SEVERITY_INFO,
}
POLICY_ACTION: dict[str, pb.PolicyAction.ValueType] = {
    "error": pb.POLICY_ACTION_ERROR,
    "warning": pb.POLICY_ACTION_WARNING,
    "info": pb.POLICY_ACTION_INFO,
    "off": pb.POLICY_ACTION_OFF,
}
CONTAINER_TYPE: dict[str | None, pb.ContainerType.ValueType] = {
    None: pb.CONTAINER_TYPE_UNSPECIFIED,
    "sandbox": pb.CONTAINER_TYPE_SANDBOX,
    "container": pb.CONTAINER_TYPE_CONTAINER,
}
MOUNT_CATEGORY: dict[str, pb.MountCategory.ValueType] = {
    "gofer": pb.MOUNT_CATEGORY_GOFER,
    "erofs": pb.MOUNT_CATEGORY_EROFS,
    "sentry": pb.MOUNT_CATEGORY_SENTRY,
    "skipped": pb.MOUNT_CATEGORY_SKIPPED,
    "invalid": pb.MOUNT_CATEGORY_INVALID,
    "9p": pb.MOUNT_CATEGORY_NINE_P,
    "ignored-dev": pb.MOUNT_CATEGORY_IGNORED_DEV,
    "sandbox-internal": pb.MOUNT_CATEGORY_SANDBOX_INTERNAL,
    "bind": pb.MOUNT_CATEGORY_BIND,
    "oci": pb.MOUNT_CATEGORY_FILESYSTEM,
}
RULE_SCOPE: dict[str, pb.RuleScope.ValueType] = {
    "document": pb.RULE_SCOPE_DOCUMENT,
    "bundle": pb.RULE_SCOPE_BUNDLE,
    "host": pb.RULE_SCOPE_HOST,
}
PATCH_OP: dict[str, pb.PatchOp.ValueType] = {
    "add": pb.PATCH_OP_ADD,
    "remove": pb.PATCH_OP_REMOVE,
    "replace": pb.PATCH_OP_REPLACE,
}
LIFECYCLE: dict[int, str] = {
    pb.LIFECYCLE_UNSPECIFIED: "create",
    pb.LIFECYCLE_CREATE: "create",
    pb.LIFECYCLE_START: "start",
}
"""Request enum values to the core's lifecycle names; a value missing here is refused as INVALID_ARGUMENT."""


def _json_text(value: Any) -> str:
    return orjson.dumps(value).decode()


def add_findings(target: Any, items: list[Finding]) -> None:
    """Append findings, in the order the core reported them, to a repeated Finding field.

    Built in place with `add`: a list of Finding messages given to a constructor would be copied once more,
    and the findings are most of a report.
    """
    severity, add = SEVERITY, target.add
    for f in items:
        add(rule=f.rule, severity=severity[f.severity], path=f.path, message=f.message)


def validation_report(report: ValidationReport, into: pb.ValidateResponse | None = None) -> pb.ValidateResponse:
    """A report as ValidateResponse (filled into `into`, e.g. the `report` of a stream answer, when given)."""
    summary, sandbox = report.summary, report.sandbox
    answer = pb.ValidateResponse() if into is None else into
    answer.valid = report.valid
    answer.profile = report.profile
    answer.platform = report.platform
    add_findings(answer.findings, report.findings)
    answer.summary.errors = summary.errors
    answer.summary.warnings = summary.warnings
    answer.summary.infos = summary.infos
    answer.sandbox.container_type = CONTAINER_TYPE[sandbox.container_type]
    answer.sandbox.creates_sandbox = sandbox.creates_sandbox
    if sandbox.sandbox_id is not None:
        answer.sandbox.sandbox_id = sandbox.sandbox_id
    if report.policy is not None:
        answer.policy.source = report.policy.source
        answer.policy.SetInParent()  # present, also when the policy changed nothing
        for change in report.policy.changed:
            answer.policy.changed.add(
                rule=change.rule, path=change.path, was=SEVERITY[change.was], now=POLICY_ACTION[change.now]
            )
    return answer


def normalize_result(result: NormalizeResult) -> pb.NormalizeResponse:
    """A normalized spec as NormalizeResponse: the spec and patch values as JSON text."""
    answer = pb.NormalizeResponse(spec=_json_text(result.spec))
    for op in result.patch:
        answer.patch.add(op=PATCH_OP[op.op], path=op.path, value="" if op.op == "remove" else _json_text(op.value))
    add_findings(answer.findings, result.findings)
    return answer


def _capability_set(item: CapabilitySet) -> pb.CapabilitySet:
    return pb.CapabilitySet(
        names=item.names,
        mask=item.mask,
        granted=item.granted,
        granted_mask=item.granted_mask,
        mask_bits=int(item.mask, 16),
        granted_mask_bits=int(item.granted_mask, 16),
    )


def capabilities_result(result: CapabilitiesResult) -> pb.CapabilitiesResponse:
    """The five sets as CapabilitiesResponse, masks also as numbers."""
    return pb.CapabilitiesResponse(
        profile=result.profile,
        bounding=_capability_set(result.bounding),
        effective=_capability_set(result.effective),
        inheritable=_capability_set(result.inheritable),
        permitted=_capability_set(result.permitted),
        ambient=_capability_set(result.ambient),
    )


def capability_table(table: CapabilityTable) -> pb.ListCapabilitiesResponse:
    """A capability table as ListCapabilitiesResponse."""
    return pb.ListCapabilitiesResponse(
        profile=table.profile,
        capabilities=[pb.Capability(name=c.name, number=c.number) for c in table.capabilities],
        last_cap=table.last_cap,
    )


def mounts_result(result: MountsResult) -> pb.ClassifyMountsResponse:
    """Classified mounts as ClassifyMountsResponse; a category without an enum value keeps its name."""
    return pb.ClassifyMountsResponse(
        profile=result.profile,
        mounts=[
            pb.MountInfo(
                index=m.index,
                destination=m.destination,
                type=m.type,
                source=m.source,
                category=MOUNT_CATEGORY.get(m.category, pb.MOUNT_CATEGORY_UNSPECIFIED),
                category_name=m.category,
                gofer=m.gofer,
                reasons=m.reasons,
            )
            for m in result.mounts
        ],
    )


def rules_list(catalog: RulesList) -> pb.ListRulesResponse:
    """The rule catalog as ListRulesResponse."""
    return pb.ListRulesResponse(
        rules=[
            pb.Rule(
                id=r.id,
                profile=r.profile,
                severity=SEVERITY[r.severity],
                summary=r.summary,
                reference=r.reference,
                scope=RULE_SCOPE[r.scope],
                checked=r.checked,
                disabled=not r.enabled,
                catalog_severity=SEVERITY[r.catalog_severity] if r.catalog_severity else pb.SEVERITY_UNSPECIFIED,
                policy=r.policy or "",
            )
            for r in catalog.rules
        ]
    )

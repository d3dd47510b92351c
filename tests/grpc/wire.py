"""specgate.v1 messages back to the HTTP JSON, spelled from the enum names alone (not from app.grpc.convert),
so that comparing them with the HTTP answers checks the conversion instead of repeating it."""

from __future__ import annotations

import json
from typing import Any

from google.protobuf.internal.enum_type_wrapper import EnumTypeWrapper

from app.grpc.gen import specgate_pb2 as pb


def _name(enum: EnumTypeWrapper, value: int, prefix: str) -> str | None:
    name = enum.Name(value)
    return None if name.endswith("_UNSPECIFIED") else name.removeprefix(prefix).lower()


def findings(items: Any) -> list[dict[str, Any]]:
    return [
        {"rule": f.rule, "severity": _name(pb.Severity, f.severity, "SEVERITY_"), "path": f.path, "message": f.message}
        for f in items
    ]


def report(answer: pb.ValidateResponse) -> dict[str, Any]:
    sandbox = answer.sandbox
    return {
        "valid": answer.valid,
        "profile": answer.profile,
        "platform": answer.platform,
        "findings": findings(answer.findings),
        "summary": {
            "errors": answer.summary.errors,
            "warnings": answer.summary.warnings,
            "infos": answer.summary.infos,
        },
        "sandbox": {
            "container_type": _name(pb.ContainerType, sandbox.container_type, "CONTAINER_TYPE_"),
            "creates_sandbox": sandbox.creates_sandbox,
            "sandbox_id": sandbox.sandbox_id if sandbox.HasField("sandbox_id") else None,
        },
        "policy": policy(answer) if answer.HasField("policy") else None,
    }


def policy(answer: pb.ValidateResponse) -> dict[str, Any]:
    return {
        "source": answer.policy.source,
        "changed": [
            {
                "rule": c.rule,
                "path": c.path,
                "was": pb.Severity.Name(c.was).removeprefix("SEVERITY_").lower(),
                "now": pb.PolicyAction.Name(c.now).removeprefix("POLICY_ACTION_").lower(),
            }
            for c in answer.policy.changed
        ],
    }


def mounts(answer: pb.ClassifyMountsResponse) -> dict[str, Any]:
    return {
        "profile": answer.profile,
        "mounts": [
            {
                "index": m.index,
                "destination": m.destination if m.HasField("destination") else None,
                "type": m.type if m.HasField("type") else None,
                "source": m.source if m.HasField("source") else None,
                "category": m.category_name,
                "gofer": m.gofer,
                "reasons": list(m.reasons),
            }
            for m in answer.mounts
        ],
    }


def normalized(answer: pb.NormalizeResponse) -> dict[str, Any]:
    return {
        "spec": json.loads(answer.spec),
        "patch": [
            {
                "op": _name(pb.PatchOp, op.op, "PATCH_OP_"),
                "path": op.path,
                "value": json.loads(op.value) if op.value else None,
            }
            for op in answer.patch
        ],
        "findings": findings(answer.findings),
    }

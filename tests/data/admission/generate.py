"""Write reviews/<case>.json for every case of cases.yaml: the object as a validating webhook receives it.

Run from anywhere: `python tests/data/admission/generate.py`. The output is deterministic (uids and times
are derived from the case name), so regenerating changes only what cases.yaml changed.
"""

from __future__ import annotations

import copy
import hashlib
import json
import uuid
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent  # tests/data mirrors ../shared
CREATED = "2026-03-14T09:26:53Z"
RESOURCES = {
    "Pod": ("", "v1", "pods"),
    "PodTemplate": ("", "v1", "podtemplates"),
    "ReplicationController": ("", "v1", "replicationcontrollers"),
    "Deployment": ("apps", "v1", "deployments"),
    "StatefulSet": ("apps", "v1", "statefulsets"),
    "DaemonSet": ("apps", "v1", "daemonsets"),
    "ReplicaSet": ("apps", "v1", "replicasets"),
    "Job": ("batch", "v1", "jobs"),
    "CronJob": ("batch", "v1", "cronjobs"),
}
TOLERATIONS = [
    {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
    {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
]


def uid(*parts: str) -> str:
    return str(uuid.UUID(hashlib.sha256("/".join(parts).encode()).hexdigest()[:32]))


def _container_defaults(container: dict[str, Any]) -> None:
    container.setdefault("resources", {})
    container.setdefault("terminationMessagePath", "/dev/termination-log")
    container.setdefault("terminationMessagePolicy", "File")
    container.setdefault(
        "imagePullPolicy", "Always" if container.get("image", "").endswith(":latest") else "IfNotPresent"
    )


def _pod_spec_defaults(spec: dict[str, Any], *, pod: bool, name: str) -> None:
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("terminationGracePeriodSeconds", 30)
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("securityContext", {})
    spec.setdefault("schedulerName", "default-scheduler")
    spec.setdefault("serviceAccountName", "default")
    for group in ("initContainers", "containers", "ephemeralContainers"):
        for container in spec.get(group) or []:
            _container_defaults(container)
    if not pod:
        return
    spec["serviceAccount"] = spec["serviceAccountName"]
    spec.setdefault("enableServiceLinks", True)
    spec.setdefault("priority", 0)
    spec.setdefault("preemptionPolicy", "PreemptLowerPriority")
    spec.setdefault("tolerations", copy.deepcopy(TOLERATIONS))
    if spec.get("automountServiceAccountToken") is not False:
        volume = "kube-api-access-" + hashlib.sha256(name.encode()).hexdigest()[:5]
        spec.setdefault("volumes", []).append(
            {
                "name": volume,
                "projected": {
                    "defaultMode": 420,
                    "sources": [
                        {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                        {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
                        {
                            "downwardAPI": {
                                "items": [
                                    {
                                        "path": "namespace",
                                        "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"},
                                    }
                                ]
                            }
                        },
                    ],
                },
            }
        )
        for group in ("initContainers", "containers"):
            for container in spec.get(group) or []:
                container.setdefault("volumeMounts", []).append(
                    {"name": volume, "readOnly": True, "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}
                )


def defaulted(obj: dict[str, Any], case: str) -> dict[str, Any]:
    """The object after the apiserver's defaulting and the in-tree admission plugins, as validating webhooks see it."""
    obj = copy.deepcopy(obj)
    kind = obj.get("kind")
    if kind not in RESOURCES:
        return obj
    meta = obj.setdefault("metadata", {})
    meta.setdefault("uid", uid(case, "object"))
    meta.setdefault("creationTimestamp", CREATED)
    if kind == "Pod":
        _pod_spec_defaults(obj["spec"], pod=True, name=meta.get("name", case))
        containers = obj["spec"].get("containers", [])
        limited = containers and all(c.get("resources", {}).get("limits") for c in containers)
        requested = any(c.get("resources") for c in containers)
        qos = "Burstable" if requested or limited else "BestEffort"
        obj.setdefault("status", {"phase": "Pending", "qosClass": qos})
        return obj
    meta.setdefault("generation", 1)
    template = obj
    for token in {"PodTemplate": ("template",), "CronJob": ("spec", "jobTemplate", "spec", "template")}.get(
        kind, ("spec", "template")
    ):
        template = template.setdefault(token, {})
    template.setdefault("metadata", {}).setdefault("creationTimestamp", None)
    _pod_spec_defaults(template.setdefault("spec", {}), pod=False, name=meta.get("name", case))
    return obj


def apply_patch(doc: Any, ops: list[dict[str, Any]]) -> Any:
    """RFC 6902 add / replace / remove, enough for the cases."""
    doc = copy.deepcopy(doc)
    for op in ops:
        tokens = [t.replace("~1", "/").replace("~0", "~") for t in op["path"].split("/")[1:]]
        parent = doc
        for token in tokens[:-1]:
            parent = parent[int(token)] if isinstance(parent, list) else parent[token]
        last = tokens[-1]
        if isinstance(parent, list):
            index = len(parent) if last == "-" else int(last)
            if op["op"] == "add":
                parent.insert(index, op["value"])
            elif op["op"] == "replace":
                parent[index] = op["value"]
            else:
                del parent[index]
        elif op["op"] == "remove":
            del parent[last]
        else:
            parent[last] = op["value"]
    return doc


def review(name: str, case: dict[str, Any], cases: dict[str, Any]) -> dict[str, Any]:
    if "source" in case:
        return json.loads((SHARED / case["source"].removeprefix("../shared/")).read_text())
    base = case
    while "object" not in base and "like" in base:
        base = cases[base["like"]]
    obj = base.get("object")
    if obj is not None:
        obj = apply_patch(obj, case.get("patch", []))
    operation = case.get("operation", "CREATE")
    kind = (obj or {}).get("kind", "Pod")
    group, version, resource = RESOURCES.get(kind, ("", "v1", case.get("resource", "pods")))
    gvk = case.get("kindOverride") or {"group": group, "version": version, "kind": kind}
    gvr = {"group": group, "version": version, "resource": resource}
    meta = (obj or {}).get("metadata", {})
    new = defaulted(obj, name) if obj is not None else None
    old = None
    if case.get("oldObject") == "same" or operation == "DELETE":
        old_source = apply_patch(base["object"], []) if "object" in base else obj
        old = defaulted(old_source, name)
    options = {
        "CREATE": {
            "apiVersion": "meta.k8s.io/v1",
            "kind": "CreateOptions",
            "fieldManager": "kubectl-client-side-apply",
        },
        "UPDATE": {
            "apiVersion": "meta.k8s.io/v1",
            "kind": "UpdateOptions",
            "fieldManager": "kubectl-client-side-apply",
        },
        "DELETE": {"apiVersion": "meta.k8s.io/v1", "kind": "DeleteOptions", "propagationPolicy": "Background"},
        "CONNECT": None,
    }[operation]
    if case.get("dryRun") and options is not None:
        options = {**options, "dryRun": ["All"]}
    request: dict[str, Any] = {
        "uid": uid(name, "request"),
        "kind": gvk,
        "resource": gvr,
        "requestKind": gvk,
        "requestResource": gvr,
        "name": case.get("name", meta.get("name", "")),
        "namespace": case.get("namespace", meta.get("namespace", "default")),
        "operation": operation,
        "userInfo": {
            "username": "kubernetes-admin",
            "groups": ["kubeadm:cluster-admins", "system:authenticated"],
        },
        "object": None if operation == "DELETE" else new,
        "oldObject": old if operation in ("UPDATE", "DELETE") else None,
        "dryRun": bool(case.get("dryRun", False)),
        "options": options,
    }
    if case.get("subResource"):
        request["subResource"] = request["requestSubResource"] = case["subResource"]
    return {"apiVersion": case.get("apiVersion", "admission.k8s.io/v1"), "kind": "AdmissionReview", "request": request}


def main() -> None:
    cases = yaml.safe_load((HERE / "cases.yaml").read_text())
    out = HERE / "reviews"
    out.mkdir(exist_ok=True)
    for name, case in cases.items():
        text = json.dumps(review(name, case, cases), indent=2, ensure_ascii=False) + "\n"
        (out / f"{name}.json").write_text(text)
    print(f"{len(cases)} reviews written to {out}")


if __name__ == "__main__":
    main()

"""Request examples for the OpenAPI document, so that "Try it out" in Swagger UI works at once."""

from __future__ import annotations

import copy
from typing import Any

import orjson

_SANDBOX_ID = "0f5b2a9c3e7d41f8a6b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d"
_POD_UID = "6c1f7a52-9e0b-4c47-8f3a-2d6e1b9c0a74"
_KUBELET_POD = f"/var/lib/kubelet/pods/{_POD_UID}"

_DEFAULT_CAPS = [
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_FSETID",
    "CAP_FOWNER",
    "CAP_MKNOD",
    "CAP_NET_RAW",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETFCAP",
    "CAP_SETPCAP",
    "CAP_NET_BIND_SERVICE",
    "CAP_SYS_CHROOT",
    "CAP_KILL",
    "CAP_AUDIT_WRITE",
]
"""containerd's default capability set for a Kubernetes container."""

CAPABILITIES: dict[str, Any] = {
    "bounding": _DEFAULT_CAPS,
    "effective": _DEFAULT_CAPS,
    "permitted": _DEFAULT_CAPS,
    "inheritable": [],
    "ambient": [],
}

CONFIG: dict[str, Any] = {
    "ociVersion": "1.2.0",
    "process": {
        "user": {"uid": 101, "gid": 101, "additionalGids": [101]},
        "args": ["/docker-entrypoint.sh", "nginx", "-g", "daemon off;"],
        "env": [
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "HOSTNAME=web-7c9d8b6f5d-x2kqp",
            "KUBERNETES_SERVICE_HOST=10.96.0.1",
            "KUBERNETES_SERVICE_PORT=443",
        ],
        "cwd": "/",
        "capabilities": CAPABILITIES,
        "noNewPrivileges": True,
        "oomScoreAdj": 1000,
    },
    "root": {"path": "rootfs"},
    "mounts": [
        {"destination": "/proc", "type": "proc", "source": "proc", "options": ["nosuid", "noexec", "nodev"]},
        {
            "destination": "/dev",
            "type": "tmpfs",
            "source": "tmpfs",
            "options": ["nosuid", "strictatime", "mode=755", "size=65536k"],
        },
        {
            "destination": "/dev/pts",
            "type": "devpts",
            "source": "devpts",
            "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"],
        },
        {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue", "options": ["nosuid", "noexec", "nodev"]},
        {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]},
        {
            "destination": "/sys/fs/cgroup",
            "type": "cgroup",
            "source": "cgroup",
            "options": ["nosuid", "noexec", "nodev", "relatime", "ro"],
        },
        {
            "destination": "/etc/hosts",
            "type": "bind",
            "source": f"{_KUBELET_POD}/etc-hosts",
            "options": ["rbind", "rprivate", "rw"],
        },
        {
            "destination": "/dev/termination-log",
            "type": "bind",
            "source": f"{_KUBELET_POD}/containers/web/3b9c2f1e",
            "options": ["rbind", "rprivate", "rw"],
        },
        {
            "destination": "/var/run/secrets/kubernetes.io/serviceaccount",
            "type": "bind",
            "source": f"{_KUBELET_POD}/volumes/kubernetes.io~projected/kube-api-access-7x2lq",
            "options": ["rbind", "rprivate", "ro"],
        },
    ],
    "annotations": {
        "io.kubernetes.cri.container-type": "container",
        "io.kubernetes.cri.container-name": "web",
        "io.kubernetes.cri.image-name": "docker.io/library/nginx:1.27.3",
        "io.kubernetes.cri.sandbox-id": _SANDBOX_ID,
        "io.kubernetes.cri.sandbox-name": "web-7c9d8b6f5d-x2kqp",
        "io.kubernetes.cri.sandbox-namespace": "shop",
        "io.kubernetes.cri.sandbox-uid": _POD_UID,
    },
    "linux": {
        "resources": {
            "devices": [{"allow": False, "access": "rwm"}],
            "memory": {"limit": 268435456},
            "cpu": {"shares": 256, "quota": 50000, "period": 100000},
        },
        "cgroupsPath": f"kubepods-burstable-pod{_POD_UID.replace('-', '_')}.slice:cri-containerd:3b9c2f1e",
        "namespaces": [
            {"type": "pid"},
            {"type": "ipc", "path": "/proc/4242/ns/ipc"},
            {"type": "uts", "path": "/proc/4242/ns/uts"},
            {"type": "mount"},
            {"type": "network", "path": "/proc/4242/ns/net"},
        ],
        "maskedPaths": [
            "/proc/acpi",
            "/proc/kcore",
            "/proc/keys",
            "/proc/latency_stats",
            "/proc/timer_list",
            "/proc/timer_stats",
            "/proc/sched_debug",
            "/proc/scsi",
            "/sys/firmware",
        ],
        "readonlyPaths": [
            "/proc/asound",
            "/proc/bus",
            "/proc/fs",
            "/proc/irq",
            "/proc/sys",
            "/proc/sysrq-trigger",
        ],
    },
}
"""The spec containerd writes for an nginx container of a Kubernetes pod (root.path relative to the bundle)."""


def _with_selinux_and_bad_mount() -> dict[str, Any]:
    spec = copy.deepcopy(CONFIG)
    spec["process"]["selinuxLabel"] = "system_u:system_r:container_t:s0:c123,c456"
    spec["mounts"].append({"destination": "data", "type": "bind", "source": "/srv/data"})
    return spec


def document_examples(*, invalid: bool = True) -> dict[str, dict[str, Any]]:
    """OpenAPI `examples` for a config.json body: a valid Kubernetes container, and one a runtime refuses."""
    examples: dict[str, dict[str, Any]] = {
        "kubernetes-container": {
            "summary": "An nginx container of a Kubernetes pod, as containerd writes it",
            "value": CONFIG,
        }
    }
    if invalid:
        examples["selinux-and-relative-mount"] = {
            "summary": "The same container with an SELinux label and a relative mount destination",
            "value": _with_selinux_and_bad_mount(),
        }
    return examples


def document_body(description: str, *, invalid: bool = True) -> dict[str, Any]:
    """The OpenAPI `requestBody` of the routes that take a config.json as raw bytes."""
    return {
        "requestBody": {
            "required": True,
            "description": description,
            "content": {
                "application/json": {
                    "schema": {"type": "object", "description": "An OCI runtime-spec config.json."},
                    "examples": document_examples(invalid=invalid),
                }
            },
        }
    }


def capabilities_body() -> dict[str, Any]:
    """The OpenAPI `requestBody` of POST /capabilities."""
    return {
        "requestBody": {
            "required": True,
            "description": "An OCI `process.capabilities` object: up to five lists of capability names.",
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            # null is an absent set, as for Go's decoder
                            name: {"type": ["array", "null"], "items": {"type": "string"}}
                            for name in ("bounding", "effective", "inheritable", "permitted", "ambient")
                        },
                    },
                    "examples": {
                        "containerd-default": {
                            "summary": "containerd's default set for a Kubernetes container",
                            "value": CAPABILITIES,
                        },
                        "unknown-name": {
                            "summary": "A set with a misspelled name (422 names it with its pointer)",
                            "value": {"bounding": ["CAP_CHOWN", "CAP_NET_ADMN"], "effective": ["CAP_CHOWN"]},
                        },
                    },
                }
            },
        }
    }


def _review(obj: dict[str, Any], *, uid: str, operation: str = "CREATE") -> dict[str, Any]:
    meta = obj["metadata"]
    return {
        "apiVersion": "admission.k8s.io/v1",
        "kind": "AdmissionReview",
        "request": {
            "uid": uid,
            "kind": {"group": "", "version": "v1", "kind": "Pod"},
            "resource": {"group": "", "version": "v1", "resource": "pods"},
            "name": meta["name"],
            "namespace": meta["namespace"],
            "operation": operation,
            "userInfo": {"username": "kubernetes-admin", "groups": ["system:authenticated"]},
            "object": obj,
            "oldObject": None,
            "dryRun": False,
        },
    }


ADMISSION_POD: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "untrusted-build-7f9c", "namespace": "sandboxed-apps", "labels": {"app": "untrusted-build"}},
    "spec": {
        "runtimeClassName": "gvisor",
        "securityContext": {"runAsNonRoot": True, "runAsUser": 10001, "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [
            {
                "name": "builder",
                "image": "registry.example.com/ci/builder:1.8.2",
                "securityContext": {
                    "allowPrivilegeEscalation": False,
                    "readOnlyRootFilesystem": True,
                    "capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]},
                },
                "volumeMounts": [{"name": "workspace", "mountPath": "/workspace"}],
            }
        ],
        "volumes": [{"name": "workspace", "emptyDir": {"sizeLimit": "4Gi"}}],
        "restartPolicy": "Never",
    },
}
"""A gVisor Pod runsc runs: the Pod of ../shared/reference/admissionreview-pod-example.json, shortened."""


def _refused_pod() -> dict[str, Any]:
    pod = copy.deepcopy(ADMISSION_POD)
    pod["metadata"]["name"] = "csi-node-4x2lq"
    pod["spec"]["containers"].append(
        {
            "name": "node-driver",
            "image": "registry.example.com/csi/driver:2.1.0",
            "volumeMounts": [
                {"name": "kubelet-dir", "mountPath": "/var/lib/kubelet", "mountPropagation": "Bidirectional"}
            ],
        }
    )
    pod["spec"]["volumes"].append(
        {"name": "kubelet-dir", "hostPath": {"path": "/var/lib/kubelet", "type": "Directory"}}
    )
    return pod


def admission_examples() -> dict[str, dict[str, Any]]:
    """Two reviews for Swagger UI: one admitted, one refused (Bidirectional propagation under gVisor)."""
    return {
        "admitted": {
            "summary": "A gVisor Pod runsc runs",
            "value": _review(ADMISSION_POD, uid="3f6c1a2e-9b4d-4c1e-8f7a-52d0c9e4b1aa"),
        },
        "refused": {
            "summary": "A gVisor Pod with a Bidirectional mount in its 2nd container",
            "value": _review(_refused_pod(), uid="0b7d2c1e-5f3a-4e6b-9c8d-1a2b3c4d5e6f"),
        },
    }


def inline_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A pydantic JSON Schema with its `$defs` inlined, to embed in an OpenAPI operation (no recursion)."""
    defs = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return resolve(copy.deepcopy(defs[ref.removeprefix("#/$defs/")]))
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    return resolve(schema)  # type: ignore[no-any-return]


def admission_body() -> dict[str, Any]:
    """The OpenAPI `requestBody` of POST /admission."""
    from app.models import AdmissionReviewRequest

    return {
        "requestBody": {
            "required": True,
            "description": "An AdmissionReview (admission.k8s.io/v1 or v1beta1), as the apiserver sends it.",
            "content": {
                "application/json": {
                    "schema": inline_schema(AdmissionReviewRequest.model_json_schema()),
                    "examples": admission_examples(),
                }
            },
        }
    }


def translate_body() -> dict[str, Any]:
    """The OpenAPI `requestBody` of POST /translate."""
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}}, "spec": copy.deepcopy(ADMISSION_POD["spec"])},
        },
    }
    return {
        "requestBody": {
            "required": True,
            "description": "A Pod or a workload carrying a Pod template (Deployment, StatefulSet, DaemonSet, "
            "ReplicaSet, ReplicationController, Job, CronJob, PodTemplate), as JSON.",
            "content": {
                "application/json": {
                    "schema": {"type": "object", "description": "A Kubernetes object that carries a Pod."},
                    "examples": {
                        "pod": {"summary": "A gVisor Pod", "value": ADMISSION_POD},
                        "deployment": {"summary": "A Deployment of the same Pod", "value": deployment},
                    },
                }
            },
        }
    }


_EXAMPLE_BUNDLE = "/run/containerd/io.containerd.runtime.v2.task/k8s.io/3b9c2f1e"


def response_examples() -> dict[tuple[str, str], dict[str, dict[str, Any]]]:
    """Real answers of the core to the request examples, for the OpenAPI 200 responses, by (path, method).

    Computed from the core when the OpenAPI document is built, so they can never show an answer the
    service would not give (a schema-synthesized example shows `"valid": true` beside an error finding).
    """
    from app import core  # the core is imported by the app anyway; here only when the document is built

    raw, bad = orjson.dumps(CONFIG), orjson.dumps(_with_selinux_and_bad_mount())

    def dump(model: Any) -> Any:
        return model.model_dump(mode="json")

    return {
        ("/validate", "post"): {
            "kubernetes-container": {"summary": "The Kubernetes container: valid", "value": dump(core.validate(raw))},
            "selinux-and-relative-mount": {
                "summary": "With an SELinux label and a relative mount destination: invalid",
                "value": dump(core.validate(bad)),
            },
        },
        ("/normalize", "post"): {
            "kubernetes-container": {
                "summary": f"root.path joined onto bundle={_EXAMPLE_BUNDLE}",
                "value": dump(core.normalize(raw, bundle=_EXAMPLE_BUNDLE)),
            }
        },
        ("/classify-mounts", "post"): {
            "kubernetes-container": {"summary": "How runsc serves each mount", "value": dump(core.classify_mounts(raw))}
        },
        ("/capabilities", "post"): {
            "containerd-default": {
                "summary": "containerd's default set under runsc (CAP_NET_RAW not granted)",
                "value": dump(core.capabilities(CAPABILITIES)),
            }
        },
        ("/capabilities", "get"): {
            "runsc": {"summary": "The capabilities runsc knows", "value": dump(core.capability_table(profile="runsc"))}
        },
        ("/rules", "get"): {"runsc": {"summary": "The rules of runsc", "value": dump(core.rules("runsc"))}},
    }

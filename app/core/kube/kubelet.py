"""The first hop: what the kubelet sends the CRI runtime for a Pod (PodSandboxConfig, one ContainerConfig each).

Sources: kubelet `pkg/kubelet/kuberuntime/` (kuberuntime_sandbox*.go generatePodSandboxConfig,
kuberuntime_container*.go generateContainerConfig / makeMounts / generateLinuxContainerConfig, security_context*.go),
`pkg/kubelet/kubelet_pods.go` (makeMounts: volume host paths, subPath, etc-hosts, translateMountPropagation),
`pkg/securitycontext/util.go` (DetermineEffectiveSecurityContext, AddNoNewPrivileges, masked/readonly paths).

Every value carries the JSON Pointer of the Pod field it came from (`src`), so findings on the config.json can name
the field a user must change.
"""

from __future__ import annotations

from typing import Any

from app.core.errors import WorkloadError
from app.core.kube import volumes
from app.core.kube.cri_config import (
    ContainerKind,
    CriContainer,
    CriMount,
    CriSandbox,
    Profile,
)
from app.core.kube.identity import PodIdentity
from app.core.kube.node import NodeModel
from app.core.kube.resources import (
    QoS,
    cgroup_parent,
    container_resources,
    linux_resources,
    oom_score_adj,
    pod_totals,
    qos_class,
    quantity,
    whole,
)
from app.core.kube.workloads import PodSource
from app.core.pointer import join

SPEC_LISTS: tuple[tuple[str, ContainerKind], ...] = (
    ("initContainers", "initContainer"),
    ("containers", "container"),
    ("ephemeralContainers", "ephemeralContainer"),
)

APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/"
SECCOMP_POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod"
SECCOMP_CONTAINER_ANNOTATION = "container.seccomp.security.alpha.kubernetes.io/"


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class _Security:
    """The effective security context of one container: the container's field, else the Pod's (kubelet
    DetermineEffectiveSecurityContext), each with the pointer of the field that decided it."""

    POD_LEVEL = ("runAsUser", "runAsGroup", "runAsNonRoot", "seLinuxOptions", "seccompProfile", "appArmorProfile")

    def __init__(self, pod_sc: dict[str, Any], pod_ptr: str, sc: dict[str, Any], sc_ptr: str) -> None:
        self.pod_sc, self.pod_ptr, self.sc, self.sc_ptr = pod_sc, pod_ptr, sc, sc_ptr

    def get(self, key: str) -> tuple[Any, str]:
        if self.sc.get(key) is not None:
            return self.sc[key], join(self.sc_ptr, key)
        if key in self.POD_LEVEL and self.pod_sc.get(key) is not None:
            return self.pod_sc[key], join(self.pod_ptr, key)
        return None, ""


def _profile(value: Any, src: str, annotation: str | None, annotation_src: str) -> Profile | None:
    """A seccompProfile/appArmorProfile field, or else the legacy annotation value, as a Profile."""
    field_ = _dict(value)
    kind = field_.get("type")
    if isinstance(kind, str) and kind:
        local = field_.get("localhostProfile")
        return Profile(kind, local if isinstance(local, str) else "", src)
    if isinstance(annotation, str) and annotation:
        if annotation in ("runtime/default", "docker/default"):
            return Profile("RuntimeDefault", "", annotation_src)
        if annotation == "unconfined":
            return Profile("Unconfined", "", annotation_src)
        if annotation.startswith("localhost/"):
            return Profile("Localhost", annotation.removeprefix("localhost/"), annotation_src)
        return Profile(annotation, "", annotation_src)
    return None


def _devices(node: NodeModel, c: CriContainer, container: dict[str, Any]) -> None:
    """The device plugins' answers for the extended resources the container's limits ask for (GetResources): their
    environment comes first, their mounts before the volumes."""
    limits = _dict(_dict(container.get("resources")).get("limits"))
    for resource, allocation in node.device_plugins.items():
        if resource not in limits or not whole(limits[resource]):
            continue
        src = join(c.pointer, "resources", "limits", resource)
        c.env.extend((k, v, src) for k, _, v in (e.partition("=") for e in allocation.env))
        c.devices.extend((device, src) for device in allocation.devices)
        c.mounts.extend(CriMount(path, host, readonly, src=src) for path, host, readonly in allocation.mounts)


def _env(node: NodeModel, source: PodSource, pod: PodIdentity, c: CriContainer, container: dict[str, Any]) -> None:
    """makeEnvironmentVariables: the container's env in order (references resolved where the Pod says the value),
    then the `kubernetes` Service variables."""
    fields = {
        "metadata.name": pod.name,
        "metadata.namespace": pod.namespace,
        "metadata.uid": pod.uid,
        "spec.nodeName": node.node_name,
        "spec.serviceAccountName": str(source.spec.get("serviceAccountName") or "default"),
    }
    for i, item in enumerate(container.get("env") or []):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            continue
        eptr = join(c.pointer, "env", i)
        if "value" in item:
            value = expand(str(item.get("value") or ""), {k: v for k, v, _ in c.env})
        else:
            ref = _dict(_dict(item.get("valueFrom")).get("fieldRef")).get("fieldPath")
            value = fields.get(str(ref), f"<{ref or 'valueFrom'}>")
        c.env.append((item["name"], value, eptr))
    host, port = node.cluster_service_host, node.cluster_service_port
    for key, value in (
        ("KUBERNETES_SERVICE_HOST", host),
        ("KUBERNETES_SERVICE_PORT", str(port)),
        ("KUBERNETES_SERVICE_PORT_HTTPS", str(port)),
        ("KUBERNETES_PORT", f"tcp://{host}:{port}"),
        (f"KUBERNETES_PORT_{port}_TCP", f"tcp://{host}:{port}"),
        (f"KUBERNETES_PORT_{port}_TCP_PROTO", "tcp"),
        (f"KUBERNETES_PORT_{port}_TCP_PORT", str(port)),
        (f"KUBERNETES_PORT_{port}_TCP_ADDR", host),
    ):
        c.env.append((key, value, c.pointer))


def _security(node: NodeModel, source: PodSource, c: CriContainer, container: dict[str, Any]) -> None:
    spec, sp = source.spec, source.spec_pointer
    pod_sc = _dict(spec.get("securityContext"))
    sc = _dict(container.get("securityContext"))
    sec = _Security(pod_sc, join(sp, "securityContext"), sc, join(c.pointer, "securityContext"))
    annotations = source.annotations
    ann_ptr = join(source.metadata_pointer, "annotations")

    c.privileged = sc.get("privileged") is True
    # A pointer is recorded only for a field the Pod sets: provenance never names a field that is not there.
    for key, name in (
        ("privileged", "privileged"),
        ("allowPrivilegeEscalation", "no_new_privs"),
        ("readOnlyRootFilesystem", "readonly_rootfs"),
        ("procMount", "proc_mount"),
    ):
        if key in sc:
            c.src[name] = join(sec.sc_ptr, key)
    caps = _dict(sc.get("capabilities"))
    c.caps_given = bool(caps)
    for key, target in (("add", c.caps_add), ("drop", c.caps_drop)):
        items = caps.get(key) or []
        for i, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, str):
                target.append((item, join(sec.sc_ptr, "capabilities", key, i)))
    for key, attr in (("runAsUser", "run_as_user"), ("runAsGroup", "run_as_group")):
        value, src = sec.get(key)
        if _int(value) is not None:
            setattr(c, attr, value)
            c.src[attr] = src
    groups = [g for g in pod_sc.get("supplementalGroups") or [] if _int(g) is not None]
    if _int(pod_sc.get("fsGroup")) is not None:
        groups.append(pod_sc["fsGroup"])
    c.supplemental_groups = groups
    if "supplementalGroups" in pod_sc or "fsGroup" in pod_sc:
        key = "supplementalGroups" if "supplementalGroups" in pod_sc else "fsGroup"
        c.src["supplemental_groups"] = join(sp, "securityContext", key)
    c.strict_groups = pod_sc.get("supplementalGroupsPolicy") == "Strict"
    ape = sc.get("allowPrivilegeEscalation")
    c.no_new_privs = ape is False and not c.privileged
    c.readonly_rootfs = sc.get("readOnlyRootFilesystem") is True
    if sc.get("procMount") == "Unmasked":
        c.masked_paths, c.readonly_paths = (), ()
    selinux, src = sec.get("seLinuxOptions")
    if isinstance(selinux, dict):
        c.selinux = selinux
        c.src["selinux"] = src
    seccomp, src = sec.get("seccompProfile")
    container_ann = SECCOMP_CONTAINER_ANNOTATION + c.name
    legacy_ptr = join(ann_ptr, container_ann if container_ann in annotations else SECCOMP_POD_ANNOTATION)
    legacy = annotations.get(container_ann) or annotations.get(SECCOMP_POD_ANNOTATION)
    c.seccomp = _profile(seccomp, src, legacy, legacy_ptr)
    if c.seccomp is None and node.seccomp_default:
        c.seccomp = Profile("RuntimeDefault", "", c.pointer)
    apparmor, src = sec.get("appArmorProfile")
    key = APPARMOR_ANNOTATION + c.name
    c.apparmor = _profile(apparmor, src, annotations.get(key), join(ann_ptr, key))
    if spec.get("hostPID") is True:
        c.pid_mode = "node"
        c.src["pid"] = join(sp, "hostPID")
    elif spec.get("shareProcessNamespace") is True:
        c.pid_mode = "pod"
        c.src["pid"] = join(sp, "shareProcessNamespace")
    if c.kind == "ephemeralContainer" and isinstance(container.get("targetContainerName"), str):
        c.pid_mode, c.target = "target", container["targetContainerName"]
        c.src["pid"] = join(c.pointer, "targetContainerName")


def expand(text: str, env: dict[str, str]) -> str:
    """third_party/forked/golang/expansion.Expand: `$(VAR)` becomes VAR's value when defined, `$$` a literal `$`;
    anything else is kept as written (the kubelet expands command and args with the container's env)."""
    out: list[str] = []
    i = 0
    while i < len(text):
        if text[i] == "$" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt == "$":
                out.append("$")
                i += 2
                continue
            if nxt == "(":
                end = text.find(")", i + 2)
                if end != -1:
                    name = text[i + 2 : end]
                    out.append(env[name] if name in env else text[i : end + 1])
                    i = end + 1
                    continue
        out.append(text[i])
        i += 1
    return "".join(out)


def _container(
    node: NodeModel, source: PodSource, pod: PodIdentity, qos: QoS, kind: ContainerKind, index: int, raw: Any
) -> CriContainer:
    pointer = join(source.spec_pointer, {"initContainer": "initContainers", "container": "containers"}.get(kind, ""))
    if kind == "ephemeralContainer":
        pointer = join(source.spec_pointer, "ephemeralContainers")
    pointer = join(pointer, index)
    if not isinstance(raw, dict):
        raise WorkloadError(pointer, f"a container must be an object, not {type(raw).__name__}")
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        raise WorkloadError(join(pointer, "name"), "a container needs a name")
    c = CriContainer(kind=kind, name=name, index=index, pointer=pointer, image=str(raw.get("image") or ""))
    for key in ("command", "args"):
        value = raw.get(key)
        if value is not None:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise WorkloadError(join(pointer, key), f"{key} must be a list of strings")
            setattr(c, key, list(value))
    working_dir = raw.get("workingDir")
    c.working_dir = working_dir if isinstance(working_dir, str) else ""
    c.tty, c.stdin = raw.get("tty") is True, raw.get("stdin") is True
    _security(node, source, c, raw)
    _devices(node, c, raw)
    _env(node, source, pod, c, raw)
    values = {k: v for k, v, _ in c.env}
    c.command = None if c.command is None else [expand(a, values) for a in c.command]
    c.args = None if c.args is None else [expand(a, values) for a in c.args]
    volumes.mounts(node, pod, source, c, raw)
    _check_quantities(raw, pointer)
    c.resources = container_resources(node, raw, oom_score_adj(node, source.spec, qos, raw))
    if "resources" in raw:
        c.src["resources"] = join(pointer, "resources")
    return c


INT64_MAX = 2**63 - 1


def _check_quantities(container: dict[str, Any], pointer: str) -> None:
    """The API server refuses a quantity that does not parse, is negative, or exceeds int64 in milli-units."""
    resources = _dict(container.get("resources"))
    for section in ("requests", "limits"):
        for key, value in _dict(resources.get(section)).items():
            q = quantity(value)
            if q is None or q < 0 or q * 1000 > INT64_MAX:
                where = join(pointer, "resources", section, key)
                raise WorkloadError(where, f"{value!r} is not a quantity Kubernetes accepts")


def containers(node: NodeModel, source: PodSource, pod: PodIdentity, qos: QoS) -> list[CriContainer]:
    """One ContainerConfig per init, app and ephemeral container, in the Pod's order."""
    out: list[CriContainer] = []
    for key, kind in SPEC_LISTS:
        items = source.spec.get(key)
        if items is None:
            continue
        if not isinstance(items, list):
            raise WorkloadError(join(source.spec_pointer, key), f"{key} must be a list")
        out.extend(_container(node, source, pod, qos, kind, i, raw) for i, raw in enumerate(items))
    if not any(c.kind == "container" for c in out):
        raise WorkloadError(join(source.spec_pointer, "containers"), "a Pod needs at least one container")
    return out


def pod_hostname(spec: dict[str, Any], pod: PodIdentity, node: NodeModel) -> str:
    """GeneratePodHostNameAndDomain: spec.hostname or the Pod name, cut to 63 characters without a trailing `-` or
    `.`; with setHostnameAsFQDN and a subdomain, the FQDN (at most 64 characters)."""
    name = spec.get("hostname")
    hostname = name if isinstance(name, str) and name else pod.name
    if len(hostname) > 63:
        hostname = hostname[:63].rstrip("-.")
    subdomain = spec.get("subdomain")
    if spec.get("setHostnameAsFQDN") is True and isinstance(subdomain, str) and subdomain:
        fqdn = f"{hostname}.{subdomain}.{pod.namespace}.svc.{node.cluster_domain}"
        hostname = fqdn if len(fqdn) <= 64 else hostname
    return hostname


def sandbox(node: NodeModel, source: PodSource, pod: PodIdentity, cris: list[CriContainer]) -> CriSandbox:
    """generatePodSandboxConfig (+ Linux part): hostname, namespaces, sysctls, pod security context, cgroup parent."""
    spec, sp = source.spec, source.spec_pointer
    pod_sc = _dict(spec.get("securityContext"))
    scp = join(sp, "securityContext")
    host_network = spec.get("hostNetwork") is True
    hostname = pod_hostname(spec, pod, node)
    all_containers = [c for key in ("containers", "initContainers") for c in spec.get(key) or [] if isinstance(c, dict)]
    qos = qos_class(all_containers)
    sb = CriSandbox(
        pointer=sp,
        hostname="" if host_network else hostname,
        host_network=host_network,
        host_pid=spec.get("hostPID") is True,
        host_ipc=spec.get("hostIPC") is True,
        userns=spec.get("hostUsers") is False,
        privileged=any(c.privileged for c in cris),
        qos=qos,
        cgroup_parent=cgroup_parent(node, qos, pod.uid),
        runtime_handler=node.handler(source.runtime_class_name),
    )
    sb.src.update(
        host_network=join(sp, "hostNetwork"),
        host_pid=join(sp, "hostPID"),
        host_ipc=join(sp, "hostIPC"),
        userns=join(sp, "hostUsers"),
        runtime_handler=join(sp, "runtimeClassName"),
    )
    for i, item in enumerate(pod_sc.get("sysctls") or []):
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            sb.sysctls[item["name"]] = str(item.get("value", ""))
            sb.src["sysctl:" + item["name"]] = join(scp, "sysctls", i)
    for key, attr in (("runAsUser", "run_as_user"), ("runAsGroup", "run_as_group")):
        if _int(pod_sc.get(key)) is not None:
            setattr(sb, attr, pod_sc[key])
            sb.src[attr] = join(scp, key)
    sb.supplemental_groups = [g for g in pod_sc.get("supplementalGroups") or [] if _int(g) is not None]
    if _int(pod_sc.get("fsGroup")) is not None:
        sb.supplemental_groups.append(pod_sc["fsGroup"])
    if isinstance(pod_sc.get("seLinuxOptions"), dict):
        sb.selinux = pod_sc["seLinuxOptions"]
        sb.src["selinux"] = join(scp, "seLinuxOptions")
    ann_ptr = join(source.metadata_pointer, "annotations")
    sb.seccomp = _profile(
        pod_sc.get("seccompProfile"),
        join(scp, "seccompProfile"),
        source.annotations.get(SECCOMP_POD_ANNOTATION),
        join(ann_ptr, SECCOMP_POD_ANNOTATION),
    )
    if sb.seccomp is None and node.seccomp_default:
        sb.seccomp = Profile("RuntimeDefault", "", sp)
    cpu_request, cpu_limit, memory_limit = pod_totals(spec)
    sb.resources = linux_resources(cpu_request, cpu_limit, memory_limit, node)
    for key, value in source.annotations.items():
        if isinstance(value, str):
            sb.annotations[key] = value
            sb.src["annotation:" + key] = join(ann_ptr, key)
    return sb


def qos_of(source: PodSource) -> QoS:
    spec = source.spec
    return qos_class(
        [c for key in ("containers", "initContainers") for c in spec.get(key) or [] if isinstance(c, dict)]
    )

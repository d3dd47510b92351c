"""The second hop, CRI-O flavour: where its config.json differs from containerd's.

Sources: CRI-O `internal/config/capabilities` (Default: 9 caps), `setupCapabilities` (toCAPPrefixed adds `CAP_`
only when missing), `pkg/annotations/internal.go` (the `io.kubernetes.cri-o.*` keys), `internal/factory/container`
(binds with a trailing `bind` option, /run/.containerenv, hostname in every spec), pinns (net/ipc/uts namespaces
pinned under /var/run and joined by path), `default_ulimits`, `pids_limit`. Values CRI-O takes from the clock or
the image store (Created, image ids, layer ids, the pod IP) come from `PodState.extra` or are derived.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from app.core.kube.containerd import (
    CONTAINERD_READONLY,
    apparmor_profile,
    device_entries,
    seccomp_profile,
    selinux_labels_for,
)
from app.core.kube.cri_config import MASKED_PATHS, CriContainer, CriMount, CriSandbox, Note
from app.core.kube.identity import PodIdentity, derived_uid, hexid
from app.core.kube.node import NodeModel
from app.core.kube.oci import (
    DEFAULT_PATH,
    Json,
    Provenance,
    default_mounts,
    depth,
    image_groups,
    merge_gids,
    process_args,
    replace_or_append_env,
    resolve_user,
    unknown_entrypoint,
    unknown_entrypoint_message,
)
from app.core.kube.resources import SANDBOX_OOM
from app.core.kube.security import crio_cap, has_selinux_options

PREFIX = "io.kubernetes.cri-o."
PROPAGATION_OPTION = {"private": "rprivate", "host_to_container": "rslave", "bidirectional": "rshared"}
CRIO_OCI_VERSION = "1.0.2-dev"
CRIO_APPARMOR_DEFAULT = "crio-default"


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _extra(pod: PodIdentity, key: str, default: str) -> str:
    value = pod.state.extra.get(key)
    return value if isinstance(value, str) else default


def _layer(pod: PodIdentity, cid: str) -> str:
    layers = pod.state.extra.get("layers")
    found = layers.get(cid) if isinstance(layers, dict) else None
    return found if isinstance(found, str) else hexid("layer/" + cid)


def _namespaces(pod: PodIdentity, *, sandbox: bool, node: NodeModel, privileged: bool) -> list[Json]:
    token = derived_uid(pod.name + "/pinns")
    out: list[Json] = [
        {"type": "pid"},
        {"type": "network", "path": f"/var/run/netns/{token}"},
        {"type": "ipc", "path": f"/var/run/ipcns/{token}"},
        {"type": "uts", "path": f"/var/run/utsns/{token}"},
        {"type": "mount"},
    ]
    if not sandbox and node.cgroup_version == 2 and not privileged:
        out.append({"type": "cgroup"})
    return out


def _annotations(
    node: NodeModel,
    pod: PodIdentity,
    sb: CriSandbox,
    cid: str,
    *,
    kind: str,
    name: str,
    image: str,
    mounts: list[CriMount] | None = None,
) -> dict[str, str]:
    labels = {"io.kubernetes.pod.name": pod.name, "io.kubernetes.pod.namespace": pod.namespace,
              "io.kubernetes.pod.uid": pod.uid}  # fmt: skip
    if kind == "container":
        labels["io.kubernetes.container.name"] = name
    seen = _extra(pod, "config_seen", "1970-01-01T00:00:00Z")
    kubelet_annotations = {"kubernetes.io/config.seen": seen, "kubernetes.io/config.source": "api"}
    full = f"k8s_{name}_{pod.name}_{pod.namespace}_{pod.uid}_0"
    image_refs = pod.state.extra.get("image_refs")
    image_ref = image_refs.get(image) if isinstance(image_refs, dict) else None
    out = {
        "io.container.manager": "cri-o",
        PREFIX + "Annotations": _compact(kubelet_annotations),
        PREFIX + "ContainerID": cid,
        PREFIX + "ContainerName": full,
        PREFIX + "ContainerType": kind,
        PREFIX + "Created": _extra(pod, "created", "1970-01-01T00:00:00Z"),
        PREFIX + "Image": image,
        PREFIX + "ImageName": image,
        PREFIX + "KubeName": pod.name if kind == "sandbox" else name,
        PREFIX + "Labels": json.dumps(labels, separators=(",", ":"), sort_keys=True),
        PREFIX + "LogPath": f"/var/log/pods/{pod.namespace}_{pod.name}_{pod.uid}/{name}/0.log",
        PREFIX + "Metadata": _compact(
            {"name": name, "attempt": 0}
            if kind == "container"
            else {"name": pod.name, "uid": pod.uid, "namespace": pod.namespace}
        ),  # fmt: skip
        PREFIX + "MountPoint": f"{node.crio_storage}/{_layer(pod, cid)}/merged",
        PREFIX + "Name": full,
        PREFIX + "Namespace": pod.namespace,
        PREFIX + "ResolvPath": f"{node.crio_run}/{pod.sandbox_id}/userdata/resolv.conf",
        PREFIX + "SandboxID": pod.sandbox_id,
        PREFIX + "SandboxName": f"k8s_{pod.name}_{pod.namespace}_{pod.uid}_0",
        PREFIX + "SeccompProfilePath": "",
        PREFIX + "Stdin": "false",
        PREFIX + "StdinOnce": "false",
        PREFIX + "TTY": "false",
        "io.kubernetes.pod.name": pod.name,
        "io.kubernetes.pod.namespace": pod.namespace,
        "io.kubernetes.pod.uid": pod.uid,
        **kubelet_annotations,
    }
    if kind == "container":
        out[PREFIX + "ImageRef"] = image_ref if isinstance(image_ref, str) else "sha256:" + hexid("image/" + image)
        volumes = [{"container_path": m.container_path, "host_path": m.host_path, "readonly": m.readonly}
                   for m in mounts or []]  # fmt: skip
        out[PREFIX + "Volumes"] = _compact(volumes)
        out.update(
            {
                "io.kubernetes.container.hash": _extra(pod, "container_hash", hexid("hash/" + cid)[:8]),
                "io.kubernetes.container.restartCount": "0",
                "io.kubernetes.container.terminationMessagePath": "/dev/termination-log",
                "io.kubernetes.container.terminationMessagePolicy": "File",
            }
        )
    else:
        out.update(
            {
                PREFIX + "CgroupParent": sb.cgroup_parent,
                PREFIX + "HostName": sb.hostname or node.node_name,
                PREFIX + "HostNetwork": str(sb.host_network).lower(),
                PREFIX + "HostnamePath": f"{node.crio_run}/{pod.sandbox_id}/userdata/hostname",
                PREFIX + "NamespaceOptions": _compact({"pid": 2 if sb.host_pid else 1}),
                PREFIX + "PortMappings": "[]",
                PREFIX + "PrivilegedRuntime": str(sb.privileged).lower(),
                PREFIX + "RuntimeHandler": sb.runtime_handler,
                PREFIX + "ShmPath": f"{node.crio_run}/{pod.sandbox_id}/userdata/shm",
                PREFIX + "IP.0": _extra(pod, "ip", "10.85.0.2"),
            }
        )
    for key, value in sb.annotations.items():
        if node.passes_pod_annotation(key):
            out[key] = value
    return dict(sorted(out.items()))


def _caps(node: NodeModel, c: CriContainer) -> list[str]:
    """setupCapabilities: the default set, ALL, then each add and drop with the `CAP_` prefix added if missing."""
    caps = list(node.crio_default_caps)
    if c.privileged:
        return list(node.all_caps)
    if any(a.upper() == "ALL" for a, _ in c.caps_add):
        caps = list(node.all_caps)
    if any(d.upper() == "ALL" for d, _ in c.caps_drop):
        caps = []
    for name, _ in c.caps_add:
        if name.upper() != "ALL" and crio_cap(name) not in caps:
            caps.append(crio_cap(name))
    drops = {crio_cap(d) for d, _ in c.caps_drop if d.upper() != "ALL"}
    return [cap for cap in caps if cap not in drops]


def container_spec(node: NodeModel, pod: PodIdentity, sb: CriSandbox, c: CriContainer, prov: Provenance) -> Json:
    cid = pod.container_id(c.name, flavour="cri-o")
    image = node.image(c.image)
    notes = c.notes
    run = f"{node.crio_run}/{pod.sandbox_id}/userdata"
    env = replace_or_append_env([DEFAULT_PATH, "TERM=xterm", f"HOSTNAME={sb.hostname or node.node_name}"],
                                [*image.env, *(f"{k}={v}" for k, v, _ in c.env)])  # fmt: skip
    caps = _caps(node, c)
    args = process_args(c.command, c.args, image)
    if not args and c.image not in node.images:
        args = unknown_entrypoint(c.image)
        prov.mark("/process/args", c.pointer + "/image")
        notes.append(Note("KUBE-IMAGE-UNKNOWN", "info", c.pointer, unknown_entrypoint_message(c.image)))
    process: Json = {"user": {}, "args": args, "env": env, "cwd": c.working_dir or image.working_dir or "/"}
    if c.tty:
        process["terminal"] = True
    process["capabilities"] = {k: list(caps) for k in ("bounding", "effective", "permitted")} if caps else {}
    prov.mark("/process/capabilities", c.src.get("privileged") if c.privileged else None)
    for i, cap in enumerate(caps):
        src = next((p for a, p in c.caps_add if crio_cap(a) == cap), None)
        for key in ("bounding", "effective", "permitted"):
            prov.mark(f"/process/capabilities/{key}/{i}", src)
    if c.run_as_user is not None:
        userstr = str(c.run_as_user) + (f":{c.run_as_group}" if c.run_as_group is not None else "")
    else:
        userstr = image.user
    uid, gid = resolve_user(image, userstr, notes, c.src.get("run_as_user", c.pointer)) if userstr else (0, 0)
    groups = [] if c.strict_groups else image_groups(image, userstr or "0")
    process["user"] = {"uid": uid, "gid": gid}
    additional = merge_gids([gid], groups, list(c.supplemental_groups))
    if additional:
        process["user"]["additionalGids"] = additional
    prov.mark("/process/user/uid", c.src.get("run_as_user"))
    if node.crio_default_ulimits:
        process["rlimits"] = [{"type": t, "hard": h, "soft": s} for t, h, s in node.crio_default_ulimits]
    if c.no_new_privs:
        process["noNewPrivileges"] = True
        prov.mark("/process/noNewPrivileges", c.src.get("no_new_privs"))
    apparmor = apparmor_profile(c.apparmor, c.privileged, node, notes, c.pointer)
    if apparmor:
        process["apparmorProfile"] = CRIO_APPARMOR_DEFAULT if apparmor == "cri-containerd.apparmor.d" else apparmor
    own = has_selinux_options(c.selinux) and c.src.get("selinux", "").startswith(c.pointer + "/")
    options = c.selinux if own else sb.selinux
    label_src = (c.src.get("selinux") if own else sb.src.get("selinux")) or c.pointer
    process_label, mount_label = selinux_labels_for(node, options, label_src, pod.sandbox_id, notes if own else [],
                                          f"container {c.name!r}")  # fmt: skip
    if process_label:
        process["selinuxLabel"] = process_label
        prov.mark("/process/selinuxLabel", label_src)
    process["oomScoreAdj"] = c.resources.oom_score_adj

    mounts = default_mounts(writable_sys=c.privileged)
    mounts = [m for m in mounts if m["destination"] != "/dev/shm"]
    mounts.append({"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
                   "options": ["nosuid", "noexec", "nodev", "relatime", "rw" if c.privileged else "ro"]})  # fmt: skip
    ro = "ro" if c.readonly_rootfs else "rw"
    own_mounts: list[tuple[Json, str]] = [
        ({"destination": "/dev/shm", "type": "bind", "source": "/dev/shm" if sb.host_ipc else f"{run}/shm",
          "options": ["rw", "bind"]}, ""),
        ({"destination": "/etc/resolv.conf", "type": "bind", "source": f"{run}/resolv.conf",
          "options": [ro, "bind", "nodev", "nosuid", "noexec"]}, ""),
        ({"destination": "/etc/hostname", "type": "bind", "source": f"{run}/hostname", "options": [ro, "bind"]}, ""),
        ({"destination": "/run/.containerenv", "type": "bind", "source": f"{run}/.containerenv",
          "options": ["rw", "bind"]}, ""),
    ]  # fmt: skip
    taken = {m.container_path for m in c.mounts}
    binds = [(m, s) for m, s in own_mounts if m["destination"] not in taken]
    propagation: tuple[str, str] | None = None
    for m in c.mounts:
        option = PROPAGATION_OPTION[m.propagation]
        where = m.fields.get("propagation", m.src)
        if m.propagation == "bidirectional":
            propagation = ("rshared", where)
        elif m.propagation == "host_to_container" and propagation is None:
            propagation = ("rslave", where)
        mode = ("rro" if m.recursive_readonly else "ro") if m.readonly else "rw"
        binds.append(({"destination": m.container_path, "type": "bind", "source": m.host_path,
                       "options": [mode, "rbind", option, "bind"]}, m.src))  # fmt: skip
    binds.sort(key=lambda item: depth(item[0]["destination"]))
    for bind_, src in binds:
        prov.mark(f"/mounts/{len(mounts)}", src)
        mounts.append(bind_)

    resources: Json = {"devices": [{"allow": False, "access": "rwm"}]}
    res = c.resources
    if res.memory_limit:
        resources["memory"] = {"limit": res.memory_limit}
        if node.swap_controller:
            resources["memory"]["swap"] = res.memory_swap_limit or res.memory_limit
    cpu = {k: v for k, v in (("shares", res.cpu_shares), ("quota", res.cpu_quota), ("period", res.cpu_period)) if v}
    if cpu:
        resources["cpu"] = cpu
    if node.crio_pids_limit:
        resources["pids"] = {"limit": node.crio_pids_limit}
    if res.hugepages:
        resources["hugepageLimits"] = [{"pageSize": s, "limit": li} for s, li in res.hugepages]
    prov.mark("/linux/resources", c.src.get("resources"))
    linux: Json = {
        "resources": resources,
        "cgroupsPath": f"{sb.cgroup_parent}:crio:{cid}",
        "namespaces": _namespaces(pod, sandbox=False, node=node, privileged=c.privileged),
    }
    seccomp, seccomp_src = seccomp_profile(c.seccomp, c.privileged, caps, node, notes, c.pointer)
    if seccomp is not None:
        linux["seccomp"] = seccomp
        prov.mark("/linux/seccomp", seccomp_src)
    if not c.privileged:
        if c.masked_paths:
            linux["maskedPaths"] = list(c.masked_paths)
        if c.readonly_paths:
            linux["readonlyPaths"] = list(c.readonly_paths)
    devices = device_entries(c, linux, prov)
    if c.privileged and not node.privileged_without_host_devices:
        devices += [dict(d) for d in node.host_devices]
        linux["resources"]["devices"] = [{"allow": True, "access": "rwm"}]
    if devices:
        linux["devices"] = devices
    if propagation:
        linux["rootfsPropagation"] = propagation[0]
        prov.mark("/linux/rootfsPropagation", propagation[1])
    if mount_label:
        linux["mountLabel"] = mount_label
    root: Json = {"path": f"{node.crio_storage}/{_layer(pod, cid)}/merged"}
    if c.readonly_rootfs:
        root["readonly"] = True
        prov.mark("/root/readonly", c.src.get("readonly_rootfs"))
    return {
        "ociVersion": node.oci_version if node.oci_version != "1.2.1" else CRIO_OCI_VERSION,
        "process": process,
        "root": root,
        "hostname": sb.hostname or node.node_name,
        "mounts": mounts,
        "annotations": _annotations(node, pod, sb, cid, kind="container", name=c.name, image=c.image, mounts=c.mounts),
        "linux": linux,
    }


def sandbox_spec(node: NodeModel, pod: PodIdentity, sb: CriSandbox, prov: Provenance) -> Json:
    """The CRI-O infra container."""
    run = f"{node.crio_run}/{pod.sandbox_id}/userdata"
    image = node.image(node.pause_image)
    userstr = (
        str(sb.run_as_user) + (f":{sb.run_as_group}" if sb.run_as_group is not None else "")
        if sb.run_as_user is not None
        else image.user or "65535:65535"
    )
    uid, gid = resolve_user(image, userstr, sb.notes, sb.src.get("run_as_user", sb.pointer))
    caps = list(node.crio_default_caps)
    process: Json = {
        "user": {"uid": uid, "gid": gid},
        "args": list(image.entrypoint + image.cmd) or ["/pause"],
        "env": replace_or_append_env([DEFAULT_PATH, "TERM=xterm"], list(image.env)),
        "cwd": "/",
        "capabilities": {k: list(caps) for k in ("bounding", "effective", "permitted")},
        "noNewPrivileges": True,
        "oomScoreAdj": SANDBOX_OOM,
    }
    process_label, mount_label = selinux_labels_for(node, sb.selinux, sb.src.get("selinux", sb.pointer), pod.sandbox_id,
                                          sb.notes, "the Pod")  # fmt: skip
    if sb.host_pid or sb.host_ipc:
        # RunPodSandbox: "Don't use SELinux separation with Host Pid or IPC Namespace".
        process_label, mount_label = "", ""
    if process_label:
        process["selinuxLabel"] = process_label
        prov.mark("/process/selinuxLabel", sb.src.get("selinux"))
    mounts = [m for m in default_mounts() if m["destination"] != "/dev/shm"]
    mounts += [
        {"destination": "/dev/shm", "type": "bind", "source": "/dev/shm" if sb.host_ipc else f"{run}/shm",
         "options": ["rw", "bind"]},
        {"destination": "/etc/resolv.conf", "type": "bind", "source": f"{run}/resolv.conf",
         "options": ["ro", "bind", "nodev", "nosuid", "noexec"]},
        {"destination": "/etc/hostname", "type": "bind", "source": f"{run}/hostname",
         "options": ["ro", "bind", "nodev", "nosuid", "noexec"]},
    ]  # fmt: skip
    sysctls = dict(sb.sysctls)
    if not sb.host_network:
        sysctls.setdefault("net.ipv4.ip_unprivileged_port_start", "0")
        if not sb.userns:
            sysctls.setdefault("net.ipv4.ping_group_range", "0 2147483647")
    linux: Json = {}
    if sysctls:
        linux["sysctl"] = dict(sorted(sysctls.items()))
        for key in sysctls:
            prov.mark(f"/linux/sysctl/{key}", sb.src.get("sysctl:" + key))
    linux["resources"] = {"cpu": {"shares": 2}}
    linux["cgroupsPath"] = f"{sb.cgroup_parent}:crio:{pod.sandbox_id}"
    linux["namespaces"] = _namespaces(pod, sandbox=True, node=node, privileged=sb.privileged)
    seccomp, seccomp_src = seccomp_profile(sb.seccomp, sb.privileged, caps, node, sb.notes, sb.pointer)
    if seccomp is not None:
        linux["seccomp"] = seccomp
        prov.mark("/linux/seccomp", seccomp_src)
    linux["maskedPaths"] = list(MASKED_PATHS)
    linux["readonlyPaths"] = list(CONTAINERD_READONLY)
    if mount_label:
        linux["mountLabel"] = mount_label
    spec: Json = {
        "ociVersion": node.oci_version if node.oci_version != "1.2.1" else CRIO_OCI_VERSION,
        "process": process,
        "root": {"path": f"{node.crio_storage}/{_layer(pod, pod.sandbox_id)}/merged", "readonly": True},
        "hostname": sb.hostname or node.node_name,
        "mounts": mounts,
        "annotations": _annotations(
            node, pod, sb, pod.sandbox_id, kind="sandbox", name="POD", image=node.pause_image
        ),  # fmt: skip
        "linux": copy.deepcopy(linux),
    }
    return spec

"""The second hop, containerd 2.x: the config.json its CRI plugin writes for a ContainerConfig and for the sandbox.

Sources (containerd main @ 301026e): `internal/cri/server/container_create.go` (buildLinuxSpec,
linuxContainerMounts, platformSpecOpts), `container_create_linux.go` (containerSpecOpts),
`internal/cri/opts/spec_linux_opts.go` (withMounts, WithResources), `internal/cri/opts/spec_opts.go`
(WithCapabilities, WithPodNamespaces, WithSupplementalGroups), `internal/cri/sputil` (seccomp, AppArmor),
`internal/cri/server/podsandbox/sandbox_run_linux.go` (sandboxContainerSpec), `internal/cri/annotations`.
"""

from __future__ import annotations

import copy
from typing import Any

from app.core.kube.cri_config import CriContainer, CriMount, CriSandbox, Note, Profile
from app.core.kube.identity import PodIdentity
from app.core.kube.node import CONTAINERD_CAPS, NodeModel
from app.core.kube.oci import (
    DEFAULT_PATH,
    Json,
    Provenance,
    bind,
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
from app.core.kube.resources import SANDBOX_OOM, CriResources
from app.core.kube.security import (
    APPARMOR_DEFAULT,
    apply_capabilities,
    default_seccomp,
    has_selinux_options,
    selinux_labels,
)
from app.core.pointer import ptr

CONTAINERD_MASKED = (
    "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
    "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/sys/devices/virtual/powercap", "/proc/scsi",
)  # fmt: skip
"""populateDefaultUnixSpec's masked paths, which the sandbox (pause) spec keeps."""
CONTAINERD_READONLY = ("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger")

PROPAGATION_OPTION = {"private": "rprivate", "host_to_container": "rslave", "bidirectional": "rshared"}

SELINUX_DROPPED = "KUBE-SELINUX-DROPPED"


def _cgroups_path(parent: str, cid: str) -> str:
    """getCgroupsPath: `slice:cri-containerd:id` for a systemd slice, else parent/id."""
    base = parent.rsplit("/", 1)[-1]
    if base.endswith(".slice"):
        return f"{base}:cri-containerd:{cid}"
    return f"{parent.rstrip('/')}/{cid}"


def _userns(node: NodeModel, pod: PodIdentity) -> list[Json]:
    return [{"containerID": 0, "hostID": pod.userns_host_id, "size": 65536}]


def _resources(res: CriResources) -> Json:
    """WithResources: cpu and memory are always present (maybe empty); huge pages and unified when given."""
    cpu: Json = {}
    if res.cpu_shares:
        cpu["shares"] = res.cpu_shares
    if res.cpu_quota:
        cpu["quota"] = res.cpu_quota
    if res.cpu_period:
        cpu["period"] = res.cpu_period
    memory: Json = {}
    if res.memory_limit:
        memory["limit"] = res.memory_limit
    out: Json = {"devices": [{"allow": False, "access": "rwm"}], "memory": memory, "cpu": cpu}
    return out


def seccomp_profile(
    profile: Profile | None, privileged: bool, bounding: list[str], node: NodeModel, notes: list[Note], fallback: str
) -> tuple[Json | None, str]:
    """GenerateSeccompSpecOpts: nothing for privileged, Unconfined or unset; the default profile; a Localhost file."""
    if privileged or profile is None or profile.type == "Unconfined":
        return None, ""
    if profile.type == "RuntimeDefault":
        return default_seccomp(bounding), profile.src
    if profile.type == "Localhost":
        found = node.seccomp_profiles.get(profile.localhost)
        if found is None:
            notes.append(
                Note("KUBE-SECCOMP-LOCALHOST", "warning", profile.src or fallback,
                     f"the Localhost seccomp profile {profile.localhost!r} is read from the node, and the node model "
                     "does not hold it: it was not judged (containerd fails if the file is missing)")
            )  # fmt: skip
            return None, ""
        return copy.deepcopy(dict(found)), profile.src
    notes.append(Note("KUBE-POD-INVALID", "error", profile.src or fallback, f"unknown seccomp type {profile.type!r}"))
    return None, ""


def apparmor_profile(
    profile: Profile | None, privileged: bool, node: NodeModel, notes: list[Note], fallback: str
) -> str:
    """GenerateApparmorSpecOpts: unset means RuntimeDefault (kubernetes#51746), skipped for privileged containers."""
    if not node.apparmor:
        if profile is not None and profile.type != "Unconfined":
            notes.append(
                Note("KUBE-APPARMOR-UNSUPPORTED", "error", profile.src or fallback,
                     "the node has no AppArmor: containerd refuses to create the container (apparmor is not supported)")
            )  # fmt: skip
        return ""
    kind = profile.type if profile is not None else "RuntimeDefault"
    if kind == "Unconfined":
        return ""
    if kind == "RuntimeDefault":
        return "" if privileged else APPARMOR_DEFAULT
    if kind == "Localhost" and profile is not None:
        return profile.localhost.removeprefix("localhost/")
    notes.append(Note("KUBE-POD-INVALID", "error", fallback, f"unknown AppArmor type {kind!r}"))
    return ""


def selinux_labels_for(
    node: NodeModel, options: dict[str, Any] | None, src: str, seed: str, notes: list[Note], what: str
) -> tuple[str, str]:
    """The labels of one spec: none unless the CRI runtime labels containers (enable_selinux)."""
    if not node.selinux:
        if has_selinux_options(options):
            notes.append(
                Note(SELINUX_DROPPED, "warning", src,
                     f"seLinuxOptions of {what} are dropped because the node's CRI runtime does not label containers "
                     "(containerd enable_selinux=false); on an SELinux-labelling node runsc refuses every labelled "
                     "container (SELinux is not supported)")
            )  # fmt: skip
        return "", ""
    return selinux_labels(options, seed)


def container_spec(node: NodeModel, pod: PodIdentity, sb: CriSandbox, c: CriContainer, prov: Provenance) -> Json:
    """buildContainerSpec + platformSpecOpts for one app, init or ephemeral container."""
    cid = pod.container_id(c.name)
    image = node.image(c.image)
    userns = _userns(node, pod) if sb.userns else None
    notes = c.notes

    # process: args, env, cwd, tty
    args = process_args(c.command, c.args, image)
    if not args and c.image not in node.images:
        args = unknown_entrypoint(c.image)
        prov.mark("/process/args", c.pointer + "/image")
        notes.append(Note("KUBE-IMAGE-UNKNOWN", "info", c.pointer, unknown_entrypoint_message(c.image)))
    else:
        prov.mark("/process/args", c.src.get("args") or c.pointer + ("/command" if c.command else "/args"))
    env = replace_or_append_env([DEFAULT_PATH], [f"HOSTNAME={sb.hostname or node.node_name}"])
    env = replace_or_append_env(env, [*image.env, *(f"{k}={v}" for k, v, _ in c.env)])
    for i, item in enumerate(env):
        key = item.split("=", 1)[0]
        src = next((p for k, _, p in reversed(c.env) if k == key), None)
        prov.mark(f"/process/env/{i}", src)
    process: Json = {"user": {}, "args": args, "env": env, "cwd": c.working_dir or image.working_dir or "/"}
    prov.mark("/process/cwd", c.pointer + "/workingDir" if c.working_dir else None)
    if c.tty:
        process["terminal"] = True
        prov.mark("/process/terminal", c.pointer + "/tty")

    # capabilities: the default set, the Pod's add/drop, then privileged replaces all three sets
    caps: dict[str, list[str]] = {k: list(CONTAINERD_CAPS) for k in ("bounding", "effective", "permitted")}
    if c.caps_given:
        caps = apply_capabilities(caps, [a for a, _ in c.caps_add], [d for d, _ in c.caps_drop], node.all_caps)
    if c.privileged:
        caps = {k: list(node.all_caps) for k in ("bounding", "effective", "permitted")}
    caps = {k: v for k, v in caps.items() if v}
    process["capabilities"] = caps
    if c.privileged:
        prov.mark("/process/capabilities", c.src.get("privileged"))
    else:
        for key, values in caps.items():
            for i, cap in enumerate(values):
                src = next((p for a, p in c.caps_add if "CAP_" + a.upper() == cap), None)
                prov.mark(f"/process/capabilities/{key}/{i}", src)
        if c.caps_given:
            drop_all = next((p for d, p in c.caps_drop if d.upper() == "ALL"), None)
            prov.mark("/process/capabilities", drop_all or c.pointer + "/securityContext/capabilities")

    if c.no_new_privs:
        process["noNewPrivileges"] = True
    prov.mark("/process/noNewPrivileges", c.src.get("no_new_privs"))
    apparmor = apparmor_profile(c.apparmor, c.privileged, node, notes, c.pointer)
    if apparmor:
        process["apparmorProfile"] = apparmor
        prov.mark("/process/apparmorProfile", c.apparmor.src if c.apparmor else None)
    process["oomScoreAdj"] = c.resources.oom_score_adj
    prov.mark("/process/oomScoreAdj", c.src.get("resources"))
    label_options = c.selinux if has_selinux_options(c.selinux) else sb.selinux
    label_src = c.src.get("selinux") if has_selinux_options(c.selinux) else sb.src.get("selinux")
    # A Pod-level seLinuxOptions dropped on a non-labelling node is reported once, on the sandbox.
    own = has_selinux_options(c.selinux) and c.src.get("selinux", "").startswith(c.pointer + "/")
    process_label, mount_label = selinux_labels_for(
        node, label_options, label_src or c.pointer, pod.sandbox_id, notes if own else [], f"container {c.name!r}"
    )
    if process_label:
        process["selinuxLabel"] = process_label
        prov.mark("/process/selinuxLabel", label_src)

    # user: kubelet's runAsUser (or the image's numeric user), runAsGroup; groups from the image and the Pod
    user_src = c.src.get("run_as_user") or c.pointer
    if c.run_as_user is not None:
        userstr = str(c.run_as_user) + (f":{c.run_as_group}" if c.run_as_group is not None else "")
    elif image.user.partition(":")[0].isdigit():
        userstr = image.user.partition(":")[0] + (f":{c.run_as_group}" if c.run_as_group is not None else "")
    else:
        userstr = image.user.partition(":")[0] if image.user else ""
        if userstr and c.run_as_group is not None:
            userstr += f":{c.run_as_group}"
        elif c.run_as_group is not None:
            notes.append(
                Note("KUBE-USER-GROUP-WITHOUT-USER", "error", c.src.get("run_as_group", c.pointer),
                     "runAsGroup without a user (Pod or image): containerd refuses the container "
                     "(user group is specified without user)")
            )  # fmt: skip
    uid, gid = resolve_user(image, userstr, notes, user_src) if userstr else (0, 0)
    groups = [] if c.strict_groups else image_groups(image, userstr or "0")
    additional = merge_gids([gid], groups, list(c.supplemental_groups))
    process["user"] = {"uid": uid, "gid": gid}
    if additional:
        process["user"]["additionalGids"] = additional
    prov.mark("/process/user/uid", c.src.get("run_as_user"))
    prov.mark("/process/user/gid", c.src.get("run_as_group"))
    prov.mark("/process/user/additionalGids", c.src.get("supplemental_groups") if c.supplemental_groups else None)

    # root
    root: Json = {"path": "rootfs"}
    if c.readonly_rootfs:
        root["readonly"] = True
        prov.mark("/root/readonly", c.src.get("readonly_rootfs"))

    # mounts: defaults minus the overridden ones, the cgroup mount, then the CRI and containerd mounts by depth
    linux: Json = {}
    mounts, propagation = _container_mounts(node, pod, sb, c, userns, prov)

    # linux
    linux["resources"] = _resources(c.resources)
    res = c.resources
    if res.memory_limit and node.swap_controller:
        linux["resources"]["memory"]["swap"] = res.memory_swap_limit or res.memory_limit
    if res.hugepages:
        linux["resources"]["hugepageLimits"] = [{"pageSize": size, "limit": limit} for size, limit in res.hugepages]
    if res.unified:
        linux["resources"]["unified"] = dict(sorted(res.unified.items()))
    prov.mark("/linux/resources", c.src.get("resources"))
    linux["cgroupsPath"] = _cgroups_path(sb.cgroup_parent, cid)
    namespaces: list[Json] = [
        {"type": "pid"},
        {"type": "ipc", "path": f"/proc/{pod.pause_pid}/ns/ipc"},
        {"type": "uts", "path": f"/proc/{pod.pause_pid}/ns/uts"},
        {"type": "mount"},
        {"type": "network", "path": f"/proc/{pod.pause_pid}/ns/net"},
    ]
    if node.cgroup_version == 2 and not c.privileged:
        namespaces.append({"type": "cgroup"})
    if c.pid_mode in ("pod", "node"):
        namespaces[0]["path"] = f"/proc/{pod.pause_pid}/ns/pid"
    elif c.pid_mode == "target":
        namespaces[0]["path"] = f"/proc/{pod.container_pid(c.target)}/ns/pid"
    prov.mark("/linux/namespaces/0", c.src.get("pid"))
    prov.mark("/linux/namespaces/1", sb.src["host_ipc"] if sb.host_ipc else None)
    prov.mark("/linux/namespaces/2", sb.src["host_network"] if sb.host_network else None)
    prov.mark("/linux/namespaces/4", sb.src["host_network"] if sb.host_network else None)
    if userns is not None:
        namespaces.append({"type": "user", "path": f"/proc/{pod.pause_pid}/ns/user"})
        prov.mark(f"/linux/namespaces/{len(namespaces) - 1}", sb.src["userns"])
        linux["uidMappings"] = copy.deepcopy(userns)
        linux["gidMappings"] = copy.deepcopy(userns)
        prov.mark("/linux/uidMappings", sb.src["userns"])
        prov.mark("/linux/gidMappings", sb.src["userns"])
    linux["namespaces"] = namespaces
    seccomp, seccomp_src = seccomp_profile(c.seccomp, c.privileged, caps.get("bounding", []), node, notes, c.pointer)
    if seccomp is not None:
        linux["seccomp"] = seccomp
        prov.mark("/linux/seccomp", seccomp_src)
    devices = device_entries(c, linux, prov)
    if not c.privileged:
        if c.masked_paths:
            linux["maskedPaths"] = list(c.masked_paths)
        if c.readonly_paths:
            linux["readonlyPaths"] = list(c.readonly_paths)
        prov.mark("/linux/maskedPaths", c.src.get("proc_mount"))
        prov.mark("/linux/readonlyPaths", c.src.get("proc_mount"))
    elif not node.privileged_without_host_devices:
        # WithHostDevices appends every host device; WithAllDevicesAllowed replaces the cgroup rules.
        for i, device in enumerate(node.host_devices, start=len(devices)):
            devices.append(dict(device))
            prov.mark(f"/linux/devices/{i}", c.src.get("privileged"))
        linux["resources"]["devices"] = [{"allow": True, "access": "rwm"}]
        prov.mark("/linux/resources/devices", c.src.get("privileged"))
    if devices:
        linux["devices"] = devices
    if propagation:
        linux["rootfsPropagation"] = propagation[0]
        prov.mark("/linux/rootfsPropagation", propagation[1])
    if mount_label:
        linux["mountLabel"] = mount_label
        prov.mark("/linux/mountLabel", label_src)

    annotations = {
        "io.kubernetes.cri.container-type": "container",
        "io.kubernetes.cri.sandbox-id": pod.sandbox_id,
        "io.kubernetes.cri.sandbox-name": pod.name,
        "io.kubernetes.cri.sandbox-namespace": pod.namespace,
        "io.kubernetes.cri.sandbox-uid": pod.uid,
        "io.kubernetes.cri.container-name": c.name,
        "io.kubernetes.cri.image-name": c.image,
    }
    _pass_annotations(node, sb, annotations, prov)
    prov.mark("/annotations/io.kubernetes.cri.container-name", c.pointer + "/name")
    prov.mark("/annotations/io.kubernetes.cri.image-name", c.pointer + "/image")
    return {
        "ociVersion": node.oci_version,
        "process": process,
        "root": root,
        "mounts": mounts,
        "annotations": dict(sorted(annotations.items())),
        "linux": linux,
    }


def device_entries(c: CriContainer, linux: Json, prov: Provenance) -> list[Json]:
    """WithDevices: each device plugin device becomes a `linux.devices` entry and an `allow` cgroup rule."""
    devices: list[Json] = []
    rules = linux["resources"]["devices"]
    for device, src in c.devices:
        entry = {k: v for k, v in device.items() if k != "permissions"}
        prov.mark(f"/linux/devices/{len(devices)}", src)
        devices.append(entry)
        prov.mark(f"/linux/resources/devices/{len(rules)}", src)
        rules.append(
            {
                "allow": True,
                "type": entry.get("type", "c"),
                "major": entry.get("major"),
                "minor": entry.get("minor"),
                "access": device.get("permissions", "rwm"),
            }
        )
    return devices


def _pass_annotations(node: NodeModel, sb: CriSandbox, annotations: dict[str, str], prov: Provenance) -> None:
    """GetPassthroughAnnotations: the Pod annotations the runtime handler's `pod_annotations` globs match."""
    for key, value in sb.annotations.items():
        if node.passes_pod_annotation(key):
            annotations[key] = value
            prov.mark(f"/annotations/{key.replace('~', '~0').replace('/', '~1')}", sb.src.get("annotation:" + key))


def _container_mounts(
    node: NodeModel, pod: PodIdentity, sb: CriSandbox, c: CriContainer, userns: list[Json] | None, prov: Provenance
) -> tuple[list[Json], tuple[str, str] | None]:
    """withMounts over kubelet's mounts plus containerd's /etc/hostname, /etc/resolv.conf and /dev/shm."""
    cri = list(c.mounts)
    taken = {m.container_path.rstrip("/") or "/" for m in cri}
    sandbox_dir = f"{node.containerd_root}/sandboxes/{pod.sandbox_id}"
    extra = [
        CriMount("/etc/hostname", f"{sandbox_dir}/hostname", c.readonly_rootfs, id_mapped=userns is not None),
        CriMount("/etc/resolv.conf", f"{sandbox_dir}/resolv.conf", c.readonly_rootfs, id_mapped=userns is not None),
        CriMount(
            "/dev/shm",
            "/dev/shm" if sb.host_ipc else f"{node.containerd_state}/sandboxes/{pod.sandbox_id}/shm",
            src=sb.src["host_ipc"] if sb.host_ipc else "",
        ),
    ]
    for m in extra:
        if m.container_path == "/etc/resolv.conf" or m.container_path == "/etc/hostname":
            m.src = c.src.get("readonly_rootfs", "") if c.readonly_rootfs else ""
    supplied = cri + [m for m in extra if m.container_path not in taken]
    supplied.sort(key=lambda m: depth(m.container_path))
    names = {m.container_path.rstrip("/") or "/" for m in supplied}
    defaults = default_mounts(writable_sys=c.privileged)
    defaults.append(
        {
            "destination": "/sys/fs/cgroup",
            "type": "cgroup",
            "source": "cgroup",
            "options": ["nosuid", "noexec", "nodev", "relatime", "rw" if c.privileged else "ro"],
        }
    )
    out = [
        m
        for m in defaults
        if m["destination"] not in names and not ("/dev" in names and m["destination"].startswith("/dev/"))
    ]
    if c.privileged:
        for i, default in enumerate(out):
            if default["destination"] in ("/sys", "/sys/fs/cgroup"):
                prov.mark(f"/mounts/{i}", c.src.get("privileged"))
    propagation: tuple[str, str] | None = None
    for m in supplied:
        option = PROPAGATION_OPTION[m.propagation]
        where = m.fields.get("propagation", m.src)
        if m.propagation == "bidirectional":
            propagation = ("rshared", where)
        elif m.propagation == "host_to_container" and propagation is None:
            propagation = ("rslave", where)
        if m.readonly:
            mode = "rro" if m.recursive_readonly else "ro"
        else:
            mode = "rw"
        index = len(out)
        out.append(bind(m, ["rbind", option, mode], userns))
        prov.mark(f"/mounts/{index}", m.src)
        prov.mark(f"/mounts/{index}/source", m.fields.get("source"))
        prov.mark(f"/mounts/{index}/options/1", m.fields.get("propagation"))
        prov.mark(f"/mounts/{index}/options/2", m.fields.get("mode"))
    return out, propagation


def sandbox_spec(node: NodeModel, pod: PodIdentity, sb: CriSandbox, prov: Provenance) -> Json:
    """sandboxContainerSpec + sandboxContainerSpecOpts: the pause container."""
    notes = sb.notes
    image = node.image(node.pause_image)
    args = list(image.entrypoint + image.cmd) or ["/pause"]
    env = replace_or_append_env([DEFAULT_PATH], list(image.env))
    user_src = sb.src.get("run_as_user") or sb.pointer
    if sb.run_as_user is not None:
        userstr = str(sb.run_as_user) + (f":{sb.run_as_group}" if sb.run_as_group is not None else "")
    else:
        userstr = image.user or "65535:65535"
    uid, gid = resolve_user(image, userstr, notes, user_src)
    user: Json = {"uid": uid, "gid": gid}
    additional = merge_gids([gid], list(sb.supplemental_groups))
    if additional:
        user["additionalGids"] = additional
    prov.mark("/process/user/uid", sb.src.get("run_as_user"))
    prov.mark("/process/user/gid", sb.src.get("run_as_group"))
    caps = list(CONTAINERD_CAPS)
    process: Json = {
        "user": user,
        "args": args,
        "env": env,
        "cwd": image.working_dir or "/",
        "capabilities": {"bounding": caps, "effective": list(caps), "permitted": list(caps)},
        "noNewPrivileges": True,
        "oomScoreAdj": SANDBOX_OOM,
    }
    process_label, mount_label = selinux_labels_for(node, sb.selinux, sb.src.get("selinux", sb.pointer), pod.sandbox_id,
                                          notes, "the Pod")  # fmt: skip
    if process_label:
        process["selinuxLabel"] = process_label
        prov.mark("/process/selinuxLabel", sb.src.get("selinux"))
    spec: Json = {"ociVersion": node.oci_version, "process": process, "root": {"path": "rootfs", "readonly": True}}
    if sb.hostname:
        spec["hostname"] = sb.hostname
    sandbox_state = f"{node.containerd_state}/sandboxes/{pod.sandbox_id}"
    mounts = [m for m in default_mounts() if m["destination"] != "/dev/shm"]
    mounts += [
        {"destination": "/dev/shm", "type": "bind", "source": "/dev/shm" if sb.host_ipc else f"{sandbox_state}/shm",
         "options": ["rbind", "ro", "nosuid", "nodev", "noexec"]},
        {"destination": "/etc/resolv.conf", "type": "bind",
         "source": f"{node.containerd_root}/sandboxes/{pod.sandbox_id}/resolv.conf",
         "options": ["rbind", "ro", "nosuid", "nodev", "noexec"]},
    ]  # fmt: skip
    if sb.host_ipc:
        prov.mark(f"/mounts/{len(mounts) - 2}", sb.src["host_ipc"])
    spec["mounts"] = mounts
    annotations = {
        "io.kubernetes.cri.container-type": "sandbox",
        "io.kubernetes.cri.sandbox-id": pod.sandbox_id,
        "io.kubernetes.cri.sandbox-name": pod.name,
        "io.kubernetes.cri.sandbox-namespace": pod.namespace,
        "io.kubernetes.cri.sandbox-uid": pod.uid,
        "io.kubernetes.cri.sandbox-log-directory": f"/var/log/pods/{pod.namespace}_{pod.name}_{pod.uid}",
        "io.kubernetes.cri.podsandbox.image-name": node.pause_image,
        "io.kubernetes.cri.sandbox-cpu-period": str(sb.resources.cpu_period),
        "io.kubernetes.cri.sandbox-cpu-quota": str(sb.resources.cpu_quota),
        "io.kubernetes.cri.sandbox-cpu-shares": str(sb.resources.cpu_shares),
        "io.kubernetes.cri.sandbox-memory": str(sb.resources.memory_limit),
    }
    _pass_annotations(node, sb, annotations, prov)
    spec["annotations"] = dict(sorted(annotations.items()))
    linux: Json = {}
    sysctls = dict(sb.sysctls)
    if not sb.host_network:
        if node.unprivileged_ports:
            sysctls.setdefault("net.ipv4.ip_unprivileged_port_start", "0")
        if node.unprivileged_icmp and not sb.userns:
            sysctls.setdefault("net.ipv4.ping_group_range", "0 2147483647")
    if sysctls:
        linux["sysctl"] = dict(sorted(sysctls.items()))
        for key in sysctls:
            prov.mark(f"/linux/sysctl/{key.replace('~', '~0').replace('/', '~1')}", sb.src.get("sysctl:" + key))
    linux["resources"] = {"devices": [{"allow": False, "access": "rwm"}], "cpu": {"shares": 2}}
    linux["cgroupsPath"] = _cgroups_path(sb.cgroup_parent, pod.sandbox_id)
    namespaces: list[Json] = []
    if not sb.host_pid:
        namespaces.append({"type": "pid"})
    if not sb.host_ipc:
        namespaces.append({"type": "ipc"})
    if not sb.host_network:
        namespaces.append({"type": "uts"})
    namespaces.append({"type": "mount"})
    if not sb.host_network:
        namespaces.append({"type": "network", "path": pod.netns})
    if sb.userns:
        user_ns: Json = {"type": "user"}
        if not sb.host_network:
            user_ns["path"] = f"{sandbox_state}/pinned-namespaces/user"
        namespaces.append(user_ns)
        linux["uidMappings"] = _userns(node, pod)
        linux["gidMappings"] = _userns(node, pod)
        prov.mark("/linux/uidMappings", sb.src["userns"])
        prov.mark("/linux/gidMappings", sb.src["userns"])
        prov.mark(f"/linux/namespaces/{len(namespaces) - 1}", sb.src["userns"])
    linux["namespaces"] = namespaces
    seccomp, seccomp_src = seccomp_profile(sb.seccomp, sb.privileged, caps, node, notes, sb.pointer)
    if seccomp is not None:
        linux["seccomp"] = seccomp
        prov.mark("/linux/seccomp", seccomp_src)
    linux["maskedPaths"] = list(CONTAINERD_MASKED)
    linux["readonlyPaths"] = list(CONTAINERD_READONLY)
    if mount_label:
        linux["mountLabel"] = mount_label
        prov.mark("/linux/mountLabel", sb.src.get("selinux"))
    spec["linux"] = linux
    prov.mark(ptr("hostname"), sb.pointer + "/hostname" if sb.hostname else None)
    return spec

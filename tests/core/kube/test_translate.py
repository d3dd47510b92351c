"""Each Pod feature as containerd 2.x (and CRI-O where it differs) writes it into config.json, with provenance."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from app.core.kube import DeviceAllocation, ImageConfig, NodeModel, PodState, TranslatedContainer, translate
from app.core.kube.node import ALL_CAPS, CONTAINERD_CAPS, CRIO_CAPS

UID = "0b3d0c1e-1111-4222-8333-944455556666"
KUBELET = f"/var/lib/kubelet/pods/{UID}"


def pod(container: dict[str, Any] | None = None, **spec: Any) -> dict[str, Any]:
    c = {"name": "app", "image": "example/app:1", "command": ["/app"]}
    c.update(container or {})
    body = {"containers": [c], **spec}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "ns", "uid": UID}, "spec": body}


def app(obj: dict[str, Any], node: NodeModel | None = None, **state: Any) -> TranslatedContainer:
    translation = translate(obj, node, state=PodState(**state))
    return next(c for c in translation.containers if c.kind == "container")


def sandbox(obj: dict[str, Any], node: NodeModel | None = None) -> TranslatedContainer:
    return translate(obj, node).containers[0]


def mount(c: TranslatedContainer, destination: str) -> tuple[int, dict[str, Any]]:
    return next((i, m) for i, m in enumerate(c.config["mounts"]) if m["destination"] == destination)


def caps(c: TranslatedContainer) -> list[str]:
    return list(c.config["process"]["capabilities"].get("bounding", []))


# --- capabilities -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("capabilities", "expected"),
    [
        pytest.param(None, list(CONTAINERD_CAPS), id="default-14"),
        pytest.param({"drop": ["ALL"]}, [], id="drop-all"),
        pytest.param({"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]}, ["CAP_NET_BIND_SERVICE"], id="drop-all-add-one"),
        pytest.param({"add": ["ALL"], "drop": ["CHOWN"]}, [c for c in ALL_CAPS if c != "CAP_CHOWN"], id="all-but-one"),
        pytest.param({"add": ["sys_admin"]}, [*CONTAINERD_CAPS, "CAP_SYS_ADMIN"], id="lower-case-add"),
        pytest.param({"add": ["CAP_SYS_CHROOT"]}, [*CONTAINERD_CAPS, "CAP_CAP_SYS_CHROOT"], id="prefix-gotcha"),
        pytest.param({"drop": ["CAP_NET_RAW"]}, list(CONTAINERD_CAPS), id="prefixed-drop-drops-nothing"),
        pytest.param({"drop": ["NET_RAW"]}, [c for c in CONTAINERD_CAPS if c != "CAP_NET_RAW"], id="drop-one"),
    ],
)
def test_capabilities_as_containerd_writes_them(capabilities: Any, expected: list[str]) -> None:
    sc = {"capabilities": capabilities} if capabilities is not None else {}
    c = app(pod({"securityContext": sc}))
    assert caps(c) == expected
    process_caps = c.config["process"]["capabilities"]
    assert "inheritable" not in process_caps and "ambient" not in process_caps
    if expected:
        assert process_caps["effective"] == process_caps["permitted"] == expected


def test_an_added_capability_points_at_its_add_entry() -> None:
    c = app(pod({"securityContext": {"capabilities": {"drop": ["ALL"], "add": ["NET_ADMIN", "SYS_TIME"]}}}))
    assert c.source("/process/capabilities/bounding/1") == "/spec/containers/0/securityContext/capabilities/add/1"
    assert c.source("/process/capabilities/effective/0") == "/spec/containers/0/securityContext/capabilities/add/0"


def test_crio_adds_the_prefix_only_when_missing_and_has_nine_default_caps() -> None:
    node = NodeModel(cri="cri-o")
    assert caps(app(pod(), node)) == list(CRIO_CAPS)
    c = app(pod({"securityContext": {"capabilities": {"add": ["CAP_SYS_CHROOT"], "drop": ["KILL"]}}}), node)
    assert caps(c) == [x for x in CRIO_CAPS if x != "CAP_KILL"] + ["CAP_SYS_CHROOT"]


# --- privileged ----------------------------------------------------------------------------------------------------


def test_privileged_gets_every_cap_no_masking_no_confinement_and_host_devices() -> None:
    devices = ({"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 438, "uid": 0, "gid": 0},)
    sc = {"privileged": True, "capabilities": {"add": ["CAP_BOGUS"]}, "seccompProfile": {"type": "RuntimeDefault"}}
    c = app(pod({"securityContext": sc}), NodeModel(host_devices=devices))
    linux, process = c.config["linux"], c.config["process"]
    # WithPrivileged runs after WithCapabilities: the bad name never reaches the runtime (cri-to-oci.md section 1)
    assert caps(c) == list(ALL_CAPS)
    assert "maskedPaths" not in linux and "readonlyPaths" not in linux and "seccomp" not in linux
    assert "apparmorProfile" not in process
    assert linux["devices"] == [dict(d) for d in devices]
    assert linux["resources"]["devices"] == [{"allow": True, "access": "rwm"}]
    assert {"type": "cgroup"} not in linux["namespaces"]
    assert mount(c, "/sys")[1]["options"][-1] == "rw" and mount(c, "/sys/fs/cgroup")[1]["options"][-1] == "rw"
    assert c.source("/process/capabilities/bounding/40") == "/spec/containers/0/securityContext/privileged"
    assert c.source("/linux/devices/0") == "/spec/containers/0/securityContext/privileged"


# --- SELinux, AppArmor, seccomp ---------------------------------------------------------------------------------


def test_selinux_labels_only_on_a_labelling_node() -> None:
    obj = pod({"securityContext": {"seLinuxOptions": {"type": "spc_t"}}}, securityContext={"seLinuxOptions": {}})
    plain = app(obj)
    assert "selinuxLabel" not in plain.config["process"] and "mountLabel" not in plain.config["linux"]
    assert [n.rule for n in plain.notes] == ["KUBE-SELINUX-DROPPED"]
    labelled = app(obj, NodeModel(selinux=True))
    label = labelled.config["process"]["selinuxLabel"]
    assert label.startswith("system_u:system_r:spc_t:s0:c")
    assert labelled.config["linux"]["mountLabel"].startswith("system_u:object_r:container_file_t:s0:c")
    assert labelled.source("/process/selinuxLabel") == "/spec/containers/0/securityContext/seLinuxOptions"


def test_pod_level_selinux_options_are_reported_once_on_the_sandbox() -> None:
    obj = pod(securityContext={"seLinuxOptions": {"level": "s0:c1,c2"}})
    translation = translate(obj)
    assert [n.pod_path for n in translation.containers[0].notes] == ["/spec/securityContext/seLinuxOptions"]
    assert translation.containers[1].notes == ()
    labelled = app(obj, NodeModel(selinux=True))
    assert labelled.config["process"]["selinuxLabel"] == "system_u:system_r:container_t:s0:c1,c2"
    assert labelled.source("/process/selinuxLabel") == "/spec/securityContext/seLinuxOptions"


@pytest.mark.parametrize(
    ("container_sc", "annotations", "privileged", "expected"),
    [
        pytest.param({}, {}, False, "cri-containerd.apparmor.d", id="unset-is-runtime-default"),
        pytest.param({}, {}, True, None, id="privileged-unset"),
        pytest.param({"appArmorProfile": {"type": "Unconfined"}}, {}, False, None, id="unconfined"),
        pytest.param(
            {"appArmorProfile": {"type": "Localhost", "localhostProfile": "deny-write"}},
            {},
            False,
            "deny-write",
            id="localhost-field",
        ),  # fmt: skip
        pytest.param(
            {},
            {"container.apparmor.security.beta.kubernetes.io/app": "localhost/legacy"},
            False,
            "legacy",
            id="legacy-annotation",
        ),  # fmt: skip
        pytest.param(
            {},
            {"container.apparmor.security.beta.kubernetes.io/app": "unconfined"},
            False,
            None,
            id="legacy-unconfined",
        ),  # fmt: skip
    ],
)
def test_apparmor(container_sc: dict[str, Any], annotations: dict[str, str], privileged: bool, expected: Any) -> None:
    obj = pod({"securityContext": {**container_sc, "privileged": privileged}})
    obj["metadata"]["annotations"] = annotations
    c = app(obj)
    assert c.config["process"].get("apparmorProfile") == expected
    if annotations and expected:
        key = "container.apparmor.security.beta.kubernetes.io~1app"
        assert c.source("/process/apparmorProfile") == f"/metadata/annotations/{key}"


def test_apparmor_on_a_node_without_it() -> None:
    assert "apparmorProfile" not in app(pod(), NodeModel(apparmor=False)).config["process"]
    c = app(pod({"securityContext": {"appArmorProfile": {"type": "RuntimeDefault"}}}), NodeModel(apparmor=False))
    assert [(n.rule, n.severity) for n in c.notes] == [("KUBE-APPARMOR-UNSUPPORTED", "error")]


def test_seccomp_types_field_and_legacy_annotation() -> None:
    assert "seccomp" not in app(pod()).config["linux"]  # Unconfined is the kubelet default
    assert "seccomp" in app(pod(), NodeModel(seccomp_default=True)).config["linux"]
    runtime_default = app(pod(securityContext={"seccompProfile": {"type": "RuntimeDefault"}}))
    seccomp = runtime_default.config["linux"]["seccomp"]
    assert seccomp["defaultAction"] == "SCMP_ACT_ERRNO"
    assert seccomp["architectures"] == ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"]
    assert runtime_default.source("/linux/seccomp/syscalls/0") == "/spec/securityContext/seccompProfile"
    unconfined = pod({"securityContext": {"seccompProfile": {"type": "Unconfined"}}},
                     securityContext={"seccompProfile": {"type": "RuntimeDefault"}})  # fmt: skip
    assert "seccomp" not in app(unconfined).config["linux"]
    legacy = pod()
    legacy["metadata"]["annotations"] = {"seccomp.security.alpha.kubernetes.io/pod": "runtime/default"}
    assert "seccomp" in app(legacy).config["linux"]
    profile = {"defaultAction": "SCMP_ACT_LOG"}
    local = pod({"securityContext": {"seccompProfile": {"type": "Localhost", "localhostProfile": "p.json"}}})
    assert app(local, NodeModel(seccomp_profiles={"p.json": profile})).config["linux"]["seccomp"] == profile
    missing = app(local)
    assert "seccomp" not in missing.config["linux"]
    assert [n.rule for n in missing.notes] == ["KUBE-SECCOMP-LOCALHOST"]


def test_the_default_seccomp_profile_follows_the_capabilities() -> None:
    admin = app(
        pod({"securityContext": {"capabilities": {"add": ["SYS_ADMIN"]}, "seccompProfile": {"type": "RuntimeDefault"}}})
    )
    names = {n for rule in admin.config["linux"]["seccomp"]["syscalls"] for n in rule["names"]}
    assert {"mount", "unshare", "chroot"} <= names and "clone3" in names
    plain = app(pod({"securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}}))
    rules = plain.config["linux"]["seccomp"]["syscalls"]
    assert {"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38} in rules
    assert not any("mount" in r["names"] for r in rules)


# --- process -------------------------------------------------------------------------------------------------------


def test_allow_privilege_escalation_read_only_root_and_proc_mount() -> None:
    sc = {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True}
    c = app(pod({"securityContext": sc}))
    assert c.config["process"]["noNewPrivileges"] is True
    assert c.config["root"] == {"path": "rootfs", "readonly": True}
    assert c.source("/process/noNewPrivileges") == "/spec/containers/0/securityContext/allowPrivilegeEscalation"
    assert mount(c, "/etc/hostname")[1]["options"] == ["rbind", "rprivate", "ro"]
    assert mount(c, "/etc/resolv.conf")[1]["options"] == ["rbind", "rprivate", "ro"]
    unset = app(pod())
    assert "noNewPrivileges" not in unset.config["process"]  # kubelet: unset is not false (AddNoNewPrivileges)
    assert len(unset.config["linux"]["maskedPaths"]) == 11 and len(unset.config["linux"]["readonlyPaths"]) == 5
    unmasked = app(pod({"securityContext": {"procMount": "Unmasked"}}, hostUsers=False))
    assert "maskedPaths" not in unmasked.config["linux"] and "readonlyPaths" not in unmasked.config["linux"]


def test_users_groups_from_pod_container_and_image() -> None:
    image = ImageConfig(user="app", passwd=(("app", 1001, 1002),), groups=(("video", 44, ("app",)),))
    node = NodeModel(images={"example/app:1": image})
    c = app(pod(), node)
    # the kubelet cannot pass a user name as a number: containerd resolves it in the image
    assert c.config["process"]["user"] == {"uid": 1001, "gid": 1002, "additionalGids": [44, 1002]}
    sc = {"runAsUser": 2000, "runAsGroup": 3000, "supplementalGroups": [5, 4], "fsGroup": 7}
    c = app(pod(securityContext=sc), node)
    assert c.config["process"]["user"] == {"uid": 2000, "gid": 3000, "additionalGids": [4, 5, 7, 3000]}
    assert c.source("/process/user/uid") == "/spec/securityContext/runAsUser"
    override = app(pod({"securityContext": {"runAsUser": 9}}, securityContext=sc), node)
    assert override.config["process"]["user"]["uid"] == 9
    assert override.source("/process/user/uid") == "/spec/containers/0/securityContext/runAsUser"
    strict = app(pod(securityContext={"runAsUser": 1001, "supplementalGroupsPolicy": "Strict"}), node)
    assert strict.config["process"]["user"] == {"uid": 1001, "gid": 1002, "additionalGids": [1002]}
    orphan = app(pod(securityContext={"runAsGroup": 5}))
    assert [n.rule for n in orphan.notes] == ["KUBE-USER-GROUP-WITHOUT-USER"]


def test_args_env_and_image_config() -> None:
    image = ImageConfig(entrypoint=("/entry",), cmd=("serve",), env=("PATH=/opt/bin", "A=1"), working_dir="/w")
    node = NodeModel(images={"example/app:1": image})
    env = [{"name": "B", "value": "2"}, {"name": "A", "value": "3"}]
    c = app(pod({"command": None, "args": ["--x=$(B)"], "env": env}), node)
    process = c.config["process"]
    assert process["args"] == ["/entry", "--x=2"]  # args replace Cmd, $(B) expanded
    assert process["env"][:4] == ["PATH=/opt/bin", "HOSTNAME=p", "A=3", "B=2"]
    assert "KUBERNETES_SERVICE_HOST=10.96.0.1" in process["env"]
    assert process["cwd"] == "/w"
    assert c.source("/process/env/2") == "/spec/containers/0/env/1"


@pytest.mark.parametrize("cri", ["containerd", "cri-o"])
def test_an_unknown_image_entrypoint_is_a_marked_placeholder_not_empty_args(cri: str) -> None:
    node = NodeModel(cri=cri)  # type: ignore[arg-type]
    c = app(pod({"command": None, "image": "registry.example.com/ops/cleanup:2.0.0"}), node)
    assert c.config["process"]["args"] == ["<entrypoint of image registry.example.com/ops/cleanup:2.0.0>"]
    assert c.source("/process/args") == "/spec/containers/0/image"
    assert [(n.rule, n.severity, n.pod_path) for n in c.notes] == [("KUBE-IMAGE-UNKNOWN", "info", "/spec/containers/0")]
    known = NodeModel(cri=cri, images={"example/app:1": ImageConfig()})  # type: ignore[arg-type]
    empty = app(pod({"command": None}), known)  # a known image with no ENTRYPOINT/CMD really gives nothing to run
    assert empty.config["process"]["args"] == [] and not empty.notes


# --- volumes and mounts ---------------------------------------------------------------------------------------------


def volumes_pod(mounts: list[dict[str, Any]], volumes: list[dict[str, Any]]) -> dict[str, Any]:
    return pod({"volumeMounts": mounts}, volumes=volumes)


@pytest.mark.parametrize(
    ("volume", "source", "mode"),
    [
        pytest.param({"hostPath": {"path": "/var/log/"}}, "/var/log", "rw", id="hostPath"),
        pytest.param({"emptyDir": {}}, f"{KUBELET}/volumes/kubernetes.io~empty-dir/v", "rw", id="emptyDir"),
        pytest.param(
            {"emptyDir": {"medium": "Memory"}},
            f"{KUBELET}/volumes/kubernetes.io~empty-dir/v",
            "rw",
            id="emptyDir-memory",
        ),  # fmt: skip
        pytest.param(
            {"configMap": {"name": "c"}}, f"{KUBELET}/volumes/kubernetes.io~configmap/v", "ro", id="configMap"
        ),
        pytest.param({"secret": {"secretName": "s"}}, f"{KUBELET}/volumes/kubernetes.io~secret/v", "ro", id="secret"),
        pytest.param(
            {"projected": {"sources": []}}, f"{KUBELET}/volumes/kubernetes.io~projected/v", "ro", id="projected"
        ),  # fmt: skip
        pytest.param(
            {"downwardAPI": {"items": []}}, f"{KUBELET}/volumes/kubernetes.io~downward-api/v", "ro", id="downwardAPI"
        ),  # fmt: skip
        pytest.param({"csi": {"driver": "x"}}, f"{KUBELET}/volumes/kubernetes.io~csi/v/mount", "rw", id="csi"),
        pytest.param(
            {"persistentVolumeClaim": {"claimName": "data", "readOnly": True}},
            f"{KUBELET}/volumes/kubernetes.io~csi/pv-data/mount",
            "ro",
            id="pvc",
        ),  # fmt: skip
    ],
)
def test_volume_host_paths(volume: dict[str, Any], source: str, mode: str) -> None:
    obj = volumes_pod([{"name": "v", "mountPath": "/data"}], [{"name": "v", **volume}])
    c = app(obj, volume_names={"data": "pv-data"})
    index, m = mount(c, "/data")
    assert m == {"destination": "/data", "type": "bind", "source": source, "options": ["rbind", "rprivate", mode]}
    assert c.source(f"/mounts/{index}/options/2") == "/spec/containers/0/volumeMounts/0"


def test_sub_path_propagation_and_recursive_read_only() -> None:
    obj = volumes_pod(
        [
            {"name": "a", "mountPath": "/etc/app.conf", "subPath": "app.conf"},
            {"name": "b", "mountPath": "/host", "mountPropagation": "HostToContainer", "readOnly": True},
            {"name": "c", "mountPath": "/ro", "readOnly": True, "recursiveReadOnly": "Enabled"},
        ],
        [{"name": "a", "configMap": {"name": "x"}}, {"name": "b", "hostPath": {"path": "/"}},
         {"name": "c", "hostPath": {"path": "/srv"}}],
    )  # fmt: skip
    c = app(obj)
    assert mount(c, "/etc/app.conf")[1]["source"] == f"{KUBELET}/volume-subpaths/a/app/0"
    assert mount(c, "/host")[1]["options"] == ["rbind", "rslave", "ro"]
    assert mount(c, "/ro")[1]["options"] == ["rbind", "rprivate", "rro"]
    assert c.config["linux"]["rootfsPropagation"] == "rslave"
    assert c.source("/linux/rootfsPropagation") == "/spec/containers/0/volumeMounts/1/mountPropagation"
    index = mount(c, "/ro")[0]
    assert c.source(f"/mounts/{index}/options/2") == "/spec/containers/0/volumeMounts/2/recursiveReadOnly"
    assert c.source(f"/mounts/{index}/source") == "/spec/volumes/2/hostPath/path"
    bidirectional = volumes_pod([{"name": "k", "mountPath": "/k", "mountPropagation": "Bidirectional"}],
                                [{"name": "k", "hostPath": {"path": "/var/lib/kubelet"}}])  # fmt: skip
    c = app(bidirectional)
    assert mount(c, "/k")[1]["options"] == ["rbind", "rshared", "rw"]
    assert c.config["linux"]["rootfsPropagation"] == "rshared"


def test_mounts_are_sorted_by_depth_and_a_dev_volume_replaces_default_dev_mounts() -> None:
    obj = volumes_pod([{"name": "d", "mountPath": "/dev"}, {"name": "t", "mountPath": "/tmp"}],
                      [{"name": "d", "hostPath": {"path": "/dev"}}, {"name": "t", "emptyDir": {}}])  # fmt: skip
    c = app(obj)
    destinations = [m["destination"] for m in c.config["mounts"]]
    assert destinations == ["/proc", "/sys", "/sys/fs/cgroup", "/dev", "/tmp", "/etc/hosts", "/dev/termination-log",
                            "/etc/hostname", "/etc/resolv.conf", "/dev/shm"]  # fmt: skip


def test_recursive_read_only_that_containerd_refuses() -> None:
    obj = volumes_pod([{"name": "v", "mountPath": "/v", "recursiveReadOnly": "Enabled"}],
                      [{"name": "v", "hostPath": {"path": "/srv"}}])  # fmt: skip
    notes = app(obj).notes
    assert [(n.rule, n.severity, n.pod_path) for n in notes] == [
        ("KUBE-POD-INVALID", "error", "/spec/containers/0/volumeMounts/0/recursiveReadOnly")
    ]
    obj["spec"]["containers"][0]["volumeMounts"][0]["readOnly"] = True
    assert app(obj).notes == ()
    assert [n.rule for n in app(obj, NodeModel(recursive_read_only=False)).notes] == ["KUBE-POD-INVALID"]


def test_a_mount_of_a_missing_volume_is_an_error_note() -> None:
    c = app(volumes_pod([{"name": "nope", "mountPath": "/x"}], []))
    assert [(n.rule, n.pod_path) for n in c.notes] == [
        ("KUBE-VOLUME-MISSING", "/spec/containers/0/volumeMounts/0/name")
    ]


# --- namespaces, sysctls, user namespaces --------------------------------------------------------------------------


def test_host_namespaces_and_shared_pid() -> None:
    obj = pod(hostNetwork=True, hostPID=True, hostIPC=True)
    sb = sandbox(obj)
    assert sb.config["linux"]["namespaces"] == [{"type": "mount"}]
    assert "hostname" not in sb.config and "sysctl" not in sb.config["linux"]
    assert mount(sb, "/dev/shm")[1]["source"] == "/dev/shm"
    c = app(obj, pause_pid=7)
    assert c.config["linux"]["namespaces"][0] == {"type": "pid", "path": "/proc/7/ns/pid"}
    assert c.source("/linux/namespaces/0") == "/spec/hostPID"
    assert mount(c, "/dev/shm")[1]["source"] == "/dev/shm"
    shared = app(pod(shareProcessNamespace=True), pause_pid=7)
    assert shared.config["linux"]["namespaces"][0] == {"type": "pid", "path": "/proc/7/ns/pid"}
    own = app(pod(), pause_pid=7)
    assert own.config["linux"]["namespaces"] == [
        {"type": "pid"}, {"type": "ipc", "path": "/proc/7/ns/ipc"}, {"type": "uts", "path": "/proc/7/ns/uts"},
        {"type": "mount"}, {"type": "network", "path": "/proc/7/ns/net"}, {"type": "cgroup"},
    ]  # fmt: skip


def test_sysctls_only_on_the_sandbox() -> None:
    obj = pod(securityContext={"sysctls": [{"name": "net.core.somaxconn", "value": "1024"}]})
    sb = sandbox(obj)
    assert sb.config["linux"]["sysctl"] == {
        "net.core.somaxconn": "1024",
        "net.ipv4.ip_unprivileged_port_start": "0",
        "net.ipv4.ping_group_range": "0 2147483647",
    }
    assert sb.source("/linux/sysctl/net.core.somaxconn") == "/spec/securityContext/sysctls/0"
    assert "sysctl" not in app(obj).config["linux"]


def test_host_users_false() -> None:
    obj = pod(hostUsers=False)
    mapping = [{"containerID": 0, "hostID": 65536 * 3, "size": 65536}]
    c = app(obj, pause_pid=9, userns_host_id=65536 * 3)
    assert c.config["linux"]["uidMappings"] == mapping == c.config["linux"]["gidMappings"]
    assert c.config["linux"]["namespaces"][-1] == {"type": "user", "path": "/proc/9/ns/user"}
    assert c.source("/linux/uidMappings") == "/spec/hostUsers"
    assert mount(c, "/etc/hosts")[1]["uidMappings"] == mapping
    assert "uidMappings" not in mount(c, "/dev/shm")[1]
    sb = translate(obj, state=PodState(userns_host_id=65536 * 3)).containers[0]
    assert sb.config["linux"]["namespaces"][-1]["type"] == "user"
    assert "net.ipv4.ping_group_range" not in sb.config["linux"]["sysctl"]


# --- resources --------------------------------------------------------------------------------------------------------


def test_resources_cpu_memory_hugepages_swap_and_qos() -> None:
    resources = {"requests": {"cpu": "250m", "memory": "512Mi"},
                 "limits": {"cpu": "1500m", "memory": "1Gi", "hugepages-2Mi": "64Mi"}}  # fmt: skip
    c = app(pod({"resources": resources}))
    res = c.config["linux"]["resources"]
    assert res["cpu"] == {"shares": 256, "quota": 150000, "period": 100000}
    assert res["memory"] == {"limit": 1073741824, "swap": 1073741824}
    assert res["hugepageLimits"] == [{"pageSize": "2MB", "limit": 67108864}, {"pageSize": "1GB", "limit": 0}]
    assert res["unified"] == {"memory.oom.group": "1", "memory.swap.max": "0"}
    assert c.config["linux"]["cgroupsPath"].startswith(
        f"kubepods-burstable-pod{UID.replace('-', '_')}.slice:cri-containerd:"
    )
    assert c.config["process"]["oomScoreAdj"] == 1000 - (1000 * 512 * 2**20) // NodeModel().memory_capacity
    assert c.source("/linux/resources/cpu/quota") == "/spec/containers/0/resources"
    guaranteed = app(pod({"resources": {"limits": {"cpu": "1", "memory": "1Gi"}}}))
    assert guaranteed.config["process"]["oomScoreAdj"] == -997
    assert guaranteed.config["linux"]["cgroupsPath"].startswith("kubepods-pod")
    best = app(pod())
    assert best.config["process"]["oomScoreAdj"] == 1000
    assert best.config["linux"]["resources"]["cpu"] == {"shares": 2, "period": 100000}
    v1 = app(pod({"resources": resources}), NodeModel(cgroup_version=1, cgroup_driver="cgroupfs"))
    assert v1.config["linux"]["cgroupsPath"].startswith(f"/kubepods/burstable/pod{UID}/")
    assert "unified" not in v1.config["linux"]["resources"]
    assert {"type": "cgroup"} not in v1.config["linux"]["namespaces"]


# --- annotations and identity -------------------------------------------------------------------------------------


def test_cri_annotations_and_pod_annotation_pass_through() -> None:
    obj = pod(runtimeClassName="gvisor")
    obj["metadata"]["annotations"] = {"dev.gvisor.flag.debug": "true", "example.com/owner": "me",
                                      "dev.gvisor.spec.mount.x/y": "slash"}  # fmt: skip
    translation = translate(obj)
    sb, c = translation.containers
    assert translation.runtime_handler == "runsc"
    assert c.config["annotations"] == {
        "dev.gvisor.flag.debug": "true",
        "io.kubernetes.cri.container-name": "app",
        "io.kubernetes.cri.container-type": "container",
        "io.kubernetes.cri.image-name": "example/app:1",
        "io.kubernetes.cri.sandbox-id": translation.identity.sandbox_id,
        "io.kubernetes.cri.sandbox-name": "p",
        "io.kubernetes.cri.sandbox-namespace": "ns",
        "io.kubernetes.cri.sandbox-uid": UID,
    }
    assert c.source("/annotations/dev.gvisor.flag.debug") == "/metadata/annotations/dev.gvisor.flag.debug"
    assert sb.config["annotations"]["io.kubernetes.cri.container-type"] == "sandbox"
    assert sb.config["annotations"]["io.kubernetes.cri.sandbox-id"] == translation.identity.sandbox_id
    assert "dev.gvisor.flag.debug" in sb.config["annotations"]
    none = translate(obj, NodeModel(pod_annotations=()))
    assert "dev.gvisor.flag.debug" not in none.containers[1].config["annotations"]


def test_crio_annotations_name_the_runtime_handler() -> None:
    translation = translate(pod(runtimeClassName="gvisor"), NodeModel(cri="cri-o"))
    sb, c = translation.containers
    assert sb.config["annotations"]["io.kubernetes.cri-o.RuntimeHandler"] == "runsc"
    assert sb.config["annotations"]["io.kubernetes.cri-o.ContainerType"] == "sandbox"
    assert c.config["annotations"]["io.kubernetes.cri-o.ContainerType"] == "container"
    assert c.config["annotations"]["io.kubernetes.cri-o.SandboxID"] == translation.identity.sandbox_id


def test_every_container_kind_in_pod_order_with_pointers() -> None:
    obj = pod()
    obj["spec"]["initContainers"] = [{"name": "init", "image": "busybox", "command": ["true"]}]
    obj["spec"]["ephemeralContainers"] = [{"name": "debug", "image": "busybox", "targetContainerName": "app"}]
    translation = translate(obj, state=PodState(container_pids={"app": 4242}))
    assert [(c.kind, c.name, c.pointer) for c in translation.containers] == [
        ("sandbox", "POD", "/spec"),
        ("initContainer", "init", "/spec/initContainers/0"),
        ("container", "app", "/spec/containers/0"),
        ("ephemeralContainer", "debug", "/spec/ephemeralContainers/0"),
    ]
    debug = translation.containers[3]
    assert debug.config["linux"]["namespaces"][0] == {"type": "pid", "path": "/proc/4242/ns/pid"}
    assert debug.source("/linux/namespaces/0") == "/spec/ephemeralContainers/0/targetContainerName"
    ids = {c.config["linux"]["cgroupsPath"].rsplit(":", 1)[1] for c in translation.containers}
    assert len(ids) == 4


def test_provenance_falls_back_to_the_container() -> None:
    c = app(pod())
    assert c.source("/process/args/0") == "/spec/containers/0/command"
    assert c.source("/linux/maskedPaths/3") == "/spec/containers/0"
    assert c.source("") == "/spec/containers/0"


def test_the_input_object_is_not_modified() -> None:
    obj = pod({"securityContext": {"capabilities": {"add": ["ALL"]}}}, hostUsers=False)
    before = copy.deepcopy(obj)
    translate(obj)
    assert obj == before


def test_pod_hostname_truncation_and_fqdn() -> None:
    long = pod()
    long["metadata"]["name"] = "a" * 62 + "-b" + "c" * 10
    assert sandbox(long).config["hostname"] == "a" * 62
    fqdn = pod(hostname="web-0", subdomain="web", setHostnameAsFQDN=True)
    assert sandbox(fqdn).config["hostname"] == "web-0.web.ns.svc.cluster.local"
    assert "HOSTNAME=web-0.web.ns.svc.cluster.local" in app(fqdn).config["process"]["env"]


def test_crio_drops_the_sandbox_label_with_host_pid_or_ipc() -> None:
    node = NodeModel(cri="cri-o", selinux=True)
    assert "selinuxLabel" in sandbox(pod(), node).config["process"]
    assert "selinuxLabel" not in sandbox(pod(hostIPC=True), node).config["process"]


def test_device_plugin_allocation() -> None:
    gpu = DeviceAllocation(
        devices=({"path": "/dev/nvidia0", "type": "c", "major": 195, "minor": 0, "fileMode": 438, "uid": 0, "gid": 0,
                  "permissions": "rw"},),
        env=("NVIDIA_VISIBLE_DEVICES=GPU-1",),
        mounts=(("/usr/lib/nvidia", "/opt/nvidia/lib", True),),
    )  # fmt: skip
    node = NodeModel(device_plugins={"nvidia.com/gpu": gpu})
    c = app(pod({"resources": {"limits": {"nvidia.com/gpu": 1}}}), node)
    linux = c.config["linux"]
    assert linux["devices"] == [{"path": "/dev/nvidia0", "type": "c", "major": 195, "minor": 0, "fileMode": 438,
                                 "uid": 0, "gid": 0}]  # fmt: skip
    assert linux["resources"]["devices"][-1] == {"allow": True, "type": "c", "major": 195, "minor": 0, "access": "rw"}
    assert "NVIDIA_VISIBLE_DEVICES=GPU-1" in c.config["process"]["env"]
    assert mount(c, "/usr/lib/nvidia")[1]["options"] == ["rbind", "rprivate", "ro"]
    assert c.source("/linux/devices/0") == "/spec/containers/0/resources/limits/nvidia.com~1gpu"
    assert "devices" not in app(pod(), node).config["linux"]

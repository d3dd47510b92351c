"""Regenerate the Kubernetes corpus: `python tests/data/k8s/generate.py` rewrites every tests/data/k8s/<name>.json.

Each document is built the way containerd (internal/cri/..., pkg/oci/spec.go, pkg/oci/mounts.go) or CRI-O
(internal/config/capabilities, pkg/annotations) writes config.json for a kubelet request; the facts and their
sources are in /work/shared/reference/cri-to-oci.md (a copy of what matters is in README.md here). The JSON files
are the corpus; this script only documents how they were made and keeps them consistent with each other.
"""

from __future__ import annotations

import copy
import hashlib
import json
import uuid
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

Json = dict[str, Any]


def hexid(seed: str) -> str:
    """A 64-hex container/sandbox id, stable across runs."""
    return hashlib.sha256(seed.encode()).hexdigest()


def poduid(seed: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_DNS, seed + ".pods.example.internal"))


# --- containerd defaults (pkg/oci/spec.go, pkg/oci/mounts.go) -------------------------------------------------

CONTAINERD_CAPS = [
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
    "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL",
    "CAP_AUDIT_WRITE",
]  # fmt: skip
"""defaultUnixCaps: bounding, permitted and effective; no inheritable, no ambient."""

CRIO_CAPS = [
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
    "CAP_NET_BIND_SERVICE", "CAP_KILL",
]  # fmt: skip
"""CRI-O capabilities.Default(): 9 caps, no NET_RAW, SYS_CHROOT, MKNOD, AUDIT_WRITE or SETFCAP."""

ALL_CAPS = [
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
    "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
]  # fmt: skip
"""WithPrivileged: the caps of the containerd process itself (cap.Current()) on a 5.9+ kernel: all 41."""

MASKED = [
    "/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
    "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap",
]  # fmt: skip
"""kubelet's default masked paths (procMount Default), which containerd uses instead of its own."""

READONLY = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]

CONTAINERD_MASKED = [
    "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
    "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/sys/devices/virtual/powercap", "/proc/scsi",
]  # fmt: skip
"""containerd's own default (populateDefaultUnixSpec), kept by the sandbox (pause) spec."""

CD_ROOT = "/var/lib/containerd/io.containerd.grpc.v1.cri"
CD_STATE = "/run/containerd/io.containerd.grpc.v1.cri"
KUBELET = "/var/lib/kubelet/pods"

PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
K8S_ENV = [
    "KUBERNETES_SERVICE_HOST=10.96.0.1", "KUBERNETES_SERVICE_PORT=443", "KUBERNETES_SERVICE_PORT_HTTPS=443",
    "KUBERNETES_PORT=tcp://10.96.0.1:443", "KUBERNETES_PORT_443_TCP=tcp://10.96.0.1:443",
    "KUBERNETES_PORT_443_TCP_PROTO=tcp", "KUBERNETES_PORT_443_TCP_PORT=443", "KUBERNETES_PORT_443_TCP_ADDR=10.96.0.1",
]  # fmt: skip

_ALLOW = """
accept accept4 access adjtimex alarm bind brk capget capset chdir chmod chown chown32 clock_adjtime
clock_adjtime64 clock_getres clock_getres_time64 clock_gettime clock_gettime64 clock_nanosleep
clock_nanosleep_time64 close close_range connect copy_file_range creat dup dup2 dup3 epoll_create
epoll_create1 epoll_ctl epoll_ctl_old epoll_pwait epoll_pwait2 epoll_wait epoll_wait_old eventfd eventfd2
execve execveat exit exit_group faccessat faccessat2 fadvise64 fadvise64_64 fallocate fanotify_mark fchdir
fchmod fchmodat fchown fchown32 fchownat fcntl fcntl64 fdatasync fgetxattr flistxattr flock fork fremovexattr
fsetxattr fstat fstat64 fstatat64 fstatfs fstatfs64 fsync ftruncate ftruncate64 futex futex_time64 futex_waitv
futimesat getcpu getcwd getdents getdents64 getegid getegid32 geteuid geteuid32 getgid getgid32 getgroups
getgroups32 getitimer getpeername getpgid getpgrp getpid getppid getpriority getrandom getresgid getresgid32
getresuid getresuid32 getrlimit get_robust_list getrusage getsid getsockname getsockopt get_thread_area gettid
gettimeofday getuid getuid32 getxattr inotify_add_watch inotify_init inotify_init1 inotify_rm_watch io_cancel
ioctl io_destroy io_getevents io_pgetevents io_pgetevents_time64 ioprio_get ioprio_set io_setup io_submit
io_uring_enter io_uring_register io_uring_setup ipc kill landlock_add_rule landlock_create_ruleset
landlock_restrict_self lchown lchown32 lgetxattr link linkat listen listxattr llistxattr _llseek lremovexattr
lseek lsetxattr lstat lstat64 madvise membarrier memfd_create memfd_secret mincore mkdir mkdirat mknod mknodat
mlock mlock2 mlockall mmap mmap2 mprotect mq_getsetattr mq_notify mq_open mq_timedreceive
mq_timedreceive_time64 mq_timedsend mq_timedsend_time64 mq_unlink mremap msgctl msgget msgrcv msgsnd msync
munlock munlockall munmap nanosleep newfstatat _newselect open openat openat2 pause pidfd_open
pidfd_send_signal pipe pipe2 poll ppoll ppoll_time64 prctl pread64 preadv preadv2 prlimit64 process_mrelease
pselect6 pselect6_time64 pwrite64 pwritev pwritev2 read readahead readlink readlinkat readv recv recvfrom
recvmmsg recvmmsg_time64 recvmsg remap_file_pages removexattr rename renameat renameat2 restart_syscall rmdir
rseq rt_sigaction rt_sigpending rt_sigprocmask rt_sigqueueinfo rt_sigreturn rt_sigsuspend rt_sigtimedwait
rt_sigtimedwait_time64 rt_tgsigqueueinfo sched_getaffinity sched_getattr sched_getparam sched_get_priority_max
sched_get_priority_min sched_getscheduler sched_rr_get_interval sched_rr_get_interval_time64 sched_setaffinity
sched_setattr sched_setparam sched_setscheduler sched_yield seccomp select semctl semget semop semtimedop
semtimedop_time64 send sendfile sendfile64 sendmmsg sendmsg sendto setfsgid setfsgid32 setfsuid setfsuid32
setgid setgid32 setgroups setgroups32 setitimer setpgid setpriority setregid setregid32 setresgid setresgid32
setresuid setresuid32 setreuid setreuid32 setrlimit set_robust_list setsid setsockopt set_thread_area
set_tid_address setuid setuid32 setxattr shmat shmctl shmdt shmget shutdown sigaltstack signalfd signalfd4
sigprocmask sigreturn socket socketcall socketpair splice stat stat64 statfs statfs64 statx symlink symlinkat
sync sync_file_range syncfs sysinfo tee tgkill time timer_create timer_delete timer_getoverrun timer_gettime
timer_gettime64 timer_settime timer_settime64 timerfd_create timerfd_gettime timerfd_gettime64 timerfd_settime
timerfd_settime64 times tkill truncate truncate64 ugetrlimit umask uname unlink unlinkat utime utimensat
utimensat_time64 utimes vfork vmsplice wait4 waitid waitpid write writev
""".split()


def runtime_default_seccomp(caps: list[str]) -> Json:
    """containerd's seccomp.DefaultProfile (contrib/seccomp/seccomp_default.go) on amd64, for these caps."""
    syscalls: list[Json] = [{"names": list(_ALLOW), "action": "SCMP_ACT_ALLOW"}]
    for value in (0, 8, 131072, 131080, 4294967295):
        syscalls.append(
            {
                "names": ["personality"],
                "action": "SCMP_ACT_ALLOW",
                "args": [{"index": 0, "value": value, "op": "SCMP_CMP_EQ"}],
            }
        )
    syscalls.append({"names": ["arch_prctl", "modify_ldt"], "action": "SCMP_ACT_ALLOW"})
    if "CAP_SYS_CHROOT" in caps:
        syscalls.append({"names": ["chroot"], "action": "SCMP_ACT_ALLOW"})
    if "CAP_SYS_ADMIN" not in caps:
        syscalls.append(
            {
                "names": ["clone"],
                "action": "SCMP_ACT_ALLOW",
                "args": [{"index": 0, "value": 2114060288, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}],
            }
        )
        syscalls.append({"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38})
    return {
        "defaultAction": "SCMP_ACT_ERRNO",
        "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
        "syscalls": syscalls,
    }


FINE_GRAINED_LOG = {
    # kubernetes/website content/en/examples/pods/security/seccomp/profiles/fine-grained.json (abridged list),
    # embedded whole by containerd for seccompProfile {type: Localhost, localhostProfile: profiles/fine-grained.json}.
    "defaultAction": "SCMP_ACT_LOG",
    "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
    "syscalls": [
        {
            "names": [
                "accept4", "epoll_wait", "pselect6", "futex", "madvise", "epoll_ctl", "getsockname", "setsockopt",
                "vfork", "mmap", "read", "write", "close", "arch_prctl", "sched_getaffinity", "munmap", "brk",
                "rt_sigaction", "rt_sigprocmask", "sigaltstack", "gettid", "clone", "bind", "socket", "openat",
                "readlinkat", "exit_group", "epoll_create1", "listen", "rt_sigreturn", "sched_yield",
                "clock_gettime", "connect", "dup2", "epoll_pwait", "execve", "exit", "fcntl", "getpid", "getuid",
                "ioctl", "mprotect", "nanosleep", "open", "poll", "recvfrom", "sendto", "set_tid_address",
                "setitimer", "writev",
            ],
            "action": "SCMP_ACT_ALLOW",
        }
    ],
}  # fmt: skip


def default_mounts(*, privileged: bool = False, cgroup: bool = True) -> list[Json]:
    """pkg/oci/mounts.go defaultMounts minus /run (WithoutRunMount) and /dev/shm (replaced by the sandbox's),
    then the cgroup mount containerd's CRI adds; privileged makes /sys and the cgroupfs writable."""
    ro = "rw" if privileged else "ro"
    mounts: list[Json] = [
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
        {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", ro]},
    ]
    if cgroup:
        mounts.append(
            {
                "destination": "/sys/fs/cgroup",
                "type": "cgroup",
                "source": "cgroup",
                "options": ["nosuid", "noexec", "nodev", "relatime", ro],
            }
        )
    return mounts


def bind(dest: str, source: str, *opts: str) -> Json:
    """A CRI mount as containerd's withMounts writes it: rbind, propagation, ro/rw."""
    return {"destination": dest, "type": "bind", "source": source, "options": ["rbind", *opts]}


class Pod:
    """The identity of one pod: sandbox id, uid, name, namespace."""

    def __init__(self, name: str, namespace: str = "default", *, pid: int = 48213) -> None:
        self.name = name
        self.namespace = namespace
        self.uid = poduid(f"{namespace}/{name}")
        self.sandbox_id = hexid(f"sandbox/{namespace}/{name}")
        self.pid = pid
        self.netns = f"/var/run/netns/cni-{poduid(name + '/netns')}"

    def kubelet(self, *parts: str) -> str:
        return "/".join([KUBELET, self.uid, *parts])

    def volume(self, plugin: str, name: str) -> str:
        return self.kubelet("volumes", f"kubernetes.io~{plugin}", name)

    def sandbox_file(self, name: str) -> str:
        return f"{CD_ROOT}/sandboxes/{self.sandbox_id}/{name}"

    def shm(self) -> str:
        return f"{CD_STATE}/sandboxes/{self.sandbox_id}/shm"

    def cgroup_parent(self, qos: str) -> str:
        slice_uid = self.uid.replace("-", "_")
        if qos == "guaranteed":
            return f"kubepods-pod{slice_uid}.slice"
        return f"kubepods-{qos}-pod{slice_uid}.slice"

    def cri_annotations(self, *, container: str | None, image: str | None) -> dict[str, str]:
        """annotations.DefaultCRIAnnotations for a container (container given) or the sandbox."""
        out = {
            "io.kubernetes.cri.container-type": "container" if container else "sandbox",
            "io.kubernetes.cri.sandbox-id": self.sandbox_id,
            "io.kubernetes.cri.sandbox-name": self.name,
            "io.kubernetes.cri.sandbox-namespace": self.namespace,
            "io.kubernetes.cri.sandbox-uid": self.uid,
        }
        if container:
            out["io.kubernetes.cri.container-name"] = container
            out["io.kubernetes.cri.image-name"] = image or ""
        else:
            out["io.kubernetes.cri.sandbox-log-directory"] = f"/var/log/pods/{self.namespace}_{self.name}_{self.uid}"
            out["io.kubernetes.cri.podsandbox.image-name"] = "registry.k8s.io/pause:3.10"
        return dict(sorted(out.items()))


def caps_block(caps: list[str]) -> Json:
    """Bounding, effective, permitted as containerd writes them; Go's omitempty drops empty sets."""
    if not caps:
        return {}
    return {"bounding": list(caps), "effective": list(caps), "permitted": list(caps)}


def container_spec(
    pod: Pod,
    name: str,
    image: str,
    args: list[str],
    *,
    oci_version: str = "1.2.1",
    env: list[str] | None = None,
    uid: int = 0,
    gid: int = 0,
    additional_gids: list[int] | None = None,
    caps: list[str] | None = None,
    apparmor: str | None = "cri-containerd.apparmor.d",
    seccomp: Json | None = None,
    no_new_privs: bool = False,
    readonly_root: bool = False,
    privileged: bool = False,
    volumes: list[Json] | None = None,
    qos: str = "burstable",
    oom: int = 968,
    resources: Json | None = None,
    namespaces: list[Json] | None = None,
    cwd: str = "/",
    terminal: bool = False,
    extra_annotations: dict[str, str] | None = None,
    cgroup_ns: bool = True,
) -> Json:
    """An app container spec as containerd 2.x's buildContainerSpec produces it (cgroup v2, systemd driver)."""
    cid = hexid(f"container/{pod.namespace}/{pod.name}/{name}")
    caps = CONTAINERD_CAPS if caps is None else caps
    if privileged:
        caps = ALL_CAPS
    process: Json = {
        "user": {"uid": uid, "gid": gid},
        "args": args,
        "env": [PATH_ENV, f"HOSTNAME={pod.name}", *(env or []), *K8S_ENV],
        "cwd": cwd,
        "capabilities": caps_block(caps),
    }
    if terminal:
        process = {"terminal": True, **process}
    if additional_gids:
        process["user"]["additionalGids"] = additional_gids
    if no_new_privs:
        process["noNewPrivileges"] = True
    if apparmor and not privileged:
        process["apparmorProfile"] = apparmor
    process["oomScoreAdj"] = oom
    ro = "ro" if readonly_root else "rw"
    mounts = default_mounts(privileged=privileged)
    mounts += [
        bind("/etc/hosts", pod.kubelet("etc-hosts"), "rprivate", "rw"),
        bind("/dev/termination-log", pod.kubelet("containers", name, cid[:8]), "rprivate", "rw"),
        bind("/etc/hostname", pod.sandbox_file("hostname"), "rprivate", ro),
        bind("/etc/resolv.conf", pod.sandbox_file("resolv.conf"), "rprivate", ro),
        bind("/dev/shm", pod.shm(), "rprivate", "rw"),
    ]
    mounts += volumes or []
    root: Json = {"path": "rootfs"}
    if readonly_root:
        root["readonly"] = True
    if namespaces is None:
        namespaces = [
            {"type": "pid"},
            {"type": "ipc", "path": f"/proc/{pod.pid}/ns/ipc"},
            {"type": "uts", "path": f"/proc/{pod.pid}/ns/uts"},
            {"type": "mount"},
            {"type": "network", "path": f"/proc/{pod.pid}/ns/net"},
        ]
        if cgroup_ns and not privileged:
            namespaces.append({"type": "cgroup"})
    linux: Json = {
        "resources": resources
        or {
            "devices": [{"allow": False, "access": "rwm"}],
            "memory": {"limit": 536870912, "swap": 536870912},
            "cpu": {"shares": 256, "quota": 50000, "period": 100000},
            "hugepageLimits": [{"pageSize": "2MB", "limit": 0}, {"pageSize": "1GB", "limit": 0}],
            "unified": {"memory.oom.group": "1", "memory.swap.max": "0"},
        },
        "cgroupsPath": f"{pod.cgroup_parent(qos)}:cri-containerd:{cid}",
        "namespaces": namespaces,
    }
    if seccomp is not None and not privileged:
        linux["seccomp"] = seccomp
    if privileged:
        linux["resources"]["devices"] = [{"allow": True, "access": "rwm"}]
    else:
        linux["maskedPaths"] = list(MASKED)
        linux["readonlyPaths"] = list(READONLY)
    annotations = pod.cri_annotations(container=name, image=image)
    annotations.update(extra_annotations or {})
    return {
        "ociVersion": oci_version,
        "process": process,
        "root": root,
        "mounts": mounts,
        "annotations": dict(sorted(annotations.items())),
        "linux": linux,
    }


def sandbox_spec(
    pod: Pod,
    *,
    oci_version: str = "1.2.1",
    hostname: str | None = None,
    host_network: bool = False,
    host_pid: bool = False,
    host_ipc: bool = False,
    sysctls: dict[str, str] | None = None,
    seccomp: Json | None = None,
    uid: int = 65535,
    gid: int = 65535,
    additional_gids: list[int] | None = None,
    userns: list[Json] | None = None,
    qos: str = "burstable",
    extra_annotations: dict[str, str] | None = None,
) -> Json:
    """The pause container's spec: podsandbox/sandbox_run_linux.go sandboxContainerSpec."""
    namespaces: list[Json] = []
    if not host_pid:
        namespaces.append({"type": "pid"})
    if not host_ipc:
        namespaces.append({"type": "ipc"})
    if not host_network:
        namespaces.append({"type": "uts"})
    namespaces.append({"type": "mount"})
    if not host_network:
        namespaces.append({"type": "network", "path": pod.netns})
    if userns is not None:
        namespaces.append({"type": "user"})
    all_sysctls = dict(sysctls or {})
    if not host_network:
        all_sysctls.setdefault("net.ipv4.ip_unprivileged_port_start", "0")
        all_sysctls.setdefault("net.ipv4.ping_group_range", "0 2147483647")
    mounts = default_mounts(cgroup=False)
    mounts += [
        {
            "destination": "/dev/shm",
            "type": "bind",
            "source": "/dev/shm" if host_ipc else pod.shm(),
            "options": ["rbind", "ro", "nosuid", "nodev", "noexec"],
        },
        {"destination": "/etc/resolv.conf", "type": "bind", "source": pod.sandbox_file("resolv.conf"),
         "options": ["rbind", "ro"]},
    ]  # fmt: skip
    process: Json = {
        "user": {"uid": uid, "gid": gid, "additionalGids": additional_gids or [gid]},
        "args": ["/pause"],
        "env": [PATH_ENV],
        "cwd": "/",
        "capabilities": caps_block(CONTAINERD_CAPS),
        "noNewPrivileges": True,
        "oomScoreAdj": -998,
    }
    linux: Json = {}
    if userns is not None:
        linux["uidMappings"] = userns
        linux["gidMappings"] = copy.deepcopy(userns)
    if all_sysctls:
        linux["sysctl"] = dict(sorted(all_sysctls.items()))
    linux["resources"] = {"devices": [{"allow": False, "access": "rwm"}], "cpu": {"shares": 2}}
    linux["cgroupsPath"] = f"{pod.cgroup_parent(qos)}:cri-containerd:{pod.sandbox_id}"
    linux["namespaces"] = namespaces
    if seccomp is not None:
        linux["seccomp"] = seccomp
    linux["maskedPaths"] = list(CONTAINERD_MASKED)
    linux["readonlyPaths"] = list(READONLY)
    annotations = pod.cri_annotations(container=None, image=None)
    annotations.update(extra_annotations or {})
    spec: Json = {"ociVersion": oci_version, "process": process, "root": {"path": "rootfs", "readonly": True}}
    if not host_network:
        # kubelet sets PodSandboxConfig.hostname only for pods without hostNetwork (generatePodSandboxConfig).
        spec["hostname"] = hostname or pod.name
    spec.update(mounts=mounts, annotations=dict(sorted(annotations.items())), linux=linux)
    return spec


# --- the documents ------------------------------------------------------------------------------------------------

USERNS_MAP = [{"containerID": 0, "hostID": 1879048192, "size": 65536}]
"""kubelet's userns manager hands each hostUsers:false pod a 65536-id range at a multiple of 65536."""


def sa_volume(pod: Pod, suffix: str = "x7k2p") -> Json:
    return bind(
        "/var/run/secrets/kubernetes.io/serviceaccount", pod.volume("projected", f"kube-api-access-{suffix}"),
        "rprivate", "ro",
    )  # fmt: skip


def docs() -> dict[str, Json]:
    out: dict[str, Json] = {}

    # 1. The pause container of an ordinary pod (RuntimeDefault seccomp from the kubelet's seccompDefault).
    web = Pod("shop-frontend-7c9d8b6f5d-x2kqp", "shop")
    out["containerd-sandbox-pause"] = sandbox_spec(web, seccomp=runtime_default_seccomp(CONTAINERD_CAPS))

    # 2. The pause container of a hostNetwork/hostPID/hostIPC pod (node-exporter): no net, uts, pid, ipc entries,
    #    no sysctls (skipped with hostNetwork), no hostname, the host's /dev/shm.
    nodeexp = Pod("node-exporter-7m2qk", "monitoring", pid=2211)
    out["containerd-sandbox-host-namespaces"] = sandbox_spec(
        nodeexp, host_network=True, host_pid=True, host_ipc=True, qos="burstable"
    )

    # 3. The pause container of a pod with securityContext.sysctls, runAsUser/runAsGroup/fsGroup.
    db = Pod("postgres-0", "data", pid=30511)
    out["containerd-sandbox-sysctls"] = sandbox_spec(
        db,
        sysctls={
            "kernel.shm_rmid_forced": "1",
            "net.ipv4.tcp_keepalive_time": "600",
            "net.core.somaxconn": "1024",
            "net.ipv6.conf.all.disable_ipv6": "1",
            "kernel.msgmax": "65536",
        },
        seccomp=runtime_default_seccomp(CONTAINERD_CAPS),
        uid=999,
        gid=999,
        additional_gids=[999, 999],
        qos="guaranteed",
    )

    # 4. nginx, nothing set in the Pod: root, the 14 default caps, AppArmor RuntimeDefault, no seccomp (Unconfined is
    #    the kubelet default), BestEffort.
    ng = Pod("nginx-5869d7778c-6hgbw", "default", pid=51377)
    out["containerd-nginx-default"] = container_spec(
        ng,
        "nginx",
        "docker.io/library/nginx:1.27.3",
        ["/docker-entrypoint.sh", "nginx", "-g", "daemon off;"],
        env=["NGINX_VERSION=1.27.3", "NJS_VERSION=0.8.7", "PKG_RELEASE=1~bookworm"],
        additional_gids=[0, 1, 2, 3, 4, 6, 10, 11, 20, 26, 27],
        volumes=[sa_volume(ng, "6hmwz")],
        qos="besteffort",
        oom=1000,
        resources={
            "devices": [{"allow": False, "access": "rwm"}],
            "memory": {},
            "cpu": {"shares": 2, "period": 100000},
            "unified": {"memory.oom.group": "1"},
        },
    )

    # 5. The admissionreview-pod-example.json Pod (runtimeClassName gvisor), PSS restricted: uid 10001, drop ALL +
    #    NET_BIND_SERVICE, allowPrivilegeEscalation false, readOnlyRootFilesystem, RuntimeDefault seccomp,
    #    emptyDir and emptyDir{medium: Memory}.
    ub = Pod("untrusted-build-7f9c", "sandboxed-apps", pid=40007)
    ub.uid = "b8e2f0d4-6a71-4d3c-9e55-0c1f7a9d2e64"
    out["containerd-restricted-gvisor"] = container_spec(
        ub,
        "builder",
        "registry.example.com/ci/builder:1.8.2",
        ["/usr/local/bin/build", "--workdir", "/workspace"],
        env=["HOME=/tmp"],
        uid=10001,
        gid=10001,
        additional_gids=[10001],
        caps=["CAP_NET_BIND_SERVICE"],
        seccomp=runtime_default_seccomp(["CAP_NET_BIND_SERVICE"]),
        no_new_privs=True,
        readonly_root=True,
        volumes=[
            bind("/tmp", ub.volume("empty-dir", "tmp"), "rprivate", "rw"),
            bind("/workspace", ub.volume("empty-dir", "workspace"), "rprivate", "rw"),
            sa_volume(ub),
        ],
        resources={
            "devices": [{"allow": False, "access": "rwm"}],
            "memory": {"limit": 2147483648, "swap": 2147483648},
            "cpu": {"shares": 512, "quota": 200000, "period": 100000},
            "hugepageLimits": [{"pageSize": "2MB", "limit": 0}, {"pageSize": "1GB", "limit": 0}],
            "unified": {"memory.oom.group": "1", "memory.swap.max": "0"},
        },
        extra_annotations={"io.containerd.cri.runtime-handler": "runsc"},
    )

    # 6. fluent-bit DaemonSet: hostPath /var/log with mountPropagation HostToContainer -> rslave and
    #    linux.rootfsPropagation rslave; /var/lib/docker/containers read-only.
    fb = Pod("fluent-bit-9x7tq", "logging", pid=1882)
    spec = container_spec(
        fb,
        "fluent-bit",
        "cr.fluentbit.io/fluent/fluent-bit:3.2.4",
        ["/fluent-bit/bin/fluent-bit", "-c", "/fluent-bit/etc/conf/fluent-bit.conf"],
        volumes=[
            bind("/fluent-bit/etc/conf", fb.volume("configmap", "config"), "rprivate", "ro"),
            bind("/var/lib/docker/containers", "/var/lib/docker/containers", "rprivate", "ro"),
            bind("/var/log", "/var/log", "rslave", "rw"),
            sa_volume(fb, "hq2kd"),
        ],
    )
    spec["linux"]["rootfsPropagation"] = "rslave"
    out["containerd-hostpath-hosttocontainer"] = spec

    # 7. A CSI node plugin (aws-ebs-csi-driver): privileged, /var/lib/kubelet with Bidirectional -> rshared and
    #    rootfsPropagation rshared; hostPath /dev at /dev removes every default /dev/* mount.
    csi = Pod("ebs-csi-node-4wz8n", "kube-system", pid=3120)
    spec = container_spec(
        csi,
        "ebs-plugin",
        "public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver:v1.38.1",
        ["/bin/aws-ebs-csi-driver", "node", "--endpoint=unix:/csi/csi.sock", "--logging-format=text", "--v=2"],
        env=["CSI_ENDPOINT=unix:/csi/csi.sock", "CSI_NODE_NAME=ip-10-0-12-34.eu-west-1.compute.internal"],
        privileged=True,
        qos="burstable",
        oom=-997,
    )
    spec["mounts"] = [m for m in spec["mounts"] if not m["destination"].startswith("/dev") or m["type"] == "bind"]
    spec["mounts"] += [
        bind("/csi", "/var/lib/kubelet/plugins/ebs.csi.aws.com", "rprivate", "rw"),
        bind("/dev", "/dev", "rprivate", "rw"),
        bind("/var/lib/kubelet", "/var/lib/kubelet", "rshared", "rw"),
        sa_volume(csi, "m9k2d"),
    ]
    spec["mounts"].sort(key=lambda m: m["destination"].count("/") if m["type"] == "bind" else 0)
    spec["linux"]["rootfsPropagation"] = "rshared"
    spec["linux"]["devices"] = host_devices()
    out["containerd-csi-node-bidirectional"] = spec

    # 8. Docker-in-Docker: privileged (all caps, no masked/readonly paths, no seccomp/apparmor, writable /sys and
    #    cgroupfs, host devices, allow-all device rule, no cgroup namespace).
    dind = Pod("ci-runner-dind-0", "ci", pid=7721)
    spec = container_spec(
        dind,
        "dind",
        "docker.io/library/docker:27.4-dind",
        ["dockerd-entrypoint.sh"],
        env=["DOCKER_TLS_CERTDIR=/certs"],
        privileged=True,
        volumes=[bind("/var/lib/docker", dind.volume("empty-dir", "docker-graph"), "rprivate", "rw"), sa_volume(dind)],
    )
    spec["linux"]["devices"] = host_devices()
    out["containerd-privileged-dind"] = spec

    # 9./10. hostUsers: false. The sandbox gets a user namespace with uid/gid mappings; the app container joins it
    #    by path, carries the same mappings, and its volume binds are id-mapped (CRI Mount uidMappings/gidMappings).
    un = Pod("userns-api-6d4f9c7b8-qs2lp", "tenant-a", pid=61003)
    out["containerd-sandbox-userns"] = sandbox_spec(
        un, seccomp=runtime_default_seccomp(CONTAINERD_CAPS), userns=copy.deepcopy(USERNS_MAP), uid=65535, gid=65535
    )
    spec = container_spec(
        un,
        "api",
        "ghcr.io/example/tenant-api:2.3.0",
        ["/app/api", "--listen=:8080"],
        seccomp=runtime_default_seccomp(CONTAINERD_CAPS),
        volumes=[
            dict(
                bind("/var/run/secrets/kubernetes.io/serviceaccount", un.volume("projected", "kube-api-access-p4vq8"),
                     "rprivate", "ro"),
                uidMappings=copy.deepcopy(USERNS_MAP), gidMappings=copy.deepcopy(USERNS_MAP),
            ),
        ],
        namespaces=[
            {"type": "pid"},
            {"type": "ipc", "path": f"/proc/{un.pid}/ns/ipc"},
            {"type": "uts", "path": f"/proc/{un.pid}/ns/uts"},
            {"type": "mount"},
            {"type": "network", "path": f"/proc/{un.pid}/ns/net"},
            {"type": "user", "path": f"/proc/{un.pid}/ns/user"},
            {"type": "cgroup"},
        ],
    )  # fmt: skip
    spec["linux"]["uidMappings"] = copy.deepcopy(USERNS_MAP)
    spec["linux"]["gidMappings"] = copy.deepcopy(USERNS_MAP)
    out["containerd-userns-container"] = spec

    # 11. The same container after a tool dropped the user namespace entry but kept the mappings (the document
    #     runsc's modifySpecForDirectfs refuses).
    broken = copy.deepcopy(spec)
    broken["linux"]["namespaces"] = [ns for ns in broken["linux"]["namespaces"] if ns["type"] != "user"]
    out["containerd-userns-mappings-without-userns"] = broken

    # 12. An init container (busybox waiting for a Service).
    ic = Pod("myapp-pod", "default", pid=22871)
    out["containerd-init-container"] = container_spec(
        ic,
        "init-myservice",
        "docker.io/library/busybox:1.36",
        ["sh", "-c", "until nslookup myservice.$(cat /var/run/secrets/kubernetes.io/serviceaccount/namespace)"
         ".svc.cluster.local; do echo waiting for myservice; sleep 2; done"],
        volumes=[sa_volume(ic, "b2r9t")],
        qos="besteffort",
        oom=1000,
    )  # fmt: skip

    # 13. A CUDA job with the NVIDIA device plugin (PASS_DEVICE_SPECS=true): linux.devices and device cgroup
    #     rules for /dev/nvidia0, /dev/nvidiactl, /dev/nvidia-uvm, /dev/nvidia-uvm-tools; NVIDIA_VISIBLE_DEVICES.
    gpu = Pod("cuda-vectoradd-k8s2d", "ml", pid=9120)
    spec = container_spec(
        gpu,
        "cuda-vectoradd",
        "nvcr.io/nvidia/k8s/cuda-sample:vectoradd-cuda12.5.0",
        ["/cuda-samples/vectorAdd"],
        env=[
            "NVIDIA_VISIBLE_DEVICES=GPU-8e0c3a3c-3f4b-7d3e-9c51-2a6f0b7d5e11",
            "NVIDIA_DRIVER_CAPABILITIES=compute,utility",
            "CUDA_VERSION=12.5.0",
        ],
        volumes=[sa_volume(gpu, "c8w5n")],
    )
    nvidia = [("/dev/nvidia0", 195, 0), ("/dev/nvidiactl", 195, 255), ("/dev/nvidia-uvm", 510, 0),
              ("/dev/nvidia-uvm-tools", 510, 1)]  # fmt: skip
    spec["linux"]["devices"] = [
        {"path": p, "type": "c", "major": ma, "minor": mi, "fileMode": 438, "uid": 0, "gid": 0} for p, ma, mi in nvidia
    ]
    spec["linux"]["resources"]["devices"] += [
        {"allow": True, "type": "c", "major": ma, "minor": mi, "access": "rw"} for _, ma, mi in nvidia
    ]
    out["containerd-gpu-device-plugin"] = spec

    # 14. A node with SELinux enforcing: seLinuxOptions level -> process.selinuxLabel and linux.mountLabel.
    se = Pod("billing-api-7f8d9c6b5-l2xkq", "billing", pid=13377)
    spec = container_spec(
        se,
        "api",
        "quay.io/example/billing-api:4.1.0",
        ["/usr/bin/billing-api"],
        volumes=[sa_volume(se, "r7t2v")],
    )
    spec["process"]["selinuxLabel"] = "system_u:system_r:container_t:s0:c123,c456"
    spec["linux"]["mountLabel"] = "system_u:object_r:container_file_t:s0:c123,c456"
    out["containerd-selinux"] = spec

    # 15. capabilities.add: ["CAP_SYS_CHROOT"]: containerd always prepends CAP_, so the spec has CAP_CAP_SYS_CHROOT.
    pv = Pod("pv-migrate-rsync-kd8s2", "default", pid=18842)
    out["containerd-cap-prefix-gotcha"] = container_spec(
        pv,
        "rsync",
        "docker.io/utkuozdemir/pv-migrate-rsync:1.0.0",
        ["rsync", "-azv", "--info=progress2,misc0,flist0", "/source/", "/dest/"],
        caps=[*CONTAINERD_CAPS, "CAP_CAP_SYS_CHROOT"],
        volumes=[
            bind("/dest", pv.volume("csi", "pvc-3f1c9d2e-7a4b-4c8e-9d0f-1b2a3c4d5e6f") + "/mount", "rprivate", "rw"),
            bind("/source", pv.volume("csi", "pvc-0a9b8c7d-6e5f-4a3b-2c1d-0e9f8a7b6c5d") + "/mount", "rprivate", "ro"),
        ],
    )

    # 16. istio-init: drop ALL, add NET_ADMIN + NET_RAW, runAsUser 0, allowPrivilegeEscalation false.
    ist = Pod("reviews-v1-5b8f9c7d6c-7kq2x", "bookinfo", pid=27765)
    out["containerd-istio-init"] = container_spec(
        ist,
        "istio-init",
        "docker.io/istio/proxyv2:1.24.2",
        ["pilot-agent", "istio-iptables", "-p", "15001", "-z", "15006", "-u", "1337", "-m", "REDIRECT", "-i", "*",
         "-x", "", "-b", "*", "-d", "15090,15021,15020", "--log_output_level=default:info"],
        caps=["CAP_NET_ADMIN", "CAP_NET_RAW"],
        no_new_privs=True,
        volumes=[sa_volume(ist, "n2c6f")],
    )  # fmt: skip

    # 17. AppArmor Localhost (k8s-apparmor-example-deny-write) and seccomp Localhost profiles/fine-grained.json
    #     (defaultAction SCMP_ACT_LOG), embedded whole by containerd.
    lh = Pod("fine-grained-seccomp", "default", pid=33012)
    out["containerd-localhost-profiles"] = container_spec(
        lh,
        "test-container",
        "hashicorp/http-echo:1.0",
        ["/http-echo", "-text=just made some syscalls!"],
        apparmor="k8s-apparmor-example-deny-write",
        seccomp=copy.deepcopy(FINE_GRAINED_LOG),
        no_new_privs=True,
        volumes=[sa_volume(lh, "q9d4s")],
    )

    # 18. The same Localhost seccomp profile in a gVisor pod whose pod annotation turns on oci-seccomp
    #     (passed through by the runtime's pod_annotations = ["dev.gvisor.*"]).
    gs = Pod("fine-grained-seccomp-gvisor", "default", pid=33108)
    out["containerd-gvisor-oci-seccomp-log"] = container_spec(
        gs,
        "test-container",
        "hashicorp/http-echo:1.0",
        ["/http-echo", "-text=just made some syscalls!"],
        seccomp=copy.deepcopy(FINE_GRAINED_LOG),
        no_new_privs=True,
        volumes=[sa_volume(gs, "v3h8m")],
        extra_annotations={"dev.gvisor.flag.oci-seccomp": "true"},
    )

    # 19. gVisor mount hints: an emptyDir shared by two containers served as a sandbox-internal tmpfs.
    mh = Pod("web-with-sidecar-6c9f8d7b5-x8k2p", "shop", pid=44120)
    shared = mh.volume("empty-dir", "shared-data")
    out["containerd-gvisor-mount-hints"] = container_spec(
        mh,
        "web",
        "docker.io/library/nginx:1.27.3",
        ["/docker-entrypoint.sh", "nginx", "-g", "daemon off;"],
        volumes=[bind("/usr/share/nginx/html", shared, "rprivate", "rw"), sa_volume(mh, "k4j7w")],
        extra_annotations={
            "dev.gvisor.spec.mount.shared-data.options": "rw,rprivate",
            "dev.gvisor.spec.mount.shared-data.share": "pod",
            "dev.gvisor.spec.mount.shared-data.source": shared,
            "dev.gvisor.spec.mount.shared-data.type": "tmpfs",
        },
    )

    # 20. kubectl debug -it --target=app: an ephemeral container in the target's pid namespace, with a tty.
    dbg = Pod("payments-7d9b8c6f5-q2w3e", "payments", pid=52210)
    out["containerd-ephemeral-debug"] = container_spec(
        dbg,
        "debugger-m8x2k",
        "docker.io/library/busybox:1.36",
        ["sh"],
        terminal=True,
        namespaces=[
            {"type": "pid", "path": "/proc/52388/ns/pid"},
            {"type": "ipc", "path": f"/proc/{dbg.pid}/ns/ipc"},
            {"type": "uts", "path": f"/proc/{dbg.pid}/ns/uts"},
            {"type": "mount"},
            {"type": "network", "path": f"/proc/{dbg.pid}/ns/net"},
            {"type": "cgroup"},
        ],
    )

    # 21. node-exporter: hostNetwork, hostPID, hostIPC: /dev/shm is the host's, / read-only with HostToContainer.
    spec = container_spec(
        nodeexp,
        "node-exporter",
        "quay.io/prometheus/node-exporter:v1.8.2",
        ["/bin/node_exporter", "--path.procfs=/host/proc", "--path.sysfs=/host/sys", "--path.rootfs=/host/root",
         "--web.listen-address=0.0.0.0:9100"],
        uid=65534,
        gid=65534,
        caps=[],
        no_new_privs=True,
        readonly_root=True,
        volumes=[
            bind("/host/proc", "/proc", "rprivate", "ro"),
            bind("/host/root", "/", "rslave", "ro"),
            bind("/host/sys", "/sys", "rprivate", "ro"),
        ],
        namespaces=[
            {"type": "ipc", "path": f"/proc/{nodeexp.pid}/ns/ipc"},
            {"type": "uts", "path": f"/proc/{nodeexp.pid}/ns/uts"},
            {"type": "mount"},
            {"type": "network", "path": f"/proc/{nodeexp.pid}/ns/net"},
            {"type": "cgroup"},
        ],
    )  # fmt: skip
    for m in spec["mounts"]:
        if m["destination"] == "/dev/shm":
            m["source"] = "/dev/shm"
    spec["linux"]["rootfsPropagation"] = "rslave"
    out["containerd-host-namespaces-node-exporter"] = spec

    # 22. Every common volume kind: configMap with subPath, secret, downwardAPI, PVC (CSI), emptyDir Memory.
    vk = Pod("orders-worker-0", "orders", pid=36671)
    out["containerd-volumes-subpath"] = container_spec(
        vk,
        "worker",
        "ghcr.io/example/orders-worker:5.2.1",
        ["/app/worker", "--config=/etc/orders/config.yaml"],
        uid=1000,
        gid=1000,
        additional_gids=[1000, 2000],
        no_new_privs=True,
        seccomp=runtime_default_seccomp(CONTAINERD_CAPS),
        volumes=[
            bind("/cache", vk.volume("empty-dir", "cache"), "rprivate", "rw"),
            bind("/data", vk.volume("csi", "pvc-5e2d1c0b-9a8f-4e7d-b6c5-a4f3e2d1c0b9") + "/mount", "rprivate", "rw"),
            bind("/etc/podinfo", vk.volume("downward-api", "podinfo"), "rprivate", "ro"),
            bind("/etc/orders/config.yaml", vk.kubelet("volume-subpaths", "config", "worker", "0"), "rprivate", "ro"),
            bind("/etc/orders/tls", vk.volume("secret", "orders-tls"), "rprivate", "ro"),
            sa_volume(vk, "z8p3x"),
        ],
    )

    # 23. recursiveReadOnly: Enabled -> "rro" instead of "ro" (Kubernetes 1.31+, runtime handler with rro support).
    rr = Pod("report-generator-28934711-7qk2x", "reports", pid=41299)
    out["containerd-recursive-readonly"] = container_spec(
        rr,
        "report",
        "ghcr.io/example/report-generator:0.9.3",
        ["/app/report", "--in=/mnt/datasets"],
        volumes=[bind("/mnt/datasets", "/srv/datasets", "rprivate", "rro"), sa_volume(rr, "w6n2c")],
    )

    # 24. A container spec whose sandbox-id annotation was stripped (e.g. by a tool that anonymises pod identity).
    ms = Pod("nginx-5869d7778c-9qk7d", "default", pid=51402)
    spec = container_spec(
        ms,
        "nginx",
        "docker.io/library/nginx:1.27.3",
        ["/docker-entrypoint.sh", "nginx", "-g", "daemon off;"],
        volumes=[sa_volume(ms, "d2k8v")],
    )
    del spec["annotations"]["io.kubernetes.cri.sandbox-id"]
    out["containerd-missing-sandbox-id"] = spec

    # 25. containerd 1.7 on a cgroup v1 node with the cgroupfs driver (runtime-spec 1.1.0, no cgroup namespace).
    old = Pod("redis-7d4f8b9c6-m2x9q", "cache", pid=12044)
    spec = container_spec(
        old,
        "redis",
        "docker.io/library/redis:7.2.4",
        ["docker-entrypoint.sh", "redis-server"],
        oci_version="1.1.0",
        uid=999,
        gid=999,
        additional_gids=[999],
        volumes=[bind("/data", old.volume("empty-dir", "data"), "rprivate", "rw"), sa_volume(old, "j5r2m")],
        cgroup_ns=False,
        resources={
            "devices": [{"allow": False, "access": "rwm"}],
            "memory": {"limit": 268435456},
            "cpu": {"shares": 102, "quota": 25000, "period": 100000},
            "hugepageLimits": [{"pageSize": "2MB", "limit": 0}, {"pageSize": "1GB", "limit": 0}],
        },
    )
    cid = spec["linux"]["cgroupsPath"].rsplit(":", 1)[1]
    spec["linux"]["cgroupsPath"] = f"/kubepods/burstable/pod{old.uid}/{cid}"
    out["containerd17-cgroupv1-redis"] = spec

    out.update(crio_docs())
    return out


def host_devices() -> list[Json]:
    """oci.WithHostDevices on a cloud VM: every node under the host /dev (pkg/oci/utils_unix.go HostDevices skips
    the pts, shm, fd and mqueue dirs and /dev/console); fileMode is the permission bits in decimal."""
    rows = [
        ("/dev/btrfs-control", "c", 10, 234, 0o600, 0), ("/dev/cpu_dma_latency", "c", 10, 62, 0o600, 0),
        ("/dev/fuse", "c", 10, 229, 0o666, 0), ("/dev/full", "c", 1, 7, 0o666, 0),
        ("/dev/hwrng", "c", 10, 183, 0o600, 0), ("/dev/kmsg", "c", 1, 11, 0o644, 0),
        ("/dev/loop-control", "c", 10, 237, 0o660, 6), ("/dev/loop0", "b", 7, 0, 0o660, 6),
        ("/dev/loop1", "b", 7, 1, 0o660, 6), ("/dev/mapper/control", "c", 10, 236, 0o600, 0),
        ("/dev/mem", "c", 1, 1, 0o640, 15), ("/dev/net/tun", "c", 10, 200, 0o666, 0),
        ("/dev/null", "c", 1, 3, 0o666, 0), ("/dev/nvme0", "c", 242, 0, 0o600, 0),
        ("/dev/nvme0n1", "b", 259, 0, 0o660, 6), ("/dev/nvme0n1p1", "b", 259, 1, 0o660, 6),
        ("/dev/port", "c", 1, 4, 0o640, 15), ("/dev/ptmx", "c", 5, 2, 0o666, 5),
        ("/dev/random", "c", 1, 8, 0o666, 0), ("/dev/rtc0", "c", 249, 0, 0o600, 0),
        ("/dev/snapshot", "c", 10, 231, 0o600, 0), ("/dev/tty", "c", 5, 0, 0o666, 5),
        ("/dev/tty0", "c", 4, 0, 0o620, 5), ("/dev/ttyS0", "c", 4, 64, 0o660, 20),
        ("/dev/uinput", "c", 10, 223, 0o600, 0), ("/dev/urandom", "c", 1, 9, 0o666, 0),
        ("/dev/vcs", "c", 7, 0, 0o660, 5), ("/dev/vfio/vfio", "c", 10, 196, 0o666, 0),
        ("/dev/vhost-net", "c", 10, 238, 0o600, 0), ("/dev/zero", "c", 1, 5, 0o666, 0),
    ]  # fmt: skip
    return [
        {"path": p, "type": t, "major": ma, "minor": mi, "fileMode": mode, "uid": 0, "gid": g}
        for p, t, ma, mi, mode, g in rows
    ]


# --- CRI-O (runtime-tools generator defaults + internal/config, pkg/annotations/internal.go) -----------------------

CRIO_RUN = "/run/containers/storage/overlay-containers"
CRIO_STORAGE = "/var/lib/containers/storage/overlay"


def crio_default_mounts() -> list[Json]:
    mounts = default_mounts()
    # CRI-O's /sys/fs/cgroup comes from the generator and carries the same options; nothing else differs.
    return mounts


def crio_annotations(pod: Pod, cid: str, *, kind: str, name: str, image: str, extra: dict[str, str]) -> dict[str, str]:
    """pkg/annotations/internal.go keys; kubelet's container annotations pass through unchanged."""
    sb = pod.sandbox_id
    labels = {"io.kubernetes.pod.name": pod.name, "io.kubernetes.pod.namespace": pod.namespace,
              "io.kubernetes.pod.uid": pod.uid}  # fmt: skip
    if kind == "container":
        labels["io.kubernetes.container.name"] = name
    out = {
        "io.container.manager": "cri-o",
        "io.kubernetes.cri-o.Annotations": json.dumps({"kubernetes.io/config.seen": "2026-03-14T09:26:53.412Z",
                                                       "kubernetes.io/config.source": "api"}, separators=(",", ":")),
        "io.kubernetes.cri-o.ContainerID": cid,
        "io.kubernetes.cri-o.ContainerName": f"k8s_{name}_{pod.name}_{pod.namespace}_{pod.uid}_0",
        "io.kubernetes.cri-o.ContainerType": kind,
        "io.kubernetes.cri-o.Created": "2026-03-14T09:26:55.104182391Z",
        "io.kubernetes.cri-o.Image": image,
        "io.kubernetes.cri-o.ImageName": image,
        "io.kubernetes.cri-o.KubeName": pod.name if kind == "sandbox" else name,
        "io.kubernetes.cri-o.Labels": json.dumps(labels, separators=(",", ":"), sort_keys=True),
        "io.kubernetes.cri-o.LogPath": f"/var/log/pods/{pod.namespace}_{pod.name}_{pod.uid}/{name}/0.log",
        "io.kubernetes.cri-o.Metadata": json.dumps({"name": name, "attempt": 0} if kind == "container" else
                                                   {"name": pod.name, "uid": pod.uid, "namespace": pod.namespace},
                                                   separators=(",", ":")),
        "io.kubernetes.cri-o.MountPoint": f"{CRIO_STORAGE}/{hexid('layer/' + cid)}/merged",
        "io.kubernetes.cri-o.Name": f"k8s_{name}_{pod.name}_{pod.namespace}_{pod.uid}_0",
        "io.kubernetes.cri-o.Namespace": pod.namespace,
        "io.kubernetes.cri-o.ResolvPath": f"{CRIO_RUN}/{sb}/userdata/resolv.conf",
        "io.kubernetes.cri-o.SandboxID": sb,
        "io.kubernetes.cri-o.SandboxName": f"k8s_{pod.name}_{pod.namespace}_{pod.uid}_0",
        "io.kubernetes.cri-o.SeccompProfilePath": "",
        "io.kubernetes.cri-o.Stdin": "false",
        "io.kubernetes.cri-o.StdinOnce": "false",
        "io.kubernetes.cri-o.TTY": "false",
        "io.kubernetes.pod.name": pod.name,
        "io.kubernetes.pod.namespace": pod.namespace,
        "io.kubernetes.pod.uid": pod.uid,
        "kubernetes.io/config.seen": "2026-03-14T09:26:53.412Z",
        "kubernetes.io/config.source": "api",
    }  # fmt: skip
    if kind == "container":
        out.update({
            "io.kubernetes.container.hash": "6e5f4a3b",
            "io.kubernetes.container.restartCount": "0",
            "io.kubernetes.container.terminationMessagePath": "/dev/termination-log",
            "io.kubernetes.container.terminationMessagePolicy": "File",
            "io.kubernetes.cri-o.ImageRef": "sha256:" + hexid("image/" + image),
            "io.kubernetes.cri-o.Volumes": json.dumps([{"container_path": "/etc/hosts", "host_path":
                                                       pod.kubelet("etc-hosts"), "readonly": False}],
                                                      separators=(",", ":")),
        })  # fmt: skip
    else:
        out.update({
            "io.kubernetes.cri-o.CgroupParent": pod.cgroup_parent("besteffort"),
            "io.kubernetes.cri-o.HostName": pod.name,
            "io.kubernetes.cri-o.HostNetwork": "false",
            "io.kubernetes.cri-o.HostnamePath": f"{CRIO_RUN}/{sb}/userdata/hostname",
            "io.kubernetes.cri-o.NamespaceOptions": '{"pid":1}',
            "io.kubernetes.cri-o.PortMappings": "[]",
            "io.kubernetes.cri-o.PrivilegedRuntime": "false",
            "io.kubernetes.cri-o.RuntimeHandler": "runsc",
            "io.kubernetes.cri-o.ShmPath": f"{CRIO_RUN}/{sb}/userdata/shm",
        })  # fmt: skip
    out.update(extra)
    return dict(sorted(out.items()))


def crio_namespaces(pod: Pod, *, sandbox: bool) -> list[Json]:
    """CRI-O pins net, ipc and uts with pinns and everyone joins them by path."""
    token = poduid(pod.name + "/pinns")
    return [
        {"type": "pid"},
        {"type": "network", "path": f"/var/run/netns/{token}"},
        {"type": "ipc", "path": f"/var/run/ipcns/{token}"},
        {"type": "uts", "path": f"/var/run/utsns/{token}"},
        {"type": "mount"},
    ] + ([] if sandbox else [{"type": "cgroup"}])


def crio_container(
    pod: Pod,
    name: str,
    image: str,
    args: list[str],
    *,
    oci_version: str,
    uid: int = 0,
    gid: int = 0,
    additional_gids: list[int] | None = None,
    caps: list[str] | None = None,
    no_new_privs: bool = False,
    seccomp: Json | None = None,
    selinux: tuple[str, str] | None = None,
    rlimits: list[Json] | None = None,
    extra_mounts: list[Json] | None = None,
) -> Json:
    cid = hexid(f"crio/{pod.namespace}/{pod.name}/{name}")
    sb = pod.sandbox_id
    caps = CRIO_CAPS if caps is None else caps
    process: Json = {
        "user": {"uid": uid, "gid": gid},
        "args": args,
        "env": [PATH_ENV, "TERM=xterm", f"HOSTNAME={pod.name}", *K8S_ENV],
        "cwd": "/",
        "capabilities": caps_block(caps),
    }
    if additional_gids:
        process["user"]["additionalGids"] = additional_gids
    if rlimits:
        process["rlimits"] = rlimits
    if no_new_privs:
        process["noNewPrivileges"] = True
    if selinux:
        process["selinuxLabel"] = selinux[0]
    process["oomScoreAdj"] = 1000
    mounts = crio_default_mounts()
    mounts += [
        {"destination": "/dev/shm", "type": "bind", "source": f"{CRIO_RUN}/{sb}/userdata/shm",
         "options": ["rw", "bind"]},
        {"destination": "/etc/resolv.conf", "type": "bind", "source": f"{CRIO_RUN}/{sb}/userdata/resolv.conf",
         "options": ["rw", "bind", "nodev", "nosuid", "noexec"]},
        {"destination": "/etc/hostname", "type": "bind", "source": f"{CRIO_RUN}/{sb}/userdata/hostname",
         "options": ["rw", "bind"]},
        {"destination": "/run/.containerenv", "type": "bind", "source": f"{CRIO_RUN}/{sb}/userdata/.containerenv",
         "options": ["rw", "bind"]},
        {"destination": "/etc/hosts", "type": "bind", "source": pod.kubelet("etc-hosts"),
         "options": ["rw", "rbind", "rprivate", "bind"]},
        {"destination": "/dev/termination-log", "type": "bind", "source": pod.kubelet("containers", name, cid[:8]),
         "options": ["rw", "rbind", "rprivate", "bind"]},
        *(extra_mounts or []),
    ]  # fmt: skip
    linux: Json = {
        "resources": {
            "devices": [{"allow": False, "access": "rwm"}],
            "memory": {"limit": 268435456, "swap": 268435456},
            "cpu": {"shares": 102, "quota": 20000, "period": 100000},
            "pids": {"limit": 4096},
            "hugepageLimits": [{"pageSize": "2MB", "limit": 0}, {"pageSize": "1GB", "limit": 0}],
        },
        "cgroupsPath": f"{pod.cgroup_parent('burstable')}:crio:{cid}",
        "namespaces": crio_namespaces(pod, sandbox=False),
    }
    if seccomp is not None:
        linux["seccomp"] = seccomp
    linux["maskedPaths"] = list(MASKED)
    linux["readonlyPaths"] = list(READONLY)
    if selinux:
        linux["mountLabel"] = selinux[1]
    return {
        "ociVersion": oci_version,
        "process": process,
        "root": {"path": f"{CRIO_STORAGE}/{hexid('layer/' + cid)}/merged"},
        "hostname": pod.name,
        "mounts": mounts,
        "annotations": crio_annotations(pod, cid, kind="container", name=name, image=image, extra={}),
        "linux": linux,
    }


def crio_docs() -> dict[str, Json]:
    out: dict[str, Json] = {}
    # 26. A CRI-O infra (pause) container: pinned namespaces joined by path, sysctls, read-only root.
    pod = Pod("inventory-6b7c8d9f4-j8k2m", "warehouse", pid=24410)
    sb = pod.sandbox_id
    token = poduid(pod.name + "/pinns")
    out["crio-sandbox-infra"] = {
        "ociVersion": "1.0.2-dev",
        "process": {
            "user": {"uid": 65535, "gid": 65535},
            "args": ["/pause"],
            "env": [PATH_ENV, "TERM=xterm"],
            "cwd": "/",
            "capabilities": caps_block(CRIO_CAPS),
            "noNewPrivileges": True,
            "oomScoreAdj": -998,
        },
        "root": {"path": f"{CRIO_STORAGE}/{hexid('layer/' + sb)}/merged", "readonly": True},
        "hostname": pod.name,
        "mounts": crio_default_mounts()[:5]
        + [
            {
                "destination": "/dev/shm",
                "type": "bind",
                "source": f"{CRIO_RUN}/{sb}/userdata/shm",
                "options": ["rw", "bind"],
            },
            {
                "destination": "/etc/resolv.conf",
                "type": "bind",
                "source": f"{CRIO_RUN}/{sb}/userdata/resolv.conf",
                "options": ["ro", "bind", "nodev", "nosuid", "noexec"],
            },
            {
                "destination": "/etc/hostname",
                "type": "bind",
                "source": f"{CRIO_RUN}/{sb}/userdata/hostname",
                "options": ["ro", "bind", "nodev", "nosuid", "noexec"],
            },
        ],  # fmt: skip
        "annotations": crio_annotations(
            pod,
            sb,
            kind="sandbox",
            name="POD",
            image="registry.k8s.io/pause:3.10",
            extra={"io.kubernetes.cri-o.IP.0": "10.85.0.17"},
        ),  # fmt: skip
        "linux": {
            "sysctl": {"net.ipv4.ip_unprivileged_port_start": "0", "net.ipv4.ping_group_range": "0 2147483647"},
            "resources": {"cpu": {"shares": 2}},
            "cgroupsPath": f"{pod.cgroup_parent('besteffort')}:crio:{sb}",
            "namespaces": [
                {"type": "pid"},
                {"type": "network", "path": f"/var/run/netns/{token}"},
                {"type": "ipc", "path": f"/var/run/ipcns/{token}"},
                {"type": "uts", "path": f"/var/run/utsns/{token}"},
                {"type": "mount"},
            ],
            "maskedPaths": list(MASKED),
            "readonlyPaths": list(READONLY),
        },
    }

    # 27. A CRI-O app container (9 default caps, no NET_RAW), RLIMIT_NOFILE from default_ulimits, pids limit.
    out["crio-app"] = crio_container(
        pod,
        "inventory",
        "quay.io/example/inventory:3.4.1",
        ["/usr/bin/inventory", "serve"],
        oci_version="1.0.2-dev",
        additional_gids=[0, 1, 2, 3, 4, 6, 10, 11, 20, 26, 27],
        rlimits=[{"type": "RLIMIT_NOFILE", "hard": 1048576, "soft": 1048576}],
        extra_mounts=[
            {"destination": "/var/run/secrets/kubernetes.io/serviceaccount", "type": "bind",
             "source": pod.volume("projected", "kube-api-access-f7w2c"),
             "options": ["ro", "rbind", "rprivate", "bind"]},
        ],
    )  # fmt: skip

    # 28. OpenShift restricted-v2 SCC on CRI-O with SELinux enforcing: MCS label, drop ALL, NNP, RuntimeDefault
    #     seccomp (containers/common profile: defaultErrnoRet 38), uid from the namespace range.
    osp = Pod("catalog-api-5d6f7c8b9-r4t6y", "shop-prod", pid=31807)
    seccomp = runtime_default_seccomp([])
    seccomp = {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38, **{k: v for k, v in seccomp.items()
                                                                          if k != "defaultAction"}}  # fmt: skip
    out["crio-openshift-selinux"] = crio_container(
        osp,
        "catalog-api",
        "image-registry.openshift-image-registry.svc:5000/shop-prod/catalog-api@sha256:" + hexid("catalog"),
        ["/opt/app-root/bin/catalog-api"],
        oci_version="1.1.0",
        uid=1000680000,
        gid=0,
        additional_gids=[0, 1000680000],
        caps=[],
        no_new_privs=True,
        seccomp=seccomp,
        selinux=("system_u:system_r:container_t:s0:c26,c15", "system_u:object_r:container_file_t:s0:c26,c15"),
        extra_mounts=[
            {"destination": "/var/run/secrets/kubernetes.io/serviceaccount", "type": "bind",
             "source": osp.volume("projected", "kube-api-access-h2x9l"),
             "options": ["ro", "rbind", "rprivate", "bind"]},
        ],
    )  # fmt: skip
    return out


def main() -> None:
    for name, doc in docs().items():
        (HERE / f"{name}.json").write_text(json.dumps(doc, indent=2) + "\n")


if __name__ == "__main__":
    main()

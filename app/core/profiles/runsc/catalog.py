"""The rule catalog of profile `runsc`: every row of runsc-rules.md, plus the JSON-level rules.

Rules with scope "host" depend on the machine runsc runs on (its kernel, its flags, the rootfs
contents, other containers of the sandbox); they are listed for reference and never reported.
"""

from __future__ import annotations

from app.core.rules import Catalog, Rule

_SPECUTILS = "runsc/specutils/specutils.go"
_FS = "runsc/specutils/fs.go"
_CRI = "runsc/specutils/cri.go"
_FLAGS = "runsc/config/flags.go"
_CONFIG = "runsc/config/config.go"
_LOADER = "runsc/boot/loader.go"
_VFS = "runsc/boot/vfs.go"
_HINTS = "runsc/boot/mount_hints.go"
_SECCOMP = "runsc/specutils/seccomp/seccomp.go"
_CONTAINER = "runsc/container/container.go"
_SANDBOX = "runsc/sandbox/sandbox.go"

RULES: tuple[Rule, ...] = (
    # A. Parsing and ValidateSpec.
    Rule(
        "RUNSC-JSON-UNKNOWN",
        "warning",
        "Members unknown to runsc's spec types are ignored (with a warning).",
        f"{_SPECUTILS} ReadSpecFromFile",
    ),
    Rule(
        "RUNSC-JSON-INVALID",
        "error",
        "A value of the wrong JSON type makes Go's decoder refuse the spec.",
        f"{_SPECUTILS} ReadSpecFromFile",
    ),
    Rule(
        "RUNSC-JSON-DUPLICATE",
        "warning",
        "A member named twice in one object: Go silently keeps the last value.",
        f"{_SPECUTILS} ReadSpecFromFile (encoding/json)",
    ),
    Rule(
        "RUNSC-OCIVERSION",
        "info",
        "ociVersion is never checked (runsc features reports 1.0.0 to 1.2.1).",
        f"{_SPECUTILS} Features",
    ),
    Rule("RUNSC-PROCESS-REQUIRED", "error", "process must be defined.", f"{_SPECUTILS} ValidateSpec"),
    Rule("RUNSC-ARGS-REQUIRED", "error", "process.args must not be empty.", f"{_SPECUTILS} ValidateSpec"),
    Rule("RUNSC-ROOT-REQUIRED", "error", "root must be defined.", f"{_SPECUTILS} ValidateSpec"),
    Rule("RUNSC-ROOTPATH-REQUIRED", "error", "root.path must not be empty.", f"{_SPECUTILS} ValidateSpec"),
    Rule("RUNSC-SOLARIS", "error", "A solaris section is not supported.", f"{_SPECUTILS} ValidateSpec"),
    Rule("RUNSC-WINDOWS", "error", "A windows section is not supported.", f"{_SPECUTILS} ValidateSpec"),
    Rule("RUNSC-OTHER-OS", "info", "vm and zos sections are ignored.", f"{_SPECUTILS} ValidateSpec"),
    Rule(
        "RUNSC-SELINUX",
        "error",
        "A non-empty process.selinuxLabel is rejected: SELinux is not supported.",
        f"{_SPECUTILS} ValidateSpec",
    ),
    Rule("RUNSC-SELINUX-MOUNTLABEL", "info", "linux.mountLabel is never read.", f"{_SPECUTILS} ValidateSpec"),
    Rule(
        "RUNSC-APPARMOR",
        "warning",
        "process.apparmorProfile is ignored (with a warning).",
        f"{_SPECUTILS} ValidateSpec",
    ),
    Rule(
        "RUNSC-SECCOMP-VALIDATE",
        "info",
        "ValidateSpec no longer looks at linux.seccomp (see RUNSC-SECCOMP-*).",
        f"{_SPECUTILS} ValidateSpec",
    ),
    Rule(
        "RUNSC-ROOTFS-PROPAGATION",
        "error",
        "linux.rootfsPropagation must be private, rprivate, slave or rslave.",
        f"{_FS} validateRootfsPropagation",
    ),
    Rule("RUNSC-MOUNT-DEST-ABS", "error", "Every mount destination must be an absolute path.", f"{_FS} validateMount"),
    Rule(
        "RUNSC-MOUNT-SHARED-PROPAGATION",
        "error",
        "Gofer (bind) mounts must not have option shared or rshared.",
        f"{_FS} validateMount, ValidateMountOptions",
    ),
    Rule(
        "RUNSC-ROOTFS-TAR-DISABLED",
        "error",
        "The rootfs tar annotation needs --allow-rootfs-tar-annotation, which is off by default.",
        f"{_SPECUTILS} ValidateSpec, RootfsTarUpperPath",
    ),
    Rule(
        "RUNSC-ROOTFS-TAR-READONLY",
        "error",
        "The rootfs tar annotation cannot be used with a read-only root.",
        f"{_SPECUTILS} ValidateSpec",
    ),
    Rule(
        "RUNSC-ROOTFS-TAR-UNUSED",
        "info",
        "A rootfs tar annotation RootfsTarUpperPath does not read for this container (another container's name, "
        "or the plain key in a CRI multi-container spec) has no effect.",
        f"{_SPECUTILS} RootfsTarUpperPath, ContainerName; {_CRI} SpecContainerType",
    ),
    Rule(
        "RUNSC-CONTAINER-TYPE",
        "error",
        "The CRI container-type annotation must be sandbox or container.",
        f"{_CRI} SpecContainerType; {_SPECUTILS} ValidateSpec",
    ),
    Rule(
        "RUNSC-SANDBOX-ID",
        "error",
        "A container-type container needs a CRI sandbox-id annotation.",
        f"{_CRI} SandboxID; {_SPECUTILS} ValidateSpec",
    ),
    # B. fixSpec transforms.
    Rule(
        "RUNSC-ROOTPATH-ABS",
        "info",
        "A relative root.path is joined onto the bundle directory.",
        f"{_SPECUTILS} fixSpec",
    ),
    Rule(
        "RUNSC-MOUNT-SOURCE-ABS",
        "info",
        "Relative mount sources (any type) are joined onto the bundle directory.",
        f"{_SPECUTILS} fixSpec",
    ),
    Rule(
        "RUNSC-SECCOMP-RUNTIMEDEFAULT",
        "info",
        "linux.seccomp is dropped when the container's dev.gvisor.internal.seccomp annotation is RuntimeDefault.",
        f"{_SPECUTILS} fixSpec",
    ),
    # C. Annotations -> runsc config.
    Rule(
        "RUNSC-ANNOT-BUNDLE-VALUE",
        "error",
        'A dev.gvisor.bundle.<name> annotation must be exactly "true".',
        f"{_SPECUTILS} FixConfig",
    ),
    Rule(
        "RUNSC-ANNOT-BUNDLE-UNKNOWN",
        "warning",
        "An unknown config bundle name is skipped (with a warning).",
        f"{_SPECUTILS} FixConfig; runsc/config/config_bundles.go",
    ),
    Rule(
        "RUNSC-ANNOT-FLAG-UNKNOWN",
        "error",
        "dev.gvisor.flag.<flag> must name a runsc flag.",
        f"{_FLAGS} Config.Override",
    ),
    Rule(
        "RUNSC-ANNOT-FLAG-NOT-ALLOWED",
        "error",
        "Only allowlisted flags may be set by annotation unless --allow-flag-override is on.",
        f"{_FLAGS} overrideAllowlist, isOverrideAllowed",
    ),
    Rule(
        "RUNSC-ANNOT-FLAG-CHECKED",
        "error",
        "overlay2, oci-seccomp and qdisc annotations may only make the sandbox stricter.",
        f"{_FLAGS} checkOverlay2, checkOciSeccomp, checkQDisc",
    ),
    Rule(
        "RUNSC-ANNOT-FLAG-VALUE",
        "error",
        "A flag annotation's value must parse as the flag's type.",
        f"{_FLAGS} Config.Override",
    ),
    Rule(
        "RUNSC-ANNOT-CONFIG-VALID",
        "error",
        "The configuration after the flag annotations must be consistent.",
        f"{_CONFIG} Config.Validate",
    ),
    Rule(
        "RUNSC-ANNOT-BOOL",
        "warning",
        "Boolean dev.gvisor annotations (tpuproxy, nvproxy, checkpoint.* and fscheckpoint.* switches) parse with "
        "strconv.ParseBool; bad values read as false. checkpoint.compression must be none or flate-best-speed.",
        f"{_SPECUTILS} AnnotationToBool; runsc/boot/restore.go, fscheckpoint.go",
    ),
    Rule(
        "RUNSC-ANNOT-CPUFEATURES",
        "error",
        "dev.gvisor.internal.cpufeatures must list CPU feature names gVisor knows (amd64); arm64 refuses it.",
        f"{_LOADER} New; pkg/cpuid FeatureFromString, FeatureSet.Intersect",
    ),
    Rule(
        "RUNSC-ANNOT-REMAP",
        "warning",
        "dev.gvisor.container-name-remap.<id> must be from=to (else ignored), one remap per name.",
        f"{_SPECUTILS} ContainerName",
    ),
    # D. Capabilities, process, rlimits, env.
    Rule(
        "RUNSC-CAPS-NAMES",
        "error",
        "Capability names must be one of the 41 CAP_* names (exact spelling).",
        f"{_SPECUTILS} Capabilities, capsFromNames",
    ),
    Rule(
        "RUNSC-CAPS-AMBIENT",
        "info",
        "The ambient set is parsed and applied like the others.",
        f"{_SPECUTILS} Capabilities",
    ),
    Rule(
        "RUNSC-CAPS-NETRAW",
        "info",
        "CAP_NET_RAW is stripped from every set unless --net-raw is on.",
        f"{_SPECUTILS} Capabilities",
    ),
    Rule(
        "RUNSC-CAPS-ABSENT",
        "info",
        "Without process.capabilities the process has no capabilities, even as uid 0.",
        f"{_SPECUTILS} Capabilities",
    ),
    Rule(
        "RUNSC-CAPS-NO-CONSISTENCY", "info", "No subset checks between capability sets.", f"{_SPECUTILS} Capabilities"
    ),
    Rule(
        "RUNSC-RUN-CWD",
        "warning",
        "`runsc run` rejects an empty or relative process.cwd.",
        "runsc/cmd/exec.go validateProcessSpec",
    ),
    Rule("RUNSC-ENV-FORMAT", "error", "Every process.env entry must be NAME=value.", f"{_SPECUTILS} ResolveEnvs"),
    Rule(
        "RUNSC-RLIMIT-TYPE",
        "error",
        "Rlimit types must be one of the 16 RLIMIT_* names runsc knows.",
        "runsc/boot/limits.go createLimitSet",
    ),
    Rule(
        "RUNSC-RLIMIT-DEFAULTS",
        "info",
        "Absent rlimits get Docker-like defaults, partly taken from the host.",
        "runsc/boot/limits.go initDefaults",
        "host",
    ),
    Rule("RUNSC-UMASK", "info", "process.user.umask is honoured (default 0022).", f"{_LOADER} createProcessArgs"),
    Rule("RUNSC-NONEWPRIVS", "info", "process.noNewPrivileges is honoured.", f"{_LOADER} createProcessArgs"),
    Rule(
        "RUNSC-USER",
        "info",
        "uid, gid and additionalGids are honoured; username is ignored.",
        f"{_LOADER} getRootCredentials",
    ),
    Rule(
        "RUNSC-OOMSCOREADJ",
        "info",
        "oomScoreAdj is applied to the host gofer and sandbox processes.",
        f"{_CONTAINER} adjustSandboxOOMScoreAdj",
        "host",
    ),
    Rule(
        "RUNSC-IGNORED-PROCESS",
        "info",
        "ioPriority, scheduler, execCPUAffinity, consoleSize and linux.personality are never read.",
        f"{_LOADER} createProcessArgs",
    ),
    # E. Seccomp.
    Rule(
        "RUNSC-SECCOMP-OFF",
        "warning",
        "linux.seccomp is ignored unless oci-seccomp is enabled.",
        "runsc/boot/seccomp.go buildOCISeccompProgram",
    ),
    Rule(
        "RUNSC-SECCOMP-ON",
        "info",
        "With oci-seccomp the filter is installed inside the sentry.",
        "runsc/boot/seccomp.go buildOCISeccompProgram",
    ),
    Rule(
        "RUNSC-SECCOMP-ACTION",
        "error",
        "Only SCMP_ACT_KILL, TRAP, ERRNO, TRACE and ALLOW are supported (when oci-seccomp is on).",
        f"{_SECCOMP} convertAction",
    ),
    Rule(
        "RUNSC-SECCOMP-OP",
        "error",
        "Only SCMP_CMP_EQ/NE/GT/GE/LT/LE/MASKED_EQ are supported.",
        f"{_SECCOMP} convertRule",
    ),
    Rule(
        "RUNSC-SECCOMP-ARGINDEX",
        "error",
        "Seccomp argument indexes must be 0 to 5 (above 6 is refused, 6 makes runsc panic).",
        f"{_SECCOMP} convertArgs",
    ),
    Rule(
        "RUNSC-SECCOMP-NAMES",
        "warning",
        "Syscall names missing from gVisor's syscall table of the host's architecture (amd64, arm64; the host "
        "seccomp.architectures names) are skipped: a name no architecture knows is a warning, a real one info.",
        f"{_SECCOMP} convertRules, lookupSyscallNo; pkg/sentry/syscalls/linux/linux64.go AMD64, ARM64",
    ),
    Rule(
        "RUNSC-SECCOMP-IGNORED",
        "info",
        "architectures, flags, listenerPath, listenerMetadata and errno values are ignored.",
        f"{_SECCOMP} BuildProgram",
    ),
    # F. Namespaces, IDs, sysctl, resources, devices, hooks.
    Rule(
        "RUNSC-USERNS-MAPPINGS",
        "error",
        "UID/GID mappings need a user namespace entry (directfs is on by default).",
        f"{_CONTAINER} modifySpecForDirectfs",
    ),
    Rule(
        "RUNSC-USERNS-ADD",
        "info",
        "Without a user namespace runsc adds one with identity mappings.",
        f"{_CONTAINER} modifySpecForDirectfs",
    ),
    Rule(
        "RUNSC-NS-HOST",
        "info",
        "The sandbox joins the network namespace path; other host namespaces are fresh.",
        f"{_SANDBOX} createSandboxProcess",
        "host",
    ),
    Rule(
        "RUNSC-NS-SENTRY-PID",
        "warning",
        "A pid namespace path not shared with another container gets a new one.",
        f"{_LOADER} startSubcontainer",
        "host",
    ),
    Rule(
        "RUNSC-NS-SENTRY-OTHER",
        "info",
        "uts, ipc, mount and time namespace entries are ignored inside the sentry.",
        f"{_LOADER} createProcessArgs",
    ),
    Rule(
        "RUNSC-ROOTLESS-USERNS",
        "error",
        "Rootless runsc needs a user namespace in the spec.",
        f"{_SANDBOX} createSandboxProcess",
        "host",
    ),
    Rule(
        "RUNSC-SYSCTL-NROPEN",
        "error",
        "linux.sysctl fs.nr_open must be an integer from 1 to 2147483647.",
        f"{_LOADER} New",
    ),
    Rule(
        "RUNSC-SYSCTL-IPV6",
        "error",
        "linux.sysctl net.ipv6.conf.all.disable_ipv6 must be an integer.",
        f"{_SANDBOX} getDisableIPv6",
    ),
    Rule("RUNSC-SYSCTL-OTHER", "info", "Other linux.sysctl keys are ignored.", f"{_LOADER} New"),
    Rule(
        "RUNSC-MASKED-READONLY",
        "info",
        "linux.maskedPaths and linux.readonlyPaths are ignored.",
        f"{_SPECUTILS} LogSpecDebug",
    ),
    Rule("RUNSC-INTELRDT", "info", "linux.intelRdt is ignored.", f"{_SPECUTILS} Features"),
    Rule("RUNSC-RESOURCES", "error", "linux.resources apply to the sandbox's host cgroup.", "runsc/cgroup", "host"),
    Rule("RUNSC-DEVICE-TYPE", "error", "linux.devices types must be b, c, u or p.", f"{_VFS} createDeviceFile"),
    Rule(
        "RUNSC-DEVICE-GPU",
        "error",
        "With a NVIDIA hook requesting GPUs, NVIDIA_VISIBLE_DEVICES must be all, none, GPU indexes or GPU-<uuid>s "
        "and NVIDIA_DRIVER_CAPABILITIES known names within --nvproxy-allowed-driver-capabilities (utility,compute).",
        f"runsc/specutils/nvidia.go ParseNvidiaVisibleDevices, NVProxyDriverCapsFromEnv; {_CONTAINER} nvproxySetup",
    ),
    Rule(
        "RUNSC-DEVICE-GPU-EROFS",
        "error",
        "GPUs requested through a NVIDIA hook cannot be used with an EROFS rootfs.",
        f"{_CONTAINER} createGoferProcess; runsc/specutils/nvidia.go GPUFunctionalityRequestedViaHook",
    ),
    Rule(
        "RUNSC-DEVICE-TPU",
        "info",
        "TPU device paths or the tpuproxy annotation enable the TPU proxy.",
        f"{_SPECUTILS} TPUProxyEnabled",
    ),
    Rule(
        "RUNSC-DEVICE-RDMA",
        "error",
        "With --rdmaproxy uverbs devices must have major 231.",
        f"{_VFS} rdmaproxyRegisterDevices",
        "host",
    ),
    Rule(
        "RUNSC-HOOK-PATH", "error", "Hook paths must be non-empty and absolute.", "runsc/specutils/hooks.go executeHook"
    ),
    Rule(
        "RUNSC-HOOK-SKIP",
        "warning",
        "startContainer hooks (and createContainer hooks on EROFS roots) are skipped.",
        "runsc/specutils/hooks.go; runsc/container/container.go Start",
    ),
    # G. Mounts.
    Rule(
        "RUNSC-MOUNT-BIND-DETECT",
        "info",
        "Any mount with option bind or rbind is treated as a bind mount.",
        f"{_SPECUTILS} MaybeConvertToBindMount, IsGoferMount",
    ),
    Rule(
        "RUNSC-MOUNT-BIND-NOSOURCE",
        "error",
        "A bind mount needs a source (gofer mount requires a connection FD).",
        f"{_VFS} getMountNameAndOptions",
    ),
    Rule(
        "RUNSC-MOUNT-DEV-LIST",
        "info",
        "Mounts under /dev are no longer dropped; they are mounted as specified.",
        f"{_VFS} compileMounts",
    ),
    Rule(
        "RUNSC-MOUNT-DEV-RETYPE",
        "info",
        "Mounts at /dev and /dev/pts become the sentry's dev and devpts.",
        f"{_VFS} compileMounts",
    ),
    Rule(
        "RUNSC-MOUNT-MANDATORY",
        "info",
        "Missing /proc, /sys, /dev and /dev/pts mounts are added.",
        f"{_VFS} compileMounts",
    ),
    Rule(
        "RUNSC-MOUNT-TMP",
        "info",
        "Without a /tmp mount a tmpfs is added only if the rootfs /tmp is empty.",
        f"{_VFS} mountTmp",
        "host",
    ),
    Rule(
        "RUNSC-MOUNT-TYPE-UNKNOWN",
        "warning",
        "Mounts of a filesystem type runsc does not know are skipped.",
        f"{_VFS} getMountNameAndOptions",
    ),
    Rule(
        "RUNSC-MOUNT-OPT-UNKNOWN",
        "warning",
        "Mount options runsc does not know are ignored (with a warning).",
        f"{_VFS} ParseMountOptions",
    ),
    Rule(
        "RUNSC-MOUNT-OPT-KV",
        "error",
        "A tmpfs, bind or cgroup option may contain at most one '='.",
        f"{_VFS} parseMountOption",
    ),
    Rule(
        "RUNSC-MOUNT-ERROFS",
        "info",
        "An erofs mount's source is an image file, mounted read-only.",
        f"{_VFS}; {_CONTAINER} initGoferConfs",
    ),
    Rule(
        "RUNSC-MOUNT-IDMAP",
        "info",
        "Mounts with uidMappings and gidMappings are id-mapped on the host.",
        f"{_SPECUTILS} IsIDMappedMount",
        "host",
    ),
    Rule(
        "RUNSC-MOUNTPOINT-KIND",
        "error",
        "A mount point in the rootfs must be of the source's kind (dir or file).",
        f"{_VFS} makeMountPoint",
        "host",
    ),
    Rule(
        "RUNSC-MOUNT-HINT-KEY",
        "error",
        "dev.gvisor.spec.mount.<name>.<field> hints must be well-formed and name distinct sources.",
        f"{_HINTS} NewPodMountHints",
    ),
    Rule(
        "RUNSC-MOUNT-SHARED-COMPAT",
        "error",
        "A mount of a shared (tmpfs, share container or pod) hint's source may not be less restrictive than the "
        "hint: no rw under ro, exec under noexec, atime under noatime, suid under nosuid.",
        f"{_HINTS} MountHint.checkCompatible; {_VFS} mountSharedSubmount",
    ),
    Rule(
        "RUNSC-ROOTFS-HINT",
        "error",
        "dev.gvisor.spec.rootfs.<field> hints must be valid and complete.",
        f"{_HINTS} NewRootfsHint",
    ),
    Rule(
        "RUNSC-ROOT-READONLY",
        "info",
        "A read-only root is mounted read-only without the rootfs overlay.",
        f"{_CONTAINER} initGoferConfs",
    ),
    Rule(
        "RUNSC-ROOTFS-OVERLAY",
        "info",
        "By default the rootfs gets a tmpfs overlay backed by a file in root.path.",
        f"{_CONTAINER} initGoferConfs",
    ),
)

CATALOG = Catalog("runsc", RULES)

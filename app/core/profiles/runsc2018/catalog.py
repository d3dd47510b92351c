"""The rules of profile `runsc-2018`: one per branch of the 2018 `runsc/specutils/specutils.go` that can refuse
or warn about a spec, plus the JSON decoding that comes before it."""

from __future__ import annotations

from app.core.rules import Catalog, Rule

PROFILE = "runsc-2018"

_SPECUTILS = "runsc/specutils/specutils.go (gVisor, 2018)"

JSON_INVALID = "RUNSC2018-JSON-INVALID"
JSON_DUPLICATE = "RUNSC2018-JSON-DUPLICATE"
PROCESS_REQUIRED = "RUNSC2018-PROCESS-REQUIRED"
ARGS_REQUIRED = "RUNSC2018-ARGS-REQUIRED"
ROOT_REQUIRED = "RUNSC2018-ROOT-REQUIRED"
ROOTPATH_REQUIRED = "RUNSC2018-ROOTPATH-REQUIRED"
SOLARIS = "RUNSC2018-SOLARIS"
WINDOWS = "RUNSC2018-WINDOWS"
SELINUX = "RUNSC2018-SELINUX"
APPARMOR = "RUNSC2018-APPARMOR"
SECCOMP = "RUNSC2018-SECCOMP"
MOUNT_DEST_ABS = "RUNSC2018-MOUNT-DEST-ABS"
CONTAINER_TYPE = "RUNSC2018-CONTAINER-TYPE"
SANDBOX_ID = "RUNSC2018-SANDBOX-ID"
CAPS_UNKNOWN = "RUNSC2018-CAPS-UNKNOWN"
CAPS_AMBIENT = "RUNSC2018-CAPS-AMBIENT"
DEV_MOUNT = "RUNSC2018-DEV-MOUNT"

CATALOG = Catalog(
    PROFILE,
    [
        Rule(
            JSON_INVALID,
            "error",
            "A value has the wrong JSON type for its field; json.Unmarshal fails and ReadSpec refuses the spec.",
            f"{_SPECUTILS} ReadSpec (json.Unmarshal into specs.Spec)",
        ),
        Rule(
            JSON_DUPLICATE,
            "info",
            "A member name occurs twice in one object; Go's decoder accepts it silently, later values overwrite.",
            f"{_SPECUTILS} ReadSpec (json.Unmarshal into specs.Spec)",
        ),
        Rule(PROCESS_REQUIRED, "error", "`process` must be defined.", f"{_SPECUTILS} ValidateSpec"),
        Rule(ARGS_REQUIRED, "error", "`process.args` must not be empty.", f"{_SPECUTILS} ValidateSpec"),
        Rule(ROOT_REQUIRED, "error", "`root` must be defined.", f"{_SPECUTILS} ValidateSpec"),
        Rule(ROOTPATH_REQUIRED, "error", "`root.path` must not be empty.", f"{_SPECUTILS} ValidateSpec"),
        Rule(SOLARIS, "error", "`solaris` is not supported (present and not null).", f"{_SPECUTILS} ValidateSpec"),
        Rule(WINDOWS, "error", "`windows` is not supported (present and not null).", f"{_SPECUTILS} ValidateSpec"),
        Rule(
            SELINUX,
            "error",
            "`process.selinuxLabel` must be empty: SELinux is not supported.",
            f"{_SPECUTILS} ValidateSpec",
        ),
        Rule(
            APPARMOR,
            "warning",
            "`process.apparmorProfile` is ignored (logged as a warning).",
            f"{_SPECUTILS} ValidateSpec",
        ),
        Rule(
            SECCOMP,
            "warning",
            "`linux.seccomp` is ignored: the filter is not applied to the application (logged as a warning).",
            f"{_SPECUTILS} ValidateSpec",
        ),
        Rule(
            MOUNT_DEST_ABS,
            "error",
            "Every `mounts[i].destination` must be an absolute path (path.IsAbs).",
            f"{_SPECUTILS} ValidateSpec",
        ),
        Rule(
            CONTAINER_TYPE,
            "error",
            "Annotation `io.kubernetes.cri.container-type`, when set, must be `sandbox` or `container`.",
            f"{_SPECUTILS} ValidateSpec",
        ),
        Rule(
            SANDBOX_ID,
            "error",
            "Container-type `container` needs annotation `io.kubernetes.cri.sandbox-id` (the sandbox to join).",
            f"{_SPECUTILS} ValidateSpec, SandboxID",
        ),
        Rule(
            CAPS_UNKNOWN,
            "error",
            "Every name in the bounding, effective, inheritable and permitted sets must be one of the 38 names "
            "CAP_CHOWN..CAP_AUDIT_READ; otherwise the container fails to start.",
            f"{_SPECUTILS} Capabilities, capsFromNames",
        ),
        Rule(
            CAPS_AMBIENT,
            "info",
            "`process.capabilities.ambient` is never read (TODO in the seed): no ambient capabilities are granted.",
            f"{_SPECUTILS} Capabilities",
        ),
        Rule(
            DEV_MOUNT,
            "info",
            "A mount at /dev, or at or below one of the 12 /dev paths the sandbox provides itself, is dropped "
            '(IsSupportedDevMount is false; runsc/boot/fs.go logs "ignoring dev mount at %q").',
            f"{_SPECUTILS} IsSupportedDevMount; runsc/boot/fs.go createMountsHelper",
        ),
    ],
)

"""Go types of the runtime-spec `specs-go` package, as the Go JSON decoder sees them.

Each model lists its structs as (json name, Go type) pairs, written the way specs-go
declares them, so that a reader can hold this table against `specs-go/config.go`.
Type strings: `string`, `bool`, `int`, `int32`, `int64`, `uint`, `uint16`, `uint32`,
`uint64`, `FileMode`, `any` (interface{}), `*T`, `[]T`, `map[string]T`, or a struct name.
Embedded structs are spelled out (Go promotes their fields).
"""

from __future__ import annotations

from dataclasses import dataclass

StructTable = dict[str, list[tuple[str, str]]]

# specs-go as vendored by runsc today (runtime-spec v1.2.1: `runsc features` reports ociVersionMax 1.2.1).
RUNSC_STRUCTS: StructTable = {
    "Spec": [
        ("ociVersion", "string"),
        ("process", "*Process"),
        ("root", "*Root"),
        ("hostname", "string"),
        ("domainname", "string"),
        ("mounts", "[]Mount"),
        ("hooks", "*Hooks"),
        ("annotations", "map[string]string"),
        ("linux", "*Linux"),
        ("solaris", "*Solaris"),
        ("windows", "*Windows"),
        ("vm", "*VM"),
        ("zos", "*ZOS"),
    ],
    "Process": [
        ("terminal", "bool"),
        ("consoleSize", "*Box"),
        ("user", "User"),
        ("args", "[]string"),
        ("commandLine", "string"),
        ("env", "[]string"),
        ("cwd", "string"),
        ("capabilities", "*LinuxCapabilities"),
        ("rlimits", "[]POSIXRlimit"),
        ("noNewPrivileges", "bool"),
        ("apparmorProfile", "string"),
        ("oomScoreAdj", "*int"),
        ("scheduler", "*Scheduler"),
        ("selinuxLabel", "string"),
        ("ioPriority", "*LinuxIOPriority"),
        ("execCPUAffinity", "*CPUAffinity"),
    ],
    "CPUAffinity": [("initial", "string"), ("final", "string")],
    "Scheduler": [
        ("policy", "string"),
        ("nice", "int32"),
        ("priority", "int32"),
        ("flags", "[]string"),
        ("runtime", "uint64"),
        ("deadline", "uint64"),
        ("period", "uint64"),
    ],
    "LinuxCapabilities": [
        ("bounding", "[]string"),
        ("effective", "[]string"),
        ("inheritable", "[]string"),
        ("permitted", "[]string"),
        ("ambient", "[]string"),
    ],
    "LinuxIOPriority": [("class", "string"), ("priority", "int")],
    "Box": [("height", "uint"), ("width", "uint")],
    "User": [
        ("uid", "uint32"),
        ("gid", "uint32"),
        ("umask", "*uint32"),
        ("additionalGids", "[]uint32"),
        ("username", "string"),
    ],
    "Root": [("path", "string"), ("readonly", "bool")],
    "Mount": [
        ("destination", "string"),
        ("type", "string"),
        ("source", "string"),
        ("options", "[]string"),
        ("uidMappings", "[]LinuxIDMapping"),
        ("gidMappings", "[]LinuxIDMapping"),
    ],
    "Hook": [("path", "string"), ("args", "[]string"), ("env", "[]string"), ("timeout", "*int")],
    "Hooks": [
        ("prestart", "[]Hook"),
        ("createRuntime", "[]Hook"),
        ("createContainer", "[]Hook"),
        ("startContainer", "[]Hook"),
        ("poststart", "[]Hook"),
        ("poststop", "[]Hook"),
    ],
    "Linux": [
        ("uidMappings", "[]LinuxIDMapping"),
        ("gidMappings", "[]LinuxIDMapping"),
        ("sysctl", "map[string]string"),
        ("resources", "*LinuxResources"),
        ("cgroupsPath", "string"),
        ("namespaces", "[]LinuxNamespace"),
        ("devices", "[]LinuxDevice"),
        ("seccomp", "*LinuxSeccomp"),
        ("rootfsPropagation", "string"),
        ("maskedPaths", "[]string"),
        ("readonlyPaths", "[]string"),
        ("mountLabel", "string"),
        ("intelRdt", "*LinuxIntelRdt"),
        ("personality", "*LinuxPersonality"),
        ("timeOffsets", "map[string]LinuxTimeOffset"),
    ],
    "LinuxNamespace": [("type", "string"), ("path", "string")],
    "LinuxIDMapping": [("containerID", "uint32"), ("hostID", "uint32"), ("size", "uint32")],
    "LinuxTimeOffset": [("secs", "int64"), ("nanosecs", "uint32")],
    "POSIXRlimit": [("type", "string"), ("hard", "uint64"), ("soft", "uint64")],
    "LinuxHugepageLimit": [("pageSize", "string"), ("limit", "uint64")],
    "LinuxInterfacePriority": [("name", "string"), ("priority", "uint32")],
    "LinuxWeightDevice": [("major", "int64"), ("minor", "int64"), ("weight", "*uint16"), ("leafWeight", "*uint16")],
    "LinuxThrottleDevice": [("major", "int64"), ("minor", "int64"), ("rate", "uint64")],
    "LinuxBlockIO": [
        ("weight", "*uint16"),
        ("leafWeight", "*uint16"),
        ("weightDevice", "[]LinuxWeightDevice"),
        ("throttleReadBpsDevice", "[]LinuxThrottleDevice"),
        ("throttleWriteBpsDevice", "[]LinuxThrottleDevice"),
        ("throttleReadIOPSDevice", "[]LinuxThrottleDevice"),
        ("throttleWriteIOPSDevice", "[]LinuxThrottleDevice"),
    ],
    "LinuxMemory": [
        ("limit", "*int64"),
        ("reservation", "*int64"),
        ("swap", "*int64"),
        ("kernel", "*int64"),
        ("kernelTCP", "*int64"),
        ("swappiness", "*uint64"),
        ("disableOOMKiller", "*bool"),
        ("useHierarchy", "*bool"),
        ("checkBeforeUpdate", "*bool"),
    ],
    "LinuxCPU": [
        ("shares", "*uint64"),
        ("quota", "*int64"),
        ("burst", "*uint64"),
        ("period", "*uint64"),
        ("realtimeRuntime", "*int64"),
        ("realtimePeriod", "*uint64"),
        ("cpus", "string"),
        ("mems", "string"),
        ("idle", "*int64"),
    ],
    "LinuxPids": [("limit", "int64")],
    "LinuxNetwork": [("classID", "*uint32"), ("priorities", "[]LinuxInterfacePriority")],
    "LinuxRdma": [("hcaHandles", "*uint32"), ("hcaObjects", "*uint32")],
    "LinuxResources": [
        ("devices", "[]LinuxDeviceCgroup"),
        ("memory", "*LinuxMemory"),
        ("cpu", "*LinuxCPU"),
        ("pids", "*LinuxPids"),
        ("blockIO", "*LinuxBlockIO"),
        ("hugepageLimits", "[]LinuxHugepageLimit"),
        ("network", "*LinuxNetwork"),
        ("rdma", "map[string]LinuxRdma"),
        ("unified", "map[string]string"),
    ],
    "LinuxDevice": [
        ("path", "string"),
        ("type", "string"),
        ("major", "int64"),
        ("minor", "int64"),
        ("fileMode", "*FileMode"),
        ("uid", "*uint32"),
        ("gid", "*uint32"),
    ],
    "LinuxDeviceCgroup": [
        ("allow", "bool"),
        ("type", "string"),
        ("major", "*int64"),
        ("minor", "*int64"),
        ("access", "string"),
    ],
    "LinuxPersonality": [("domain", "string"), ("flags", "[]string")],
    "Solaris": [
        ("milestone", "string"),
        ("limitpriv", "string"),
        ("maxShmMemory", "string"),
        ("anet", "[]SolarisAnet"),
        ("cappedCPU", "*SolarisCappedCPU"),
        ("cappedMemory", "*SolarisCappedMemory"),
    ],
    "SolarisCappedCPU": [("ncpus", "string")],
    "SolarisCappedMemory": [("physical", "string"), ("swap", "string")],
    "SolarisAnet": [
        ("linkname", "string"),
        ("lowerLink", "string"),
        ("allowedAddress", "string"),
        ("configureAllowedAddress", "string"),
        ("defrouter", "string"),
        ("linkProtection", "string"),
        ("macAddress", "string"),
    ],
    "Windows": [
        ("layerFolders", "[]string"),
        ("devices", "[]WindowsDevice"),
        ("resources", "*WindowsResources"),
        ("credentialSpec", "any"),
        ("servicing", "bool"),
        ("ignoreFlushesDuringBoot", "bool"),
        ("hyperv", "*WindowsHyperV"),
        ("network", "*WindowsNetwork"),
    ],
    "WindowsDevice": [("id", "string"), ("idType", "string")],
    "WindowsResources": [
        ("memory", "*WindowsMemoryResources"),
        ("cpu", "*WindowsCPUResources"),
        ("storage", "*WindowsStorageResources"),
    ],
    "WindowsMemoryResources": [("limit", "*uint64")],
    "WindowsCPUResources": [
        ("count", "*uint64"),
        ("shares", "*uint16"),
        ("maximum", "*uint16"),
        ("affinity", "[]WindowsCPUGroupAffinity"),
    ],
    "WindowsCPUGroupAffinity": [("mask", "uint64"), ("group", "uint32")],
    "WindowsStorageResources": [("iops", "*uint64"), ("bps", "*uint64"), ("sandboxSize", "*uint64")],
    "WindowsNetwork": [
        ("endpointList", "[]string"),
        ("allowUnqualifiedDNSQuery", "bool"),
        ("DNSSearchList", "[]string"),
        ("networkSharedContainerName", "string"),
        ("networkNamespace", "string"),
    ],
    "WindowsHyperV": [("utilityVMPath", "string")],
    "VM": [("hypervisor", "VMHypervisor"), ("kernel", "VMKernel"), ("image", "VMImage")],
    "VMHypervisor": [("path", "string"), ("parameters", "[]string")],
    "VMKernel": [("path", "string"), ("parameters", "[]string"), ("initrd", "string")],
    "VMImage": [("path", "string"), ("format", "string")],
    "LinuxSeccomp": [
        ("defaultAction", "string"),
        ("defaultErrnoRet", "*uint"),
        ("architectures", "[]string"),
        ("flags", "[]string"),
        ("listenerPath", "string"),
        ("listenerMetadata", "string"),
        ("syscalls", "[]LinuxSyscall"),
    ],
    "LinuxSeccompArg": [("index", "uint"), ("value", "uint64"), ("valueTwo", "uint64"), ("op", "string")],
    "LinuxSyscall": [("names", "[]string"), ("action", "string"), ("errnoRet", "*uint"), ("args", "[]LinuxSeccompArg")],
    "LinuxIntelRdt": [
        ("closID", "string"),
        ("l3CacheSchema", "string"),
        ("memBwSchema", "string"),
        ("enableCMT", "bool"),
        ("enableMBM", "bool"),
    ],
    "ZOS": [("devices", "[]ZOSDevice")],
    "ZOSDevice": [
        ("path", "string"),
        ("type", "string"),
        ("major", "int64"),
        ("minor", "int64"),
        ("fileMode", "*FileMode"),
        ("uid", "*uint32"),
        ("gid", "*uint32"),
    ],
}


def _without(table: StructTable, drop: dict[str, set[str]], remove: set[str]) -> StructTable:
    return {
        name: [(json, go) for json, go in fields if json not in drop.get(name, set())]
        for name, fields in table.items()
        if name not in remove
    }


# specs-go as vendored by runsc in 2018 (runtime-spec v1.0.1): no vm/zos/domainname, three hook kinds,
# no scheduler/ioPriority/personality/timeOffsets/seccomp errno and listener fields, no mount id-mappings.
RUNSC_2018_STRUCTS: StructTable = _without(
    RUNSC_STRUCTS,
    drop={
        "Spec": {"domainname", "vm", "zos"},
        "Process": {"commandLine", "scheduler", "ioPriority", "execCPUAffinity"},
        "User": {"umask"},
        "Mount": {"uidMappings", "gidMappings"},
        "Hooks": {"createRuntime", "createContainer", "startContainer"},
        "Linux": {"personality", "timeOffsets"},
        "LinuxMemory": {"useHierarchy", "checkBeforeUpdate"},
        "LinuxCPU": {"burst", "idle"},
        "LinuxResources": {"rdma", "unified"},
        "Windows": {"devices"},
        "WindowsCPUResources": {"affinity"},
        "WindowsNetwork": {"networkNamespace"},
        "LinuxSeccomp": {"defaultErrnoRet", "flags", "listenerPath", "listenerMetadata"},
        "LinuxSyscall": {"errnoRet"},
        "LinuxIntelRdt": {"closID", "memBwSchema", "enableCMT", "enableMBM"},
    },
    remove={
        "CPUAffinity",
        "Scheduler",
        "LinuxIOPriority",
        "LinuxTimeOffset",
        "LinuxRdma",
        "LinuxPersonality",
        "WindowsDevice",
        "WindowsCPUGroupAffinity",
        "VM",
        "VMHypervisor",
        "VMKernel",
        "VMImage",
        "ZOS",
        "ZOSDevice",
    },
)

MODELS: dict[str, StructTable] = {"runsc": RUNSC_STRUCTS, "runsc-2018": RUNSC_2018_STRUCTS}

# Integer kinds: (minimum, maximum) on a 64-bit machine, where Go's int and uint are 64 bits wide.
INT_RANGES: dict[str, tuple[int, int]] = {
    "int": (-(2**63), 2**63 - 1),
    "int32": (-(2**31), 2**31 - 1),
    "int64": (-(2**63), 2**63 - 1),
    "uint": (0, 2**64 - 1),
    "uint16": (0, 2**16 - 1),
    "uint32": (0, 2**32 - 1),
    "uint64": (0, 2**64 - 1),
    "FileMode": (0, 2**32 - 1),
}


@dataclass(frozen=True, slots=True)
class GoType:
    """A parsed Go type: kind is scalar name, 'ptr', 'slice', 'map' or 'struct'."""

    kind: str
    elem: GoType | None = None
    struct: str | None = None

    def go_name(self) -> str:
        """How Go's UnmarshalTypeError prints the type."""
        if self.kind == "ptr" and self.elem is not None:
            return self.elem.go_name()
        if self.kind == "slice" and self.elem is not None:
            return "[]" + self.elem.go_name()
        if self.kind == "map" and self.elem is not None:
            return "map[string]" + self.elem.go_name()
        if self.kind == "struct":
            return f"specs.{self.struct}"
        if self.kind == "FileMode":
            return "fs.FileMode"
        if self.kind == "any":
            return "interface {}"
        return self.kind


def parse_type(text: str, table: StructTable) -> GoType:
    """Parse a type string of the tables above."""
    if text.startswith("*"):
        return GoType("ptr", elem=parse_type(text[1:], table))
    if text.startswith("[]"):
        return GoType("slice", elem=parse_type(text[2:], table))
    if text.startswith("map[string]"):
        return GoType("map", elem=parse_type(text[len("map[string]") :], table))
    if text in table:
        return GoType("struct", struct=text)
    if text in INT_RANGES or text in ("string", "bool", "any"):
        return GoType(text)
    raise ValueError(f"unknown Go type {text!r}")

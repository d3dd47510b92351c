"""NVIDIA environment variables, read as runsc/specutils/nvidia.go reads them (gVisor 3c5eee17dc45).

- GPUFunctionalityRequestedViaHook: findNvidiaHook (createContainer `/nvidia-cdi-hook` first, then prestart
  `/nvidia-container-runtime-hook`; --nvproxy-docker is off by default), then NVIDIA_VISIBLE_DEVICES neither ""
  nor "void". nvidiaVisibleDevsEnvVar: legacy uses EnvVar (ResolveEnvs, last wins); CDI scans the raw list and
  skips a trailing "void".
- ParseNvidiaVisibleDevices: "none", "all", or each element `GPU-...` or strconv.ParseUint(x, 10, 32).
- NVProxyDriverCapsFromEnv: nvconf.DriverCapsFromString (trimmed names, "all", errors on unknown names), then
  the requested set must be within --nvproxy-allowed-driver-capabilities (runsc/config/flags.go default
  "utility,compute"); "all" with extra names only logs a warning.
- runsc/container/container.go createGoferProcess: a hook-requested GPU cannot be used with an EROFS rootfs.
"""

from __future__ import annotations

import pytest

from tests.core.profiles.runsc.support import Change, hits, note, put, spec

LEGACY = put("hooks", {"prestart": [{"path": "/usr/bin/nvidia-container-runtime-hook"}]})
CDI = put("hooks", {"createContainer": [{"path": "/usr/bin/nvidia-cdi-hook"}]})
OTHER_HOOK = put("hooks", {"prestart": [{"path": "/usr/bin/other-hook"}]})
GPU = "RUNSC-DEVICE-GPU"


def env(*entries: str) -> Change:
    return put("process/env", ["PATH=/bin", *entries])


@pytest.mark.parametrize(
    ("value", "bad"),
    [
        pytest.param("all", False, id="all"),
        pytest.param("none", False, id="none"),
        pytest.param("0", False, id="index"),
        pytest.param("0,1,3", False, id="indexes"),
        pytest.param("GPU-fef8089b", False, id="uuid"),
        pytest.param("0,GPU-fef8089b", False, id="mixed"),
        pytest.param("4294967295", False, id="uint32-max"),
        pytest.param("4294967296", True, id="uint32-overflow"),
        pytest.param("MIG-GPU-1/0/0", True, id="mig"),
        pytest.param("-1", True, id="negative"),
        pytest.param("+1", True, id="plus-sign"),
        pytest.param("0,,1", True, id="empty-element"),
        pytest.param("0,all", True, id="all-in-a-list"),
        pytest.param("gpu-1", True, id="uuid-prefix-case"),
    ],
)
def test_visible_devices(value: str, bad: bool) -> None:
    found = hits(spec(LEGACY, env(f"NVIDIA_VISIBLE_DEVICES={value}")), GPU)
    assert found == ([("/process/env/1", "error")] if bad else [])


@pytest.mark.parametrize("value", ["", "void"])
def test_no_gpu_requested_no_parsing(value: str) -> None:
    assert hits(spec(LEGACY, env(f"NVIDIA_VISIBLE_DEVICES={value}", "NVIDIA_DRIVER_CAPABILITIES=bogus")), GPU) == []


def test_without_a_nvidia_hook_nothing_is_read() -> None:
    assert hits(spec(OTHER_HOOK, env("NVIDIA_VISIBLE_DEVICES=MIG-1")), GPU) == []
    assert hits(spec(env("NVIDIA_VISIBLE_DEVICES=MIG-1")), GPU) == []


def test_legacy_takes_the_last_definition() -> None:
    data = spec(LEGACY, env("NVIDIA_VISIBLE_DEVICES=bad", "NVIDIA_VISIBLE_DEVICES=0"))
    assert hits(data, GPU) == []
    data = spec(LEGACY, env("NVIDIA_VISIBLE_DEVICES=0", "NVIDIA_VISIBLE_DEVICES=bad"))
    assert hits(data, GPU) == [("/process/env/2", "error")]


def test_cdi_skips_the_trailing_void() -> None:
    data = spec(CDI, env("NVIDIA_VISIBLE_DEVICES=bad", "NVIDIA_VISIBLE_DEVICES=void"))
    assert hits(data, GPU) == [("/process/env/1", "error")]
    # The legacy hook reads the last value, "void": no GPU requested, nothing parsed.
    assert hits(spec(LEGACY, env("NVIDIA_VISIBLE_DEVICES=bad", "NVIDIA_VISIBLE_DEVICES=void")), GPU) == []


@pytest.mark.parametrize(
    ("caps", "severity"),
    [
        pytest.param("compute,utility", None, id="default-set"),
        pytest.param("utility", None, id="subset"),
        pytest.param(" compute , utility ", None, id="trimmed"),
        pytest.param("compute,,utility", None, id="empty-names-skipped"),
        pytest.param("", None, id="empty-is-default"),
        pytest.param("all", None, id="all"),
        pytest.param("all,graphics", "warning", id="all-with-extra-dropped"),
        pytest.param("graphics", "error", id="not-allowed-by-default"),
        pytest.param("compute,video", "error", id="partly-allowed"),
        pytest.param("compute,gpus", "error", id="unknown-name"),
        pytest.param("Compute", "error", id="case-sensitive"),
    ],
)
def test_driver_capabilities(caps: str, severity: str | None) -> None:
    data = spec(LEGACY, env("NVIDIA_VISIBLE_DEVICES=all", f"NVIDIA_DRIVER_CAPABILITIES={caps}"))
    assert hits(data, GPU) == ([] if severity is None else [("/process/env/2", severity)])


EROFS = [note("dev.gvisor.spec.rootfs.type", "erofs"), note("dev.gvisor.spec.rootfs.source", "/img")]


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        pytest.param([LEGACY, env("NVIDIA_VISIBLE_DEVICES=all")], "/hooks/prestart/0/path", id="legacy"),
        pytest.param([CDI, env("NVIDIA_VISIBLE_DEVICES=0")], "/hooks/createContainer/0/path", id="cdi"),
        pytest.param([LEGACY, env("NVIDIA_VISIBLE_DEVICES=void")], None, id="void-requests-nothing"),
        pytest.param([LEGACY], None, id="no-variable"),
    ],
)
def test_gpu_with_erofs_rootfs(changes: list[Change], where: str | None) -> None:
    found = hits(spec(*EROFS, *changes), "RUNSC-DEVICE-GPU-EROFS")
    assert found == ([] if where is None else [(where, "error")])
    assert hits(spec(*changes), "RUNSC-DEVICE-GPU-EROFS") == []

"""Settings of the HTTP service, read from SPECGATE_* environment variables at the edge only."""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Annotated, Any, Literal, Self

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

CGROUP_CPU_MAX = Path("/sys/fs/cgroup/cpu.max")


def usable_cpus(cpu_max: Path = CGROUP_CPU_MAX) -> int:
    """CPUs this process may run on: its affinity mask, capped by a cgroup v2 CPU quota when there is one.

    `os.cpu_count()` counts the host's CPUs; in a container limited to 2 CPUs on a 64-CPU node that
    would start 64 workers. The affinity mask (taskset, cpusets) and the quota (`cpu.max`, what a
    Kubernetes CPU limit sets) are what the process can really use; a fractional quota rounds up.
    """
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:
        quota, period = cpu_max.read_text().split()[:2]
        if quota != "max":
            cpus = min(cpus, max(1, math.ceil(int(quota) / int(period))))
    except (OSError, ValueError):
        pass  # no cgroup v2 quota readable: the affinity mask alone
    return max(1, cpus)


class Settings(BaseSettings):
    """What an operator can tune without touching code."""

    model_config = SettingsConfigDict(env_prefix="SPECGATE_", env_ignore_empty=True, extra="ignore")

    max_body_bytes: int = Field(
        default=1024 * 1024,
        ge=1,
        description="Largest request body accepted, in bytes; larger ones get 413. A config.json with an embedded "
        "seccomp profile is tens of KiB, so 1 MiB leaves ample room.",
    )
    inline_bytes: int = Field(
        default=64 * 1024,
        ge=0,
        description="Documents up to this size are judged on the event loop; larger ones in a worker thread, "
        "so that probes stay answered while a big document is judged.",
    )
    docs: bool = Field(default=True, description="Serve /docs, /redoc and /openapi.json.")
    warm_up: bool = Field(default=True, description="Judge a small document with every profile at startup.")

    # deploy: TLS of `specgate serve` (HTTPS, mutual TLS, certificate rotation); other listeners reuse these files.
    tls_cert: Path | None = Field(
        default=None,
        description="PEM certificate chain (leaf first) to serve HTTPS with; needs tls_key. Unset: plain HTTP.",
    )
    tls_key: Path | None = Field(default=None, description="PEM private key of tls_cert.")
    tls_client_ca: Path | None = Field(
        default=None,
        description="PEM CA bundle: when set, clients must present a certificate signed by it (mutual TLS).",
    )
    tls_reload_seconds: float = Field(
        default=10.0,
        ge=0,
        description="How often the TLS files are checked for a renewed certificate, which new connections then get "
        "without a restart (0: read once at start).",
    )

    @model_validator(mode="after")
    def _tls_files_come_together(self) -> Self:
        if (self.tls_cert is None) != (self.tls_key is None):
            raise ValueError(
                "tls_cert and tls_key (SPECGATE_TLS_CERT, SPECGATE_TLS_KEY) are set together or not at all"
            )
        if self.tls_client_ca is not None and self.tls_cert is None:
            raise ValueError("tls_client_ca (mutual TLS) needs tls_cert and tls_key: clients verify the server first")
        return self

    # gRPC (app/grpc): specgate.v1.Specgate beside HTTP, in the same process.
    grpc_port: int | None = Field(
        default=None,
        ge=0,
        le=65535,
        description="Serve gRPC on this port beside HTTP (0: any free port); unset: no gRPC server.",
    )
    grpc_host: str = Field(
        default="127.0.0.1", description="Address the gRPC server binds (`specgate serve` passes its --host)."
    )
    grpc_reflection: bool = Field(
        default=True, description="Offer gRPC server reflection, so grpcurl and IDEs can list and call the service."
    )

    # ops: access control, logs, lifecycle, early answers (issue #10)
    api_tokens: SecretStr | None = Field(
        default=None,
        description="Comma-separated bearer tokens accepted on the judging endpoints; unset (with api_tokens_file) "
        "means no access control. /healthz, /readyz, /metrics and the docs stay open.",
    )
    api_tokens_file: Path | None = Field(
        default=None,
        description="File of accepted tokens as SHA-256 hex digests, one per line (`printf %s TOKEN | sha256sum`); "
        "read once at startup, together with api_tokens.",
    )
    log_level: Literal["critical", "error", "warning", "info", "debug"] = Field(
        default="info", description="Level of the JSON logs (the access log is at info)."
    )
    access_log: bool = Field(default=True, description="Write one JSON line per request (logger specgate.access).")
    shutdown_grace_seconds: float = Field(
        default=5.0,
        ge=0,
        description="After SIGTERM, /readyz answers 503 at once and new connections are still accepted for this "
        "long (so load balancers can stop sending), then the listening socket closes.",
    )
    shutdown_timeout_seconds: float = Field(
        default=25.0,
        ge=0,
        description="After SIGTERM the process exits within this many seconds (grace included): requests still "
        "running then are cut. Keep it below Kubernetes' terminationGracePeriodSeconds (30 by default).",
    )
    drain_bytes: int = Field(
        default=64 * 1024 * 1024,
        ge=0,
        description="When the answer comes before the whole body (413, 401, 415), up to this many more body bytes "
        "are read and dropped so that clients that send everything before reading (urllib, requests) see it.",
    )
    drain_seconds: float = Field(
        default=10.0, ge=0, description="The longest such a drain may take, in seconds, before the connection closes."
    )

    @field_validator("log_level", mode="before")
    @classmethod
    def _lower_level(cls, value: object) -> object:
        # LOG_LEVEL=INFO is as common as info.
        return value.strip().lower() if isinstance(value, str) else value

    # perf: worker processes of `specgate serve`
    workers: int = Field(
        default_factory=usable_cpus,
        ge=1,
        description="Worker processes of `specgate serve` (SPECGATE_WORKERS). Default: the CPUs the process may "
        "use (affinity mask, capped by a cgroup CPU quota). Each worker holds every profile's compiled validators: "
        "about 70 MiB of RSS, more while large documents are judged (README: Performance and workers).",
    )
    fast_path: bool = Field(
        default=True,
        description="Answer the usual POST /validate without FastAPI's per-request machinery (app/api/fastpath.py); "
        "the answers are the same bytes, anything unusual is answered by the FastAPI route either way.",
    )
    telemetry: bool = Field(
        default=False,
        description="FastAPI's native OpenTelemetry instrumentation: traces, metrics and logs of every request to "
        "the globally configured providers (e.g. under opentelemetry-instrument); turns the fast path off so that "
        "every request is traced. Off: no per-request check; the Prometheus metrics and the access log still "
        "record every request.",
    )

    # k8s (Kubernetes: POST /admission, POST /translate, `specgate kube`): the node model and the admission policy
    cri: Literal["containerd", "cri-o"] = Field(
        default="containerd", description="The CRI runtime whose config.json a Pod is translated into."
    )
    cri_selinux: bool = Field(
        default=False,
        description="The CRI runtime labels containers for SELinux (containerd enable_selinux, CRI-O selinux). Off: "
        "seLinuxOptions are dropped; on: every container gets a label, which runsc refuses.",
    )
    pod_annotations: Annotated[tuple[str, ...], NoDecode] = Field(
        default=("dev.gvisor.*",),
        description="Globs of Pod annotations the CRI runtime passes into the specs (containerd pod_annotations), "
        "comma-separated; `none` passes none.",
    )
    runtime_classes: Annotated[dict[str, str], NoDecode] = Field(
        default_factory=lambda: {"gvisor": "runsc", "runsc": "runsc"},
        description="runtimeClassName=profile pairs, comma-separated (e.g. gvisor=runsc,runc=oci); Pods of other "
        "runtime classes are admitted unjudged.",
    )
    default_runtime_profile: str | None = Field(
        default=None, description="Profile for Pods without runtimeClassName; unset leaves them unjudged."
    )
    policy_action: Literal["deny", "warn", "audit"] = Field(
        default="deny",
        description="What an error finding does: deny the object, admit it with warnings, or admit it and log a "
        "would-deny (audit).",
    )
    exempt_namespaces: Annotated[tuple[str, ...], NoDecode] = Field(
        default=("kube-system",), description="Namespaces whose objects are never judged, comma-separated."
    )
    skip_annotation: str = Field(
        default="specgate.io/skip-rules",
        description="Pod annotation listing rule ids not to enforce on that Pod; echoed in auditAnnotations.",
    )
    allow_existing_violations: bool = Field(
        default=False,
        description="On UPDATE, errors the object already had before (in oldObject) are warnings, not a denial: "
        "controllers can still update Pods admitted before the policy. Errors an update brings still deny.",
    )
    admission_max_body_bytes: int = Field(
        default=6 * 1024 * 1024,
        ge=1,
        description="Largest AdmissionReview accepted, in bytes: an UPDATE carries the object twice, and the "
        "apiserver's own limit is 3 MiB per object.",
    )

    @field_validator("pod_annotations", "exempt_namespaces", mode="before")
    @classmethod
    def _comma_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            # An empty variable counts as unset (env_ignore_empty), so "none" is how the environment says none.
            items = tuple(item.strip() for item in value.split(",") if item.strip())
            return () if items == ("none",) else items
        return value

    @field_validator("runtime_classes", mode="before")
    @classmethod
    def _pairs(cls, value: Any) -> Any:
        if isinstance(value, str):
            from app.core.kube.policy import parse_mapping  # the one parser, shared with `specgate kube`

            return parse_mapping(value)
        return value

    # features profiles and policy files (issue 12)
    features_dir: str | None = Field(
        default=None,
        description="Directory whose *.json runtime features documents (`runc features` output) become profiles "
        "`features:<file stem>`; a document that is not usable stops start-up, naming the file and the pointer.",
    )
    policy: str | None = Field(
        default=None,
        description="Policy file (TOML, or YAML) turning rules off or changing their severity; applied to every "
        "report the service makes. An unknown rule id stops start-up, naming the closest known id.",
    )

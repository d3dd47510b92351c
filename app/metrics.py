"""Prometheus metrics of the service, framework-free: the HTTP layer, the admission route and gRPC record here.

With several worker processes, prometheus-client's multiprocess mode keeps each process's values in
files under PROMETHEUS_MULTIPROC_DIR and /metrics adds them up; `specgate serve --workers N` sets the
directory up. The variable must be set before this module is imported, which is why the CLI sets it
before uvicorn starts the workers.

Recording is cheap on purpose (it runs on every request): labelled children are cached in plain
dicts, so a request costs a few dict lookups and counter additions.

Every `observe_*` function also notes what it learnt (verdict, profile) on the current request's
record, which the access log line of that request reports.
"""

from __future__ import annotations

import collections
import os
import platform
import threading
import time
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import Literal, Protocol

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, Metric, multiprocess
from prometheus_client.core import CounterMetricFamily
from prometheus_client.exposition import choose_encoder
from prometheus_client.registry import Collector

from app import __version__

__all__ = [
    "MULTIPROCESS_ENV",
    "AdmissionOutcome",
    "RequestRecord",
    "current_record",
    "exposition",
    "forget_dead_processes",
    "multiprocess_dir",
    "observe_admission",
    "observe_findings",
    "observe_grpc_call",
    "observe_report",
    "count_request",
    "observe_request",
    "request_arrived",
    "request_left",
    "request_started",
]

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
"""1 ms .. 10 s: a judgement takes well under a millisecond, so the first bucket holds nearly every request."""

AdmissionOutcome = Literal["allowed", "denied", "would-deny"]


class _FindingLike(Protocol):
    @property
    def rule(self) -> str: ...
    @property
    def severity(self) -> str: ...


class _ReportLike(Protocol):
    @property
    def valid(self) -> bool: ...
    @property
    def profile(self) -> str: ...
    @property
    def findings(self) -> Iterable[_FindingLike]: ...


REQUESTS = Counter(
    "specgate_http_requests",
    "HTTP requests answered, by route template, method, status and profile.",
    ["route", "method", "status", "profile"],
)
LATENCY = Histogram(
    "specgate_http_request_duration_seconds",
    "Time from the request's arrival to the end of its answer, by route template and method.",
    ["route", "method"],
    buckets=LATENCY_BUCKETS,
)
IN_FLIGHT = Gauge("specgate_http_requests_in_flight", "HTTP requests being answered now.", multiprocess_mode="livesum")
VERDICTS = Counter(
    "specgate_verdicts", "Documents judged, by profile and verdict (valid/invalid).", ["profile", "verdict"]
)
_FINDINGS_HELP = "Findings reported, by rule id and severity."


class _FindingCounts(Collector):
    """`specgate_findings` in one process: a report's findings added under one lock, however many rules they name.

    Each increment of a labelled prometheus Counter is a few Python calls and a lock of its own: counting the 24
    findings of k8s.json's report (six rules) took 14.7 us that way and takes 8.7 us here, on every request. This
    collector keeps the counts in a dict and writes them as the Counter would (`_total` and `_created` of each label
    set). Several worker processes use the Counter itself, whose values live in the multiprocess files.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[tuple[str, str], float] = {}
        self._created: dict[tuple[str, str], float] = {}

    def add(self, findings: Iterable[_FindingLike]) -> None:
        counts, created = self._counts, self._created
        with self._lock:
            for finding in findings:
                key = (finding.rule, finding.severity)
                known = counts.get(key)
                if known is None:
                    created[key] = time.time()
                    known = 0.0
                counts[key] = known + 1

    def _family(self) -> CounterMetricFamily:
        return CounterMetricFamily("specgate_findings", _FINDINGS_HELP, labels=["rule", "severity"])

    def describe(self) -> list[Metric]:
        return [self._family()]

    def collect(self) -> Iterator[Metric]:
        family = self._family()
        with self._lock:
            samples = [(key, count, self._created[key]) for key, count in self._counts.items()]
        for key, count, created in samples:
            family.add_metric(list(key), count, created=created)
        yield family


if os.environ.get(MULTIPROCESS_ENV):
    FINDINGS: Counter | _FindingCounts = Counter("specgate_findings", _FINDINGS_HELP, ["rule", "severity"])
else:
    FINDINGS = _FindingCounts()
    REGISTRY.register(FINDINGS)
ADMISSIONS = Counter(
    "specgate_admission_reviews",
    "AdmissionReviews answered, by outcome (allowed, denied, would-deny in audit mode) and profile.",
    ["outcome", "profile"],
)
# gRPC (app/grpc): calls of specgate.v1.Specgate; verdicts and findings go to the counters above.
GRPC_CALLS = Counter(
    "specgate_grpc_calls",
    "gRPC calls of specgate.v1.Specgate answered, by method and status code (OK, INVALID_ARGUMENT, ...).",
    ["method", "code"],
)
GRPC_LATENCY = Histogram(
    "specgate_grpc_call_duration_seconds",
    "Time from the start of a gRPC call's handling to its answer (a whole ValidateStream call), by method.",
    ["method"],
    buckets=LATENCY_BUCKETS,
)
BUILD_INFO = Gauge(
    "specgate_build_info",
    "Always 1; the labels say which specgate and which Python run.",
    ["version", "python"],
    multiprocess_mode="max",
)
BUILD_INFO.labels(__version__, platform.python_version()).set(1)


@dataclass(slots=True)
class RequestRecord:
    """What the handling of one request learnt, for its access log line."""

    request_id: str
    profile: str | None = None
    verdict: str | None = None


_CURRENT: ContextVar[RequestRecord | None] = ContextVar("specgate_request", default=None)

# label values -> child; the labelled lookup of prometheus-client takes a lock and builds a tuple every time.
_request_children: dict[tuple[str, str, int, str], Counter] = {}
_latency_children: dict[tuple[str, str], Histogram] = {}
_verdict_children: dict[tuple[str, bool], Counter] = {}
_finding_children: dict[tuple[str, str], Counter] = {}


def request_started(request_id: str) -> tuple[RequestRecord, object]:
    """Open the record of a request (in the current context); pass the token to `observe_request`."""
    record = RequestRecord(request_id)
    IN_FLIGHT.inc()
    return record, _CURRENT.set(record)


def current_record() -> RequestRecord | None:
    """The record of the request being handled in this context, if any."""
    return _CURRENT.get()


def observe_request(token: object, route: str, method: str, status: int, profile: str, seconds: float) -> None:
    """Close the record opened by `request_started` and count the request."""
    _CURRENT.reset(token)  # type: ignore[arg-type]  # the Token request_started returned
    IN_FLIGHT.dec()
    count_request(route, method, status, profile, seconds)


def request_arrived() -> None:
    """One more request in flight, for a request answered without a record (the fast path of POST /validate)."""
    IN_FLIGHT.inc()


def request_left() -> None:
    """One request less in flight (see request_arrived)."""
    IN_FLIGHT.dec()


def count_request(route: str, method: str, status: int, profile: str, seconds: float) -> None:
    """Count one answered request and its duration."""
    key = (route, method, status, profile)
    child = _request_children.get(key)
    if child is None:
        child = _request_children[key] = REQUESTS.labels(route, method, str(status), profile)
    child.inc()
    latency = _latency_children.get((route, method))
    if latency is None:
        latency = _latency_children[(route, method)] = LATENCY.labels(route, method)
    latency.observe(seconds)


_grpc_children: dict[tuple[str, str], Counter] = {}
_grpc_latency_children: dict[str, Histogram] = {}


def observe_grpc_call(method: str, code: str, seconds: float) -> None:
    """Count one answered gRPC call and its duration."""
    child = _grpc_children.get((method, code))
    if child is None:
        child = _grpc_children[(method, code)] = GRPC_CALLS.labels(method, code)
    child.inc()
    latency = _grpc_latency_children.get(method)
    if latency is None:
        latency = _grpc_latency_children[method] = GRPC_LATENCY.labels(method)
    latency.observe(seconds)


_rule_and_severity = attrgetter("rule", "severity")


def observe_findings(findings: Iterable[_FindingLike]) -> None:
    """Count findings by rule id and severity."""
    if isinstance(FINDINGS, _FindingCounts):
        FINDINGS.add(findings)
        return
    # Tallied first (in C): a report often holds one rule many times (a mount option on every mount), and each
    # increment of a prometheus counter takes its lock.
    for key, count in collections.Counter(map(_rule_and_severity, findings)).items():
        child = _finding_children.get(key)
        if child is None:
            child = _finding_children[key] = FINDINGS.labels(*key)
        child.inc(count)


def observe_report(report: _ReportLike) -> None:
    """Count a validation report: its verdict by profile and its findings."""
    key = (report.profile, report.valid)
    child = _verdict_children.get(key)
    if child is None:
        child = _verdict_children[key] = VERDICTS.labels(report.profile, "valid" if report.valid else "invalid")
    child.inc()
    observe_findings(report.findings)
    record = _CURRENT.get()
    if record is not None:
        record.profile = report.profile
        record.verdict = "valid" if report.valid else "invalid"


def observe_admission(outcome: AdmissionOutcome, profile: str) -> None:
    """Count one answered AdmissionReview: allowed, denied, or would-deny (a denial not enforced, audit mode)."""
    ADMISSIONS.labels(outcome, profile).inc()
    record = _CURRENT.get()
    if record is not None:
        record.profile = profile
        record.verdict = outcome


def multiprocess_dir() -> Path | None:
    """The directory of multiprocess mode, None in single-process mode."""
    value = os.environ.get(MULTIPROCESS_ENV)
    return Path(value) if value else None


def forget_dead_processes() -> None:
    """Drop the live gauges (in-flight) of worker processes that died, as prometheus-client asks of servers."""
    directory = multiprocess_dir()
    if directory is None:
        return
    for path in directory.glob("gauge_live*_*.db"):
        pid = path.stem.rpartition("_")[2]
        if pid.isdigit() and not _alive(int(pid)):
            multiprocess.mark_process_dead(int(pid), str(directory))  # type: ignore[no-untyped-call]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def exposition(accept: str | None) -> tuple[bytes, str]:
    """The metrics as the scraper asked for them (Prometheus text or OpenMetrics), with their content type."""
    if multiprocess_dir() is not None:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry = REGISTRY
    encoder, content_type = choose_encoder(accept or "")
    return encoder(registry), content_type

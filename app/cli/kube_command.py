"""`specgate kube`: judge the Pods of Kubernetes manifests in a pipeline, with the webhook's own policy.

Every Pod-bearing object of every YAML document (`helm template ... | specgate kube -`) goes through the
same decision as `POST /admission` on a CREATE: the runtime class picks the profile, exempt namespaces and
the skip annotation apply, and what the webhook would refuse makes the run fail. Settings come from the
same SPECGATE_* variables as the service, and the options below override them.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any, TextIO, cast

import click
from pydantic import ValidationError

from app.cli.backend import LocalBackend
from app.cli.build import build_reporter
from app.cli.errors import CommandError
from app.cli.manifests import Manifest, read_manifests
from app.cli.options import features_option, policy_option
from app.cli.reporters import REPORTER_BY_NAME, Reporter
from app.cli.result import DOCUMENT_RULE, FailOn, FileResult, Tally
from app.cli.sources import Source, Unreadable, discover
from app.config import Settings
from app.core import SpecgateError
from app.core.engine import summarize
from app.core.kube.admission import INTERNAL_RULE, POD_BEARING_KINDS, Gate, PodFindingLike, Verdict, where
from app.core.policy_file import Policy as PolicyFile
from app.gate import build_gate
from app.models import AdmissionRequest, Finding, SandboxInfo, Severity, ValidationReport

PATTERNS = ("*.yaml", "*.yml", "*.json")
"""What a directory is searched for."""


@dataclass(slots=True)
class KubeTally(Tally):
    """Totals over objects rather than files, and the objects no rule applied to."""

    skipped: int = 0
    """Pod-bearing objects the policy does not judge (their runtime class maps to no profile)."""
    exempt: int = 0
    refused: list[str] = field(default_factory=list)

    def line(self) -> str:
        text = (
            f"{_count(self.files, 'object')} judged, {self.valid} admitted, {self.invalid} refused, "
            f"{_count(self.errors, 'error')}, {_count(self.warnings, 'warning')}"
        )
        if self.skipped or self.exempt:
            text += f"; {self.skipped} not judged, {self.exempt} exempt"
        if self.unreadable:
            text += f", {len(self.unreadable)} unreadable"
        return text


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def find_sources(paths: tuple[str, ...]) -> tuple[list[Source], list[Unreadable]]:
    """Named files as they are, and every *.yaml, *.yml and *.json under named directories."""
    sources: dict[str, Source] = {}
    unreadable: dict[str, Unreadable] = {}
    for pattern in PATTERNS:
        found, problems = discover(paths, pattern)
        sources.update((s.name, s) for s in found if s.name not in sources)
        unreadable.update((u.name, u) for u in problems)
    return list(sources.values()), list(unreadable.values())


def to_finding(finding: PodFindingLike, *, enforced: bool) -> Finding:
    """A Pod finding as the reporters show it: the pointer into the object, the container in the message."""
    severity = cast(Severity, finding.severity)
    if severity == "error" and not enforced and finding.rule != INTERNAL_RULE:
        severity = "warning"  # action warn or audit: the webhook admits it
    return Finding.model_construct(
        rule=finding.rule,
        severity=severity,
        path=finding.pod_path or "",
        message=f"{where(finding)}: {finding.message}",
    )


def _report(verdict: Verdict, enforced: bool) -> ValidationReport:
    findings = [to_finding(f, enforced=enforced) for f in verdict.findings]
    summary = summarize(findings)
    return ValidationReport.model_construct(
        valid=summary.errors == 0,
        profile=verdict.profile or "-",
        platform="linux",
        findings=findings,
        summary=summary,
        sandbox=SandboxInfo(),
    )


def _problem_result(name: str, raw: bytes, source: Source, message: str, line: int, column: int) -> FileResult:
    finding = Finding(
        rule=DOCUMENT_RULE.id,
        severity="error",
        path="",
        message=f"{message}; fix the file so that it is Kubernetes YAML, then run again",
    )
    report = ValidationReport(
        valid=False, profile="-", findings=[finding], summary=summarize([finding]), sandbox=SandboxInfo()
    )
    position = (line, column) if line else None
    return FileResult(name=name, raw=raw, reports=[report], position=position, path=source.path)


def judge_manifest(gate: Gate, manifest: Manifest, namespace: str | None) -> Verdict:
    """The webhook's decision on the object, as if it were created now."""
    data = manifest.data
    found = data.get("metadata")
    meta: dict[str, Any] = found if isinstance(found, dict) else {}
    if namespace and not meta.get("namespace") and data.get("kind") in POD_BEARING_KINDS:
        data = {**data, "metadata": {**meta, "namespace": namespace}}
    request = AdmissionRequest.model_construct(
        uid="specgate-kube",
        kind=None,
        resource=None,
        subResource=None,
        name=meta.get("name") if isinstance(meta.get("name"), str) else None,
        namespace=namespace if not meta.get("namespace") else str(meta["namespace"]),
        operation="CREATE",
        object=data,
        oldObject=None,
        dryRun=True,
    )
    return gate.decide(request)


def run(
    sources: list[Source], gate: Gate, reporter: Reporter, fail_on: FailOn, namespace: str | None, err: TextIO
) -> KubeTally:
    """Judge every object of every source and report it."""
    tally = KubeTally()
    enforced = gate.policy.action == "deny"
    for source in sources:
        try:
            raw = source.read()
        except OSError as exc:
            err.write(f"specgate: cannot read {source.name}: {exc.strerror or exc}\n")
            tally.unreadable.append(source.name)
            continue
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            result = _problem_result(source.name, raw, source, f"not UTF-8 (byte {exc.start})", 0, 0)
            tally.add(result, fail_on)
            reporter.add(result)
            continue
        manifests, problems = read_manifests(text)
        for manifest in manifests:
            verdict = judge_manifest(gate, manifest, namespace)
            if verdict.decision == "not-judged":
                tally.skipped += manifest.data.get("kind") in POD_BEARING_KINDS
                continue
            if verdict.decision == "exempt":
                tally.exempt += 1
                continue
            name = f"{source.name}:{manifest.line} {manifest.describe()}"
            result = FileResult(
                name=name,
                raw=raw,
                reports=[_report(verdict, enforced)],
                path=source.path,
                locator=manifest.position,
            )
            tally.add(result, fail_on)
            if not verdict.allowed:
                tally.refused.append(name)
            reporter.add(result)
        for problem in problems:
            name = f"{source.name}:{problem.line} (document {problem.document})"
            result = _problem_result(name, raw, source, problem.message, problem.line, problem.column)
            tally.add(result, fail_on)
            reporter.add(result)
    return tally


@click.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option(
    "--format",
    "-f",
    "output_format",
    type=click.Choice(sorted(REPORTER_BY_NAME)),
    default="text",
    show_default=True,
    help="text for people; json (one report per object and line), sarif (2.1.0, pointing into the YAML) or junit.",
)
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), help="Write the report to a file.")
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning"]),
    default="error",
    show_default=True,
    help="Lowest severity that makes an object fail (exit 1).",
)
@click.option("--namespace", "-n", default=None, help="Namespace of objects that name none (as kubectl -n).")
@click.option(
    "--runtime-class",
    "runtime_classes",
    multiple=True,
    metavar="NAME=PROFILE",
    help="Judge Pods of runtime class NAME with PROFILE (repeat; replaces SPECGATE_RUNTIME_CLASSES, "
    "default gvisor=runsc, runsc=runsc).",
)
@click.option("--default-profile", default=None, help="Profile for Pods without runtimeClassName (default: none).")
@click.option(
    "--action",
    type=click.Choice(["deny", "warn", "audit"]),
    default=None,
    help="What an error does, as in the webhook: deny fails the run; warn and audit report it as a warning.",
)
@click.option("--exempt-namespace", "exempt", multiple=True, help="Never judge this namespace (repeat).")
@click.option("--cri", type=click.Choice(["containerd", "cri-o"]), default=None, help="The node's CRI runtime.")
@click.option("--cri-selinux/--no-cri-selinux", default=None, help="The CRI runtime labels containers for SELinux.")
@click.option(
    "--pod-annotations", default=None, metavar="GLOBS", help="Pod annotations passed into specs (comma-separated)."
)
@click.option(
    "--min-severity",
    type=click.Choice(["error", "warning", "info"]),
    default=None,
    help="Leave out findings below this severity (default: warning for text, info for the machine formats). "
    "The verdict and the counts are not changed.",
)
@click.option("--quiet", "-q", is_flag=True, help="Text format: list only objects with findings.")
@click.option("--color/--no-color", default=None, help="Color the text format (default: only on a terminal).")
@features_option
@policy_option
def kube(
    paths: tuple[str, ...],
    output_format: str,
    output: str | None,
    fail_on: str,
    namespace: str | None,
    runtime_classes: tuple[str, ...],
    default_profile: str | None,
    action: str | None,
    exempt: tuple[str, ...],
    cri: str | None,
    cri_selinux: bool | None,
    pod_annotations: str | None,
    min_severity: str | None,
    quiet: bool,
    color: bool | None,
    policy: PolicyFile | None,
) -> None:
    """Judge the Pods of Kubernetes manifests (files, directories of *.yaml/*.yml/*.json, - for stdin).

    Pods and the Pod templates of Deployments, StatefulSets, DaemonSets, ReplicaSets, ReplicationControllers,
    Jobs, CronJobs and PodTemplates are translated into the config.json each container would get and judged as
    the admission webhook would (same SPECGATE_* settings). Other objects are skipped.

    Exit status: 0 every object admitted, 1 at least one refused (or a document that is not YAML),
    2 usage error or a file that cannot be read.
    """
    overrides: dict[str, Any] = {
        "runtime_classes": ",".join(runtime_classes) if runtime_classes else None,
        "default_runtime_profile": default_profile,
        "policy_action": action,
        "exempt_namespaces": ",".join(exempt) if exempt else None,
        "cri": cri,
        "cri_selinux": cri_selinux,
        "pod_annotations": pod_annotations,
        "warm_up": False,
        "docs": False,
    }
    try:
        settings = Settings(**{key: value for key, value in overrides.items() if value is not None})
        gate = build_gate(settings, policy)
    except ValidationError as exc:
        detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors(include_url=False))
        raise click.UsageError(detail) from None
    except SpecgateError as exc:
        raise click.UsageError(str(exc)) from None
    sources, unreadable = find_sources(paths)
    for problem in unreadable:
        click.echo(f"specgate: cannot read {problem.name}: {problem.reason}", err=True)
    if not sources and not unreadable:
        raise click.UsageError(f"no manifests (*.yaml, *.yml, *.json) under {', '.join(paths)}")
    try:
        out = click.open_file(output or "-", "w", encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"cannot write {output}: {exc.strerror or exc}") from exc
    with out:
        reporter = build_reporter(
            output_format,
            cast(TextIO, out),
            backend=LocalBackend(),
            fail_on=fail_on,  # type: ignore[arg-type]  # click.Choice
            color=color,
            quiet=quiet,
            bundle=False,
            min_severity=min_severity or ("warning" if output_format == "text" else "info"),  # type: ignore[arg-type]
        )
        tally = run(sources, gate, reporter, fail_on, namespace, sys.stderr)  # type: ignore[arg-type]
        reporter.finish(tally)
        if not reporter.writes_summary:
            click.echo(tally.line(), err=True)
    raise click.exceptions.Exit(2 if unreadable or tally.unreadable else tally.exit_code())

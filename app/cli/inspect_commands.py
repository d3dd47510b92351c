"""The commands that show one answer of the core: normalize, capabilities, classify-mounts, rules."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from pydantic import BaseModel

from app.cli.backend import Backend
from app.cli.build import build_backend
from app.cli.errors import BadCapabilities, CommandError, DocumentProblem, Refused, fatal_problems
from app.cli.options import features_option, policy_option, profile_option, server_options
from app.cli.sources import display
from app.core.policy_file import Policy, effective_rules
from app.models import CapabilitiesResult, CapabilityTable, MountsResult, RulesList

FORMAT = click.option(
    "--format",
    "-f",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json (the API's answer) for programs.",
)


def read_input(path: str) -> bytes:
    """The bytes of a file argument, or of stdin for '-'."""
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise CommandError(f"cannot read {display(path)}: {exc.strerror or exc}") from exc


@contextmanager
def _backend(server: str | None, timeout: float, token: str | None, name: str) -> Iterator[Backend]:
    """A backend for one command, with its problems turned into messages and exit codes."""
    backend = build_backend(server, timeout=timeout, token=token)
    try:
        with fatal_problems():
            yield backend
    except DocumentProblem as exc:
        click.echo(f"specgate: {name}: {exc.message}", err=True)
        raise click.exceptions.Exit(1) from exc
    except BadCapabilities as exc:
        for pointer, message in exc.errors:
            click.echo(f"specgate: {name}: {pointer or '(root)'}: {message}", err=True)
        raise click.exceptions.Exit(1) from exc
    except Refused as exc:
        click.echo(f"specgate: {name}: the spec is invalid for profile {exc.report.profile}, not normalized:", err=True)
        for f in exc.report.findings:
            click.echo(f"  {f.severity:<7}  {f.path or '(root)'}  {f.rule}  {f.message}", err=True)
        raise click.exceptions.Exit(1) from exc
    finally:
        backend.close()


def emit(model: BaseModel, output_format: str, text: Callable[[], list[str]]) -> None:
    """Print the answer as JSON (the API's shape) or as text lines."""
    if output_format == "json":
        click.echo(json.dumps(model.model_dump(mode="json"), indent=2, ensure_ascii=False))
    else:
        click.echo("\n".join(text()))


@click.command()
@click.argument("path", metavar="PATH")
@profile_option()
@click.option(
    "--bundle",
    default=None,
    help="Absolute bundle directory relative paths are joined onto (default: the directory PATH is in).",
)
@click.option("--spec-only", is_flag=True, help="Print only the normalized spec (a config.json), not the patch.")
@server_options
def normalize(
    path: str, profile: str, bundle: str | None, spec_only: bool, server: str | None, timeout: float, token: str | None
) -> None:
    """Print the spec as runsc holds it after ReadSpec: relative root.path and mount sources made absolute.

    The spec is validated first; an invalid one is not normalized (exit 1).
    """
    if bundle is None:
        if path == "-":
            raise click.UsageError("--bundle is required when the spec comes from stdin")
        bundle = str(Path(path).resolve().parent)
    raw = read_input(path)
    with _backend(server, timeout, token, display(path)) as backend:
        result = backend.normalize(raw, profile=profile, bundle=bundle)
    shown = result.spec if spec_only else result.model_dump(mode="json")
    click.echo(json.dumps(shown, indent=2, ensure_ascii=False))


@click.command()
@click.argument("path", metavar="[PATH]", required=False)
@profile_option()
@FORMAT
@server_options
def capabilities(
    path: str | None, profile: str, output_format: str, server: str | None, timeout: float, token: str | None
) -> None:
    """Without PATH, list the capabilities the profile knows; with PATH (an OCI process.capabilities object,
    or - for stdin), print each set's canonical names and its /proc/PID/status mask.
    """
    if path is None:
        with _backend(server, timeout, token, "capabilities") as backend:
            table = backend.capability_table(profile=profile)
        emit(table, output_format, lambda: _table_lines(table))
        return
    raw = read_input(path)
    with _backend(server, timeout, token, display(path)) as backend:
        sets = backend.capabilities(raw, profile=profile)
    emit(sets, output_format, lambda: _set_lines(sets))


def _table_lines(table: CapabilityTable) -> list[str]:
    lines = [f"{c.number:>3}  {c.name}" for c in table.capabilities]
    return [*lines, f"last_cap {table.last_cap} (profile {table.profile})"]


def _set_lines(result: CapabilitiesResult) -> list[str]:
    lines = []
    for name in ("bounding", "effective", "inheritable", "permitted", "ambient"):
        cap_set = getattr(result, name)
        lines.append(f"{name:<12} {cap_set.mask}  {' '.join(cap_set.names) or '-'}")
        if cap_set.granted_mask != cap_set.mask:
            lines.append(f"{'  granted':<12} {cap_set.granted_mask}  {' '.join(cap_set.granted) or '-'}")
    return lines


@click.command("classify-mounts")
@click.argument("path", metavar="PATH")
@profile_option()
@FORMAT
@server_options
def classify_mounts(
    path: str, profile: str, output_format: str, server: str | None, timeout: float, token: str | None
) -> None:
    """Say how the profile's runtime would serve each mount of a config.json (runsc: gofer, erofs, sentry, ...)."""
    raw = read_input(path)
    with _backend(server, timeout, token, display(path)) as backend:
        result = backend.classify_mounts(raw, profile=profile)
    emit(result, output_format, lambda: _mount_lines(result))


def _mount_lines(result: MountsResult) -> list[str]:
    if not result.mounts:
        return ["no mounts"]
    lines = []
    for m in result.mounts:
        where = f"{m.destination or '?'} (type {m.type or '-'}, source {m.source or '-'})"
        lines.append(f"{m.index:>3}  {m.category:<8} {'gofer' if m.gofer else '':<5}  {where}")
        lines.extend(f"       {reason}" for reason in m.reasons)
    return lines


@click.command()
@click.option(
    "--profile",
    "-p",
    default="runsc",
    show_default=True,
    help="The rules of this profile; '*' (quoted in a shell) lists every profile's rules.",
)
@FORMAT
@features_option
@policy_option
@server_options
def rules(
    profile: str,
    output_format: str,
    policy: Policy | None,
    server: str | None,
    timeout: float,
    token: str | None,
) -> None:
    """List the rules: id, severity, profile, summary and where each comes from (as a --policy file leaves them)."""
    with _backend(server, timeout, token, "rules") as backend:
        result = backend.rules(profile=profile)
    if policy is not None:
        result = RulesList(rules=effective_rules(result.rules, policy))
    emit(result, output_format, lambda: _rule_lines(result))


def _rule_lines(result: RulesList) -> list[str]:
    width = max((len(r.id) for r in result.rules), default=0)
    lines = []
    for r in result.rules:
        note = "" if r.checked else " (listed, not checked: depends on the host)"
        if r.policy:
            note += f" [policy: {r.policy}; profile's severity {r.catalog_severity}]"
        severity = r.severity if r.enabled else "off"
        lines.append(f"{r.id:<{width}}  {severity:<7}  {r.profile:<10}  {r.summary}{note}")
        lines.append(f"{'':<{width}}  {r.reference}")
    return lines

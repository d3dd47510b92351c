"""`specgate features`: what a runtime (or a profile) accepts, as a runtime features document, and how two differ."""

from __future__ import annotations

import json
import os
from typing import Any

import click

from app.core import UnknownProfile, profile_names
from app.core.features import FeaturesError, diff, features_of, read_features_file, render_diff


def _load(spec: str) -> tuple[str, dict[str, Any]]:
    """A profile name, or a path to a features document (checked against its schema)."""
    if spec in profile_names():
        return spec, features_of(spec)
    if os.path.exists(spec):
        try:
            document = read_features_file(spec)
        except FeaturesError as exc:
            raise click.UsageError(str(exc)) from None
        return os.path.basename(spec), document.data
    known = ", ".join(profile_names())
    raise click.UsageError(f"{spec!r} is neither a profile ({known}) nor a features document file")


@click.group()
def features() -> None:
    """Runtime features documents (`runc features`): show what a profile accepts, compare two runtimes."""


@features.command()
@click.argument("profile", metavar="PROFILE|FILE")
def show(profile: str) -> None:
    """Print the features document of a profile (what it accepts), or a checked features FILE."""
    try:
        _, data = _load(profile)
    except UnknownProfile as exc:  # pragma: no cover - _load checks names first
        raise click.UsageError(str(exc)) from None
    click.echo(json.dumps(data, indent=2))


@features.command(name="diff")
@click.argument("a", metavar="A")
@click.argument("b", metavar="B")
@click.option("--format", "-f", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def diff_command(a: str, b: str, output_format: str) -> None:
    """Print what A accepts that B does not, and the other way round (A, B: profile names or features files).

    Exit status: 0 when they describe the same features, 1 when they differ, 2 on a usage error.
    """
    name_a, data_a = _load(a)
    name_b, data_b = _load(b)
    differences = diff(data_a, data_b)
    if output_format == "json":
        rows = [
            {"path": d.path, "only_a": list(d.only_a), "only_b": list(d.only_b)}
            if d.is_list
            else {"path": d.path, "a": d.value_a, "b": d.value_b}
            for d in differences
        ]
        click.echo(json.dumps({"a": name_a, "b": name_b, "differences": rows}, indent=2))
    else:
        click.echo(render_diff(differences, name_a, name_b), nl=False)
    raise click.exceptions.Exit(1 if differences else 0)

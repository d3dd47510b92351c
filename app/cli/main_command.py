"""The `specgate` command line: parse the arguments, build the plan, execute it."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from app import __version__
from app.cli.build import build_backend, build_reporter
from app.cli.errors import CommandError, fatal_problems
from app.cli.execute import ValidatePlan, execute
from app.cli.features_commands import features
from app.cli.inspect_commands import capabilities, classify_mounts, normalize, rules
from app.cli.kube_command import kube
from app.cli.options import features_option, policy_option, profile_option, server_options
from app.cli.output import report_output
from app.cli.progress import choose
from app.cli.reporters import REPORTER_BY_NAME
from app.cli.serving import check_profile_files, serve_settings, tls_options, tls_server_options
from app.cli.sources import discover, empty_directories, nothing_found
from app.core.policy_file import Policy


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="specgate")
def specgate() -> None:
    """Judge OCI runtime-spec config.json documents the way a real runtime would (gVisor runsc, the OCI spec)."""


@specgate.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@profile_option(multiple=True)
@click.option("--platform", default="linux", show_default=True, help="Platform the documents target.")
@click.option(
    "--lifecycle",
    type=click.Choice(["create", "start"]),
    default="create",
    show_default=True,
    help="'start' judges as `runtime start` would: process is required.",
)
@click.option(
    "--bundle",
    type=click.Path(exists=True, file_okay=False, resolve_path=True),
    default=None,
    help="Bundle directory for bundle-mode checks (root.path on disk); in-process only.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning"]),
    default="error",
    show_default=True,
    help="Lowest severity that makes a file invalid (exit 1).",
)
@click.option(
    "--format",
    "-f",
    "output_format",
    type=click.Choice(sorted(REPORTER_BY_NAME)),
    default="text",
    show_default=True,
    help="text for people; json (one report per line), sarif (2.1.0) or junit for pipelines.",
)
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), help="Write the report to a file.")
@click.option(
    "--pattern",
    default=None,
    help="File name searched for in directories (default config.json, or every *.json where there is none).",
)
@click.option(
    "--min-severity",
    type=click.Choice(["error", "warning", "info"]),
    default=None,
    help="Leave out findings below this severity (default: warning for text, which says how many it left "
    "out; info for the machine formats). The verdict and the counts are not changed.",
)
@click.option("--quiet", "-q", is_flag=True, help="Text format: list only the files that fail (see --fail-on).")
@click.option("--group", is_flag=True, help="Text format: one line for repeated findings of a rule on one object.")
@click.option(
    "--junit-cases",
    type=click.Choice(["file", "rule"]),
    default="file",
    show_default=True,
    help="JUnit: one testcase per file and profile (findings in the failure text), or per rule and finding.",
)
@click.option("--color/--no-color", default=None, help="Color the text format (default: only on a terminal).")
@click.option(
    "--progress/--no-progress",
    "show_progress",
    default=None,
    help="Progress on stderr: a bar on a terminal, else a line every few seconds (default: on).",
)
@features_option
@policy_option
@server_options
def validate(
    paths: tuple[str, ...],
    profiles: tuple[str, ...],
    platform: str,
    lifecycle: str,
    bundle: str | None,
    fail_on: str,
    output_format: str,
    output: str | None,
    pattern: str | None,
    min_severity: str | None,
    quiet: bool,
    group: bool,
    junit_cases: str,
    color: bool | None,
    show_progress: bool | None,
    policy: Policy | None,
    server: str | None,
    timeout: float,
    token: str | None,
) -> None:
    """Validate config.json files (files, directories searched for config.json, - for stdin).

    Exit status: 0 all valid, 1 at least one invalid under --fail-on (a file that is not JSON counts as
    invalid), 2 usage error, or a file that could not be read or that the service did not judge (--server);
    the other files are still judged, and the summary line ends the run.
    """
    if server is not None and bundle is not None:
        raise click.UsageError("--bundle checks read the disk, so they run in-process only; drop --server")
    sources, unreadable = discover(paths, pattern)
    for problem in unreadable:
        click.echo(f"specgate: cannot read {problem.name}: {problem.reason}", err=True)
    empty = empty_directories(paths, sources)
    if not sources and not unreadable:
        raise click.UsageError("; ".join(nothing_found(directory, pattern) for directory in empty) or "no files given")
    for directory in empty:
        click.echo(f"specgate: {nothing_found(directory, pattern)}", err=True)
    backend = build_backend(server, timeout=timeout, token=token)
    try:
        with report_output(output) as out:
            reporter = build_reporter(
                output_format,
                out,
                backend=backend,
                fail_on=fail_on,  # type: ignore[arg-type]  # click.Choice
                color=color,
                quiet=quiet,
                bundle=bundle is not None,
                min_severity=min_severity or ("warning" if output_format == "text" else "info"),  # type: ignore[arg-type]
                group=group,
                junit_cases=junit_cases,
            )
            plan = ValidatePlan(
                sources=list(dict.fromkeys(sources)),
                profiles=list(dict.fromkeys(profiles)),
                platform=platform,
                lifecycle=lifecycle,
                bundle=bundle,
                fail_on=fail_on,  # type: ignore[arg-type]  # click.Choice
                backend=backend,
                reporter=reporter,
                show_progress=choose(len(sources), enabled=show_progress),
                policy=policy,
            )
            with fatal_problems():
                code = execute(plan, sys.stderr)
    except OSError as exc:
        if output is None or exc.filename is None or Path(exc.filename).parent != Path(output).parent:
            raise
        raise CommandError(f"cannot write {output}: {exc.strerror or exc}") from exc
    finally:
        backend.close()
    raise click.exceptions.Exit(2 if unreadable else code)


@specgate.command()
@click.option(
    "--host",
    envvar="SPECGATE_HOST",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (env SPECGATE_HOST).",
)
@click.option(
    "--port",
    envvar="SPECGATE_PORT",
    default=8080,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on (env SPECGATE_PORT).",
)
@click.option(
    "--workers",
    default=None,
    type=click.IntRange(min=1),
    help="Worker processes [default: SPECGATE_WORKERS, else one per CPU the process may use]. "
    "Each holds its own compiled validators (~70 MiB RSS).",
)
@click.option(
    "--log-level",
    type=click.Choice(["critical", "error", "warning", "info", "debug"], case_sensitive=False),
    default=None,
    help="Level of the JSON logs (default info). Env SPECGATE_LOG_LEVEL.",
)
@click.option("--reload", is_flag=True, help="Restart on code changes (development; one worker).")
@tls_options
@click.option(
    "--grpc-port",
    envvar="SPECGATE_GRPC_PORT",
    type=click.IntRange(0, 65535),
    default=None,
    help="Also serve gRPC (specgate.v1.Specgate, health, reflection) on this port, from the same processes "
    "(env SPECGATE_GRPC_PORT).",
)
@click.option(
    "--grpc-host",
    envvar="SPECGATE_GRPC_HOST",
    default=None,
    help="Address gRPC listens on (env SPECGATE_GRPC_HOST; default: --host).",
)
@click.option(
    "--features-dir",
    envvar="SPECGATE_FEATURES_DIR",
    type=click.Path(exists=True, file_okay=False),
    default=None,
    help="Directory of runtime features documents, each served as profile features:<file stem> "
    "(env SPECGATE_FEATURES_DIR).",
)
@click.option(
    "--policy",
    envvar="SPECGATE_POLICY",
    metavar="FILE",
    default=None,
    help="Policy file applied to every report (env SPECGATE_POLICY).",
)
def serve(
    host: str,
    port: int,
    workers: int | None,
    log_level: str | None,
    reload: bool,
    tls_cert: str | None,
    tls_key: str | None,
    tls_client_ca: str | None,
    grpc_port: int | None,
    grpc_host: str | None,
    features_dir: str | None,
    policy: str | None,
) -> None:
    """Serve the HTTP API (uvicorn app.main:app); HTTPS with --tls-cert and --tls-key; gRPC with --grpc-port.

    Settings come from SPECGATE_* environment variables; the options given here take precedence.
    """
    from app.serve import run  # the web stack is only loaded by the command that needs it

    if grpc_port is not None and grpc_host is None:
        grpc_host = host
    settings = serve_settings(
        tls_cert=tls_cert,
        tls_key=tls_key,
        tls_client_ca=tls_client_ca,
        grpc_port=grpc_port,
        grpc_host=grpc_host,
        workers=workers,
        log_level=log_level and log_level.lower(),
        features_dir=features_dir,
        policy=policy,
    )
    check_profile_files(settings)
    if settings.grpc_port == 0 and settings.workers > 1 and not reload:
        # Each worker would listen on a port of its own, which no client could find.
        raise click.UsageError("--grpc-port 0 (any free port) needs --workers 1; give a port number")
    run(
        host=host,
        port=port,
        workers=1 if reload and workers is None else settings.workers,
        log_level=settings.log_level,
        reload=reload,
        **tls_server_options(settings),
    )


for command in (normalize, capabilities, classify_mounts, rules, kube, features):
    specgate.add_command(command)

"""Judge config.json files over gRPC with the generated stubs: one ValidateStream call for all of them.

    python examples/grpc_client.py --target 127.0.0.1:50051 bundle/config.json specs/
    python examples/grpc_client.py --target specgate:443 --ca ca.crt --token "$TOKEN" -p oci specs/

Prints one line per file and finding, and exits 1 when a file is invalid (or could not be judged), 0 otherwise.
Needs the specgate package installed (`pip install .`), which holds the stubs in app/grpc/gen/; other languages
generate theirs from proto/specgate/v1/specgate.proto.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

import grpc

from app.grpc.gen import specgate_pb2 as pb, specgate_pb2_grpc as pb_grpc

SEVERITY = {pb.SEVERITY_ERROR: "error", pb.SEVERITY_WARNING: "warning", pb.SEVERITY_INFO: "info"}


def files(paths: list[str]) -> list[Path]:
    """The files named, and every config.json under the directories named."""
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        found.extend(sorted(path.rglob("config.json")) if path.is_dir() else [path])
    return found


def channel(target: str, ca: str | None, token: str | None) -> grpc.Channel:
    """Plaintext, or TLS trusting `ca`; a bearer token rides on every call."""
    if ca is None:
        if token is not None:
            raise SystemExit("a token needs TLS (--ca): gRPC sends no credentials in plaintext")
        return grpc.insecure_channel(target)
    credentials = grpc.ssl_channel_credentials(root_certificates=Path(ca).read_bytes())
    if token is not None:
        credentials = grpc.composite_channel_credentials(credentials, grpc.access_token_call_credentials(token))
    return grpc.secure_channel(target, credentials)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", help="config.json files, or directories searched for them")
    parser.add_argument("--target", default="127.0.0.1:50051", help="host:port of `specgate serve --grpc-port`")
    parser.add_argument("-p", "--profile", default="runsc", help="runsc, runsc-2018 or oci")
    parser.add_argument("--ca", help="PEM CA that signed the server's certificate (TLS)")
    parser.add_argument("--token", help="bearer token, when the server asks for one (needs --ca)")
    parser.add_argument("--timeout", type=float, default=60.0, help="deadline of the whole call, in seconds")
    args = parser.parse_args(argv)

    paths = files(args.paths)

    def requests() -> Iterator[pb.ValidateStreamRequest]:
        for path in paths:  # read lazily: the stream starts before the last file is read
            document = path.read_bytes()
            yield pb.ValidateStreamRequest(
                id=str(path), request=pb.ValidateRequest(document=document, profile=args.profile)
            )

    failed = 0
    with channel(args.target, args.ca, args.token) as chan:
        stub = pb_grpc.SpecgateStub(chan)
        try:
            for answer in stub.ValidateStream(requests(), timeout=args.timeout):
                if answer.WhichOneof("outcome") == "error":
                    failed += 1
                    print(f"{answer.id}: not judged: {answer.error.message}")
                    continue
                report = answer.report
                failed += not report.valid
                print(f"{answer.id}: {'valid' if report.valid else 'INVALID'} ({report.profile})")
                for finding in report.findings:
                    where = finding.path or "/"
                    print(f"  {SEVERITY.get(finding.severity, '?'):7} {finding.rule} {where}: {finding.message}")
        except grpc.RpcError as exc:
            print(f"specgate: {exc.code().name}: {exc.details()}", file=sys.stderr)  # type: ignore[attr-defined]
            return 2
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

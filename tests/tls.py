"""Certificates for the HTTPS tests (trustme), written to disk the way a mounted Secret holds them."""

from __future__ import annotations

import os
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import trustme

from app.main import create_app
from app.tls import ServerTLS, TLSFiles
from tests.api.conftest import make_settings
from tests.api.live import serve


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` in one rename, as the kubelet swaps a Secret volume's files."""
    scratch = path.with_name(f".{path.name}.new")
    scratch.write_bytes(data)
    os.replace(scratch, path)


def install(leaf: trustme.LeafCert, directory: Path, *, key: bool = True, cert: bool = True) -> TLSFiles:
    """Write `leaf`'s chain and key as tls.crt and tls.key in `directory` (cert-manager's names)."""
    files = TLSFiles(directory / "tls.crt", directory / "tls.key")
    if cert:
        write_atomically(files.cert, b"".join(blob.bytes() for blob in leaf.cert_chain_pems))
    if key:
        write_atomically(files.key, leaf.private_key_pem.bytes())
    return files


def install_as_kubelet(leaf: trustme.LeafCert, directory: Path, generation: int) -> TLSFiles:
    """Lay `leaf` out as the kubelet's AtomicWriter updates a Secret volume: the files are symlinks through `..data`,
    which is switched to a new timestamped directory in one rename."""
    target = directory / f"..2026_12_01_00_00_{generation:02d}.000000001"
    target.mkdir()
    (target / "tls.crt").write_bytes(b"".join(blob.bytes() for blob in leaf.cert_chain_pems))
    (target / "tls.key").write_bytes(leaf.private_key_pem.bytes())
    (directory / "..data_tmp").symlink_to(target.name)
    os.replace(directory / "..data_tmp", directory / "..data")
    for name in ("tls.crt", "tls.key"):
        if not (directory / name).is_symlink():
            (directory / name).symlink_to(f"..data/{name}")
    return TLSFiles(directory / "tls.crt", directory / "tls.key")


def client_context(*cas: trustme.CA, identity: trustme.LeafCert | None = None) -> ssl.SSLContext:
    """A verifying client context trusting `cas`, presenting `identity` when given."""
    context = ssl.create_default_context()
    for ca in cas:
        ca.configure_trust(context)
    if identity is not None:
        identity.configure_cert(context)
    return context


def der(leaf: trustme.LeafCert) -> bytes:
    return ssl.PEM_cert_to_DER_cert(leaf.cert_chain_pems[0].bytes().decode())


def served_certificate(url: str, identity: trustme.LeafCert | None = None) -> bytes:
    """The DER certificate a new handshake with the server at `url` gets (not verified)."""
    parts = urlsplit(url)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    if identity is not None:
        identity.configure_cert(context)
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as raw:
        with context.wrap_socket(raw, server_hostname=parts.hostname) as tls:
            certificate = tls.getpeercert(binary_form=True)
    assert certificate is not None
    return certificate


@contextmanager
def https_server(files: TLSFiles, reload_seconds: float = 0.0) -> Iterator[str]:
    """The real app on loopback over HTTPS with `files`, as `specgate serve --tls-cert --tls-key` runs it."""
    app = create_app(make_settings(warm_up=False))
    with serve(app, ssl_context_factory=ServerTLS(files, reload_seconds)) as url:
        yield url

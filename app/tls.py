"""Server-side TLS: the SSLContext `specgate serve` listens with, and certificate rotation without a restart.

cert-manager renews a certificate before it expires and the kubelet swaps the mounted Secret's files in one atomic
rename. The listening context hands every new handshake to the newest context built from complete, matching files
(through its SNI callback, which OpenSSL calls for every ClientHello, with or without a server name), so renewed
certificates and client CAs are served without a restart, and connections already open keep the context they
started with: no request in flight is dropped. A pair that does not load (half written, key and certificate that do
not match) is logged and retried; the last good context stays in use meanwhile.

Nothing here imports a web framework: uvicorn calls `ServerTLS` as its `ssl_context_factory`, and other listeners
(gRPC) can reuse `TLSFiles` and `server_context`.
"""

from __future__ import annotations

import asyncio
import logging
import os
import ssl
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CertificateReloader", "ServerTLS", "TLSError", "TLSFiles", "server_context"]

logger = logging.getLogger("specgate.tls")

_Stamp = tuple[tuple[int, int, int, int], ...]


class TLSError(Exception):
    """The certificate, key or client CA files cannot be used; the message names the file and the reason."""


@dataclass(frozen=True, slots=True)
class TLSFiles:
    """Where the PEM files are: certificate chain (leaf first), its private key, and optionally a client CA bundle."""

    cert: Path
    key: Path
    client_ca: Path | None = None

    def paths(self) -> tuple[Path, ...]:
        return (self.cert, self.key) if self.client_ca is None else (self.cert, self.key, self.client_ca)

    def stamp(self) -> _Stamp:
        """What changes when any file is replaced or rewritten (stat follows the kubelet's ..data symlinks)."""
        stamps = []
        for path in self.paths():
            st = os.stat(path)
            stamps.append((st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns))
        return tuple(stamps)


def server_context(files: TLSFiles) -> ssl.SSLContext:
    """A TLS 1.2+ server context for `files`; client certificates are required when a client CA is given.

    Raises `TLSError` naming the file that failed and why.
    """
    for path in files.paths():
        if not path.is_file():
            raise TLSError(f"{path}: no such file")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(files.cert, files.key)
    except OSError as exc:  # ssl.SSLError included
        raise TLSError(f"{files.cert} with key {files.key}: {_reason(exc)}") from exc
    if files.client_ca is not None:
        try:
            context.load_verify_locations(cafile=files.client_ca)
        except OSError as exc:
            raise TLSError(f"{files.client_ca}: {_reason(exc)}") from exc
        context.verify_mode = ssl.CERT_REQUIRED
    return context


def _reason(exc: OSError) -> str:
    # ssl.SSLError.reason is OpenSSL's code ("KEY_VALUES_MISMATCH"); say it in words.
    reason = getattr(exc, "reason", None)
    if isinstance(reason, str):
        return reason.replace("_", " ").lower()
    return exc.strerror or str(exc)


class CertificateReloader:
    """Serves new handshakes with the newest good context built from `files`; `check()` rebuilds it on change."""

    def __init__(self, files: TLSFiles) -> None:
        self.files = files
        self._stamp = files.stamp()
        self.listening = self.current = server_context(files)
        self.listening.sni_callback = self._select
        self.reloads = 0
        self._failed_stamp: _Stamp | None = None

    def _select(
        self, connection: ssl.SSLObject | ssl.SSLSocket, _server_name: str | None, context: ssl.SSLContext
    ) -> None:
        # Called by OpenSSL in the ClientHello of every handshake; the connection keeps the context set here.
        if self.current is not context:
            connection.context = self.current

    def check(self) -> bool:
        """Rebuild the context if any file changed; True when a renewed context is now served."""
        try:
            stamp = self.files.stamp()
        except OSError as exc:
            self._warn_once((), f"cannot read {exc.filename}: {exc.strerror}")
            return False
        if stamp == self._stamp:
            return False
        try:
            context = server_context(self.files)
        except TLSError as exc:
            self._warn_once(stamp, str(exc))
            return False
        self.current = context
        self._stamp = stamp
        self._failed_stamp = None
        self.reloads += 1
        logger.info("TLS certificate reloaded from %s; new connections use it", self.files.cert)
        return True

    def _warn_once(self, stamp: _Stamp, message: str) -> None:
        # One warning per broken state (() while a file is missing), not one every few seconds.
        if stamp != self._failed_stamp:
            logger.warning("TLS files changed but do not load (%s); still serving the previous certificate", message)
        self._failed_stamp = stamp

    async def watch(self, interval: float) -> None:
        """Check the files every `interval` seconds until cancelled."""
        while True:
            await asyncio.sleep(interval)
            self.check()


@dataclass(frozen=True, slots=True)
class ServerTLS:
    """uvicorn's `ssl_context_factory`: picklable, so every worker process builds its own context and watcher.

    `reload_seconds` 0 serves the files read at start until the process restarts.
    """

    files: TLSFiles
    reload_seconds: float = 10.0

    def __call__(self, _config: object = None, _default: object = None) -> ssl.SSLContext:
        reloader = CertificateReloader(self.files)
        if self.reload_seconds > 0:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # built outside a server (a preflight check): nothing to watch for
                return reloader.listening
            task = loop.create_task(reloader.watch(self.reload_seconds), name="specgate-tls-reload")
            _WATCHERS.add(task)
            task.add_done_callback(_WATCHERS.discard)
        return reloader.listening


# The event loop keeps only weak references to tasks.
_WATCHERS: set[asyncio.Task[None]] = set()

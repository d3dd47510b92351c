"""HTTPS for real on loopback: trusted, wrong-host, expired and untrusted certificates, mutual TLS, rotation."""

from __future__ import annotations

import datetime as dt
import pickle
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import pytest
import trustme

from app.api.examples import CONFIG
from app.tls import CertificateReloader, ServerTLS, TLSError, TLSFiles, server_context
from tests.conftest import SHARED
from tests.tls import (
    client_context,
    der,
    https_server,
    install,
    install_as_kubelet,
    served_certificate,
    write_atomically,
)

JSON = {"content-type": "application/json"}
DOCUMENT = orjson.dumps(CONFIG)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def other_ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def loopback_url(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    files = install(ca.issue_cert("127.0.0.1", "localhost"), tmp_path_factory.mktemp("tls"))
    with https_server(files) as url:
        yield url


def test_validate_over_https(ca: trustme.CA, loopback_url: str) -> None:
    assert loopback_url.startswith("https://")
    with httpx.Client(base_url=loopback_url, verify=client_context(ca), timeout=10) as client:
        report = client.post("/validate", content=DOCUMENT, headers=JSON)
        assert report.status_code == 200
        assert report.json()["valid"] is True
        assert client.get("/readyz").status_code == 200


def _review(propagation: str) -> bytes:
    """The shared example AdmissionReview of a gVisor Pod, its first container mounting with `propagation`."""
    review = orjson.loads((SHARED / "reference" / "admissionreview-pod-example.json").read_bytes())
    pod = review["request"]["object"]
    pod["spec"]["volumes"] = [*pod["spec"].get("volumes", []), {"name": "host", "hostPath": {"path": "/var/run"}}]
    container = pod["spec"]["containers"][0]
    container["volumeMounts"] = [
        *container.get("volumeMounts", []),
        {"name": "host", "mountPath": "/host", "mountPropagation": propagation},
    ]
    container.setdefault("command", ["/bin/sh"])
    return orjson.dumps(review)


def _admit(client: httpx.Client, body: bytes) -> dict[str, object]:
    answer = client.post("/admission?timeout=3s", content=body, headers=JSON)
    assert answer.status_code == 200, answer.text
    review = answer.json()
    assert review["response"]["uid"] == orjson.loads(body)["request"]["uid"]
    return review["response"]  # type: ignore[no-any-return]


def test_admission_review_over_https(ca: trustme.CA, loopback_url: str) -> None:
    """The API server's call, as it makes it: HTTPS, the webhook's CA, ?timeout, an AdmissionReview v1."""
    with httpx.Client(base_url=loopback_url, verify=client_context(ca), timeout=10) as apiserver:
        assert _admit(apiserver, _review("HostToContainer"))["allowed"] is True
        refused = _admit(apiserver, _review("Bidirectional"))
        assert refused["allowed"] is False
        assert "RUNSC-MOUNT-SHARED-PROPAGATION" in orjson.dumps(refused).decode()


def test_plain_http_is_not_answered_on_the_https_port(loopback_url: str) -> None:
    with pytest.raises(httpx.TransportError):
        httpx.get(loopback_url.replace("https://", "http://") + "/healthz", timeout=5)


def test_untrusted_ca_is_refused_by_the_client(other_ca: trustme.CA, loopback_url: str) -> None:
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        httpx.get(f"{loopback_url}/healthz", verify=client_context(other_ca), timeout=5)


def test_wrong_hostname_is_refused_by_the_client(ca: trustme.CA, tmp_path: Path) -> None:
    files = install(ca.issue_cert("specgate.specgate.svc"), tmp_path)
    with https_server(files) as url:
        with pytest.raises(httpx.ConnectError, match="IP address mismatch|Hostname mismatch"):
            httpx.get(f"{url}/healthz", verify=client_context(ca), timeout=5)


def test_expired_certificate_is_refused_by_the_client(ca: trustme.CA, tmp_path: Path) -> None:
    now = dt.datetime.now(dt.UTC)
    expired = ca.issue_cert("127.0.0.1", not_before=now - dt.timedelta(days=2), not_after=now - dt.timedelta(days=1))
    with https_server(install(expired, tmp_path)) as url:
        with pytest.raises(httpx.ConnectError, match="certificate has expired"):
            httpx.get(f"{url}/healthz", verify=client_context(ca), timeout=5)


@pytest.fixture(scope="module")
def client_ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def mtls_url(ca: trustme.CA, client_ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    directory = tmp_path_factory.mktemp("mtls")
    files = install(ca.issue_cert("127.0.0.1"), directory)
    client_ca.cert_pem.write_to_path(str(directory / "ca.crt"))
    with https_server(TLSFiles(files.cert, files.key, directory / "ca.crt")) as url:
        yield url


class TestMutualTLS:
    def test_client_with_a_certificate_from_the_client_ca(
        self, ca: trustme.CA, client_ca: trustme.CA, mtls_url: str
    ) -> None:
        identity = client_ca.issue_cert("kube-apiserver")
        response = httpx.post(
            f"{mtls_url}/validate",
            content=DOCUMENT,
            headers=JSON,
            verify=client_context(ca, identity=identity),
            timeout=10,
        )
        assert response.status_code == 200

    def test_admission_review_from_an_apiserver_with_a_client_certificate(
        self, ca: trustme.CA, client_ca: trustme.CA, mtls_url: str
    ) -> None:
        identity = client_ca.issue_cert("kube-apiserver")
        with httpx.Client(base_url=mtls_url, verify=client_context(ca, identity=identity), timeout=10) as apiserver:
            assert _admit(apiserver, _review("Bidirectional"))["allowed"] is False

    def test_client_without_a_certificate_is_refused(self, ca: trustme.CA, mtls_url: str) -> None:
        with pytest.raises(httpx.TransportError):
            httpx.post(f"{mtls_url}/validate", content=DOCUMENT, headers=JSON, verify=client_context(ca), timeout=5)

    def test_client_with_a_certificate_from_another_ca_is_refused(
        self, ca: trustme.CA, other_ca: trustme.CA, mtls_url: str
    ) -> None:
        stranger = other_ca.issue_cert("kube-apiserver")
        with pytest.raises(httpx.TransportError):
            httpx.get(f"{mtls_url}/healthz", verify=client_context(ca, identity=stranger), timeout=5)


def _wait_for(condition: object, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)


def test_renewed_certificate_is_served_without_dropping_requests_in_flight(
    ca: trustme.CA, other_ca: trustme.CA, tmp_path: Path
) -> None:
    old, new = ca.issue_cert("127.0.0.1"), other_ca.issue_cert("127.0.0.1")
    files = install(old, tmp_path)
    release = threading.Event()
    answers: list[int] = []

    def slow_body() -> Iterator[bytes]:
        yield DOCUMENT[:10]
        release.wait(10)  # the rest of the body is sent after the rotation
        yield DOCUMENT[10:]

    with https_server(files, reload_seconds=0.05) as url:
        with httpx.Client(base_url=url, verify=client_context(ca, other_ca), timeout=15) as kept_alive:
            first = kept_alive.get("/healthz")
            assert first.extensions["network_stream"].get_extra_info("ssl_object").getpeercert(True) == der(old)

            def in_flight() -> None:
                answers.append(kept_alive.post("/validate", content=slow_body(), headers=JSON).status_code)

            sender = threading.Thread(target=in_flight)
            sender.start()
            install(new, tmp_path)
            _wait_for(lambda: served_certificate(url) == der(new))
            release.set()
            sender.join(15)
            assert answers == [200]
            # A connection opened before the rotation goes on with the old certificate until it closes.
            again = kept_alive.get("/healthz")
            assert again.status_code == 200
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            httpx.get(f"{url}/healthz", verify=client_context(ca), timeout=5)
        assert httpx.get(f"{url}/healthz", verify=client_context(other_ca), timeout=5).status_code == 200


def test_renewed_client_ca_is_enforced_on_new_connections(ca: trustme.CA, tmp_path: Path) -> None:
    old_ca, new_ca = trustme.CA(), trustme.CA()
    files = install(ca.issue_cert("127.0.0.1"), tmp_path)
    old_ca.cert_pem.write_to_path(str(tmp_path / "ca.crt"))
    old_client, new_client = old_ca.issue_cert("apiserver"), new_ca.issue_cert("apiserver")

    def status(identity: trustme.LeafCert, url: str) -> int | None:
        try:
            return httpx.get(f"{url}/healthz", verify=client_context(ca, identity=identity), timeout=5).status_code
        except httpx.TransportError:
            return None

    with https_server(TLSFiles(files.cert, files.key, tmp_path / "ca.crt"), reload_seconds=0.05) as url:
        assert (status(old_client, url), status(new_client, url)) == (200, None)
        write_atomically(tmp_path / "ca.crt", new_ca.cert_pem.bytes())
        _wait_for(lambda: status(new_client, url) == 200)
        assert status(old_client, url) is None, "the replaced CA is no longer trusted"


class TestReloader:
    def test_unchanged_files_are_not_reloaded(self, ca: trustme.CA, tmp_path: Path) -> None:
        reloader = CertificateReloader(install(ca.issue_cert("127.0.0.1"), tmp_path))
        assert reloader.check() is False
        assert reloader.current is reloader.listening

    def test_secret_volume_update_is_picked_up(self, ca: trustme.CA, tmp_path: Path) -> None:
        old, new = ca.issue_cert("127.0.0.1"), ca.issue_cert("127.0.0.1")
        reloader = CertificateReloader(install_as_kubelet(old, tmp_path, 1))
        assert reloader.check() is False
        install_as_kubelet(new, tmp_path, 2)
        assert reloader.check() is True

    def test_half_written_pair_keeps_the_last_good_context(
        self, ca: trustme.CA, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        old, new = ca.issue_cert("127.0.0.1"), ca.issue_cert("127.0.0.1")
        reloader = CertificateReloader(install(old, tmp_path))
        install(new, tmp_path, key=False)  # the certificate is renewed, its key not yet
        assert reloader.check() is False
        assert reloader.check() is False
        assert reloader.current is reloader.listening
        warnings = [r for r in caplog.records if r.name == "specgate.tls" and r.levelname == "WARNING"]
        assert len(warnings) == 1, "one warning per broken state, not one per check"
        assert "key values mismatch" in warnings[0].getMessage()
        install(new, tmp_path, cert=False)
        assert reloader.check() is True
        assert reloader.current is not reloader.listening
        assert reloader.reloads == 1

    def test_vanished_files_keep_the_last_good_context(
        self, ca: trustme.CA, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        files = install(ca.issue_cert("127.0.0.1"), tmp_path)
        reloader = CertificateReloader(files)
        files.key.unlink()
        assert reloader.check() is False
        assert reloader.check() is False
        assert [r.getMessage() for r in caplog.records if r.name == "specgate.tls"] == [
            f"TLS files changed but do not load (cannot read {files.key}: No such file or directory); "
            "still serving the previous certificate"
        ]
        write_atomically(files.key, b"not a key")
        assert reloader.check() is False
        assert reloader.current is reloader.listening

    def test_factory_travels_to_worker_processes(self, ca: trustme.CA, tmp_path: Path) -> None:
        # `serve --workers N` spawns processes that unpickle uvicorn's Config, factory included.
        factory = ServerTLS(install(ca.issue_cert("127.0.0.1"), tmp_path), reload_seconds=2)
        assert pickle.loads(pickle.dumps(factory)) == factory

    def test_factory_outside_a_server_builds_a_context_only(self, ca: trustme.CA, tmp_path: Path) -> None:
        files = install(ca.issue_cert("127.0.0.1"), tmp_path)
        assert ServerTLS(files, reload_seconds=1)().verify_mode.name == "CERT_NONE"


class TestServerContext:
    def test_missing_file_is_named(self, tmp_path: Path) -> None:
        with pytest.raises(TLSError, match=r"tls\.crt: no such file"):
            server_context(TLSFiles(tmp_path / "tls.crt", tmp_path / "tls.key"))

    def test_key_of_another_certificate(self, ca: trustme.CA, tmp_path: Path) -> None:
        files = install(ca.issue_cert("a"), tmp_path)
        install(ca.issue_cert("b"), tmp_path, cert=False)
        with pytest.raises(TLSError, match="key values mismatch"):
            server_context(files)

    def test_client_ca_requires_client_certificates(self, ca: trustme.CA, tmp_path: Path) -> None:
        files = install(ca.issue_cert("a"), tmp_path)
        ca.cert_pem.write_to_path(str(tmp_path / "ca.crt"))
        context = server_context(TLSFiles(files.cert, files.key, tmp_path / "ca.crt"))
        assert context.verify_mode.name == "CERT_REQUIRED"
        assert context.minimum_version.name == "TLSv1_2"

    def test_client_ca_that_is_not_pem(self, ca: trustme.CA, tmp_path: Path) -> None:
        files = install(ca.issue_cert("a"), tmp_path)
        (tmp_path / "ca.crt").write_text("nonsense")
        with pytest.raises(TLSError, match=r"ca\.crt"):
            server_context(TLSFiles(files.cert, files.key, tmp_path / "ca.crt"))

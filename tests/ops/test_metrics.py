"""GET /metrics: what a scrape shows after known requests, in one process and added up over two workers (which
then shut down within their timeout despite a request that never ends)."""

from __future__ import annotations

import concurrent.futures
import copy
import socket
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from app import __version__, metrics
from app.api.examples import CONFIG
from app.main import create_app
from tests.api.conftest import make_settings
from tests.conftest import SHARED
from tests.ops.server import specgate_serve

JSON = {"content-type": "application/json"}
VALID = orjson.dumps(CONFIG)
INVALID = orjson.dumps({**copy.deepcopy(CONFIG), "process": {**CONFIG["process"], "selinuxLabel": "system_u:x"}})

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(text: str) -> Samples:
    samples: Samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def total(samples: Samples, name: str, **labels: str) -> float:
    wanted = set(labels.items())
    return sum(v for (n, have), v in samples.items() if n == name and wanted <= have)


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(make_settings()), raise_server_exceptions=False) as c:
        yield c


def test_requests_verdicts_findings_and_latency_are_counted(client: TestClient) -> None:
    before = scrape(client.get("/metrics").text)
    oci = client.post("/validate?profile=oci", content=VALID, headers=JSON).json()
    assert oci["valid"] is True
    invalid = client.post("/validate", content=INVALID, headers=JSON).json()
    assert invalid["valid"] is False
    assert client.post("/validate?profile=nope", content=VALID, headers=JSON).status_code == 422
    assert client.get("/no/such/thing").status_code == 404
    assert client.post("/validate", content=b"{", headers=JSON).status_code == 400
    merged = client.post("/validate?profile=runsc&profile=oci", content=VALID, headers=JSON).json()
    after = scrape(client.get("/metrics").text)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    requests = "specgate_http_requests_total"
    assert delta(requests, route="/validate", method="POST", status="200", profile="oci") == 1
    assert delta(requests, route="/validate", method="POST", status="200", profile="runsc") == 1
    assert delta(requests, route="/validate", method="POST", status="422", profile="unknown") == 1
    assert delta(requests, route="/validate", method="POST", status="400", profile="runsc") == 1
    assert delta(requests, route="unmatched", method="GET", status="404", profile="") == 1
    assert delta(requests, route="/metrics", method="GET", status="200", profile="") == 1
    assert delta("specgate_verdicts_total", profile="oci", verdict="valid") == 1
    both = {"route": "/validate", "method": "POST", "status": "200", "profile": "runsc,oci"}
    assert delta(requests, **both) == 1  # several profiles at once: named together, as the merged report does
    assert delta("specgate_verdicts_total", profile="runsc,oci", verdict="valid") == 1
    assert delta("specgate_verdicts_total", profile="runsc", verdict="invalid") == 1
    reported = oci["findings"] + invalid["findings"] + merged["findings"]
    for finding in reported:
        count = sum(1 for f in reported if (f["rule"], f["severity"]) == (finding["rule"], finding["severity"]))
        assert delta("specgate_findings_total", rule=finding["rule"], severity=finding["severity"]) == count
    histogram = "specgate_http_request_duration_seconds"
    assert delta(f"{histogram}_count", route="/validate", method="POST") == 5
    assert delta(f"{histogram}_bucket", route="/validate", method="POST", le="10.0") == 5
    assert {labels for (name, labels) in after if name == f"{histogram}_bucket"} >= {
        frozenset({"route": "/validate", "method": "POST", "le": le}.items()) for le in ("0.001", "10.0", "+Inf")
    }
    assert value(after, "specgate_http_requests_in_flight") == 1  # the scrape itself
    assert total(after, "specgate_build_info", version=__version__) == 1


def test_admission_outcomes_recorded_through_the_function_the_route_calls(client: TestClient) -> None:
    before = scrape(client.get("/metrics").text)
    for outcome in ("allowed", "denied", "would-deny", "denied"):
        metrics.observe_admission(outcome, "runsc")  # type: ignore[arg-type]
    after = scrape(client.get("/metrics").text)
    name = "specgate_admission_reviews_total"
    for outcome, count in (("allowed", 1), ("denied", 2), ("would-deny", 1)):
        assert (
            value(after, name, outcome=outcome, profile="runsc") - value(before, name, outcome=outcome, profile="runsc")
            == count
        )


def test_openmetrics_when_asked(client: TestClient) -> None:
    response = client.get("/metrics", headers={"accept": "application/openmetrics-text; version=1.0.0"})
    assert response.headers["content-type"].startswith("application/openmetrics-text")
    assert response.text.endswith("# EOF\n")
    assert client.get("/metrics").headers["content-type"].startswith("text/plain")


def test_metrics_stay_open_with_tokens() -> None:
    with TestClient(create_app(make_settings(api_tokens="secret"))) as guarded:
        assert guarded.get("/metrics").status_code == 200
        assert guarded.post("/validate", content=VALID, headers=JSON).status_code == 401


def _half_sent_request(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=20)
    sock.sendall(b"POST /validate HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{")
    return sock


def test_two_workers_add_up(tmp_path: Path) -> None:
    directory = tmp_path / "metrics"
    sent = 48
    env = {"PROMETHEUS_MULTIPROC_DIR": str(directory), "SPECGATE_SHUTDOWN_TIMEOUT_SECONDS": "2"}
    with specgate_serve(tmp_path, "--workers", "2", **env) as server:

        def post(_: int) -> int:
            # A new connection per request, so that both workers accept some.
            return server.request("POST", "/validate", VALID)[0]

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            assert set(pool.map(post, range(sent))) == {200}
        scrapes = [scrape(server.request("GET", "/metrics")[1].decode()) for _ in range(6)]
        writers = {path.stem.rpartition("_")[2] for path in directory.glob("*.db")}
        # Shutdown of several workers within the timeout, even with a request that never ends (lifecycle).
        stuck = _half_sent_request(server.port)
        server.terminate()
        exit_status = server.wait(20)  # far above the 2 s configured, far below the stuck client's patience
        stuck.close()
        log = server.log_lines()
    assert exit_status is not None, "the workers waited for a request that never ends"
    assert len(writers) >= 2, f"expected two worker processes to record metrics, saw {writers}"
    for samples in scrapes:  # whichever worker answers the scrape, it reports every worker's requests
        assert (
            value(
                samples, "specgate_http_requests_total", route="/validate", method="POST", status="200", profile="runsc"
            )
            == sent
        )
        assert value(samples, "specgate_verdicts_total", profile="runsc", verdict="valid") == sent
        assert value(samples, "specgate_http_request_duration_seconds_count", route="/validate", method="POST") == sent
        assert value(samples, "specgate_http_requests_in_flight") >= 1  # the scrape, plus a probe in flight maybe
        assert total(samples, "specgate_build_info", version=__version__) == 1
    # Every line of the server's output is JSON, uvicorn's own included; one access line per request.
    entries = [orjson.loads(line) for line in log]
    access = [e for e in entries if e["logger"] == "specgate.access" and e["route"] == "/validate"]
    assert len([e for e in access if e["status"] == 200]) == sent
    assert len(access) == sent + 1  # the request cut at shutdown is logged too
    assert {e["logger"] for e in entries} >= {"uvicorn.error", "specgate.access"}


def test_the_fast_path_is_counted_like_the_route() -> None:
    for fast in (True, False):
        with TestClient(create_app(make_settings(fast_path=fast))) as c:
            before = scrape(c.get("/metrics").text)
            assert c.post("/validate?profile=runsc-2018", content=INVALID, headers=JSON).status_code == 200
            after = scrape(c.get("/metrics").text)
        labels = {"route": "/validate", "method": "POST", "status": "200", "profile": "runsc-2018"}
        assert (
            value(after, "specgate_http_requests_total", **labels)
            - value(before, "specgate_http_requests_total", **labels)
            == 1
        )
        verdict = {"profile": "runsc-2018", "verdict": "invalid"}
        assert (
            value(after, "specgate_verdicts_total", **verdict) - value(before, "specgate_verdicts_total", **verdict)
            == 1
        )


def test_the_findings_collector_writes_what_a_prometheus_counter_writes() -> None:
    """One process counts findings in its own collector (one lock per report): its exposition is the Counter's,
    sample for sample (the `_created` times aside, which are the moments each label set was first seen)."""
    from prometheus_client import CollectorRegistry, Counter, generate_latest

    from app.core import validate

    bench = SHARED / "bench"
    findings = [f for name in ("k8s", "big") for f in validate((bench / f"{name}.json").read_bytes()).findings]
    collector = metrics._FindingCounts()
    collector.add(findings[:10])
    collector.add(findings[10:])
    ours = CollectorRegistry()
    ours.register(collector)
    theirs = CollectorRegistry()
    counter = Counter("specgate_findings", metrics._FINDINGS_HELP, ["rule", "severity"], registry=theirs)
    for finding in findings:
        counter.labels(finding.rule, finding.severity).inc()

    def samples(registry: CollectorRegistry) -> tuple[list[str], set[str]]:
        lines = generate_latest(registry).decode().splitlines()
        created = {line.rpartition(" ")[0] for line in lines if line.startswith("specgate_findings_created")}
        return [line for line in lines if "_created" not in line], created

    assert samples(ours) == samples(theirs)
    assert len(samples(ours)[1]) == len({(f.rule, f.severity) for f in findings}) > 1

"""Client and AsyncClient: what they send, how they read answers, errors and retries (httpx.MockTransport)."""

from __future__ import annotations

import asyncio
import email.utils
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

import specgate_client
from specgate_client import APIError, AsyncClient, Client, SpecgateError, TransportError
from specgate_client._calls import MAX_DELAY, delay, retry_after

REPORT = {
    "valid": False,
    "profile": "runsc",
    "platform": "linux",
    "findings": [
        {"rule": "RUNSC-SELINUX", "severity": "error", "path": "/process/selinuxLabel", "message": "SELinux ..."}
    ],
    "summary": {"errors": 1, "warnings": 0, "infos": 0},
    "sandbox": {"container_type": None, "creates_sandbox": True, "sandbox_id": None},
}
PROBLEM = {
    "type": "urn:specgate:problem:document-syntax",
    "title": "The body is not a JSON object",
    "status": 400,
    "detail": "invalid JSON: trailing comma (line 1, column 9)",
    "errors": [{"path": "", "message": "invalid JSON"}],
    "line": 1,
    "column": 9,
}

Handler = Callable[[httpx.Request], httpx.Response]


def _client(handler: Handler, **kwargs: Any) -> Client:
    kwargs.setdefault("backoff", 0.0)
    return Client(base_url="http://specgate.test", transport=httpx.MockTransport(handler), **kwargs)


class Recorder:
    """A handler that answers from a list and remembers the requests."""

    def __init__(self, *answers: httpx.Response | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


def test_validate_sends_raw_json_with_query_and_headers() -> None:
    recorder = Recorder(httpx.Response(200, json=REPORT))
    with _client(recorder, token="s3cret", headers={"X-Team": "infra"}) as client:
        report = client.validate(b'{"ociVersion": "1.0.2"}', profile="oci", platform="linux", lifecycle="start")
    assert isinstance(report, specgate_client.ValidationReport)
    assert not report.valid and report.findings[0].path == "/process/selinuxLabel"
    (request,) = recorder.requests
    assert request.method == "POST" and request.url.path == "/validate"
    assert dict(request.url.params) == {"profile": "oci", "platform": "linux", "lifecycle": "start"}
    assert request.content == b'{"ociVersion": "1.0.2"}'
    assert request.headers["content-type"] == "application/json"
    assert request.headers["authorization"] == "Bearer s3cret"
    assert request.headers["x-team"] == "infra"
    assert request.headers["user-agent"] == f"specgate-client/{specgate_client.__version__}"


@pytest.mark.parametrize(
    ("doc", "sent"),
    [
        pytest.param(b'{"a":1}', b'{"a":1}', id="bytes"),
        pytest.param('{"a": "\u00e9"}', '{"a": "\u00e9"}'.encode(), id="str"),
        pytest.param({"a": "\u00e9"}, '{"a": "\u00e9"}'.encode(), id="dict"),
    ],
)
def test_document_forms(doc: Any, sent: bytes) -> None:
    recorder = Recorder(httpx.Response(200, json=REPORT))
    with _client(recorder) as client:
        client.validate(doc)
    assert recorder.requests[0].content == sent


def test_document_from_a_path_is_sent_byte_for_byte(tmp_path: Path) -> None:
    raw = b'{\n  "ociVersion": "1.0.2", "ociVersion": "1.0.2"\n}'  # duplicates must reach the server intact
    (tmp_path / "config.json").write_bytes(raw)
    recorder = Recorder(httpx.Response(200, json=REPORT))
    with _client(recorder) as client:
        client.validate(tmp_path / "config.json")
    assert recorder.requests[0].content == raw


def test_problem_answer_becomes_api_error_with_problem() -> None:
    recorder = Recorder(httpx.Response(400, json=PROBLEM, headers={"content-type": "application/problem+json"}))
    with _client(recorder) as client, pytest.raises(APIError) as caught:
        client.validate(b"{bad")
    error = caught.value
    assert error.status == 400 and error.problem is not None
    assert error.problem.type == "urn:specgate:problem:document-syntax"
    assert error.problem.model_extra == {"line": 1, "column": 9}
    assert [(e.path, e.message) for e in error.errors] == [("", "invalid JSON")]
    assert error.errors == error.problem.errors
    assert all(isinstance(e, specgate_client.ProblemError) for e in error.errors)
    assert "trailing comma" in str(error)
    assert isinstance(error, SpecgateError)


def test_normalize_refusal_carries_the_report() -> None:
    body = {**PROBLEM, "type": "urn:specgate:problem:invalid-spec", "status": 422, **REPORT}
    recorder = Recorder(httpx.Response(422, json=body))
    with _client(recorder) as client, pytest.raises(APIError) as caught:
        client.normalize(b"{}", bundle="/run/bundle")
    assert dict(recorder.requests[0].url.params) == {"profile": "runsc", "bundle": "/run/bundle"}
    report = caught.value.report
    assert report is not None and report.findings[0].rule == "RUNSC-SELINUX"


def test_non_json_error_answer() -> None:
    recorder = Recorder(httpx.Response(502, text="bad gateway"))
    with _client(recorder) as client, pytest.raises(APIError) as caught:
        client.rules()
    assert caught.value.status == 502 and caught.value.problem is None and caught.value.body == "bad gateway"
    assert caught.value.report is None


def test_unexpected_success_body_is_a_specgate_error() -> None:
    recorder = Recorder(httpx.Response(200, json={"nothing": "here"}))
    with _client(recorder) as client, pytest.raises(SpecgateError, match="not a ValidationReport"):
        client.validate(b"{}")


def test_connection_error_becomes_transport_error_raised_from_httpx() -> None:
    recorder = Recorder(httpx.ConnectError("connection refused"))
    with _client(recorder, retries=2) as client, pytest.raises(TransportError) as caught:
        client.health()
    assert isinstance(caught.value.__cause__, httpx.ConnectError)
    assert len(recorder.requests) == 3  # the first attempt and two retries


def test_read_timeout_is_not_retried() -> None:
    recorder = Recorder(httpx.ReadTimeout("slow"))
    with _client(recorder, retries=3) as client, pytest.raises(TransportError):
        client.health()
    assert len(recorder.requests) == 1


@pytest.mark.parametrize("status", [429, 503])
def test_overload_answers_are_retried(status: int) -> None:
    recorder = Recorder(
        httpx.Response(status, headers={"Retry-After": "0"}),
        httpx.Response(200, json={"status": "ok", "profiles": []}),
    )
    with _client(recorder) as client:
        assert client.health().status == "ok"
    assert len(recorder.requests) == 2


def test_retries_give_up_with_the_last_answer() -> None:
    recorder = Recorder(httpx.Response(503, json={**PROBLEM, "status": 503, "title": "Service Unavailable"}))
    with _client(recorder, retries=1) as client, pytest.raises(APIError) as caught:
        client.validate(b"{}")
    assert caught.value.status == 503 and len(recorder.requests) == 2


def test_other_errors_are_not_retried() -> None:
    recorder = Recorder(httpx.Response(500, json={**PROBLEM, "status": 500}))
    with _client(recorder, retries=3) as client, pytest.raises(APIError):
        client.validate(b"{}")
    assert len(recorder.requests) == 1


def test_ready_reports_not_ready_without_retrying() -> None:
    recorder = Recorder(httpx.Response(503, json={"status": "not ready", "profiles": []}))
    with _client(recorder, retries=3) as client:
        assert client.ready().status == "not ready"
    assert len(recorder.requests) == 1


def test_capabilities_has_one_return_type_and_the_table_its_own_method() -> None:
    table = {"profile": "runsc", "capabilities": [{"name": "CAP_CHOWN", "number": 0}], "last_cap": 40}
    recorder = Recorder(httpx.Response(200, json=table))
    with _client(recorder) as client:
        result = client.capability_table()
        with pytest.raises(TypeError, match="capability_table"):
            client.capabilities(None)  # type: ignore[arg-type]
    assert isinstance(result, specgate_client.CapabilityTable) and result.last_cap == 40
    assert recorder.requests[0].method == "GET" and len(recorder.requests) == 1


def test_negative_retries_are_refused() -> None:
    with pytest.raises(ValueError, match="retries"):
        Client(retries=-1)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        pytest.param("7", 7.0, id="delta-seconds"),
        pytest.param(" 7 ", 7.0, id="delta-seconds-padded"),
        pytest.param("Wed, 21 Oct 2015 07:28:00 GMT", 0.0, id="date-in-the-past"),
        pytest.param("soon", None, id="garbage"),
        pytest.param("\u00b2", None, id="superscript-digit"),
        pytest.param("\u0663", None, id="arabic-indic-digit"),
        pytest.param("-5", None, id="negative"),
        pytest.param("1.5", None, id="fraction"),
        pytest.param("Wed, 99 Oct 2015 07:28:00 GMT", None, id="impossible-date"),
        pytest.param("Wed, 21 Oct 99999 07:28:00 GMT", None, id="year-out-of-range"),
        pytest.param("", None, id="empty"),
        pytest.param(None, None, id="absent"),
    ],
)
def test_retry_after(header: str | None, seconds: float | None) -> None:
    assert retry_after(header) == seconds


@pytest.mark.parametrize(
    "zone",
    [pytest.param("GMT", id="gmt"), pytest.param("+0000", id="numeric"), pytest.param("-0000", id="unknown-zone")],
)
def test_retry_after_http_date_in_the_future(zone: str) -> None:
    when = email.utils.formatdate(time.time() + 20, usegmt=True).replace("GMT", zone)
    seconds = retry_after(when)
    assert seconds is not None and 18.0 <= seconds <= 20.0


def test_delay_backs_off_and_honours_retry_after_within_a_cap() -> None:
    first, third = delay(0, 1.0), delay(2, 1.0)
    assert first is not None and 0.5 <= first <= 1.0
    assert third is not None and 2.0 <= third <= 4.0
    assert delay(0, 1.0, httpx.Response(429, headers={"Retry-After": "3"})) == 3.0
    assert delay(20, 1.0) == MAX_DELAY


def test_retry_after_longer_than_the_cap_gives_up_at_once() -> None:
    # Sending again sooner than the service asked would only be refused again.
    assert delay(0, 1.0, httpx.Response(429, headers={"Retry-After": "3600"})) is None
    recorder = Recorder(httpx.Response(503, headers={"Retry-After": "3600"}, json={**PROBLEM, "status": 503}))
    with _client(recorder, retries=3) as client, pytest.raises(APIError) as caught:
        client.validate(b"{}")
    assert caught.value.status == 503 and len(recorder.requests) == 1


def test_retries_wait_what_retry_after_asks(monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    monkeypatch.setattr(time, "sleep", waits.append)
    recorder = Recorder(
        httpx.Response(429, headers={"Retry-After": "2"}),
        httpx.Response(503, headers={"Retry-After": email.utils.formatdate(time.time() + 5, usegmt=True)}),
        httpx.Response(200, json={"status": "ok", "profiles": []}),
    )
    with _client(recorder, retries=2) as client:
        assert client.health().status == "ok"
    assert waits[0] == 2.0 and 3.0 <= waits[1] <= 5.0


def test_pool_timeout_is_retried_but_a_write_error_is_not() -> None:
    # No connection was free, so the request never left: safe to send again. A write may have reached the server.
    recorder = Recorder(httpx.PoolTimeout("busy"), httpx.Response(200, json={"status": "ok", "profiles": []}))
    with _client(recorder, retries=1) as client:
        assert client.health().status == "ok"
    recorder = Recorder(httpx.WriteError("broken pipe"))
    with _client(recorder, retries=3) as client, pytest.raises(TransportError):
        client.health()
    assert len(recorder.requests) == 1


def test_transport_error_message_says_what_failed_even_without_a_message() -> None:
    recorder = Recorder(httpx.ReadTimeout(""))
    with _client(recorder) as client, pytest.raises(TransportError) as caught:
        client.health()
    assert str(caught.value) == "GET http://specgate.test/healthz: ReadTimeout: no answer"


def test_negative_backoff_is_refused() -> None:
    with pytest.raises(ValueError, match="backoff"):
        Client(backoff=-1.0)


def test_a_closed_client_refuses_to_send_or_reopen() -> None:
    recorder = Recorder(httpx.Response(200, json={"status": "ok", "profiles": []}))
    client = _client(recorder)
    with client:
        client.health()
        with pytest.raises(RuntimeError, match="already open"):
            client.__enter__()
    with pytest.raises(RuntimeError, match="closed"):
        client.health()
    with pytest.raises(RuntimeError, match="reopened"), client:
        pass
    assert len(recorder.requests) == 1


def test_a_client_works_without_a_with_block_until_closed() -> None:
    recorder = Recorder(httpx.Response(200, json={"status": "ok", "profiles": []}))
    client = _client(recorder)
    assert client.health().status == "ok"
    client.close()
    client.close()  # closing twice is harmless
    with pytest.raises(RuntimeError, match="closed"):
        client.health()


def test_a_closed_async_client_refuses_to_send() -> None:
    async def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"status": "ok", "profiles": []})

    async def run() -> None:
        client = AsyncClient(transport=httpx.MockTransport(handler))
        async with client:
            assert (await client.health()).status == "ok"
        await client.health()

    with pytest.raises(RuntimeError, match="closed"):
        asyncio.run(run())


def test_default_timeout_is_short() -> None:
    with Client() as client:
        timeout = client._http.timeout
    assert timeout.read == 5.0 and timeout.connect == 2.0


def test_async_client_has_the_same_behaviour() -> None:
    calls: list[httpx.Request] = []
    answers = [httpx.Response(503, headers={"Retry-After": "0"}), httpx.Response(200, json=REPORT)]

    async def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return answers.pop(0)

    async def run() -> specgate_client.ValidationReport:
        transport = httpx.MockTransport(handler)
        async with AsyncClient(base_url="http://specgate.test", transport=transport, backoff=0.0) as client:
            return await client.validate({"ociVersion": "1.0.2"}, profile="runsc")

    report = asyncio.run(run())
    assert report.summary.errors == 1 and len(calls) == 2
    assert json.loads(calls[1].content) == {"ociVersion": "1.0.2"}


def test_async_client_maps_errors() -> None:
    async def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    async def run() -> None:
        async with AsyncClient(transport=httpx.MockTransport(handler), retries=0) as client:
            await client.rules(profile="oci")

    with pytest.raises(TransportError) as caught:
        asyncio.run(run())
    assert isinstance(caught.value.__cause__, httpx.ConnectError)


def test_client_methods_match_between_sync_and_async() -> None:
    public = {name for name in vars(Client) if not name.startswith("_")} - {"close"}
    assert public == {name for name in vars(AsyncClient) if not name.startswith("_")} - {"aclose"}
    assert {"validate", "normalize", "capabilities", "classify_mounts", "rules", "health"} <= public


def _sent(doc: Any) -> bytes:
    recorder = Recorder(httpx.Response(200, json=REPORT))
    with _client(recorder) as client:
        client.validate(doc)
    return recorder.requests[0].content


def test_validate_takes_a_str_naming_an_existing_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = tmp_path / "config.json"
    spec.write_bytes(b'{"ociVersion": "1.0.2"}')
    assert _sent(str(spec)) == spec.read_bytes()
    monkeypatch.chdir(tmp_path)
    assert _sent("config.json") == spec.read_bytes()


def test_validate_takes_file_objects_binary_or_text(tmp_path: Path) -> None:
    spec = tmp_path / "config.json"
    spec.write_bytes('{"ociVersion": "1.0.2", "hostname": "é"}'.encode())
    with open(spec, "rb") as binary:
        assert _sent(binary) == spec.read_bytes()
    with open(spec, encoding="utf-8") as text:
        assert _sent(text) == spec.read_bytes()


@pytest.mark.parametrize(
    ("doc", "sent"),
    [
        pytest.param('{"ociVersion": "1.0.2"}', b'{"ociVersion": "1.0.2"}', id="json-object-text"),
        pytest.param("  \n[1]", b"  \n[1]", id="json-array-text-the-service-refuses"),
        pytest.param("null", b"null", id="json-scalar-text"),
        pytest.param(bytearray(b"{}"), b"{}", id="bytearray"),
        pytest.param({"ociVersion": "1.0.2"}, b'{"ociVersion": "1.0.2"}', id="dict"),
    ],
)
def test_validate_document_forms(doc: Any, sent: bytes) -> None:
    assert _sent(doc) == sent


def test_a_str_that_is_neither_json_nor_a_file_says_how_to_pass_one() -> None:
    with pytest.raises(ValueError, match=r"neither JSON text nor the name of an existing file.*pathlib.Path"):
        _sent("no/such/config.json")


def test_a_value_of_no_accepted_type_says_what_is_accepted() -> None:
    with pytest.raises(TypeError, match="pass bytes, JSON text"):
        _sent(42)


def test_rules_default_to_runsc_and_star_lists_every_profile() -> None:
    recorder = Recorder(httpx.Response(200, json={"rules": []}))
    with _client(recorder) as client:
        client.rules()
        client.rules(profile="*")
        client.rules(profile="oci")
    assert [dict(r.url.params) for r in recorder.requests] == [
        {"profile": "runsc"},
        {"profile": "*"},
        {"profile": "oci"},
    ]

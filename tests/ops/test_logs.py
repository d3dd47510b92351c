"""JSON logs: one access line per request with its id, never the document, its values or a token."""

from __future__ import annotations

import copy
import logging
import re
import sys
from collections.abc import Iterator

import orjson
import pytest
from fastapi.testclient import TestClient

from app.api.examples import CONFIG
from app.logs import JsonFormatter, logging_config
from app.main import create_app
from tests.api.conftest import make_settings

JSON = {"content-type": "application/json"}
MARKER = "do-not-log-7f3a"
"""Appears in the document's values and keys, in a token and in a query value: must appear in no log line."""
DOCUMENT = orjson.dumps(
    {
        **copy.deepcopy(CONFIG),
        "hostname": MARKER,
        "annotations": {MARKER: MARKER},
        "process": {**CONFIG["process"], "selinuxLabel": MARKER, "env": [f"PASSWORD={MARKER}"]},
    }
)


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(api_tokens=f"tok-{MARKER}")), raise_server_exceptions=False) as c:
        yield c


def access_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    formatter = JsonFormatter()
    return [orjson.loads(formatter.format(r)) for r in caplog.records if r.name == "specgate.access"]


def test_one_line_per_request_with_every_field(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="specgate.access")
    headers = {**JSON, "authorization": f"Bearer tok-{MARKER}", "x-request-id": "req-42.a:b"}
    response = client.post("/validate?profile=runsc", content=DOCUMENT, headers=headers)
    assert response.status_code == 200 and response.json()["valid"] is False
    assert response.headers["x-request-id"] == "req-42.a:b"
    (line,) = access_lines(caplog)
    assert line.keys() >= {"time", "level", "logger", "message", "request_id", "method", "route", "status"}
    assert line["request_id"] == "req-42.a:b"
    assert (line["method"], line["route"], line["status"]) == ("POST", "/validate", 200)
    assert (line["profile"], line["verdict"]) == ("runsc", "invalid")
    assert line["client"] == "testclient:50000"
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", str(line["time"]))


@pytest.mark.parametrize("given", ["", "has space", "x" * 129, 'quote"d', "-leading-dash", "caf\u00e9"])
def test_a_malformed_request_id_is_replaced(client: TestClient, caplog: pytest.LogCaptureFixture, given: str) -> None:
    caplog.set_level(logging.INFO, logger="specgate.access")
    response = client.get("/healthz", headers={"x-request-id": given.encode()})
    generated = response.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    (line,) = access_lines(caplog)
    assert line["request_id"] == generated


def test_every_answer_gets_an_id_even_a_refusal(client: TestClient) -> None:
    refused = client.post("/validate", content=DOCUMENT, headers=JSON)
    assert refused.status_code == 401 and re.fullmatch(r"[0-9a-f]{32}", refused.headers["x-request-id"])
    ids = {client.get("/healthz").headers["x-request-id"] for _ in range(3)}
    assert len(ids) == 3


def test_nothing_of_the_document_the_token_or_the_query_reaches_the_logs(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    token = {"authorization": f"Bearer tok-{MARKER}"}
    for path in ("/validate", "/classify-mounts", f"/normalize?bundle=/{MARKER}", "/capabilities"):
        client.post(path, content=DOCUMENT, headers={**JSON, **token})
    client.post("/validate", content=DOCUMENT[:-5], headers={**JSON, **token})  # 400 with line and column
    client.post("/validate", content=DOCUMENT, headers={**JSON, "authorization": f"Bearer {MARKER}"})  # 401
    formatter = JsonFormatter()
    ours = [record for record in caplog.records if record.name.startswith(("specgate", "uvicorn"))]
    text = "\n".join(formatter.format(record) for record in ours)  # the test client's own log names the URL
    assert text.count('"logger":"specgate.access"') == 6
    assert MARKER not in text


def test_formatter_keeps_exceptions_on_one_line() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("specgate.api", logging.ERROR, __file__, 1, "failed %s", ("here",), sys.exc_info())
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = orjson.loads(line)
    assert entry["message"] == "failed here" and entry["level"] == "error"
    assert "ValueError: boom" in entry["exception"]


@pytest.mark.parametrize("level", ["warning", "debug"])
def test_level_from_settings_reaches_every_logger(level: str) -> None:
    config = logging_config(level)
    assert config["root"]["level"] == level.upper()
    assert config["loggers"]["uvicorn.error"]["level"] == level.upper()
    assert config["loggers"]["specgate"]["level"] == level.upper()
    assert config["loggers"]["uvicorn.access"]["propagate"] is False  # specgate writes the access line itself


def test_log_level_setting_is_case_insensitive() -> None:
    assert make_settings(log_level="WARNING").log_level == "warning"
    with pytest.raises(ValueError):
        make_settings(log_level="verbose")

"""app/api/responses.py: the report written by orjson is pydantic's JSON of it, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from app import core
from app.api.responses import model_json
from app.models import (
    Finding,
    MergedReport,
    PolicyChange,
    PolicyEffect,
    ProfiledFinding,
    SandboxInfo,
    Summary,
    ValidationReport,
)

DATA = Path(__file__).resolve().parents[1] / "data"
ODD = "".join(chr(i) for i in range(0x80)) + "\u2028\u2029\u00e9\U0001f600\ufeff\x85"


def _pydantic(model: BaseModel) -> bytes:
    return model.__pydantic_serializer__.to_json(model, by_alias=True)


def test_a_report_with_every_part_and_odd_text() -> None:
    report = ValidationReport(
        valid=False,
        profile="runsc",
        findings=[Finding(rule="R-1", severity="error", path="/a~1b/0", message=ODD)],
        summary=Summary(errors=1),
        sandbox=SandboxInfo(container_type="sandbox", creates_sandbox=False, sandbox_id=ODD),
        policy=PolicyEffect(source="p.yaml", changed=[PolicyChange(rule="R-2", path="", was="info", now="off")]),
    )
    assert model_json(report) == _pydantic(report)


@pytest.mark.parametrize("profile", core.profile_names())
def test_the_core_reports_of_the_bench_documents(profile: str) -> None:
    for document in sorted((DATA / "bench").glob("*.json")):
        report = core.validate(document.read_bytes(), profile=profile)
        assert model_json(report) == _pydantic(report), document.name


def test_other_models_are_written_by_pydantic() -> None:
    merged = MergedReport(
        valid=True,
        profile="runsc,oci",
        profiles=["runsc", "oci"],
        findings=[ProfiledFinding(rule="R", severity="info", path="", message="m", profile="oci")],
        summary=Summary(infos=1),
        sandbox=SandboxInfo(),
    )
    assert model_json(merged) == _pydantic(merged)
    assert model_json(Summary(errors=2)) == _pydantic(Summary(errors=2))


def test_what_orjson_cannot_write_goes_to_pydantic() -> None:
    report = ValidationReport(
        valid=True,
        profile="oci",
        findings=[],
        summary=Summary(errors=2**70),  # past orjson's 64-bit integers
        sandbox=SandboxInfo(),
    )
    assert model_json(report) == _pydantic(report)


def test_a_finding_subclass_in_a_plain_report_goes_to_pydantic() -> None:
    """pydantic writes a report's findings as Findings (four members); orjson would write every member of a
    subclass, so such a report is left to pydantic."""
    report = ValidationReport(
        valid=True,
        profile="runsc",
        findings=[
            Finding(rule="R", severity="info", path="", message="m"),
            ProfiledFinding(rule="R", severity="info", path="/a", message="m", profile="oci"),
        ],
        summary=Summary(infos=2),
        sandbox=SandboxInfo(),
    )
    assert model_json(report) == _pydantic(report)
    assert b'"profile":"oci"' not in model_json(report)

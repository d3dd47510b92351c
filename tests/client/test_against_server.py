"""The client against the real application: in-process through ASGITransport, and over loopback through uvicorn."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from app import core
from specgate_client import APIError, AsyncClient, Client, TransportError
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "cli"
INVALID = (FIXTURES / "invalid" / "config.json").read_bytes()
VALID = (FIXTURES / "valid" / "config.json").read_bytes()


def test_asgi_round_trip_matches_the_core() -> None:
    from app.main import create_app

    async def run() -> None:
        transport = httpx.ASGITransport(app=create_app())
        async with AsyncClient(base_url="http://specgate", transport=transport) as client:
            for profile in core.profile_names():
                report = await client.validate(INVALID, profile=profile)
                assert report.model_dump() == core.validate(INVALID, profile=profile).model_dump()
            rules = await client.rules()
            assert [r.id for r in rules.rules] == [r.id for r in core.rules("runsc").rules]
            every = await client.rules(profile="*")
            assert [r.id for r in every.rules] == [r.id for r in core.rules().rules]
            mounts = await client.classify_mounts(VALID)
            assert mounts.model_dump() == core.classify_mounts(VALID).model_dump()
            with pytest.raises(APIError) as caught:
                await client.validate(b"{oops", profile="runsc")
            assert caught.value.status == 400 and caught.value.problem is not None
            with pytest.raises(APIError) as unknown:
                await client.validate(VALID, profile="no-such-profile")
            assert unknown.value.status == 422

    asyncio.run(run())


def test_live_server_round_trip(live_url: str, tmp_path: Path) -> None:
    with Client(base_url=live_url) as client:
        assert client.health().status == "ok"
        assert client.ready().status == "ready"
        report = client.validate(FIXTURES / "invalid" / "config.json")
        assert report.model_dump() == core.validate(INVALID).model_dump()
        assert not report.valid
        assert client.validate(VALID).valid
        table = client.capability_table()
        assert table.capabilities[0].name == "CAP_CHOWN"
        sets = client.capabilities({"bounding": ["CAP_CHOWN", "CAP_KILL"]})
        assert sets.bounding.mask == "0x0000000000000021"
        with pytest.raises(APIError) as caught:
            client.capabilities({"bounding": ["CAP_NOPE"]})
        assert caught.value.status == 422 and caught.value.errors[0].path == "/bounding/0"
        normalized = client.normalize(VALID, bundle="/run/bundle")
        assert normalized.spec["root"]["path"] == "/run/bundle/rootfs"
        with pytest.raises(APIError) as refused:
            client.normalize(INVALID, bundle="/run/bundle")
        assert refused.value.status == 422 and refused.value.report is not None


def test_unreachable_server_is_a_transport_error() -> None:
    with Client(base_url="http://127.0.0.1:9", retries=1, backoff=0.0, timeout=1.0) as client:
        with pytest.raises(TransportError):
            client.health()

"""The client's Kubernetes calls: POST /translate and POST /admission, sync over loopback and async in-process."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from specgate_client import APIError, AsyncClient, Client
from tests.conftest import ROOT

REVIEWS = ROOT / "tests" / "data" / "admission" / "reviews"


def test_translate_and_admission_over_loopback(live_url: str) -> None:
    review = json.loads((REVIEWS / "csi-node-bidirectional-second-container.json").read_text())
    with Client(base_url=live_url) as client:
        translation = client.translate(review["request"]["object"], cri="cri-o", cri_selinux=False)
        assert translation.node.cri == "cri-o" and not translation.node.cri_selinux
        assert [c.name for c in translation.containers] == ["POD", "liveness-probe", "ebs-plugin"]
        answer = client.admission(review)
        assert answer.apiVersion == "admission.k8s.io/v1" and answer.response.uid == review["request"]["uid"]
        assert answer.response.allowed is False and answer.response.status is not None
        assert '"ebs-plugin"' in answer.response.status.message
        with pytest.raises(APIError) as caught:
            client.admission({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview"})
        assert caught.value.status == 400


def test_async_admission_in_process() -> None:
    from app.main import create_app

    review = (REVIEWS / "v1beta1-clean.json").read_bytes()

    async def run() -> None:
        transport = httpx.ASGITransport(app=create_app())
        async with AsyncClient(base_url="http://specgate", transport=transport) as client:
            answer = await client.admission(review)
            assert answer.apiVersion == "admission.k8s.io/v1beta1" and answer.response.allowed is True
            translation = await client.translate(json.loads(review)["request"]["object"])
            assert translation.kind == "Job"

    asyncio.run(run())

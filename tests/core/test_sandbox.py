"""SandboxInfo values of the profiles: shared when there is no sandbox ID, equal to fresh models either way."""

from __future__ import annotations

import pytest

from app.core.sandbox import ContainerType, sandbox_info
from app.models import SandboxInfo


@pytest.mark.parametrize("kind", ["sandbox", "container", None])
@pytest.mark.parametrize("creates", [True, False])
@pytest.mark.parametrize("sandbox_id", [None, "", "abc"])
def test_sandbox_info_equals_the_validated_model(kind: ContainerType, creates: bool, sandbox_id: str | None) -> None:
    made = sandbox_info(kind, creates, sandbox_id)
    expected = SandboxInfo(container_type=kind, creates_sandbox=creates, sandbox_id=sandbox_id)
    assert made == expected
    assert made.model_dump() == expected.model_dump()
    assert made.model_fields_set == expected.model_fields_set | {"container_type", "creates_sandbox", "sandbox_id"}


def test_only_placements_without_an_id_are_shared() -> None:
    assert sandbox_info(None, True, None) is sandbox_info(None, True, None)
    assert sandbox_info("container", False, "x") is not sandbox_info("container", False, "x")

"""The rule catalog of runsc-2018: every rule documented and reachable from a document."""

from __future__ import annotations

from typing import Any

import pytest

from app.core import engine
from app.core.profiles import get_profile
from tests.core.profiles.runsc2018.support import PROFILE, judge, spec

TRIGGERS: dict[str, dict[str, Any] | str] = {
    "RUNSC2018-JSON-INVALID": spec(hostname=1),
    "RUNSC2018-JSON-DUPLICATE": '{"process": {"args": ["sh"]}, "root": {"path": "r"}, "cwd": "a", "cwd": "b"}',
    "RUNSC2018-PROCESS-REQUIRED": {"root": {"path": "r"}},
    "RUNSC2018-ARGS-REQUIRED": spec(process={"args": []}),
    "RUNSC2018-ROOT-REQUIRED": {"process": {"args": ["sh"]}},
    "RUNSC2018-ROOTPATH-REQUIRED": spec(root={"path": ""}),
    "RUNSC2018-SOLARIS": spec(solaris={}),
    "RUNSC2018-WINDOWS": spec(windows={}),
    "RUNSC2018-SELINUX": spec(process={"args": ["sh"], "selinuxLabel": "x"}),
    "RUNSC2018-APPARMOR": spec(process={"args": ["sh"], "apparmorProfile": "x"}),
    "RUNSC2018-SECCOMP": spec(linux={"seccomp": {}}),
    "RUNSC2018-MOUNT-DEST-ABS": spec(mounts=[{"destination": "x"}]),
    "RUNSC2018-CONTAINER-TYPE": spec(annotations={"io.kubernetes.cri.container-type": "x"}),
    "RUNSC2018-SANDBOX-ID": spec(annotations={"io.kubernetes.cri.container-type": "container"}),
    "RUNSC2018-CAPS-UNKNOWN": spec(process={"args": ["sh"], "capabilities": {"effective": ["CAP_BPF"]}}),
    "RUNSC2018-CAPS-AMBIENT": spec(process={"args": ["sh"], "capabilities": {"ambient": ["CAP_BPF"]}}),
    "RUNSC2018-DEV-MOUNT": spec(mounts=[{"destination": "/dev/shm", "type": "tmpfs", "source": "shm"}]),
}


def test_catalog_is_listed_with_references() -> None:
    rules = engine.rules(profile=PROFILE).rules
    assert [r.id for r in rules] == list(TRIGGERS)
    for rule in rules:
        assert rule.profile == PROFILE
        assert rule.summary
        assert "specutils.go" in rule.reference
        assert rule.scope == "document"
        assert rule.checked


@pytest.mark.parametrize(("rule_id", "doc"), list(TRIGGERS.items()), ids=list(TRIGGERS))
def test_every_rule_is_reachable(rule_id: str, doc: dict[str, Any] | str) -> None:
    findings = judge(doc).findings
    assert [f.rule for f in findings] == [rule_id]
    assert findings[0].severity == get_profile(PROFILE).catalog[rule_id].severity

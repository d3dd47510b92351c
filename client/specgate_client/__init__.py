"""Thin httpx client for the specgate service.

```python
import specgate_client

with specgate_client.Client(base_url="http://specgate:8080") as client:
    report = client.validate(Path("bundle/config.json"), profile="runsc")
    if not report.valid:
        for finding in report.findings:
            print(finding.severity, finding.path, finding.rule, finding.message)
```
"""

from __future__ import annotations

from specgate_client._calls import DEFAULT_TIMEOUT, Document
from specgate_client._client import AsyncClient, Client
from specgate_client._exceptions import APIError, SpecgateError, TransportError
from specgate_client._models import (
    AdmissionRequest,
    AdmissionResponse,
    AdmissionReviewRequest,
    AdmissionReviewResponse,
    AdmissionStatus,
    AdmissionUserInfo,
    CapabilitiesResult,
    CapabilityInfo,
    CapabilitySet,
    CapabilityTable,
    ContainerVerdict,
    Finding,
    GroupVersionKind,
    GroupVersionResource,
    Health,
    MergedReport,
    MountInfo,
    MountsResult,
    NodeAssumptions,
    NormalizeResult,
    ObjectVerdict,
    PatchOp,
    PodFinding,
    PolicyChange,
    PolicyEffect,
    Problem,
    ProblemError,
    ProfiledFinding,
    ProfileInfo,
    ProfilesList,
    RuleInfo,
    RulesList,
    RuntimeFeatures,
    SandboxInfo,
    Summary,
    TranslatedSpec,
    TranslationNote,
    TranslationResult,
    ValidationReport,
)
from specgate_client._version import __version__

__all__ = [
    "__version__",
    "AdmissionRequest",
    "AdmissionResponse",
    "AdmissionReviewRequest",
    "AdmissionReviewResponse",
    "AdmissionStatus",
    "AdmissionUserInfo",
    "APIError",
    "AsyncClient",
    "CapabilitiesResult",
    "CapabilityInfo",
    "CapabilitySet",
    "CapabilityTable",
    "Client",
    "ContainerVerdict",
    "DEFAULT_TIMEOUT",
    "Document",
    "Finding",
    "GroupVersionKind",
    "GroupVersionResource",
    "Health",
    "MergedReport",
    "MountInfo",
    "MountsResult",
    "NodeAssumptions",
    "NormalizeResult",
    "ObjectVerdict",
    "PatchOp",
    "PodFinding",
    "PolicyChange",
    "PolicyEffect",
    "Problem",
    "ProblemError",
    "ProfiledFinding",
    "ProfileInfo",
    "ProfilesList",
    "RuleInfo",
    "RulesList",
    "RuntimeFeatures",
    "SandboxInfo",
    "SpecgateError",
    "Summary",
    "TranslatedSpec",
    "TranslationNote",
    "TranslationResult",
    "TransportError",
    "ValidationReport",
]

"""deploy/kubernetes checked offline: schemas of a current Kubernetes release, and the files agreeing with each other.

Built-in kinds are validated strictly (unknown fields fail) by kubernetes-validate against the OpenAPI schemas of
Kubernetes 1.37 it ships; cert-manager's Issuer and Certificate against tests/deploy/cert_manager.py. Then the
cross references: Service -> Deployment, webhook -> Service path and port, Certificate -> Secret -> volume ->
SPECGATE_TLS_* files, matchConditions (evaluated as CEL) -> SPECGATE_RUNTIME_CLASSES, and the app's own routes.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any

import celpy
import jsonschema
import kubernetes_validate
import orjson
import pytest
import yaml
from fastapi.testclient import TestClient

from app import __version__
from app.config import Settings
from app.main import create_app
from tests.conftest import ROOT, SHARED
from tests.deploy.cert_manager import SCHEMAS

BASE = ROOT / "deploy" / "kubernetes"
KUBERNETES = "1.37"
SERVE_ONLY = {"SPECGATE_HOST", "SPECGATE_PORT"}  # `specgate serve` options, not Settings

Manifest = dict[str, Any]


def _kustomization() -> Manifest:
    loaded: Manifest = yaml.safe_load((BASE / "kustomization.yaml").read_text())
    return loaded


def _manifests() -> list[Manifest]:
    return [doc for name in _kustomization()["resources"] for doc in yaml.safe_load_all((BASE / name).read_text())]


MANIFESTS = _manifests()


def _one(kind: str, name: str | None = None) -> Manifest:
    found = [m for m in MANIFESTS if m["kind"] == kind and (name is None or m["metadata"]["name"] == name)]
    assert len(found) == 1, f"expected one {kind} {name or ''}, found {len(found)}"
    return found[0]


def _id(manifest: Manifest) -> str:
    return f"{manifest['kind']}/{manifest['metadata']['name']}"


NAMESPACE = _one("Namespace")["metadata"]["name"]
DEPLOYMENT = _one("Deployment")
POD = DEPLOYMENT["spec"]["template"]
CONTAINER = POD["spec"]["containers"][0]
ENV = {e["name"]: e["value"] for e in CONTAINER["env"]}
SERVICE = _one("Service")
WEBHOOK = _one("ValidatingWebhookConfiguration")


def test_kustomization_lists_every_file_once() -> None:
    kustomization = _kustomization()
    assert set(kustomization) <= {"apiVersion", "kind", "resources"}, "no transformer this test would not apply"
    listed = kustomization["resources"]
    assert len(listed) == len(set(listed))
    on_disk = {p.name for p in BASE.glob("*.yaml")} - {"kustomization.yaml"}
    assert set(listed) == on_disk


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl (its built-in kustomize) is not installed")
def test_kustomize_renders_exactly_the_listed_objects() -> None:
    done = subprocess.run(["kubectl", "kustomize", str(BASE)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    rendered = sorted(orjson.dumps(m, option=orjson.OPT_SORT_KEYS) for m in yaml.safe_load_all(done.stdout))
    assert rendered == sorted(orjson.dumps(m, option=orjson.OPT_SORT_KEYS) for m in MANIFESTS)  # kustomize sorts


@pytest.mark.parametrize("manifest", [m for m in MANIFESTS if "cert-manager.io" not in m["apiVersion"]], ids=_id)
def test_builtin_kinds_validate_against_the_kubernetes_schemas(manifest: Manifest) -> None:
    try:
        kubernetes_validate.validate(manifest, KUBERNETES, strict=True)
    except kubernetes_validate.ValidationError as exc:
        pytest.fail(f"{_id(manifest)} at {'/'.join(map(str, exc.path))}: {exc.message}")


@pytest.mark.parametrize("manifest", [m for m in MANIFESTS if "cert-manager.io" in m["apiVersion"]], ids=_id)
def test_cert_manager_kinds_validate_against_their_schema(manifest: Manifest) -> None:
    jsonschema.validate(manifest, SCHEMAS[manifest["kind"]])


def test_strict_validation_catches_a_misspelt_field() -> None:
    broken = orjson.loads(orjson.dumps(DEPLOYMENT))
    broken["spec"]["template"]["spec"]["containers"][0]["securityContext"]["readOnlyRootFS"] = True
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES, strict=True)


def test_every_namespaced_object_is_in_specgates_namespace() -> None:
    for manifest in MANIFESTS:
        if manifest["kind"] in ("Namespace", "ValidatingWebhookConfiguration"):
            assert "namespace" not in manifest["metadata"], f"{_id(manifest)} is cluster-scoped"
        else:
            assert manifest["metadata"]["namespace"] == NAMESPACE, _id(manifest)


def _matches(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return all(labels.get(key) == value for key, value in selector.items())


def test_selectors_select_the_deployments_pods() -> None:
    selector = DEPLOYMENT["spec"]["selector"]["matchLabels"]
    labels = POD["metadata"]["labels"]
    assert _matches(selector, labels)
    assert SERVICE["spec"]["selector"] == selector
    assert _one("PodDisruptionBudget")["spec"]["selector"]["matchLabels"] == selector
    assert _one("NetworkPolicy")["spec"]["podSelector"]["matchLabels"] == selector
    for constraint in POD["spec"]["topologySpreadConstraints"]:
        assert constraint["labelSelector"]["matchLabels"] == selector
    # Nothing else in the namespace may carry labels the selector matches (it would receive webhook traffic).
    assert [m for m in MANIFESTS if m["kind"] == "Deployment"] == [DEPLOYMENT]


def test_deployment_is_highly_available_and_scaled_by_the_hpa() -> None:
    hpa = _one("HorizontalPodAutoscaler")
    assert hpa["apiVersion"] == "autoscaling/v2"
    target = hpa["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == ("Deployment", DEPLOYMENT["metadata"]["name"])
    assert [m["resource"]["name"] for m in hpa["spec"]["metrics"]] == ["cpu"]
    assert DEPLOYMENT["spec"]["replicas"] == hpa["spec"]["minReplicas"] >= 2
    assert "cpu" in CONTAINER["resources"]["requests"], "CPU utilization is measured against the request"
    assert DEPLOYMENT["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    assert _one("PodDisruptionBudget")["spec"]["minAvailable"] < hpa["spec"]["minReplicas"], "drains can proceed"
    hostname = [c for c in POD["spec"]["topologySpreadConstraints"] if c["topologyKey"] == "kubernetes.io/hostname"]
    assert hostname and hostname[0]["whenUnsatisfiable"] == "DoNotSchedule", "replicas on different nodes"


def test_pod_meets_the_restricted_pod_security_standard() -> None:
    pod, container = POD["spec"], CONTAINER["securityContext"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] > 0
    assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
    assert container["allowPrivilegeEscalation"] is False
    assert container["capabilities"]["drop"] == ["ALL"] and "add" not in container["capabilities"]
    assert container["readOnlyRootFilesystem"] is True
    assert _one("Namespace")["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    assert {"requests", "limits"} <= set(CONTAINER["resources"])
    assert pod["automountServiceAccountToken"] is False
    assert pod["serviceAccountName"] == _one("ServiceAccount")["metadata"]["name"]


def test_image_is_this_version() -> None:
    assert CONTAINER["image"] == f"specgate:{__version__}"


def _answers(method: str, path: str) -> bool:
    """Whether the app, configured as the Deployment configures it, has `method path` (not 404 or 405)."""
    settings = {k.removeprefix("SPECGATE_").lower(): v for k, v in ENV.items() if k not in SERVE_ONLY}
    known = Settings.model_validate(
        {k: v for k, v in settings.items() if k in Settings.model_fields} | {"warm_up": False}
    )
    with TestClient(create_app(known)) as client:
        status = client.request(method, path, content=b"{}", headers={"content-type": "application/json"}).status_code
    return status not in (404, 405)


def _container_port(reference: int | str) -> int:
    ports = {p["name"]: p["containerPort"] for p in CONTAINER["ports"]}
    port = ports[reference] if isinstance(reference, str) else reference
    assert port == int(ENV["SPECGATE_PORT"]), "the container port is the one specgate serve listens on"
    return port


def test_probes_use_the_apps_health_endpoints_over_https() -> None:
    for probe, path in (("startupProbe", "/readyz"), ("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")):
        check = CONTAINER[probe]["httpGet"]
        assert (check["path"], check["scheme"]) == (path, "HTTPS")
        assert _answers("GET", check["path"])
        _container_port(check["port"])


def test_service_reaches_the_https_container_port() -> None:
    (port,) = SERVICE["spec"]["ports"]
    _container_port(port["targetPort"])
    (rule,) = _one("NetworkPolicy")["spec"]["ingress"]
    assert "from" not in rule, "the API server's address is not known in advance"
    assert [_container_port(p["port"]) for p in rule["ports"]] == [int(ENV["SPECGATE_PORT"])]


def _settings() -> Settings:
    """The Settings the Deployment's environment gives specgate, read as specgate reads them."""
    fields = {f"SPECGATE_{name.upper()}" for name in Settings.model_fields}
    assert set(ENV) - fields - SERVE_ONLY == set(), "every SPECGATE_* variable is a setting"
    with pytest.MonkeyPatch.context() as patch:
        for name, value in ENV.items():
            patch.setenv(name, value)
        return Settings()


def test_settings_in_the_environment_exist() -> None:
    settings = _settings()
    assert (settings.tls_cert, settings.workers) == (PurePosixPath(ENV["SPECGATE_TLS_CERT"]), 1)


def test_shutdown_ends_before_kubernetes_kills_the_pod() -> None:
    grace = POD["spec"]["terminationGracePeriodSeconds"]
    assert float(ENV["SPECGATE_SHUTDOWN_GRACE_SECONDS"]) < float(ENV["SPECGATE_SHUTDOWN_TIMEOUT_SECONDS"]) < grace
    assert "lifecycle" not in CONTAINER, "specgate drains itself; a preStop sleep would add to the timeout"


def test_certificate_secret_volume_and_tls_files_agree() -> None:
    certificate = _one("Certificate", "specgate-tls")
    service = f"{SERVICE['metadata']['name']}.{NAMESPACE}.svc"
    assert service in certificate["spec"]["dnsNames"], "the API server connects to <service>.<namespace>.svc"
    assert "server auth" in certificate["spec"]["usages"]
    volume = next(v for v in POD["spec"]["volumes"] if "secret" in v)
    assert volume["secret"]["secretName"] == certificate["spec"]["secretName"]
    mount = next(m for m in CONTAINER["volumeMounts"] if m["name"] == volume["name"])
    assert mount["readOnly"] is True
    for variable, key in (("SPECGATE_TLS_CERT", "tls.crt"), ("SPECGATE_TLS_KEY", "tls.key")):
        assert PurePosixPath(ENV[variable]) == PurePosixPath(mount["mountPath"]) / key
    assert "subPath" not in mount, "a subPath mount never sees a renewed Secret"
    tmp = next(m for m in CONTAINER["volumeMounts"] if m["mountPath"] == "/tmp")
    assert "emptyDir" in next(v for v in POD["spec"]["volumes"] if v["name"] == tmp["name"])


def test_issuers_chain_to_a_ca_that_does_not_rotate_with_the_serving_certificate() -> None:
    serving = _one("Certificate", "specgate-tls")
    ca_issuer = _one("Issuer", serving["spec"]["issuerRef"]["name"])
    ca_certificate = next(
        m
        for m in MANIFESTS
        if m["kind"] == "Certificate" and m["spec"]["secretName"] == ca_issuer["spec"]["ca"]["secretName"]
    )
    assert ca_certificate["spec"]["isCA"] is True
    assert "selfSigned" in _one("Issuer", ca_certificate["spec"]["issuerRef"]["name"])["spec"]

    def hours(duration: str) -> float:
        return sum(
            float(n) * {"h": 1, "m": 1 / 60, "s": 1 / 3600}[u] for n, u in re.findall(r"([\d.]+)(h|m|s)", duration)
        )

    for certificate in (serving, ca_certificate):
        assert hours(certificate["spec"]["renewBefore"]) < hours(certificate["spec"]["duration"])
    assert hours(ca_certificate["spec"]["duration"]) > hours(serving["spec"]["duration"])


def _webhooks() -> Iterator[Manifest]:
    yield from WEBHOOK["webhooks"]


def test_ca_is_injected_from_the_serving_certificate() -> None:
    serving = _one("Certificate", "specgate-tls")
    expected = f"{NAMESPACE}/{serving['metadata']['name']}"
    assert WEBHOOK["metadata"]["annotations"]["cert-manager.io/inject-ca-from"] == expected
    for webhook in _webhooks():
        assert "caBundle" not in webhook["clientConfig"], "cert-manager's CA injector fills it in"


def test_webhooks_call_the_service_on_the_admission_path() -> None:
    (service_port,) = SERVICE["spec"]["ports"]
    for webhook in _webhooks():
        service = webhook["clientConfig"]["service"]
        assert (service["name"], service["namespace"]) == (SERVICE["metadata"]["name"], NAMESPACE)
        assert service["port"] == service_port["port"]
        assert service["path"] == "/admission"


def test_the_app_serves_the_admission_path() -> None:
    assert _answers("POST", "/admission")


def test_webhooks_are_safe_for_the_cluster() -> None:
    for webhook in _webhooks():
        assert webhook["name"].endswith(".specgate.io")
        assert webhook["admissionReviewVersions"] == ["v1"]
        assert webhook["sideEffects"] == "None"
        assert webhook["timeoutSeconds"] == 3
        assert webhook["failurePolicy"] == "Fail"
        (excluded,) = [
            e for e in webhook["namespaceSelector"]["matchExpressions"] if e["key"] == "kubernetes.io/metadata.name"
        ]
        assert excluded["operator"] == "NotIn" and {"kube-system", NAMESPACE} <= set(excluded["values"])
        assert {"kube-system", NAMESPACE} <= set(_settings().exempt_namespaces)


WORKLOADS = {
    ("", "pods"),
    ("", "pods/ephemeralcontainers"),
    ("apps", "deployments"),
    ("apps", "statefulsets"),
    ("apps", "daemonsets"),
    ("apps", "replicasets"),
    ("", "replicationcontrollers"),
    ("batch", "jobs"),
    ("batch", "cronjobs"),
    ("", "podtemplates"),
}


def test_rules_cover_pods_and_every_workload_kind() -> None:
    covered = {
        (group, resource)
        for webhook in _webhooks()
        for rule in webhook["rules"]
        for group in rule["apiGroups"]
        for resource in rule["resources"]
        if {"CREATE", "UPDATE"} <= set(rule["operations"])
    }
    assert covered == WORKLOADS


# Where each resource keeps its Pod spec, to build the objects the matchConditions are evaluated on.
TEMPLATE_PATH = {
    "pods": (),
    "pods/ephemeralcontainers": (),
    "podtemplates": ("template",),
    "cronjobs": ("spec", "jobTemplate", "spec", "template"),
}
KIND = {
    "pods/ephemeralcontainers": "Pod",
    "replicationcontrollers": "ReplicationController",
    "podtemplates": "PodTemplate",
}


def _object(resource: str, runtime_class: str | None) -> Manifest:
    pod: Manifest = orjson.loads((SHARED / "reference" / "admissionreview-pod-example.json").read_bytes())["request"][
        "object"
    ]
    if runtime_class is None:
        pod["spec"].pop("runtimeClassName", None)
    else:
        pod["spec"]["runtimeClassName"] = runtime_class
    if resource in ("pods", "pods/ephemeralcontainers"):
        return pod
    template = {"metadata": {"labels": {"app": "x"}}, "spec": pod["spec"]}
    for key in reversed(TEMPLATE_PATH.get(resource, ("spec", "template"))):
        template = {key: template}
    kind = KIND.get(resource, resource.removesuffix("s").capitalize().replace("set", "Set"))
    return {"kind": kind, "metadata": {"name": "x"}, **template}


def _sent(webhook: Manifest, obj: Manifest) -> bool:
    environment = celpy.Environment()
    for condition in webhook["matchConditions"]:
        expression = condition["expression"]
        # cel-go (the API server) fails on has(a.b.c) when a.b is absent; celpy does not, so check the guards here.
        for path in re.findall(r"has\(([\w.]+)\)", expression):
            parent = path.rsplit(".", 1)[0]
            if parent.count(".") >= 2:
                assert f"has({parent})" in expression.split(f"has({path})")[0], f"{path}: guard {parent} first"
        program = environment.program(environment.compile(expression))
        if not bool(program.evaluate({"object": celpy.json_to_cel(obj)})):
            return False
    return True


@pytest.mark.parametrize("resource", sorted(r for _, r in WORKLOADS))
def test_only_judged_runtime_classes_are_sent(resource: str) -> None:
    (webhook,) = [w for w in _webhooks() if any(resource in rule["resources"] for rule in w["rules"])]
    judged = list(_settings().runtime_classes)
    assert judged, "SPECGATE_RUNTIME_CLASSES names at least one class"
    for runtime_class in judged:
        assert _sent(webhook, _object(resource, runtime_class)), f"{resource} of {runtime_class} must be judged"
    assert not _sent(webhook, _object(resource, "runc"))
    assert not _sent(webhook, _object(resource, None))
    if resource == "replicationcontrollers":  # the only kind whose template may be absent
        assert not _sent(webhook, {"kind": "ReplicationController", "spec": {}})

"""The image without a container engine: the Dockerfile's install steps in a fresh virtual environment, served.

The wheel is built from this tree, the dependencies come from a wheelhouse (packed from this environment instead
of downloaded), and the install is the Dockerfile's own command: `pip install --no-index --find-links WHEELS
specgate` into a venv made `--without-pip`. The server then runs as the image runs it
(its ENTRYPOINT and ENV, from an empty working directory), over HTTPS, and must write no file.
"""

from __future__ import annotations

import importlib.metadata as metadata
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import orjson
import pytest
import trustme
import yaml

from app.api.examples import CONFIG
from app.config import Settings
from app.core import native
from tests.conftest import ROOT, SHARED
from tests.deploy.dockerfile import Stage, parse
from tests.deploy.wheelhouse import closure, pack_installed, requirements_of_wheel
from tests.tls import client_context, install

DOCKERFILE = ROOT / "Dockerfile"
DEPLOYMENT = ROOT / "deploy" / "kubernetes" / "deployment.yaml"
DISTRIBUTIONS = ["specgate"]  # it carries specgate_client too
CONSTRAINTS = ROOT / "constraints.txt"


def _install(wheels: str | Path, constraints: str | Path) -> list[str]:
    """The Dockerfile's install command after `pip --python VENV`."""
    return ["install", "--no-index", "--find-links", str(wheels), "--constraint", str(constraints), *DISTRIBUTIONS]


STARTUP_SECONDS = 60.0
DEV_ONLY = {"pytest", "ruff", "mypy", "trustme", "schemathesis", "hatchling", "jsonschema", "kubernetes-validate"}


@dataclass
class Image:
    root: Path
    venv: Path
    wheels: Path

    @property
    def bin(self) -> Path:
        return self.venv / "bin"


def _stages() -> tuple[Stage, Stage]:
    _, stages = parse(DOCKERFILE)
    assert len(stages) == 2, "a build stage and a runtime stage"
    return stages[0], stages[1]


def _pip_env() -> dict[str, str]:
    """No pip configuration of this machine (extra indexes, find-links, constraints) reaches the install."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    return env | {"PIP_CONFIG_FILE": os.devnull, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


def _run(*command: str | Path) -> None:
    done = subprocess.run([str(c) for c in command], env=_pip_env(), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{' '.join(map(str, command))}\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> Image:
    root = tmp_path_factory.mktemp("image")
    wheels, venv = root / "wheels", root / "opt-specgate"
    wheels.mkdir()
    # `pip wheel --wheel-dir /wheels .`, split in two: this tree's wheel (the build backend from this environment,
    # not downloaded), then the dependencies' wheels packed from their installed files.
    pip = [sys.executable, "-m", "pip"]
    _run(*pip, "wheel", "--no-deps", "--no-build-isolation", "--wheel-dir", wheels, ROOT)
    built = sorted(wheels.glob("*.whl"))
    requirements = [r for wheel in built for r in requirements_of_wheel(wheel)]
    pins = dict(line.split("==") for line in CONSTRAINTS.read_text().splitlines() if line and not line.startswith("#"))
    for name in closure(requirements, exclude=DISTRIBUTIONS):
        installed = metadata.version(name)
        assert name in pins, f"{name} is a runtime dependency missing from constraints.txt: make constraints"
        assert pins[name] == installed, f"{name} {installed} here, {pins[name]} in constraints.txt: make install"
        pack_installed(name, wheels)
    # The Dockerfile's install step, with this venv and wheelhouse in place of /opt/specgate and /wheels.
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    _run(*pip, "--python", venv / "bin" / "python", *_install(wheels, CONSTRAINTS))
    return Image(root, venv, wheels)


def test_the_dockerfile_installs_as_this_test_does() -> None:
    build, _ = _stages()
    runs = " && ".join(build.all("RUN"))
    assert "pip wheel --constraint constraints.txt --wheel-dir /wheels ." in runs
    # The core is compiled (a failure fails the build) before the wheel is made, which then carries it.
    assert runs.index("CI=true python tools/compile_core.py") < runs.index("pip wheel")
    assert any("tools/compile_core.py" in line for line in build.all("COPY"))
    assert any("hatch_build.py" in line for line in build.all("COPY"))
    assert "python -m venv --without-pip /opt/specgate" in runs
    assert f"pip --python /opt/specgate/bin/python {' '.join(_install('/wheels', 'constraints.txt'))}" in runs


def test_runtime_stage_is_small_and_unprivileged() -> None:
    build, runtime = _stages()
    assert runtime.base == build.base and runtime.base.startswith("python:3.11-slim")
    name, _, digest = runtime.base.partition("@sha256:")
    assert len(digest) == 64 and all(c in "0123456789abcdef" for c in digest), "base pinned by digest"
    assert runtime.all("COPY") == ["--from=build /opt/specgate /opt/specgate"], "only the venv"
    for command in runtime.all("RUN"):
        assert not any(word in command for word in ("apt-get", "gcc", "build-essential", "pip ")), command
    user = runtime.all("USER")[-1].split(":")
    assert all(part.isdigit() and int(part) > 0 for part in user), "a numeric non-root uid:gid (runAsNonRoot)"
    assert runtime.exec_form("ENTRYPOINT") == ["specgate", "serve"]
    env = runtime.env()
    assert env["PYTHONDONTWRITEBYTECODE"] == "1"
    assert env["PATH"].startswith("/opt/specgate/bin:")


def test_only_runtime_distributions_are_installed(image: Image) -> None:
    listing = subprocess.run(
        [image.bin / "python", "-c", "import importlib.metadata as m; print(*(d.name for d in m.distributions()))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    names = {name.lower().replace("_", "-") for name in listing}
    assert {"specgate", "uvloop", "httptools", "uvicorn"} <= names
    assert "specgate-client" not in names, "the client comes inside specgate: two owners of its files would clash"
    assert not names & DEV_ONLY
    assert "pip" not in names, "no installer in the environment that serves"


def test_the_wheel_carries_the_compiled_core(image: Image) -> None:
    """Built after `make compile` (as the image's build stage does), the wheel is for this platform and the
    installed core runs compiled, with no module sent back to its source."""
    if not native.built_files() or native.stale_modules():
        pytest.skip("the core is not compiled in this tree (make compile): the wheel is pure Python")
    (wheel,) = image.wheels.glob("specgate-*.whl")
    assert not wheel.name.endswith("-py3-none-any.whl"), wheel.name
    # Every module the tree compiled, imported in the installed environment: each must come from its extension
    # module (none routed back to its source as stale).
    probe = (
        "import importlib, app.core._activate as a; "
        "from app.core.native import compiled_modules, module_name, sources; "
        "names = [module_name(s) for s in sources()]; [importlib.import_module(n) for n in names]; "
        "print(a.ROUTED == [], compiled_modules() == sorted(names), len(names))"
    )
    done = subprocess.run(
        [image.bin / "python", "-c", probe], capture_output=True, text=True, timeout=60, cwd=image.root
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True", str(len(native.sources()))]


def test_the_fast_stack_is_what_uvicorn_picks(image: Image) -> None:
    probe = (
        "import uvicorn.config as c; config = c.Config('app.main:app'); config.load(); "
        "print(config.http_protocol_class.__module__, config.get_loop_factory().__module__)"
    )
    done = subprocess.run([image.bin / "python", "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["uvicorn.protocols.http.httptools_impl", "uvloop"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _files(*roots: Path) -> set[Path]:
    return {path for root in roots for path in root.rglob("*")}


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def served(image: Image, ca: trustme.CA) -> Iterator[str]:
    """The image's ENTRYPOINT and ENV, with the Kubernetes Deployment's settings, run from the fresh venv: HTTPS
    on a loopback port, from an empty directory."""
    _, runtime = _stages()
    deployment = yaml.safe_load(DEPLOYMENT.read_text())
    cluster = {e["name"]: e["value"] for e in deployment["spec"]["template"]["spec"]["containers"][0]["env"]}
    tls = install(ca.issue_cert("127.0.0.1"), image.root)
    home, workdir = image.root / "home", image.root / "workdir"
    home.mkdir()
    workdir.mkdir()
    port = _free_port()
    env = (
        runtime.env()
        | cluster
        | {
            "SPECGATE_DOCS": "true",  # to check the docs' package data
            "SPECGATE_WORKERS": "2",  # several workers over TLS, as the image defaults to on a multi-CPU host
        }
    )
    env |= {
        "PATH": f"{image.bin}:/usr/bin:/bin",
        "HOME": str(home),
        "TMPDIR": str(workdir),
        "SPECGATE_HOST": "127.0.0.1",
        "SPECGATE_PORT": str(port),
        "SPECGATE_TLS_CERT": str(tls.cert),
        "SPECGATE_TLS_KEY": str(tls.key),
        "SPECGATE_SHUTDOWN_GRACE_SECONDS": "0",  # no load balancer to wait for
    }
    before = _files(image.venv, home, workdir)
    command = runtime.exec_form("ENTRYPOINT")
    server = subprocess.Popen(
        [str(image.bin / command[0]), *command[1:]],
        cwd=workdir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"https://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                if httpx.get(f"{url}/readyz", verify=client_context(ca), timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, "specgate serve exited: " + (server.stdout.read() if server.stdout else "")
            assert time.monotonic() < deadline, "specgate serve was not ready in time"
            time.sleep(0.1)
        yield url
    finally:
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=20)
    assert "Finished server process" in output, output
    assert _files(image.venv, home, workdir) == before, "the service wrote files: a read-only root would break it"


def test_the_installed_server_judges_over_https(served: str, ca: trustme.CA) -> None:
    with httpx.Client(base_url=served, verify=client_context(ca), timeout=10) as http:
        report = http.post("/validate", content=orjson.dumps(CONFIG), headers={"content-type": "application/json"})
        assert report.status_code == 200 and report.json()["valid"] is True
        # features:runc-1.1 is made from package data (app/core/features/data): it is there only if the wheel has it.
        assert sorted(http.get("/readyz").json()["profiles"]) == ["features:runc-1.1", "oci", "runsc", "runsc-2018"]
        assert http.get("/docs").status_code == 200
        assert http.get("/static/docs/swagger-ui-bundle.js").status_code == 200, "package data shipped"


def test_the_installed_server_refuses_a_pod_runsc_would_refuse(served: str, ca: trustme.CA) -> None:
    """What the API server sends the webhook, configured as deploy/kubernetes configures it."""
    review = orjson.loads((SHARED / "reference" / "admissionreview-pod-example.json").read_bytes())
    pod = review["request"]["object"]
    pod["spec"]["volumes"] = [*pod["spec"].get("volumes", []), {"name": "h", "hostPath": {"path": "/var/run"}}]
    container = pod["spec"]["containers"][0]
    container["volumeMounts"] = [
        *container.get("volumeMounts", []),
        {"name": "h", "mountPath": "/host", "mountPropagation": "Bidirectional"},
    ]
    with httpx.Client(base_url=served, verify=client_context(ca), timeout=10) as apiserver:
        answer = apiserver.post(
            "/admission?timeout=3s", content=orjson.dumps(review), headers={"content-type": "application/json"}
        )
    assert answer.status_code == 200, answer.text
    response = answer.json()["response"]
    assert (response["uid"], response["allowed"]) == (review["request"]["uid"], False)
    assert "RUNSC-MOUNT-SHARED-PROPAGATION" in response["status"]["message"]


def test_the_images_healthcheck_passes_over_https(image: Image, served: str) -> None:
    _, runtime = _stages()
    healthcheck = json.loads(runtime.all("HEALTHCHECK")[-1].split(" CMD ", 1)[1])
    env = runtime.env() | {
        "PATH": f"{image.bin}:/usr/bin:/bin",
        "SPECGATE_PORT": served.rsplit(":", 1)[1],
        "SPECGATE_TLS_CERT": "/tls/tls.crt",  # only its presence matters: HTTPS, name on the certificate unchecked
    }
    done = subprocess.run(healthcheck, env=env, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr


def test_the_installed_client_talks_to_the_installed_server(
    image: Image, served: str, ca: trustme.CA, tmp_path: Path
) -> None:
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    script = (
        "import ssl, sys, httpx, specgate_client as c\n"
        "ctx = ssl.create_default_context(cafile=sys.argv[2])\n"
        "with c.Client(base_url=sys.argv[1], transport=httpx.HTTPTransport(verify=ctx)) as client:\n"
        '    print(client.validate(b\'{"ociVersion": "1.0.2"}\').profile)\n'
    )
    done = subprocess.run(
        [image.bin / "python", "-c", script, served, str(ca_file)], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "runsc"


def test_compose_runs_the_image_as_built() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    (service,) = compose["services"].values()
    _, runtime = _stages()
    assert service["build"] == "."
    host_port = service["ports"][0].rsplit(":", 1)
    assert host_port[0].startswith("127.0.0.1:"), "published on loopback only"
    assert host_port[1] == runtime.env()["SPECGATE_PORT"]
    assert service["read_only"] is True and "/tmp" in service["tmpfs"]
    assert service["cap_drop"] == ["ALL"]
    fields = {f"SPECGATE_{name.upper()}" for name in Settings.model_fields}
    assert set(service.get("environment", {})) <= fields | {"SPECGATE_HOST", "SPECGATE_PORT"}


def test_the_installed_cli_judges_on_the_installed_server(
    image: Image, served: str, ca: trustme.CA, tmp_path: Path
) -> None:
    """`specgate validate --server` in the image: the client inside the distribution, trust from SSL_CERT_FILE."""
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    (tmp_path / "config.json").write_bytes(orjson.dumps(CONFIG))
    env = {"PATH": f"{image.bin}:/usr/bin:/bin", "HOME": str(tmp_path), "SSL_CERT_FILE": str(tmp_path / "ca.pem")}
    done = subprocess.run(
        [image.bin / "specgate", "validate", "--server", served, "-f", "json", "config.json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert orjson.loads(done.stdout.splitlines()[0])["valid"] is True

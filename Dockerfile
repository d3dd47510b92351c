# syntax=docker/dockerfile:1
# The specgate service: `specgate serve` (uvicorn with uvloop and httptools), plain HTTP on 8080 by default,
# HTTPS with SPECGATE_TLS_CERT/SPECGATE_TLS_KEY. The image also carries the CLI and the Python client (the
# specgate distribution ships specgate_client, so `specgate validate --server` works in it).
#   docker build -t specgate .
#   docker run --rm -p 8080:8080 specgate
#   docker run --rm -p 8443:8443 -v "$PWD/tls:/tls:ro" -e SPECGATE_PORT=8443 \
#       -e SPECGATE_TLS_CERT=/tls/tls.crt -e SPECGATE_TLS_KEY=/tls/tls.key specgate
#   docker run --rm -p 8080:8080 -p 50051:50051 -e SPECGATE_GRPC_PORT=50051 specgate   # gRPC beside HTTP
# The base image is pinned by digest (the tag says what it is, the digest makes builds reproducible); to move to a
# newer build: `docker buildx imagetools inspect python:3.11-slim-bookworm` and replace the digest, or override it
# with --build-arg PYTHON_IMAGE=...
# tests/deploy/test_image.py performs the install steps below in a fresh virtual environment and serves from it.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm@sha256:a36c24f9cbdf4fd0f52d67f0823eeac19c2028c637cecc392d97f980d4fec56b

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore
# A C compiler for the core's compiled modules (the base image has the Python headers); this stage only.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml README.md constraints.txt hatch_build.py ./
COPY tools/compile_core.py ./tools/
COPY app ./app
COPY client ./client
# The core's hot modules compiled with mypyc (tools/compile_core.py, what `make compile` runs), which type-checks
# them against the runtime dependencies: those and mypy are installed for this step only. CI=true makes a failed
# compile fail the build rather than ship the pure-Python core.
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install --constraint constraints.txt --editable '.[native]' \
    && CI=true python tools/compile_core.py
# Wheels of specgate and of every dependency, at the versions constraints.txt pins (the ones tested; `make
# constraints` rewrites it); specgate's wheel carries the compiled modules (hatch_build.py). Then an offline install
# of exactly those wheels into a virtual environment without pip: what a user gets from `pip install .` after
# `make compile`, package data included, no dev extras.
RUN --mount=type=cache,target=/root/.cache/pip \
    pip wheel --constraint constraints.txt --wheel-dir /wheels .
RUN python -m venv --without-pip /opt/specgate \
    && pip --python /opt/specgate/bin/python install --no-index --find-links /wheels --constraint constraints.txt \
        specgate \
    && /opt/specgate/bin/python -c "import app.main, specgate_client, uvloop, httptools" \
    && /opt/specgate/bin/python -c "import app.core.engine as e; assert e.__file__.endswith('.so'), e.__file__"

FROM ${PYTHON_IMAGE}
# The same base as the build stage (the venv links to its python) and nothing from the build: no compilers,
# no wheels, no pip in the environment that serves.
RUN useradd --uid 10001 --no-create-home --shell /usr/sbin/nologin specgate
COPY --from=build /opt/specgate /opt/specgate
# Every setting is a SPECGATE_* variable (README "Configuration"); options after the image name go to `serve`.
ENV PATH=/opt/specgate/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    SPECGATE_HOST=0.0.0.0 \
    SPECGATE_PORT=8080
# A directory without an `app` package, so the installed one is imported; the root file system can be read-only
# (the service writes no file; mount an emptyDir or tmpfs at /tmp for anything Python itself may want there).
WORKDIR /tmp
USER 10001:10001
EXPOSE 8080 8443 50051
# For `docker run` and Compose (Kubernetes uses the Deployment's probes): HTTP, or HTTPS when a certificate is
# configured (loopback, so the name on the certificate is not checked). With mutual TLS, use --no-healthcheck.
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, ssl, sys, urllib.request as u; tls = bool(os.environ.get('SPECGATE_TLS_CERT')); sys.exit(u.urlopen(('https' if tls else 'http') + '://127.0.0.1:' + os.environ.get('SPECGATE_PORT', '8080') + '/healthz', timeout=2, context=ssl._create_unverified_context() if tls else None).status != 200)"]
ENTRYPOINT ["specgate", "serve"]

# syntax=docker/dockerfile:1
# specgate HTTP service. Build: docker build -t specgate .  Run: docker run -p 8080:8080 specgate

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/specgate
WORKDIR /src
# Metadata first, so the dependency layer is reused while only the code changes.
COPY pyproject.toml README.md ./
COPY app/__init__.py app/__init__.py
RUN /opt/specgate/bin/pip install . && /opt/specgate/bin/pip uninstall --yes specgate
COPY app ./app
RUN /opt/specgate/bin/pip install --no-deps . \
    && /opt/specgate/bin/python -c "import app.main"

FROM python:3.11-slim
RUN useradd --uid 10001 --no-create-home --shell /usr/sbin/nologin specgate
COPY --from=build /opt/specgate /opt/specgate
ENV PATH=/opt/specgate/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
# A directory without an `app` package, so the installed one is imported; the root file system can be read-only.
WORKDIR /tmp
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=2).status != 200)"]
CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8080", "--timeout-graceful-shutdown", "20", "--no-server-header"]

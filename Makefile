# Two commands on a fresh machine: `make serve` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8080
STAMP := $(VENV)/.installed
SERVE_STAMP := $(VENV)/.installed-serve
# The core's hot modules, compiled with mypyc beside their sources with the C module app/core/_accel.c
# (app/core/native.py lists them); the manifest records the sources compiled, so an edit recompiles here and,
# until then, runs that module from source.
NATIVE := app/core/native.json
NATIVE_SOURCES := $(wildcard app/core/*.py app/core/*.c app/core/profiles/*/*.py app/core/gospec/*.py) tools/compile_core.py

.PHONY: serve test install install-serve compile uncompile lint typecheck format openapi grpc constraints bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall when the project's metadata changes. Runtime dependencies at the versions in constraints.txt, as the
# image installs them: what the tests run with is what is served.
$(STAMP): $(BIN)/python pyproject.toml client/pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]' -e ./client
	touch $(STAMP)

install: $(STAMP) $(NATIVE)

# mypyc and setuptools come with the dev extras (tests and benchmarks run on the compiled core) and with the
# `native` extra (`make serve`); a C compiler and the Python headers are needed (gcc, python3-dev).
$(NATIVE): $(NATIVE_SOURCES) | $(BIN)/python
	$(BIN)/python tools/compile_core.py

compile: $(NATIVE)

# Back to the pure-Python core (SPECGATE_NATIVE=0 does the same at run time without removing anything).
uncompile:
	$(BIN)/python tools/compile_core.py --clean

# Serving needs only the runtime dependencies, at the versions pinned in constraints.txt (no dev extras).
$(SERVE_STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[native]'
	touch $(SERVE_STAMP)

install-serve: $(SERVE_STAMP) $(NATIVE)

serve: install-serve
	$(BIN)/specgate serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy app client/specgate_client
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

typecheck: install
	$(BIN)/mypy app client/specgate_client

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The benchmark (bench/README.md): a few minutes, loopback only; writes bench/results.json and docs/performance.md.
bench: install
	$(BIN)/python -m bench

# Rewrite openapi/openapi.json from the app (tests fail when it drifts).
openapi: install
	$(BIN)/python -m app.api.openapi_export > openapi/openapi.json

# Regenerate app/grpc/gen/ from proto/specgate/v1/specgate.proto (tests fail when it drifts).
grpc: install
	$(BIN)/python -m app.grpc.codegen

# Rewrite constraints.txt from this environment's runtime closure (after changing or upgrading dependencies).
constraints: install
	$(BIN)/python tools/constraints.py > constraints.txt

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

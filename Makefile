# The two entry points the README names: `make run` (the main job) and `make test`.
PYTHON ?= python3
VENV := .venv
KG := $(VENV)/bin/kg
STAMP := $(VENV)/.installed-stamp

# Pinned and hashed for CPython 3.11 on Linux x86_64: docs/dependencies.md.
LOCK := requirements.lock
DEV_LOCK := requirements-dev.lock
LOCK_OPTIONS := --quiet --generate-hashes --python-version 3.11 \
	--python-platform x86_64-unknown-linux-gnu --custom-compile-command 'make lock'

.PHONY: setup sysdeps run test lint clean bench bench-quick lock regen

# The dev lock holds the runtime, dev and bench dependencies: what CI tested, hash for hash.
$(STAMP): pyproject.toml $(LOCK) $(DEV_LOCK)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --require-hashes -r $(DEV_LOCK)
	$(VENV)/bin/pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

setup: $(STAMP)

sysdeps:
	bash tools/install-system-packages.sh all

run: setup
	bash tools/install-system-packages.sh fonts
	$(KG) run

# Every file derived from the schema, the data and the saved queries (stylesheet, JSON-LD
# context, the model diagram and problem codes of docs/curation.md, the README's picture, the
# goldens), written by the functions the tests compare with (tools/derived.py). The goldens of
# the saved queries are taken on the test server (started if need be; its database is emptied).
regen: setup
	bash tools/install-system-packages.sh fonts
	$(VENV)/bin/python -m tools.regen

# The derived files are checked with no server: `make lint` names each stale one.
lint: setup
	bash tools/install-system-packages.sh fonts
	$(VENV)/bin/ruff check loader tests bench tools
	$(VENV)/bin/ruff format --check loader tests bench tools
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(VENV)/bin/python -m tools.regen --check

test: lint sysdeps
	$(VENV)/bin/pytest

clean:
	-$(KG) neo4j stop
	rm -rf $(VENV) .kg

# Regenerate both locks from pyproject.toml, then commit them. Pins that pyproject.toml still
# allows are kept; `make lock UPGRADE=--upgrade` moves everything to the newest allowed.
UPGRADE ?=
lock: setup
	$(VENV)/bin/uv pip compile $(LOCK_OPTIONS) $(UPGRADE) pyproject.toml -o $(LOCK)
	$(VENV)/bin/uv pip compile $(LOCK_OPTIONS) $(UPGRADE) --extra dev pyproject.toml -o $(DEV_LOCK)

# The benchmark (wipes the managed server's database): results in bench/results/ (latest.* for
# the full run, quick.* for bench-quick: 57k units of three provinces, a few minutes). The bench
# extra (rdflib-neo4j) comes with the dev lock that setup installs. BENCH_OPTIONS=--profile adds
# a cProfile of `kg divisions import`. Peak RSS is read from /proc (no GNU time needed).
BENCH_OPTIONS ?=
bench: setup
	$(VENV)/bin/python bench/run.py $(BENCH_OPTIONS)

bench-quick: setup
	$(VENV)/bin/python bench/run.py --quick $(BENCH_OPTIONS)

# The two entry points the README names: `make run` (the main job) and `make test`.
PYTHON ?= python3
VENV := .venv
KG := $(VENV)/bin/kg
STAMP := $(VENV)/.installed-stamp

.PHONY: setup sysdeps run test lint clean bench

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

sysdeps:
	bash tools/install-system-packages.sh all

run: setup
	bash tools/install-system-packages.sh fonts
	$(KG) run

lint: setup
	$(VENV)/bin/ruff check loader tests bench
	$(VENV)/bin/ruff format --check loader tests bench
	$(VENV)/bin/mypy

test: lint sysdeps
	$(VENV)/bin/pytest

clean:
	-$(KG) neo4j stop
	rm -rf $(VENV) .kg

# The benchmark (wipes the managed server's database): results in bench/results/.
bench: setup
	bash tools/install-system-packages.sh bench
	$(VENV)/bin/python bench/run.py

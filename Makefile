# The two commands of the README: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install --quiet --disable-pip-version-check

.PHONY: install install-test run test lint fix

$(PY):
	python3 -m venv $(VENV)

install: $(PY)
	$(PIP) -e .

# torch first, pinned to the CPU build: a bare `torch` would pull a multi-GB CUDA build.
install-test: $(PY)
	$(PIP) torch==2.13.0
	$(PIP) -e ".[test,st]"

run: install
	$(VENV)/bin/ratsbot run

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fix:
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# pytest exits 5 when it collected no test: that is not a failure of the code.
test: install-test lint
	$(VENV)/bin/pytest -q; rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests ran"; exit 0; fi; exit $$rc

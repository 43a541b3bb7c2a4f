# The two commands of the README: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install --quiet --disable-pip-version-check

.PHONY: install install-test run test test-quick test-pg load lint fix

$(PY):
	python3 -m venv $(VENV)

install: $(PY)
	$(PIP) -e ".[teams,matrix,queue]"

# torch first, pinned to the CPU build: a bare `torch` would pull a multi-GB CUDA build.
install-test: $(PY)
	$(PIP) torch==2.13.0
	$(PIP) -e ".[test,st,teams,matrix,queue]"

run: install
	$(VENV)/bin/ratsbot run

# ruff, the type checker, and the package map's import contracts (pyproject.toml)
lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache

fix:
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# pytest exits 5 when it collected no test: that is not a failure of the code.
test: install-test lint
	$(VENV)/bin/pytest -q; rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests ran"; exit 0; fi; exit $$rc

# The quick loop: every test but those marked model, postgres, crash or slow (tests/README.md);
# under two minutes on two cores. Installs only when the venv has no pytest yet.
test-quick: $(VENV)/bin/pytest
	$(VENV)/bin/pytest -q -m "not model and not postgres and not crash and not slow"

$(VENV)/bin/pytest:
	$(MAKE) install-test

# The suite again with every store on a fresh PostgreSQL database (created and dropped
# by the test session on RATSBOT_TEST_PG_URL's server, default 127.0.0.1:5432).
test-pg: install-test
	RATSBOT_TEST_DATABASE_URL=fresh $(VENV)/bin/pytest -q -m "not model and not crash"

# Concurrent users through the Telegram bot while an admin re-indexes; writes bench/RESULTS.md.
load: install
	$(PY) -m bench.load --backend both --chats 50 --questions 2000

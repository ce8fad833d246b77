# RunnerHub: `make run` for the demo, `make test` for the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000
WORKERS ?= 2
# Extra pip-compile arguments for `make lock`, e.g. --upgrade or --upgrade-package redis.
LOCK_ARGS ?=
LOCK_VENV := var/pip-tools
# The lock is resolved against PyPI alone, whatever this machine's pip configuration adds
# (wheel folders, extra indexes, constraint files), so it holds only PyPI's files and hashes.
PIP_PYPI_ONLY := env -u PIP_FIND_LINKS -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL \
	-u PIP_CONSTRAINT -u PIP_NO_INDEX PIP_CONFIG_FILE=/dev/null
PIP_COMPILE = CUSTOM_COMPILE_COMMAND="make lock" $(PIP_PYPI_ONLY) $(LOCK_VENV)/bin/pip-compile --quiet --generate-hashes \
	--allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links $(LOCK_ARGS)
CHECK_PYTHON = @$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null \
	|| { echo "RunnerHub needs Python 3.11 (found: $(PYTHON))"; exit 1; }

.PHONY: run serve worker test lint security format lock editor fonts styles messages bench bench-lighthouse clean

# Every line of the requirements files has hashes, so pip checks every file it installs.
$(VENV)/.installed: requirements.txt
	$(CHECK_PYTHON)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.txt
	touch $@

# requirements-dev.txt holds the production packages too, at the same versions.
$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.txt
	touch $@

# The local demo: SQLite unless DATABASE_URL is set, emails printed here, DEBUG on.
run: export DEBUG ?= 1
run: export SITE_URL ?= http://$(HOST)
run: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	@echo "Serving on http://$(HOST)/ with a background worker for emails (Ctrl-C stops both)"
	@bin/keep-running $(PY) manage.py db_worker --queue-name '*' & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(PY) manage.py runserver $(HOST)

# The production setup on this machine: gunicorn (gunicorn.conf.py), DEBUG off, collected
# static files served by WhiteNoise. SECRET_KEY comes from the environment or .env. Plain
# http and no web server in front here, so unless set in the environment: no secure-only
# cookies and Django serves the uploads. Emails wait for `make worker`.
serve: export DEBUG = 0
serve: export ALLOWED_HOSTS ?= $(firstword $(subst :, ,$(HOST))),localhost
serve: export SITE_URL ?= http://$(HOST)
serve: export SECURE_COOKIES ?= 0
serve: export SERVE_MEDIA ?= 1
serve: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(VENV)/bin/gunicorn runnerhub.wsgi --bind $(HOST) --workers $(WORKERS)

# A background worker on its own (production runs one or more per host).
worker: $(VENV)/.installed
	$(PY) manage.py db_worker --queue-name '*'

# The demo tests (marker `demo`) take most of the suite's time, so a second pytest run takes
# them after the rest (one run cannot: pytest-django runs database tests before transactional
# ones, which flush the data the migrations wrote). PYTEST_ARGS goes to both runs, and a -m in
# it replaces the split; exit status 5 (nothing selected, e.g. PYTEST_ARGS=tests/articles) is
# no failure.
# TEST_WORKERS processes share the tests (pytest-xdist; 0 runs them in this one process).
TEST_WORKERS ?= auto
test: lint security
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest -n $(TEST_WORKERS) -m "not demo" $(PYTEST_ARGS) || [ $$? -eq 5 ]
	$(VENV)/bin/pytest -n $(TEST_WORKERS) -m demo $(PYTEST_ARGS) || [ $$? -eq 5 ]

# The public pages of a large generated site under load, against a floor, in one run
# (bench/pages.py; README, "Benchmarks"); not part of `make test`. Needs PostgreSQL and Redis
# on loopback, and wrk (installed with apt when run as root). BENCH_ARGS, e.g. --rebuild.
BENCH_ARGS ?=
bench: $(VENV)/.installed
	$(PY) bench/pages.py $(BENCH_ARGS)

# Checks only, as `make test` and CI do; `make format` changes files.
lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Security scanners: ruff's S rules (flake8-bandit) run in lint; bandit (pyproject.toml's
# [tool.bandit]) fails on any medium or high finding not marked `# nosec BXXX` with its reason.
# It warns "nosec encountered ..., but no failed test" on an f-string it reads in parts; that
# is its own noise, not a finding.
security: $(VENV)/.installed-dev
	$(VENV)/bin/bandit -c pyproject.toml -r . --quiet --severity-level medium

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The CKEditor 5 build in runnerhub/static/runnerhub/editor/ (committed, so `make run` needs no
# Node): exactly the versions of runnerhub/editor/package-lock.json, no install scripts.
editor:
	cd runnerhub/editor && npm ci --ignore-scripts --no-audit --no-fund && npm run --silent build

# The web fonts in runnerhub/static/runnerhub/fonts/ (committed): subsets of the pinned
# originals in runnerhub/fonts/src/ by fontTools (runnerhub/fonts/build.py says which).
fonts: $(VENV)/.installed-dev
	$(PY) runnerhub/fonts/build.py

# The stylesheet bundles in runnerhub/static/runnerhub/bundles/ (committed): each app's CSS,
# concatenated per kind of page (runnerhub/stylesheets.py says which). Run it after changing
# any of the site's CSS; a test fails until you do. Standard library only: no venv needed.
styles:
	$(PYTHON) -m runnerhub.stylesheets

# Lighthouse on the demo site served as in production (gunicorn, WhiteNoise, DEBUG off):
# median of 3 on home and two article pages, written to bench/RESULTS.md. Needs Node 20 and
# Debian's chromium; Lighthouse itself is pinned in bench/lighthouse/package-lock.json.
# It only needs a venv: one that exists is used as it is, so a checkout that merely left
# requirements.txt newer than the venv (a git worktree sharing another's venv) does not set
# off a reinstall.
bench-lighthouse:
	@[ -x $(PY) ] || $(MAKE) $(VENV)/.installed
	$(PY) bench/lighthouse.py

# Rebuild locale/*/LC_MESSAGES/django.mo from the .po files (GNU gettext's msgfmt); the .mo
# files are committed, so running the site needs no gettext.
messages:
	for po in locale/*/LC_MESSAGES/*.po; do msgfmt --check -o "$${po%.po}.mo" "$$po" || exit 1; done

# Pin requirements.in and requirements-dev.in, with everything they need and hashes, into
# requirements.txt and requirements-dev.txt. Existing pins are kept unless LOCK_ARGS says
# --upgrade (everything) or --upgrade-package NAME. pip-tools lives in its own venv, so a
# broken or conflicted lock never stops the lock from being made again.
lock: $(LOCK_VENV)/bin/pip-compile
	$(PIP_COMPILE) -o requirements.txt requirements.in
	$(PIP_COMPILE) -o requirements-dev.txt requirements-dev.in

$(LOCK_VENV)/bin/pip-compile:
	$(CHECK_PYTHON)
	$(PYTHON) -m venv $(LOCK_VENV)
	$(PIP_PYPI_ONLY) $(LOCK_VENV)/bin/pip install --quiet pip-tools==7.6.2

clean:
	rm -rf $(VENV) var media staticfiles .pytest_cache .ruff_cache

# RunnerHub: `make run` for the demo, `make test` for the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: run test lint format serve worker clean editor

$(VENV)/.installed: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null \
		|| { echo "RunnerHub needs Python 3.11 (found: $(PYTHON))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# The local demo: SQLite unless DATABASE_URL is set, emails printed here, DEBUG on.
run: export DEBUG ?= 1
run: export SITE_URL ?= http://$(HOST)
run: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	@echo "Serving on http://$(HOST)/ with a background worker for emails (Ctrl-C stops both)"
	@$(PY) manage.py db_worker --queue-name '*' & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(PY) manage.py runserver $(HOST)

# A background worker on its own (production runs one or more per host).
worker: $(VENV)/.installed
	$(PY) manage.py db_worker --queue-name '*'

# The demo tests (marker `demo`) take most of the suite's time, so a second pytest run takes
# them after the rest (one run cannot: pytest-django runs database tests before transactional
# ones, which flush the data the migrations wrote). PYTEST_ARGS goes to both runs, and a -m in
# it replaces the split; exit status 5 (nothing selected, e.g. PYTEST_ARGS=tests/articles) is
# no failure.
test: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest -m "not demo" $(PYTEST_ARGS) || [ $$? -eq 5 ]
	$(VENV)/bin/pytest -m demo $(PYTEST_ARGS) || [ $$? -eq 5 ]

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The CKEditor 5 build in runnerhub/static/runnerhub/editor/ (committed, so `make run` needs no
# Node): exactly the versions of runnerhub/editor/package-lock.json, no install scripts.
editor:
	cd runnerhub/editor && npm ci --ignore-scripts --no-audit --no-fund && npm run --silent build

clean:
	rm -rf $(VENV) var media staticfiles .pytest_cache .ruff_cache

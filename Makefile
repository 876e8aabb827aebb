VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run serve test lint check install install-dev bench clean

## make run: set up .venv, prepare the SQLite database with demo people, serve on http://127.0.0.1:5000
run: $(VENV)/.runtime
	$(FLASK) db upgrade
	$(FLASK) demo seed
	$(FLASK) run --debug --host $(HOST) --port $(PORT)

## make serve: production serving with gunicorn (gunicorn.conf.py): migrations, the content check,
## then gthread workers on $GUNICORN_BIND (127.0.0.1:8000). Needs SECRET_KEY (and DATABASE_URL);
## put a reverse proxy in front for TLS, request sizes and slow clients (docs/operations.md).
serve: $(VENV)/.runtime
	@test -n "$$SECRET_KEY" || { echo "make serve: export SECRET_KEY first (the same on every host)" >&2; exit 2; }
	$(FLASK) db upgrade
	$(FLASK) content check
	$(BIN)/gunicorn --config gunicorn.conf.py app:app

## make test: the same .venv plus test dependencies, the layer contracts, then the whole suite
test: $(VENV)/.dev
	$(BIN)/lint-imports
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## make lint: only the layer contracts (.importlinter)
lint: $(VENV)/.dev
	$(BIN)/lint-imports

## make check: validate lessons and quizzes, with the quiz quality check (warnings fail it)
CHECK_FLAGS ?= --strict
check: $(VENV)/.runtime
	$(FLASK) content check $(CHECK_FLAGS)

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files: pip runs again only when a requirements file changes.
$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

## make bench: load benchmark, not part of make test: a bare Flask app and ours on the same gunicorn,
## 2,000 learners, each wrk request a different learner (a new quiz attempt each post), SQLite and
## PostgreSQL when 127.0.0.1:5432 answers; writes docs/performance.md (bench/README.md)
bench: $(VENV)/.dev
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache

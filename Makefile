# Neural Network Playground. `make run` serves it, `make test` tests it.
SHELL := bash

# Python 3.12+: the newest pyenv-installed one, else python3.13/3.12 on PATH
# (the default python3 here is 3.11, and the bare pyenv shim fails).
PYENV_ROOT := $(shell pyenv root 2>/dev/null || echo /root/.pyenv)
PYTHON := $(lastword $(sort $(wildcard $(PYENV_ROOT)/versions/3.1[2-9]*/bin/python3.1?)))
ifeq ($(PYTHON),)
PYTHON := $(shell command -v python3.13 || command -v python3.12)
endif

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements.stamp

.PHONY: venv chromium messages migrate datasets run test lint format bench fps worker load

venv: $(STAMP)

# Re-installs only when requirements.txt changes.
$(STAMP): requirements.txt
	@test -n "$(PYTHON)" || { echo "Python 3.12+ not found (pyenv or PATH)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -r requirements.txt
	touch $@

# Playwright drives Debian's Chromium (`playwright install` does not work here).
chromium:
	test -x /usr/bin/chromium -a -d /usr/share/fonts/truetype/nanum || (apt-get update && apt-get install -y chromium fonts-nanum)

# Compiled translation catalogs (locale/*/LC_MESSAGES/django.mo, build output) from the .po files.
messages: venv
	command -v msgfmt >/dev/null || (apt-get update && apt-get install -y gettext)
	$(PY) manage.py compilemessages --ignore '.*' --ignore staticfiles --ignore media

migrate: venv
	$(PY) manage.py migrate --noinput

# The built-in datasets' rows, and the morpheme cache of the real text sets (once; about a minute).
datasets: migrate
	$(PY) manage.py datasets --tokenize

run: venv messages migrate datasets
	$(PY) manage.py reconcile
	$(PY) manage.py runserver 127.0.0.1:8000

# Two processes (pytest-xdist), as CI has 2 cores: whole files go to one process, the live-server
# (browser) tests share one and the integration stacks another (groups: tests/conftest.py), and
# the slow groups start first (collection order, not file size). One summary line; non-zero on
# any failure. `make test PYTEST_ARGS=...` adds options, e.g. PYTEST_ARGS="-n 0" runs in one process.
PYTEST_ARGS ?=
test: venv chromium messages lint
	$(PY) -m pytest -n 2 --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

# Steps/s beside TensorFlow Playground's own engine (when node is on PATH; its driver.js is found in
# shared/bench/tfpg in or beside this checkout, or TFPG_DIR=...), NumPy and a per-step JAX loop, and
# start-up times. A few minutes; the machines are noisy, so read the ratios of interleaved rounds.
# ruff: lint and format check (pyproject.toml); `make format` rewrites what it would change.
lint: venv
	$(PY) -m ruff check trainer playground tests scripts manage.py
	$(PY) -m ruff format --check trainer playground tests scripts manage.py

format: venv
	$(PY) -m ruff check --fix trainer playground tests scripts manage.py
	$(PY) -m ruff format trainer playground tests scripts manage.py

bench: venv
	$(PY) -m trainer.bench

# The live view's frame rate in headless Chromium with 1, 5, 10 and 20 learners (scripts/fps.py).
fps: venv chromium
	$(PY) scripts/fps.py

# The scaled-out mode's worker (README, "Scaled-out mode"): needs the web processes' environment
# (DATABASE_URL, REDIS_URL, PLAYGROUND_TASK_BACKEND=playground.taskbackend.CeleryBackend, ...).
worker: venv
	$(PY) -m celery -A playground worker -Q $${PLAYGROUND_TASK_QUEUE:-training} -l INFO

# 4 runs x 5 websocket viewers on a local scaled-out stack (PostgreSQL and Redis on this machine).
load: venv
	$(PY) scripts/load.py --runs 4 --viewers 5 --seconds 20

.PHONY: run test lint bench loadtest loadtest-knee install install-test
SHELL := /bin/bash
export DJANGO_SETTINGS_MODULE ?= clic.settings.dev

run: install
	mkdir -p var/mail
	.venv/bin/python manage.py migrate --noinput
	.venv/bin/python manage.py load_demo
	.venv/bin/python manage.py runserver 127.0.0.1:8000

test: install-test lint
	DJANGO_SETTINGS_MODULE=clic.settings.test scripts/test.sh

bench: install-test
	scripts/bench.sh

# Not part of `make test`: about 4 minutes, figures to docs/loadtest.txt.
loadtest: install-test
	scripts/loadtest.sh

# Steps of simulated people until p95 passes 250 ms or errors appear; the knee to
# docs/loadtest-knee.txt. About 2 minutes a step.
loadtest-knee: install-test
	CLIC_LOADTEST_STEPS="$${CLIC_LOADTEST_STEPS:-25 50 100 150 200}" CLIC_LOADTEST_SECONDS=$${CLIC_LOADTEST_SECONDS:-60} scripts/loadtest.sh

# ruff (style and errors), vulture (dead code), hadolint (the Dockerfile) and
# import-linter (the layers); `make test` runs this first.
lint: install
	.venv/bin/ruff check .
	.venv/bin/vulture
	.venv/bin/hadolint Dockerfile
	.venv/bin/lint-imports

install:
	scripts/install.sh run

install-test:
	scripts/install.sh test

# The image's lock: the dependencies of pyproject.toml only, at requirements.lock's versions,
# with hashes. Run after changing either (pip-compile is pip-tools').
requirements-production.lock: pyproject.toml requirements.lock
	pip-compile --quiet --generate-hashes --strip-extras --no-emit-index-url \
	  --no-emit-find-links --annotation-style=line -c requirements.lock -o $@ pyproject.toml

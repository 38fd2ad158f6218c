.PHONY: run test lint bench loadtest install install-test
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

# ruff (style and errors) and vulture (dead code); `make test` runs this first.
lint: install
	.venv/bin/ruff check .
	.venv/bin/vulture

install:
	scripts/install.sh run

install-test:
	scripts/install.sh test

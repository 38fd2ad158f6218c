# syntax=docker/dockerfile:1
# Three stages: the NHS.UK front-end assets (Node), the Python environment with the static
# files collected, and the runtime image, which has neither Node nor the test tools.

FROM node:22-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
# Only the dependencies the pages use: axe-core (a devDependency) is for the browser tests.
RUN npm ci --omit=dev --no-audit --no-fund

FROM python:3.11-slim-bookworm AS build
WORKDIR /app
# The production lock only (requirements-production.lock), every file checked against its hash.
COPY requirements-production.lock ./
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-cache-dir --require-hashes --no-deps -r requirements-production.lock
COPY . .
COPY --from=assets /app/node_modules ./node_modules
# collectstatic imports the production settings, which insist on their secrets: throwaway
# values here, the real ones come from the environment at run time.
RUN DJANGO_SETTINGS_MODULE=clic.settings.production DJANGO_SECRET_KEY=collectstatic-only \
    DJANGO_ALLOWED_HOSTS=localhost DATABASE_URL=sqlite:////tmp/collectstatic.sqlite3 \
    EMAIL_HOST=localhost /opt/venv/bin/python manage.py collectstatic --noinput \
    && rm -rf node_modules

FROM python:3.11-slim-bookworm AS runtime
# WeasyPrint's libraries (the PDFs), and PostgreSQL's client for scripts/backup.sh and
# scripts/restore.sh (15, as the database). Unpinned: Debian's bookworm suite takes only security
# fixes, which a rebuild should pick up.
# hadolint ignore=DL3008
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation \
        postgresql-client \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 --home-dir /app clic
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
RUN mkdir -p /app/var/media && chown -R 10001 /app/var
ENV PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=clic.settings.production \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
USER 10001
EXPOSE 8000
CMD ["gunicorn", "clic.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]

FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation nodejs npm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.lock package.json package-lock.json ./
RUN pip install --no-cache-dir -r requirements.lock && npm ci --omit=dev --no-audit --no-fund
COPY . .
ENV DJANGO_SETTINGS_MODULE=clic.settings.production
RUN DJANGO_SECRET_KEY=collectstatic-only DJANGO_ALLOWED_HOSTS=localhost \
    DATABASE_URL=sqlite:////tmp/x.sqlite3 EMAIL_HOST=localhost \
    python manage.py collectstatic --noinput
RUN useradd --system clic && mkdir -p /app/var/media && chown -R clic /app/var
USER clic
EXPOSE 8000
CMD ["gunicorn", "clic.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]

"""Production: every secret from the environment, nothing insecure by default."""

import os

from .base import *  # noqa: F403
from .base import cache_from_env, database_from_env, env

# Without these the service cannot run: say which is missing in one line, not a traceback.
REQUIRED_ENVIRONMENT = ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "EMAIL_HOST")
if missing := [name for name in REQUIRED_ENVIRONMENT if not os.environ.get(name)]:
    raise SystemExit(f"CLIC cannot start: set {', '.join(missing)} in the environment "
                     "(docs/operations.md lists every setting).")

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
DATABASES = {"default": database_from_env()}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
# A persistent connection outlives a database restart or failover: check it before each
# request reuses it, or that request fails with "server closed the connection".
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
CACHES = {"default": cache_from_env("redis://redis:6379/1")}
# Hashed file names (collectstatic writes them at build time), so WhiteNoise can tell
# browsers to keep each file for good: a new version has a new name.
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# The container's own health check asks over plain HTTP (clic.middleware.HealthzMiddleware
# answers it whatever the Host header says).
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

# NHSmail's relay needs STARTTLS and authentication. Only this file may reach real SMTP.
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env("EMAIL_HOST")
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)

# One JSON object a line, with the request's or task's id and no email addresses
# (clic/logs.py); the worker and beat log through the same configuration.
LOGGING["formatters"] = {"json": {"()": "clic.logs.JsonFormatter"}}  # noqa: F405
LOGGING["handlers"]["console"]["formatter"] = "json"  # noqa: F405
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Optional error reporting; nothing is sent unless SENTRY_DSN is set.
if SENTRY_DSN := env("SENTRY_DSN", default=""):
    from clic.logs import sentry_init

    sentry_init(SENTRY_DSN)

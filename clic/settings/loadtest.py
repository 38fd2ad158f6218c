"""`make loadtest`: the production settings, on loopback.

Everything production.py does (DEBUG off, persistent database connections with health
checks, Redis cache, production password hashing, SMTP delivery) except what needs a real
domain: no HTTPS redirect or secure-only cookies on http://127.0.0.1, and the SMTP server is
the load test's own sink on a loopback port. Two-factor set-up is not forced, so that the
simulated people can sign in with a password. scripts/loadtest.sh sets the environment.
"""

import os

# production.py insists on these; the load test has no real secret or domain.
os.environ.setdefault("DJANGO_SECRET_KEY", "loadtest-only-" + "k" * 50)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("EMAIL_HOST", "127.0.0.1")

from .production import *  # noqa: E402, F403
from .production import env  # noqa: E402

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
CLIC_MFA_ENFORCED = False
# Every simulated person signs in from 127.0.0.1: allauth's 30 sign-ins a minute per address
# (meant for one attacker's address) would turn most of them away. Failed sign-ins stay
# limited as in production.
ACCOUNT_RATE_LIMITS = {**ACCOUNT_RATE_LIMITS, "login": "600/m/ip"}  # noqa: F405

EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = env.int("CLIC_LOADTEST_SMTP_PORT", default=2525)
EMAIL_USE_TLS = False
EMAIL_HOST_USER = EMAIL_HOST_PASSWORD = ""
EMAIL_TIMEOUT = 10

# Without collectstatic: pages link to the static files; the simulated people fetch HTML.
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
STATIC_ROOT = env("CLIC_LOADTEST_STATIC_ROOT", default="/tmp/clic-loadtest-static")
MEDIA_ROOT = env("CLIC_MEDIA_ROOT", default="/tmp/clic-loadtest-media")
STORAGES["default"]["OPTIONS"] = {"location": MEDIA_ROOT}  # noqa: F405
LOGGING["root"]["level"] = "WARNING"  # noqa: F405

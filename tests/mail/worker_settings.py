"""The Celery worker of the integration tests: the test settings, delivering by SMTP to the
test's aiosmtpd server on loopback (tests/fixtures/services.py passes its address)."""

from clic.settings.test import *  # noqa: F403
from clic.settings.test import EMAIL_BACKEND, env

EMAIL_BACKEND = env("CLIC_TEST_EMAIL_BACKEND", default=EMAIL_BACKEND)
EMAIL_HOST = env("CLIC_TEST_EMAIL_HOST", default="127.0.0.1")
EMAIL_PORT = env.int("CLIC_TEST_EMAIL_PORT", default=25)
EMAIL_USE_TLS = False
EMAIL_TIMEOUT = 5
# Heartbeats a test can wait for: a dead worker's claims are taken back after 3 s. The
# fault drill (bench/faults.py) keeps the production settings' instead.
if env.bool("CLIC_TEST_QUICK_HEARTBEAT", default=True):
    CLIC_MAIL_HEARTBEAT_INTERVAL = 1
    CLIC_MAIL_HEARTBEAT_TIMEOUT = 3

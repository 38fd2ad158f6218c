"""`make test`: the throwaway PostgreSQL and Redis that scripts/services.sh starts."""

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, database_from_env, env

DEBUG = False
# The benchmark's `generate_scale` (bench/scale): `make bench` and tests/scale run under these
# settings; the service itself does not ship it.
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
DATABASES = {"default": database_from_env(default="postgres://postgres@127.0.0.1:55432/clic")}
DATABASES["default"]["TEST"] = {"NAME": env("CLIC_TEST_DATABASE_NAME", default="test_clic")}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="redis://127.0.0.1:56379/0")
CELERY_TASK_ALWAYS_EAGER = False
CLIC_MFA_ENFORCED = env.bool("CLIC_MFA_ENFORCED", default=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

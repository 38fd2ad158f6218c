"""`make run`: SQLite, tasks in-process, every email saved as a file in var/mail/."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
EMAIL_BACKEND = "clic.mail.backends.MessageFileBackend"
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
CLIC_MFA_ENFORCED = env.bool("CLIC_MFA_ENFORCED", default=False)
if not env("CLIC_SITE_URL", default=""):
    MIDDLEWARE = [*MIDDLEWARE, "clic.middleware.SiteUrlFromRequestMiddleware"]  # noqa: F405

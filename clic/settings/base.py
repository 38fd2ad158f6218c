"""Settings shared by every environment. Each value comes from one django-environ `env`."""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-development-key-not-for-production")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# The public address of the service, used for links in emails and calendar feeds.
SITE_URL = env("CLIC_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.forms",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "crispy_forms",
    "clic",  # project-wide template tags (clic/templatetags): the NHS.UK form helpers
    "clic.accounts",
    "clic.mail",
    "clic.audit",
    "rotations",
    "trainees",
    "projects",
    "absences",
    "assessments",
    "opportunities",
    "community",  # alumni, mentoring and the alumni directory (issue 24)
    "surveys",
    "interests",
]

MICROSOFT_CLIENT_ID = env("MICROSOFT_CLIENT_ID", default="")
MICROSOFT_CLIENT_SECRET = env("MICROSOFT_CLIENT_SECRET", default="")
MICROSOFT_TENANT = env("MICROSOFT_TENANT", default="organizations")
# NHSmail sign-in is offered only when the service has been registered with Microsoft.
if MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET:
    INSTALLED_APPS.append("allauth.socialaccount.providers.microsoft")
    SOCIALACCOUNT_PROVIDERS = {
        "microsoft": {
            "APPS": [
                {
                    "client_id": MICROSOFT_CLIENT_ID,
                    "secret": MICROSOFT_CLIENT_SECRET,
                    "settings": {"tenant": MICROSOFT_TENANT},
                }
            ]
        }
    }

MIDDLEWARE = [
    "clic.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "clic.middleware.ContentSecurityPolicyMiddleware",
    "clic.middleware.HealthzMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "clic.accounts.middleware.SessionIdleRefreshMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "clic.accounts.middleware.RequireMfaForRolesMiddleware",
]

ROOT_URLCONF = "clic.urls"
WSGI_APPLICATION = "clic.wsgi.application"

# Widgets render with the project's template engine, so that a form may name a widget
# template of its own under templates/ (clic.forms.FilterForm's selects).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clic.accounts.context_processors.navigation",
            ],
        },
    }
]


def database_from_env(default=environ.Env.NOTSET) -> dict:
    """The database of DATABASE_URL. On PostgreSQL (psycopg 3) parameters are bound by the
    server, so a query a connection has run five times is prepared there and PostgreSQL no
    longer plans it afresh each time: planning was about 4 of the 7 ms a trainee's home page
    spent in the database. Off with DATABASE_PREPARED_STATEMENTS=false, which a
    transaction-pooling PgBouncer in front of the database would need."""
    database = env.db("DATABASE_URL", default=default)
    if database["ENGINE"] == "django.db.backends.postgresql" and env.bool(
            "DATABASE_PREPARED_STATEMENTS", default=True):
        database.setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
    return database


# SQLite (`make run`) takes a write lock when a transaction begins, not at its first write:
# a transaction that read first and wrote later (two "Confirm and send" clicks at once)
# failed at once with "database is locked", as SQLite cannot wait there without risking a
# deadlock. Begun IMMEDIATE, the second waits up to `timeout` seconds for the first; WAL
# lets pages be read while a report is written.
SQLITE_OPTIONS = {"transaction_mode": "IMMEDIATE", "timeout": 20,
                  "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL"}


DATABASES = {"default": database_from_env(default=f"sqlite:///{VAR_DIR / 'clic.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def cache_from_env(default: str) -> dict:
    """The cache of CACHE_URL. A Redis cache falls back to the process's memory while Redis
    is down (clic.cache.FailSafeRedisCache), so that sign-in's rate limiter, which keeps its
    counts in the cache, does not make Redis a single point of failure for the web."""
    cache = env.cache("CACHE_URL", default=default)
    if cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
        cache["BACKEND"] = "clic.cache.FailSafeRedisCache"
    return cache


CACHES = {"default": cache_from_env("locmemcache://clic")}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Keyboard walks, sequences, repeats, the service's name, the email's local part. No
    # composition rules (NCSC password guidance).
    {"NAME": "clic.accounts.validators.PatternPasswordValidator",
     "OPTIONS": {"service_names": ["clic"]}},
]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

# Accounts: invitation only, email login, verified addresses, rate-limited logins.
ACCOUNT_ADAPTER = "clic.accounts.adapters.InvitationOnlyAccountAdapter"
SOCIALACCOUNT_ADAPTER = "clic.accounts.adapters.InvitationOnlySocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
}
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "CLIC service"
# Roles that must set up two-factor authentication before using the service.
CLIC_MFA_REQUIRED_ROLES = env.list("CLIC_MFA_REQUIRED_ROLES", default=["pd", "pa", "ccg_admin"])
CLIC_MFA_ENFORCED = env.bool("CLIC_MFA_ENFORCED", default=True)

# Placements whose rotation ended longer ago than this are anonymised, each night by the
# beat (clic.accounts.tasks.retention_run) or by `manage.py anonymise_old_placements`.
CLIC_RETENTION_YEARS = env.int("CLIC_RETENTION_YEARS", default=6)

SESSION_COOKIE_AGE = env.int("CLIC_SESSION_IDLE_SECONDS", default=30 * 60)
# How often a request starts the idle time again: see SessionIdleRefreshMiddleware.
CLIC_SESSION_REFRESH_SECONDS = env.int("CLIC_SESSION_REFRESH_SECONDS", default=60)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# NHS.UK frontend's stylesheet loads the Frutiger typeface from assets.nhs.uk.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self' data: https://assets.nhs.uk; connect-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env("CLIC_STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static", ("nhsuk", BASE_DIR / "node_modules" / "nhsuk-frontend" / "dist")]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env("CLIC_MEDIA_ROOT", default=str(VAR_DIR / "media"))},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = env("CLIC_MEDIA_ROOT", default=str(VAR_DIR / "media"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = ["nhsuk"]
CRISPY_TEMPLATE_PACK = "nhsuk"

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Email: every message is a row in the outbox (clic.mail) sent by a Celery task.
DEFAULT_FROM_EMAIL = env("CLIC_FROM_EMAIL", default="CLIC service <clic-noreply@clic.test>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
CLIC_DEFAULT_CCG_ADMIN_MAILBOX = "ekccgs.quality@nhs.net"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
EMAIL_TIMEOUT = 20
# The outbox's sending and sweeping (clic/mail/services.py).
# Attempts before an email is marked failed, and the waits after each temporary failure.
CLIC_MAIL_MAX_ATTEMPTS = env.int("CLIC_MAIL_MAX_ATTEMPTS", default=6)
CLIC_MAIL_RETRY_DELAYS = tuple(int(delay) for delay in env.list(
    "CLIC_MAIL_RETRY_DELAYS", default=["30", "120", "600", "1800", "7200"]))
# A claim older than this is taken back even if its worker still beats: the last resort for
# a worker stuck in one send. Longer than CELERY_TASK_TIME_LIMIT.
CLIC_MAIL_SENDING_TIMEOUT = env.int("CLIC_MAIL_SENDING_TIMEOUT", default=300)
# A worker refreshes the heartbeat of the emails it is sending this often; a claim whose
# heartbeat is older than the timeout belongs to a worker that died and is taken back.
CLIC_MAIL_HEARTBEAT_INTERVAL = env.int("CLIC_MAIL_HEARTBEAT_INTERVAL", default=5)
CLIC_MAIL_HEARTBEAT_TIMEOUT = env.int("CLIC_MAIL_HEARTBEAT_TIMEOUT", default=20)
# A queued email whose task has not run after this is presumed lost and published again.
CLIC_MAIL_REQUEUE_AFTER = env.int("CLIC_MAIL_REQUEUE_AFTER", default=60)
# How often beat runs the sweeper, and the most emails one sweep publishes.
CLIC_MAIL_SWEEP_INTERVAL = env.int("CLIC_MAIL_SWEEP_INTERVAL", default=15)
CLIC_MAIL_SWEEP_BATCH = env.int("CLIC_MAIL_SWEEP_BATCH", default=5000)
# Emails per send task: one SMTP session and one database connection serve them all.
CLIC_MAIL_BATCH_SIZE = env.int("CLIC_MAIL_BATCH_SIZE", default=25)
# After the SMTP server accepted an email, how long a worker keeps trying to mark it sent
# while the database is down before it writes the fact to the journal instead; the next
# send or sweep on this host replays the journal first. Put the journal on storage that
# outlives the worker's container.
CLIC_MAIL_RECORD_PATIENCE = env.int("CLIC_MAIL_RECORD_PATIENCE", default=90)
CLIC_MAIL_SENT_JOURNAL = env("CLIC_MAIL_SENT_JOURNAL", default=str(VAR_DIR / "mail-sent.journal"))
# After the broker refused a send task, requests leave their emails to the sweeper for this
# long instead of trying the broker again (each try can wait for the connect timeout).
CLIC_MAIL_BROKER_PAUSE = env.int("CLIC_MAIL_BROKER_PAUSE", default=30)

# The PDs and PAs are emailed when the oldest queued email has waited longer than this.
CLIC_MAIL_ALERT_QUEUE_AGE = env.int("CLIC_MAIL_ALERT_QUEUE_AGE", default=15 * 60)

# Celery on Redis: JSON only, bounded tasks, beat for the sweeper and reminders.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/0")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# One task reserved per process: a sweep waits for at most one batch to finish.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A short connect timeout and one immediate retry (a pooled connection that a Redis restart
# cut), so that a change made while Redis is down is saved at once rather than after kombu's
# default 2 s wait; the outbox sweeper sends its email when the broker is back.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 5,
                                   "max_retries": 1, "interval_start": 0}
CELERY_TIMEZONE = TIME_ZONE
# The sweeper has a queue of its own, so it never waits behind a backlog of send tasks;
# every worker consumes both (docker-compose.yml: -Q celery,outbox-sweep).
CELERY_TASK_ROUTES = {"clic.mail.tasks.outbox_sweep": {"queue": "outbox-sweep"}}
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "clic.mail.tasks.outbox_sweep",
                     "schedule": timedelta(seconds=CLIC_MAIL_SWEEP_INTERVAL),
                     # A sweep that waited longer than its interval is superseded by the next.
                     "options": {"expires": CLIC_MAIL_SWEEP_INTERVAL}},
    # Emails failed, or the queue stuck: the PDs and PAs are told once per incident.
    "outbox-alerts": {"task": "clic.mail.tasks.outbox_alert_raise",
                      "schedule": timedelta(minutes=1)},
    # Each reminder task is idempotent per person and period, so a missed or repeated beat
    # neither loses nor doubles an email.
    "project-meeting-reminders": {"task": "projects.tasks.meeting_reminders_send",
                                  "schedule": crontab(hour=7, minute=0)},
    "reflective-entry-reminders": {"task": "assessments.tasks.reflective_entry_reminders_send",
                                   "schedule": crontab(hour=12, minute=0, day_of_week="fri")},
    # An open-ended sickness that reaches a CCG project day tells the CCG that morning.
    "absences-open-sickness": {"task": "absences.tasks.sickness_open_follow_up",
                               "schedule": crontab(hour=7, minute=0)},
    "evaluation-invitations": {"task": "assessments.tasks.evaluation_invitations_send",
                               "schedule": crontab(hour=8, minute=0)},
    # Monday mornings: each subscriber's digest of the leadership roles published since the last.
    "opportunity-digests": {"task": "opportunities.tasks.digests_send",
                            "schedule": crontab(hour=7, minute=30, day_of_week="mon")},
    "survey-reminders": {"task": "surveys.tasks.survey_reminders_send",
                         "schedule": crontab(hour=9, minute=0)},
    # Once a year each person who must declare interests and has not in 12 months.
    "interests-declaration-reminders": {"task": "interests.tasks.declaration_reminders_send",
                                        "schedule": crontab(hour=7, minute=30)},
    "retention": {"task": "clic.accounts.tasks.retention_run",
                  "schedule": crontab(hour=3, minute=30)},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"},
                # WeasyPrint logs every layout step at INFO.
                "weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

"""Names vulture (`make lint`) must not report as unused: parameters that a framework passes
by name, which a hook must accept whether or not it reads them, and pytest fixtures a test
asks for only for what they set up. Vulture runs at 80% confidence (pyproject.toml), so the
entry points Django finds by convention (views named in urls.py, AppConfig.ready, management
commands, migrations, admin classes, template tags, Celery tasks, model Meta, settings) are
not reported and need no entry here; below are only the 100%-confidence cases."""

# Framework hooks: allauth's is_open_for_signup(request, sociallogin), a signal receiver's
# sender, a widget's render(..., renderer), an Expression's as_sql(..., **extra_context),
# pytest's hook arguments (config, call) and aiosmtpd's handle_RCPT(..., rcpt_options).
sociallogin
sender
renderer
extra_context
config
call
rcpt_options

# Fixtures requested for their effect: the database set-up, settings and task modes.
django_db_setup
no_mfa
smtp_settings
eager_tasks
production_connections

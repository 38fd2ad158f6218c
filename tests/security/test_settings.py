"""Settings that protect people's data, read from the settings files themselves."""

import ast
from pathlib import Path

from django.conf import settings

SETTINGS = Path(settings.BASE_DIR) / "clic" / "settings"


def _assigned(path: Path, name: str):
    """The value a settings file assigns to a name, if it is a plain literal."""
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == name
                                                for t in node.targets):
            return ast.literal_eval(node.value)
    return None


def test_no_settings_but_production_can_send_real_email():
    """dev writes .eml files, tests keep mail in memory (or a local test SMTP server the test
    starts itself); only production.py names the SMTP backend, and a file built on it for a
    local run (the load test) sends to this machine only."""
    smtp = "django.core.mail.backends.smtp.EmailBackend"
    for path in SETTINGS.glob("*.py"):
        backend = _assigned(path, "EMAIL_BACKEND")
        if path.name == "production.py":
            assert backend == smtp
            continue
        assert backend != smtp, path.name
        if "EMAIL_HOST" in path.read_text():
            assert _assigned(path, "EMAIL_HOST") in ("127.0.0.1", "localhost", "::1"), path.name


def test_cookies_and_headers_keep_sessions_private():
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY
    assert not settings.ACCOUNT_SESSION_REMEMBER  # closing the browser ends the session too
    assert settings.X_FRAME_OPTIONS == "DENY" and settings.SECURE_CONTENT_TYPE_NOSNIFF
    production = (SETTINGS / "production.py").read_text()
    for flag in ("SESSION_COOKIE_SECURE = True", "CSRF_COOKIE_SECURE = True",
                 "SECURE_HSTS_INCLUDE_SUBDOMAINS = True"):
        assert flag in production

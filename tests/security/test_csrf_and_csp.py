"""Every state-changing request needs a CSRF token, and no page can run inline script or
style (the Content-Security-Policy forbids it; the templates never need it)."""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from tests.security.test_every_url import pages
from tests.security.urls import admin_sample_path, every_pattern

TEMPLATES = Path(django_settings.BASE_DIR) / "templates"


def every_address(scene) -> list[str]:
    addresses = []
    for pattern in every_pattern():
        if pattern.is_admin:
            addresses.append(admin_sample_path(pattern))
        else:
            addresses += [page.url(scene) for page in pages(pattern.key)]
    return addresses


@pytest.fixture
def scene(world, settings):
    from tests.security.scene import add_alumni, build_scene

    settings.CLIC_MFA_ENFORCED = False
    return add_alumni(build_scene(world))


def test_no_view_is_exempt_from_csrf():
    assert not [p.key for p in every_pattern() if getattr(p.callback, "csrf_exempt", False)]


def test_a_post_without_the_csrf_token_is_refused_on_every_url(scene):
    """Signed in or not, a POST without the token is refused before any view runs: nothing
    is changed by a forged form on another site."""
    from clic.mail.models import OutboundEmail

    addresses = every_address(scene)  # first: some objects are made (and emailed) on first use
    emails = OutboundEmail.objects.count()
    signed_in = Client(enforce_csrf_checks=True)
    signed_in.force_login(scene.world.pd)
    anonymous = Client(enforce_csrf_checks=True)
    wrong = []
    assert len(addresses) > 150  # the app's, allauth's and the admin's
    for address in addresses:
        for who, client in (("pd", signed_in), ("anonymous", anonymous)):
            status = client.post(address, {"confirm": "1"}).status_code
            if status != 403:
                wrong.append(f"{who} POST {address}: {status}")
    assert not wrong, "\n".join(wrong)
    assert OutboundEmail.objects.count() == emails


def test_every_response_carries_the_strict_policy(client, scene):
    client.force_login(scene.world.trainee)
    for address in (reverse("home"), reverse("account_login"), reverse("healthz")):
        policy = client.get(address)["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


# Rendered by WeasyPrint into PDFs, never served to a browser: the Content-Security-Policy
# does not apply and a <style> element is how they are laid out.
NOT_WEB_PAGES = ("**/*_pdf.html",)


def _web_templates() -> list[Path]:
    exempt = {path for glob in NOT_WEB_PAGES for path in TEMPLATES.glob(glob)}
    return [path for path in TEMPLATES.rglob("*.html") if path not in exempt]


def test_no_template_has_inline_script_style_or_event_handlers():
    offences = []
    for path in _web_templates():
        text = path.read_text()
        for pattern, what in ((r"<script(?![^>]*\bsrc=)[^>]*>", "inline <script>"),
                              (r"<style\b", "<style>"), (r"\sstyle\s*=", "style="),
                              (r"\son[a-z]+\s*=", "on*= handler"), (r"javascript:", "javascript:")):
            for match in re.finditer(pattern, text, re.IGNORECASE):
                line = text.count("\n", 0, match.start()) + 1
                offences.append(f"{path.relative_to(TEMPLATES)}:{line}: {what}")
    assert len(_web_templates()) > 50
    assert not offences, "\n".join(offences)

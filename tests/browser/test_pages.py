"""The styled 404 page, and two-factor set-up for a Programme Director, in Chromium."""

import base64
import hashlib
import hmac
import struct
import time

import pytest
from django.core.management import call_command

from clic.accounts.demo import demo_email
from tests.browser.test_login import sign_in
from tests.fixtures.browser import axe_check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def totp_now(secret: str) -> str:
    """The code an authenticator app shows now (RFC 6238: SHA-1, 30 seconds, 6 digits)."""
    key = base64.b32decode(secret.replace(" ", ""), casefold=True)
    digest = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 10**6:06d}"


def test_nhsuk_frontend_javascript_runs_under_the_content_security_policy(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")

    assert page.evaluate("document.body.className") == "js-enabled nhsuk-frontend-supported"
    # The password reveal button is hidden until NHS.UK frontend's JavaScript sets it up.
    page.get_by_label("Password", exact=True).fill("visible now")
    page.get_by_role("button", name="Show password").click()
    assert page.get_by_label("Password", exact=True).get_attribute("type") == "text"
    axe_check(page)  # also fails on any CSP violation or JavaScript error


def test_unknown_address_gives_the_styled_404_page(page, live_server):
    response = page.goto(f"{live_server.url}/no-such-page/")

    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
    assert page.get_by_role("banner").get_by_text("CLIC service").is_visible()
    assert page.title() == "Page not found – CLIC service"
    axe_check(page)


def test_programme_director_must_set_up_two_factor_authentication(page, live_server, settings):
    settings.CLIC_MFA_ENFORCED = True
    call_command("load_demo")
    sign_in(page, live_server, demo_email("pd"))

    # allauth asks for the password again before anyone changes how they sign in.
    assert page.get_by_role("heading", level=1).inner_text() == "Confirm it is you"
    axe_check(page)
    page.get_by_label("Password", exact=True).fill("demo-clic-2026")
    page.get_by_role("button", name="Continue").click()

    assert page.url.startswith(f"{live_server.url}/accounts/2fa/totp/activate/")
    main = page.get_by_role("main")
    assert main.get_by_role("heading", level=1).inner_text() == "Set up two-factor authentication"
    assert "You can see trainees' personal details" in main.inner_text()
    assert main.get_by_role("img", name="QR code to scan with your authenticator app").is_visible()
    axe_check(page)

    page.get_by_role("button", name="Turn on two-factor authentication").click()
    assert page.locator(".nhsuk-error-summary").get_by_role("link").inner_text() == \
        "Enter authenticator code"
    axe_check(page)

    page.get_by_text("I cannot scan the QR code").click()
    secret = page.locator("#authenticator_secret").inner_text()
    page.get_by_label("Authenticator code").fill(totp_now(secret))
    page.get_by_role("button", name="Turn on two-factor authentication").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Your recovery codes"
    assert page.locator("#recovery_codes li").count() == 10
    axe_check(page)
    page.get_by_role("link", name="Continue to your home page").click()
    assert page.url == f"{live_server.url}/"

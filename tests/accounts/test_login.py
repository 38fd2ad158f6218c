import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def login(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_login_by_email_reaches_home(client, world):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=world.trainee, email=world.trainee.email, verified=True,
                                primary=True)
    response = login(client, world.trainee.email.upper(), "correct-horse-battery")
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"] == world.trainee


def test_repeated_failed_logins_are_locked_out_even_with_the_right_password(client, world):
    for _ in range(5):
        login(client, world.trainee.email, "wrong password entirely")
    response = login(client, world.trainee.email, "correct-horse-battery")
    assert response.status_code in (200, 429)
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_message_does_not_reveal_whether_an_address_exists(client, world):
    for _ in range(6):
        unknown = login(client, "nobody@nhs.test", "wrong password entirely")
    for _ in range(6):
        known = login(client, world.trainee.email, "wrong password entirely")
    assert unknown.status_code == known.status_code
    assert ("Too many failed login attempts" in unknown.content.decode()) == (
        "Too many failed login attempts" in known.content.decode())


def test_a_password_reset_for_an_address_too_long_for_any_mailbox_is_refused_on_the_form(
        client, world):
    from clic.mail.models import OutboundEmail

    address = "a" * 250 + "@nhs.net"  # a valid form of address, longer than 254 characters

    response = client.post(reverse("account_reset_password"), {"email": address})

    assert response.status_code == 200
    assert "Enter an email address of 254 characters or fewer." in response.content.decode()
    assert not OutboundEmail.objects.exists()

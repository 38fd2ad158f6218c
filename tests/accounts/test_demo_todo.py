"""The demo leaves something on every to-do panel (issue 19, section 4), made through the
services: an open concern, an overdue meeting, projects waiting, leave waiting for a
decision, trainees below two reflective entries a week and a failed email."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from clic.accounts.models import User
from clic.mail.models import OutboundEmail
from tests.accounts.test_todo import panel

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.CLIC_MFA_ENFORCED = False


def _lines(client, login) -> list[str]:
    return list(panel(client, User.objects.get(email=f"{login}@clic.test")))


def test_the_demo_fills_every_to_do_panel(client):
    call_command("load_demo")
    (failed,) = OutboundEmail.objects.filter(status=OutboundEmail.Status.FAILED)
    assert failed.to_email == "es@clic.test" and failed.last_error.startswith("es@clic.test: 550")
    failed_line = "1 email could not be sent: check the address and send again"

    pd = _lines(client, "pd")
    assert failed_line in pd
    assert any(line.startswith("Decide Dr Amy Clarke's annual leave request") for line in pd)
    assert any("reflective entr" in line for line in pd)

    pa = _lines(client, "pa")
    assert failed_line in pa
    assert any(line.startswith("Decide ") for line in pa)
    assert not any("reflective" in line for line in pa)

    chair = _lines(client, "chair")
    assert chair == ["Concern about Dr Daniel Shah: Two project days missed without notice"]

    supervisor = _lines(client, "supervisor")
    assert "Concern about Dr Daniel Shah: Two project days missed without notice" in supervisor
    assert "Agree Dr Ben Okafor's project" in supervisor
    assert any(line.startswith("Meeting with the Project Lead to define the project with "
                               "Dr Ben Okafor is overdue") for line in supervisor)
    assert any("is overdue" in line for line in _lines(client, "lead"))
    client.force_login(User.objects.get(email="pd@clic.test"))
    assert client.get(reverse("mail_outbox") + "?status=failed").status_code == 200

"""The list of concerns sent to a person (issue 19, section 4): the Deputy Clinical Chair
(S15) had none; PDs (S14) and CCG Supervisors (S15) have theirs too."""

import pytest
from django.urls import reverse

from projects import services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.CLIC_MFA_ENFORCED = False


@pytest.fixture
def concerns(world):
    s14 = services.concern_raise(placement=world.placement, by=world.supervisor,
                                 summary="Missed project days", details="Three in a row")
    s15 = services.concern_raise(placement=world.placement, by=world.lead,
                                 summary="No data access", details="Blocked for weeks")
    return s14, s15


@pytest.mark.parametrize("who, listed", [
    ("chair", {"No data access"}),
    ("supervisor", {"No data access"}),
    ("pd", {"Missed project days"}),
])
def test_each_sees_the_concerns_the_sop_sent_them(client, world, concerns, who, listed):
    client.force_login(getattr(world, who))
    html = client.get(reverse("concerns_received")).content.decode()
    shown = {concern.summary for concern in concerns if concern.summary in html}
    assert shown == listed
    for concern in concerns:
        link = reverse("concern_detail", args=[world.placement.pk, concern.pk])
        assert (link in html) is (concern.summary in listed)
        if concern.summary in listed:  # and the concern opens for them
            assert client.get(link).status_code == 200
    assert reverse("trainee_page", args=[world.placement.pk]) in html


def test_the_deputy_chair_of_another_ccg_sees_none(client, world, concerns):
    from clic.accounts.models import Role
    from tests import factories
    from tests.fixtures.people import give_role

    other = give_role(factories.UserFactory(), Role.DEPUTY_CHAIR, factories.CCGFactory())
    client.force_login(other)
    html = client.get(reverse("concerns_received")).content.decode()
    assert "No concerns have been sent to you." in html
    assert "No data access" not in html


@pytest.mark.parametrize("who", ["trainee", "lead", "es", "pa", "ccg_admin"])
def test_people_who_are_sent_no_concerns_get_404(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse("concerns_received")).status_code == 404

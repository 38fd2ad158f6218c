import pytest
from django.urls import reverse

from clic.mail.models import OutboundEmail
from projects import services
from projects.models import Concern, ConcernNote

from .helpers import recipients

pytestmark = pytest.mark.django_db


def raise_concern(world, by):
    return services.concern_raise(placement=world.placement, by=by, summary="Missed two days",
                                  details="Not at the CCG on two project days, no message.")


def test_supervisors_concern_goes_to_the_pds_as_s14(client, world):
    client.force_login(world.supervisor)
    response = client.post(reverse("concern_raise", args=[world.placement.pk]), {
        "summary": "Missed two days", "details": "Not at the CCG on two project days."})
    assert response.status_code == 302
    concern = Concern.objects.get()
    assert concern.raised_as == Concern.RaisedAs.CCG_SUPERVISOR
    assert recipients("S14") == {"pd@nhs.test"}
    assert not OutboundEmail.objects.filter(code="S15").exists()
    email = OutboundEmail.objects.get(code="S14")
    assert "Not at the CCG" not in email.body_text  # the concern is read in the service


def test_project_leads_concern_goes_to_supervisor_and_deputy_chair_as_s15(world):
    concern = raise_concern(world, world.lead)
    assert concern.raised_as == Concern.RaisedAs.PROJECT_LEAD
    assert recipients("S15") == {"supervisor@nhs.test", "chair@nhs.test"}
    assert not OutboundEmail.objects.filter(code="S14").exists()


def test_concern_with_no_summary_is_refused(client, world):
    client.force_login(world.lead)
    response = client.post(reverse("concern_raise", args=[world.placement.pk]),
                           {"summary": "", "details": "Something"})
    assert "Enter a short summary of the concern." in response.content.decode()
    assert not Concern.objects.exists() and not OutboundEmail.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("trainee", 403), ("pd", 403), ("chair", 403),
                                             ("es", 404), ("ccg_admin", 404)])
def test_only_the_supervisor_or_lead_raises_a_concern(client, world, who, status):
    client.force_login(getattr(world, who))
    response = client.post(reverse("concern_raise", args=[world.placement.pk]),
                           {"summary": "x", "details": "y"})
    assert response.status_code == status
    assert not Concern.objects.exists()


@pytest.mark.parametrize("who", ["other_trainee", "other_ccg_supervisor", "ccg_admin",
                                 "other_ccg_admin", "pa", "es", "trainee", "other_pd"])
def test_concern_is_404_for_people_it_is_not_for(client, world, who):
    concern = raise_concern(world, world.supervisor)
    client.force_login(getattr(world, who))
    url = reverse("concern_detail", args=[world.placement.pk, concern.pk])
    assert client.get(url).status_code == 404
    listing = client.get(reverse("concerns", args=[world.placement.pk]))
    assert listing.status_code == 404 or "Missed two days" not in listing.content.decode()


def test_supervisors_concern_is_not_shown_to_the_project_lead_or_deputy_chair(client, world):
    concern = raise_concern(world, world.supervisor)
    for who in (world.lead, world.chair):
        client.force_login(who)
        url = reverse("concern_detail", args=[world.placement.pk, concern.pk])
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("who", ["lead", "supervisor", "chair", "pd"])
def test_leads_concern_is_seen_by_the_raiser_its_recipients_and_the_pd(client, world, who):
    concern = raise_concern(world, world.lead)
    client.force_login(getattr(world, who))
    response = client.get(reverse("concern_detail", args=[world.placement.pk, concern.pk]))
    assert response.status_code == 200
    assert "Not at the CCG on two project days" in response.content.decode()


def test_trainee_sees_a_concern_only_once_it_is_shared(client, world):
    concern = raise_concern(world, world.supervisor)
    url = reverse("concern_detail", args=[world.placement.pk, concern.pk])
    client.force_login(world.trainee)
    assert client.get(url).status_code == 404
    client.force_login(world.supervisor)
    client.post(reverse("concern_share", args=[world.placement.pk, concern.pk]), {"shared": "1"})
    client.force_login(world.trainee)
    response = client.get(url)
    assert response.status_code == 200
    assert "Update the concern" not in response.content.decode()
    assert client.post(url, {"status": "closed", "note": "Sorted"}).status_code == 403


def test_concern_moves_to_in_hand_then_closed_with_notes(client, world):
    concern = raise_concern(world, world.supervisor)
    client.force_login(world.pd)
    url = reverse("concern_detail", args=[world.placement.pk, concern.pk])
    client.post(url, {"status": "in_hand", "note": "Spoke to the trainee."})
    response = client.post(url, {"status": "closed", "note": ""})
    assert "Say how the concern was resolved before closing it." in response.content.decode()
    client.post(url, {"status": "closed", "note": "Attendance back to normal."})
    concern.refresh_from_db()
    assert concern.status == Concern.Status.CLOSED
    assert list(ConcernNote.objects.values_list("status", "text")) == [
        ("in_hand", "Spoke to the trainee."), ("closed", "Attendance back to normal.")]


def test_ccg_admin_cannot_open_the_concerns_page(client, world):
    raise_concern(world, world.lead)
    client.force_login(world.ccg_admin)
    assert client.get(reverse("concerns", args=[world.placement.pk])).status_code == 404


def test_trainee_has_a_concerns_tab_only_once_one_is_shared(client, world):
    concern = raise_concern(world, world.supervisor)
    client.force_login(world.trainee)
    project_page = reverse("project_detail", args=[world.placement.pk])
    assert reverse("concerns", args=[world.placement.pk]) not in client.get(
        project_page).content.decode()
    services.concern_share(concern=concern, by=world.pd, shared=True)
    assert reverse("concerns", args=[world.placement.pk]) in client.get(
        project_page).content.decode()

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clic.accounts.models import Organisation, User
from rotations.models import CohortChange
from trainees.models import Placement, Weekday
from trainees.services import placement_add

from ..rotations.helpers import recipients

pytestmark = pytest.mark.django_db


def _trainee_form(**overrides):
    data = {"name": "Dr New Trainee", "email": "new.trainee@nhs.test",
            "gp_practice": "Harbour Street Practice", "es_email": "es@nhs.test",
            "es_name": "", "ccg_supervisor_email": "supervisor@nhs.test",
            "ccg_supervisor_name": "", "project_lead_email": "", "project_lead_name": "",
            "project_day": Weekday.THURSDAY}
    data.update(overrides)
    return data


def test_pd_adds_a_trainee_one_by_one(client, world):
    client.force_login(world.pd)
    assert client.get(reverse("trainee_add", args=[world.cohort.pk])).status_code == 200
    response = client.post(reverse("trainee_add", args=[world.cohort.pk]), _trainee_form())
    assert response["Location"] == reverse("cohort_detail", args=[world.cohort.pk])
    placement = Placement.objects.get(trainee__email="new.trainee@nhs.test")
    assert placement.trainee.full_name == "Dr New Trainee"
    assert placement.educational_supervisor == world.es
    assert placement.ccg_supervisor == world.supervisor
    assert placement.project_lead is None
    assert Organisation.objects.filter(name="Harbour Street Practice",
                                       kind=Organisation.Kind.PRACTICE).exists()
    assert "new.trainee@nhs.test" in recipients("INVITE")
    assert world.cohort.changes.filter(action=CohortChange.Action.TRAINEE_ADDED).exists()
    assert not recipients("S2")  # a draft cohort tells no one yet


def test_a_wednesday_project_day_is_refused(client, world):
    client.force_login(world.pd)
    response = client.post(reverse("trainee_add", args=[world.cohort.pk]), _trainee_form(
        project_day=Weekday.WEDNESDAY, agreed_by_pd="on", agreed_by_es="on",
        agreed_by_supervisor="on"))
    assert "Wednesday is the teaching" in response.content.decode()
    assert not User.objects.filter(email="new.trainee@nhs.test").exists()


def test_a_non_thursday_day_needs_all_three_to_agree(client, world):
    client.force_login(world.pd)
    url = reverse("trainee_add", args=[world.cohort.pk])
    response = client.post(url, _trainee_form(project_day=Weekday.MONDAY, agreed_by_pd="on"))
    assert "needs the Programme Director, the Educational Supervisor and the CCG Supervisor" \
        in response.content.decode()
    assert not Placement.objects.filter(trainee__email="new.trainee@nhs.test").exists()
    client.post(url, _trainee_form(project_day=Weekday.MONDAY, agreed_by_pd="on",
                                   agreed_by_es="on", agreed_by_supervisor="on"))
    placement = Placement.objects.get(trainee__email="new.trainee@nhs.test")
    assert placement.project_day == Weekday.MONDAY and placement.project_day_is_agreed


def test_a_trainee_already_in_the_cohort_is_refused(client, world):
    client.force_login(world.pd)
    response = client.post(reverse("trainee_add", args=[world.cohort.pk]),
                           _trainee_form(email="TRAINEE@nhs.test"))
    assert "already a trainee in this cohort" in response.content.decode()
    assert Placement.objects.filter(cohort=world.cohort).count() == 1


def test_the_service_refuses_a_wednesday_too(world):
    with pytest.raises(ValidationError):
        placement_add(cohort=world.cohort, trainee=world.other_trainee, practice=world.practice,
                      educational_supervisor=world.es, ccg_supervisor=world.supervisor,
                      project_day=Weekday.WEDNESDAY, agreed_by_pd=True, agreed_by_es=True,
                      agreed_by_supervisor=True)
    assert not Placement.objects.filter(trainee=world.other_trainee, cohort=world.cohort).exists()


def test_placement_page_shows_the_people_and_project_day(client, published):
    client.force_login(published.supervisor)
    response = client.get(reverse("placement_detail", args=[published.placement.pk]))
    html = response.content.decode()
    assert html.count("<h1") == 1
    for text in (published.trainee.full_name, published.supervisor.email, published.lead.email,
                 published.es.full_name, "Thursday", "Meet CCG Supervisor to discuss"):
        assert text in html
    assert reverse("placement_edit", args=[published.placement.pk]) not in html


def test_pd_changes_the_project_day_on_the_placement_page(client, published):
    placement = published.placement
    client.force_login(published.pd)
    url = reverse("placement_edit", args=[placement.pk])
    assert client.get(url).status_code == 200
    data = {"practice": placement.practice_id,
            "educational_supervisor": placement.educational_supervisor_id,
            "ccg_supervisor": placement.ccg_supervisor_id,
            "project_lead": placement.project_lead_id, "project_day": Weekday.FRIDAY}
    response = client.post(url, data)
    assert "needs the Programme Director" in response.content.decode()
    response = client.post(url, {**data, "agreed_by_pd": "on", "agreed_by_es": "on",
                                 "agreed_by_supervisor": "on"})
    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.project_day == Weekday.FRIDAY
    assert placement.sessions.filter(date__week_day=6, status="scheduled").exists()  # Friday
    assert "trainee@nhs.test" in recipients("S10")
    change = published.cohort.changes.get(action=CohortChange.Action.PLACEMENT_EDITED)
    assert change.details["Project day"] == ["Thursday", "Friday"]


def test_saving_a_placement_unchanged_logs_and_sends_nothing(client, published):
    placement = published.placement
    client.force_login(published.pd)
    client.post(reverse("placement_edit", args=[placement.pk]), {
        "practice": placement.practice_id,
        "educational_supervisor": placement.educational_supervisor_id,
        "ccg_supervisor": placement.ccg_supervisor_id,
        "project_lead": placement.project_lead_id, "project_day": placement.project_day})
    assert not published.cohort.changes.filter(
        action=CohortChange.Action.PLACEMENT_EDITED).exists()
    assert not recipients("S10")


@pytest.mark.parametrize("who", ["ccg_admin", "chair", "supervisor", "lead"])
def test_ccg_people_see_only_the_ccg_days_on_the_placement_page(client, published, who):
    """docs/security.md: CCG people see a trainee's CCG days, not their Wednesdays at the deanery."""
    client.force_login(getattr(published, who))
    html = client.get(reverse("placement_detail", args=[published.placement.pk])).content.decode()
    assert "Meet CCG Supervisor to discuss" in html
    assert "Action learning set" not in html


@pytest.mark.parametrize("who", ["trainee", "es", "pa", "pd"])
def test_the_trainee_es_and_programme_see_the_whole_timetable(client, published, who):
    client.force_login(getattr(published, who))
    html = client.get(reverse("placement_detail", args=[published.placement.pk])).content.decode()
    assert "Meet CCG Supervisor to discuss" in html and "Action learning set" in html


@pytest.mark.parametrize("field", ["email", "es_email", "ccg_supervisor_email",
                                   "project_lead_email"])
def test_an_address_longer_than_any_mailbox_is_refused_on_the_form(client, world, field):
    client.force_login(world.pd)
    people = User.objects.count()
    response = client.post(reverse("trainee_add", args=[world.cohort.pk]),
                           _trainee_form(**{field: "a" * 250 + "@nhs.net"}))
    assert response.status_code == 200
    assert "Enter an email address of 254 characters or fewer." in response.content.decode()
    assert User.objects.count() == people
    assert not Placement.objects.filter(cohort=world.cohort, trainee__full_name="Dr New Trainee"
                                        ).exists()

"""Every absences page needs a login and the right person: others get 404, never data."""

import pytest
from django.urls import reverse

from absences import services
from absences.models import Absence

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports(live):
    trainee = live.world.trainee
    sickness = services.absence_report(placement=live.placement, kind=Absence.Kind.SICKNESS,
                                       first_day=live.project_day(), last_day=live.project_day(),
                                       note="Private note", reported_by=trainee)
    other_day = live.other_day()
    monday = services.absence_report(placement=live.placement, kind=Absence.Kind.SICKNESS,
                                     first_day=other_day, last_day=other_day, reported_by=trainee)
    open_one = services.absence_report(
        placement=live.placement, kind=Absence.Kind.SICKNESS,
        first_day=live.other_day(near=live.today + live.today.resolution * 5), last_day=None,
        reported_by=live.world.pd)
    leave_day = live.other_day(near=live.today + live.today.resolution * 30)
    leave = services.absence_report(placement=live.placement, kind=Absence.Kind.ANNUAL_LEAVE,
                                    first_day=leave_day, last_day=leave_day, reported_by=trainee)
    return {"sickness": sickness, "monday": monday, "open": open_one, "leave": leave}


def _absence_urls(reports):
    return [reverse(name, args=[reports[key].pk]) for name, key in [
        ("absences:detail", "sickness"), ("absences:change", "sickness"),
        ("absences:withdraw", "sickness"), ("absences:back", "open"),
        ("absences:decide", "leave")]]


def test_anonymous_is_sent_to_login_everywhere(client, live, reports):
    urls = _absence_urls(reports) + [
        reverse(name) for name in ("absences:mine", "absences:start", "absences:programme",
                                   "absences:ccg", "absences:ccg_register")]
    urls.append(reverse("absences:report", args=[live.placement.pk, "sickness"]))
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("who", ["other_trainee", "other_ccg_admin", "other_ccg_supervisor",
                                 "other_pd", "es"])
def test_outsiders_get_404_on_every_report_page(client, live, reports, who):
    client.force_login(getattr(live.world, who))
    for url in _absence_urls(reports):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"decision": "approve", "last_day": "2026-01-01"}).status_code == 404
    assert Absence.objects.filter(state=Absence.State.WITHDRAWN).count() == 0


def test_a_trainee_editing_the_url_to_report_for_someone_else_gets_404(client, live):
    from tests import factories

    stranger = factories.PlacementFactory(cohort=live.cohort)
    client.force_login(live.world.trainee)
    url = reverse("absences:report", args=[stranger.pk, "sickness"])
    day = live.today.isoformat()
    assert client.get(url).status_code == 404
    assert client.post(url, {"first_day": day, "last_day": day, "part": "day",
                             "confirm": "1"}).status_code == 404
    assert client.get(reverse("absences:start") + f"?placement={stranger.pk}").status_code == 404
    assert not Absence.objects.exists()


def test_ccg_people_see_ccg_days_in_one_word_and_nothing_else(client, live, reports):
    for who in ("ccg_admin", "chair", "supervisor", "lead"):
        client.force_login(getattr(live.world, who))
        content = client.get(reverse("absences:detail", args=[reports["sickness"].pk])
                             ).content.decode()
        assert "Sickness" in content
        assert "Private note" not in content and "Emails this report caused" not in content
        assert client.get(reverse("absences:detail", args=[reports["monday"].pk])
                          ).status_code == 404
        assert client.get(reverse("absences:change", args=[reports["sickness"].pk])
                          ).status_code == 404


def test_trainee_and_managers_see_the_note_and_the_emails(client, live, reports):
    for who in ("trainee", "pa", "pd"):
        client.force_login(getattr(live.world, who))
        content = client.get(reverse("absences:detail", args=[reports["sickness"].pk])
                             ).content.decode()
        assert "Private note" in content and "supervisor@nhs.test" in content


def test_only_managers_decide(client, live, reports):
    url = reverse("absences:decide", args=[reports["leave"].pk])
    for who in ("trainee", "supervisor", "ccg_admin"):
        client.force_login(getattr(live.world, who))
        assert client.get(url).status_code == 404
    client.force_login(live.world.pd)
    assert client.get(url).status_code == 200


def test_dashboards_belong_to_their_roles(client, live, reports):
    for who in ("trainee", "supervisor", "es", "pa"):
        client.force_login(getattr(live.world, who))
        assert client.get(reverse("absences:ccg")).status_code == 404
        assert client.get(reverse("absences:ccg_register")).status_code == 404
    for who in ("trainee", "supervisor", "ccg_admin", "es"):
        client.force_login(getattr(live.world, who))
        assert client.get(reverse("absences:programme")).status_code == 404


def test_another_ccgs_admin_sees_none_of_our_trainees(client, live, reports):
    client.force_login(live.world.other_ccg_admin)
    content = client.get(reverse("absences:ccg")).content.decode()
    assert live.world.trainee.full_name not in content
    assert client.get(reverse("absences:ccg") + f"?cohort={live.cohort.pk}").status_code == 404
    csv = client.get(reverse("absences:ccg_register")).content.decode()
    assert live.world.trainee.full_name not in csv


def test_another_programmes_pd_sees_none_of_our_absences(client, live, reports):
    client.force_login(live.world.other_pd)
    content = client.get(reverse("absences:programme")).content.decode()
    assert live.world.trainee.full_name not in content


def test_pd_view_links_to_recording_for_each_trainee(client, live):
    client.force_login(live.world.pd)
    content = client.get(reverse("absences:programme")).content.decode()
    link = reverse("absences:start") + f"?placement={live.placement.pk}"
    assert link in content
    assert "Dr Trainee" in client.get(link).content.decode()

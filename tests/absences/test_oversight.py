"""What PDs, PAs, supervisors and leads see of absences beyond the reports themselves
(issue 19, section 4): the programme's CSV, supervisors' and leads' CCG-day list, the CCG
admin's way in to recording, and the decision page's warning about mandatory teaching."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from absences import services
from absences.models import Absence
from clic.audit.models import AuditEvent
from rotations.models import Session
from rotations.services import session_update
from tests.absences.conftest import MON, TUE, WED, week_day

pytestmark = pytest.mark.django_db


def _sickness(live, first, last=None):
    return services.absence_report(placement=live.placement, kind=Absence.Kind.SICKNESS,
                                   first_day=first, last_day=last or first,
                                   note="Gastroenteritis", reported_by=live.world.trainee)


def _rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


@pytest.mark.parametrize("who", ["pd", "pa"])
def test_programme_absences_download_as_csv_without_notes(client, live, who):
    project_day = live.project_day()
    other = live.other_day(near=live.today - datetime.timedelta(days=10))
    _sickness(live, project_day)
    _sickness(live, other)
    client.force_login(getattr(live.world, who))
    page = client.get(reverse("absences:programme")).content.decode()
    assert reverse("absences:programme_csv") in page
    response = client.get(reverse("absences:programme_csv"))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _rows(response)
    assert {(r["Date"], r["Absence"], r["CCG project day"]) for r in rows} == {
        (project_day.isoformat(), "Sickness", "yes"), (other.isoformat(), "Sickness", "no")}
    assert all(r["Trainee"] == "Dr Trainee" for r in rows)
    assert "Gastroenteritis" not in response.content.decode()
    assert AuditEvent.objects.filter(actor=getattr(live.world, who),
                                     summary="Programme absences exported as CSV").exists()


def test_the_csv_follows_the_pages_filters(client, live):
    _sickness(live, live.project_day())
    day = live.other_day(near=live.today + datetime.timedelta(days=20))
    services.absence_report(placement=live.placement, kind=Absence.Kind.ANNUAL_LEAVE,
                            first_day=day, last_day=day, reported_by=live.world.trainee)
    client.force_login(live.world.pd)
    page = client.get(reverse("absences:programme") + "?kind=annual_leave").content.decode()
    assert reverse("absences:programme_csv") + "?kind=annual_leave" in page
    rows = _rows(client.get(reverse("absences:programme_csv") + "?kind=annual_leave"))
    assert [(r["Date"], r["Absence"], r["State"]) for r in rows] == [
        (day.isoformat(), "Annual leave", "Waiting for a decision")]


@pytest.mark.parametrize("who", ["trainee", "supervisor", "ccg_admin"])
def test_the_csv_is_for_pds_and_pas_only(client, live, who):
    client.force_login(getattr(live.world, who))
    assert client.get(reverse("absences:programme_csv")).status_code == 404


def test_another_programmes_pd_exports_none_of_our_absences(client, live):
    _sickness(live, live.project_day())
    client.force_login(live.world.other_pd)
    response = client.get(reverse("absences:programme_csv"))
    assert response.status_code == 200 and _rows(response) == []


@pytest.mark.parametrize("who", ["supervisor", "lead"])
def test_supervisors_and_leads_see_their_trainees_ccg_day_absences_in_one_word(client, live,
                                                                                who):
    project_day = live.project_day()
    _sickness(live, project_day)
    _sickness(live, live.other_day(near=live.today - datetime.timedelta(days=10)))
    client.force_login(getattr(live.world, who))
    home = client.get(reverse("home")).content.decode()
    assert reverse("absences:supervised") in home
    page = client.get(reverse("absences:supervised")).content.decode()
    assert f"{project_day:%A} {project_day.day} {project_day:%B %Y}" in page
    assert "Dr Trainee" in page and "sickness" in page
    assert page.count('<tr class="nhsuk-table__row">') == 2  # a header row and the one day
    assert "Gastroenteritis" not in page


def test_another_ccgs_supervisor_sees_none_of_our_trainees(client, live):
    _sickness(live, live.project_day())
    client.force_login(live.world.other_ccg_supervisor)
    assert "Dr Trainee" not in client.get(reverse("absences:supervised")).content.decode()


@pytest.mark.parametrize("who", ["trainee", "ccg_admin", "pa"])
def test_the_supervisors_page_is_not_for_other_roles(client, live, who):
    client.force_login(getattr(live.world, who))
    assert client.get(reverse("absences:supervised")).status_code == 404


def test_the_ccg_dashboard_offers_ccg_admin_to_record_a_mailbox_sickness(client, live):
    client.force_login(live.world.ccg_admin)
    page = client.get(reverse("absences:ccg")).content.decode()
    assert reverse("absences:report", args=[live.placement.pk, "sickness"]) in page
    client.force_login(live.world.chair)
    page = client.get(reverse("absences:ccg")).content.decode()
    assert reverse("absences:report", args=[live.placement.pk, "sickness"]) not in page


def _leave(rotation, first, last=None):
    return services.absence_report(placement=rotation.placement, kind=Absence.Kind.ANNUAL_LEAVE,
                                   first_day=first, last_day=last or first,
                                   reported_by=rotation.world.pa)


def _decide_page(client, rotation, absence) -> str:
    client.force_login(rotation.world.pd)
    return client.get(reverse("absences:decide", args=[absence.pk])).content.decode()


def test_the_decision_page_warns_when_leave_covers_wednesday_teaching(client, rotation):
    absence = _leave(rotation, week_day(8, MON), week_day(8, WED))
    page = _decide_page(client, rotation, absence)
    assert "This leave covers mandatory teaching" in page
    teaching = Session.objects.filter(cohort=rotation.cohort, date=week_day(8, WED),
                                      placement__isnull=True).exclude(kind=Session.Kind.PROJECT)
    assert teaching.exists()
    for session in teaching:
        assert session.title in page


def test_the_decision_page_does_not_warn_for_leave_without_teaching(client, rotation):
    absence = _leave(rotation, week_day(9, MON), week_day(9, TUE))
    assert "mandatory teaching" not in _decide_page(client, rotation, absence)


def test_the_warning_reads_the_cohorts_teaching_day_not_a_weekday(client, rotation):
    """Another programme teaches on Tuesdays: the warning follows the timetable."""
    for session in Session.objects.filter(cohort=rotation.cohort, date=week_day(10, WED),
                                          placement__isnull=True):
        session_update(session=session, by=rotation.world.pd, kind=session.kind,
                       title=session.title, date=week_day(10, TUE),
                       start_time=session.start_time, end_time=session.end_time,
                       venue=session.venue, facilitator=session.facilitator)
    tuesday = _leave(rotation, week_day(10, TUE))
    assert "This leave covers mandatory teaching" in _decide_page(client, rotation, tuesday)
    wednesday = _leave(rotation, week_day(10, WED))
    assert "mandatory teaching" not in _decide_page(client, rotation, wednesday)

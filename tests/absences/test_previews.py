"""Every path in absences that sends email names its recipients first, and the addresses the
page names are exactly the addresses the outbox then gets (issue 19, section 2)."""

import datetime
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from absences import services
from absences.models import Absence, AbsenceEvent
from clic.audit.models import AuditEvent
from clic.mail.models import OutboundEmail

pytestmark = pytest.mark.django_db

ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
CCG_PEOPLE = {"supervisor@nhs.test", "lead@nhs.test", "ekccgs.quality@nhs.net"}
PROGRAMME_PEOPLE = {"pa@nhs.test", "pd@nhs.test"}


def _shown(response) -> set[str]:
    """The addresses a page says will be emailed now (not those of a later, possible email)."""
    content = response.content.decode()
    told = re.search(r'<ul class="nhsuk-list clic-told">(.*?)</ul>', content, re.S)
    assert told, "the page names nobody"
    items = re.findall(r"<li( class=\"clic-told__later\")?>(.*?)</li>", told.group(1), re.S)
    return {address for later, text in items if not later for address in ADDRESS.findall(text)}


def _newest_id() -> int:
    return OutboundEmail.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _sent_since(first_id: int) -> set[str]:
    return set(OutboundEmail.objects.filter(
        id__gt=first_id, content_type=ContentType.objects.get_for_model(Absence))
        .values_list("to_email", flat=True))


def _report_url(live, slug="sickness"):
    return reverse("absences:report", args=[live.placement.pk, slug])


OPEN = None  # a sickness whose last day is not known yet


def _days(first, last="same", part="day"):
    last = first if last == "same" else last
    return {"first_day": first.isoformat(), "last_day": last.isoformat() if last else "",
            "part": part}


def _other_day_before(live, day):
    """A rotation weekday before `day` that is not a CCG project day nor a bank holiday."""
    for back in range(1, 10):
        candidate = live.other_day(near=day - datetime.timedelta(days=back))
        if candidate < day:
            return candidate
    raise AssertionError("no ordinary day before " + str(day))


def _sickness(live, first, last):
    return services.absence_report(placement=live.placement, kind=Absence.Kind.SICKNESS,
                                   first_day=first, last_day=last,
                                   reported_by=live.world.trainee)


def _preview_then_confirm(client, url, data):
    before = _newest_id()
    preview = client.post(url, {**data, "preview": "1"})
    shown = _shown(preview)
    assert _newest_id() == before, "the preview sent something"
    token = re.search(r'name="submission" value="([^"]+)"', preview.content.decode())
    extra = {"submission": token.group(1)} if token else {}
    response = client.post(url, {**data, **extra, "confirm": "1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    return shown, _sent_since(before)


def test_report_names_exactly_whom_it_sends_to(client, live):
    client.force_login(live.world.trainee)
    day = live.project_day()
    shown, sent = _preview_then_confirm(client, _report_url(live), _days(day))
    assert shown == sent == CCG_PEOPLE


def test_a_leave_request_names_exactly_whom_it_sends_to(client, live):
    client.force_login(live.world.trainee)
    day = live.other_day(near=live.today + datetime.timedelta(days=20))
    shown, sent = _preview_then_confirm(client, _report_url(live, "annual-leave"), _days(day))
    assert shown == sent == {"supervisor@nhs.test", "lead@nhs.test"} | PROGRAMME_PEOPLE


def test_a_pa_recording_for_the_trainee_names_exactly_whom_it_sends_to(client, live):
    client.force_login(live.world.pa)
    day = live.other_day(near=live.today - datetime.timedelta(days=20))
    shown, sent = _preview_then_confirm(client, _report_url(live), _days(day))
    assert shown == sent == PROGRAMME_PEOPLE


def test_a_change_names_the_people_told_and_those_told_for_the_first_time(client, live):
    client.force_login(live.world.trainee)
    project_day = live.project_day()
    other = _other_day_before(live, project_day)
    absence = _sickness(live, other, other)
    url = reverse("absences:change", args=[absence.pk])
    shown, sent = _preview_then_confirm(client, url, _days(other, project_day))
    # The CCG is told of its project day for the first time (the PA and PD hear of the change
    # only if the other days they were told of changed too).
    assert shown == sent and sent >= CCG_PEOPLE
    absence.refresh_from_db()
    # A second change moves the first day: the PA and PD hear of their days' change; the
    # CCG's day is as it was, so the CCG is not told again.
    shown, sent = _preview_then_confirm(client, url, _days(_other_day_before(live, other),
                                                           project_day))
    assert shown == sent == PROGRAMME_PEOPLE


def test_im_back_names_the_ccg_when_the_last_day_covered_a_project_day(client, live, clock):
    """The issue's case: "I'm back" on an open-ended sickness said only the PA and PDs would
    be told, then also sent S5 to the supervisor, lead and CCG mailbox."""
    project_day = live.project_day()
    first = _other_day_before(live, project_day)
    clock.set(first)
    absence = _sickness(live, first, OPEN)
    assert absence.notified_codes == ["S6"]
    clock.set(live.today)
    client.force_login(live.world.trainee)
    url = reverse("absences:back", args=[absence.pk])
    shown, sent = _preview_then_confirm(client, url, {"last_day": project_day.isoformat()})
    assert shown == sent == PROGRAMME_PEOPLE | CCG_PEOPLE
    absence.refresh_from_db()
    assert absence.last_day == project_day and absence.notified_codes == ["S5", "S6"]


def test_open_ended_sickness_preview_names_the_ccg_for_later(client, live):
    client.force_login(live.world.trainee)
    day = live.other_day(near=live.today)
    response = client.post(_report_url(live), {**_days(day, OPEN), "preview": "1"})
    content = " ".join(response.content.decode().split())
    later = re.search(r'<li class="clic-told__later">(.*?)</li>', content)
    assert later, "the preview does not say who is told later"
    assert "If still off sick on a CCG project day:" in later.group(1)
    assert "will be emailed on the morning of that day" in later.group(1)
    assert set(ADDRESS.findall(later.group(1))) == CCG_PEOPLE
    # Now: only the people of the days it covers so far.
    before = _newest_id()
    client.post(_report_url(live), {**_days(day, OPEN), "confirm": "1"})
    assert _sent_since(before) == _shown(response) == PROGRAMME_PEOPLE


def test_withdrawing_names_exactly_whom_it_tells(client, live):
    client.force_login(live.world.trainee)
    project_day = live.project_day()
    other = _other_day_before(live, project_day)
    absence = _sickness(live, other, project_day)
    url = reverse("absences:withdraw", args=[absence.pk])
    shown = _shown(client.get(url))
    before = _newest_id()
    client.post(url)
    assert shown == _sent_since(before) == PROGRAMME_PEOPLE | CCG_PEOPLE


@pytest.mark.parametrize("decider", ["pd", "pa"])
def test_a_leave_decision_names_and_reaches_everyone_told_of_the_request(client, live, decider):
    day = live.other_day(near=live.today + datetime.timedelta(days=20))
    absence = services.absence_report(placement=live.placement, kind=Absence.Kind.ANNUAL_LEAVE,
                                      first_day=day, last_day=day,
                                      reported_by=live.world.trainee)
    told_of_request = {e for e in _sent_since(0)}
    client.force_login(getattr(live.world, decider))
    url = reverse("absences:decide", args=[absence.pk])
    shown = _shown(client.get(url))
    before = _newest_id()
    client.post(url, {"decision": "approve", "comment": ""})
    sent = _sent_since(before)
    assert shown == sent == told_of_request | {"trainee@nhs.test"}
    to_supervisor = OutboundEmail.objects.get(id__gt=before, to_email="supervisor@nhs.test")
    assert to_supervisor.subject == "Dr Trainee's annual leave request is approved"


def test_the_pa_decides_on_the_pds_behalf_and_the_pages_say_so(client, live):
    day = live.other_day(near=live.today + datetime.timedelta(days=20))
    absence = services.absence_report(placement=live.placement, kind=Absence.Kind.STUDY_LEAVE,
                                      first_day=day, last_day=day,
                                      reported_by=live.world.trainee)
    client.force_login(live.world.pa)
    detail = client.get(reverse("absences:detail", args=[absence.pk])).content.decode()
    assert "Decide on the Programme Directors' behalf" in detail
    page = client.get(reverse("absences:decide", args=[absence.pk])).content.decode()
    assert "you decide on the Programme Directors' behalf" in page
    client.post(reverse("absences:decide", args=[absence.pk]), {"decision": "approve"})
    event = AbsenceEvent.objects.get(absence=absence, action=AbsenceEvent.Action.APPROVED)
    assert "on behalf of the Programme Directors" in event.summary
    client.force_login(live.world.pd)
    detail = client.get(reverse("absences:detail", args=[absence.pk])).content.decode()
    assert "Decide on the Programme Directors' behalf" not in detail
    page = client.get(reverse("absences:decide", args=[absence.pk])).content.decode()
    assert "on the Programme Directors' behalf" not in page


def test_ccg_admin_records_a_project_day_sickness_from_the_mailbox(client, live):
    day = live.project_day()
    client.force_login(live.world.ccg_admin)
    form = client.get(_report_url(live)).content.decode()
    assert 'name="note"' not in form
    assert "For a CCG project day" in form and "For any other day" not in form
    shown, sent = _preview_then_confirm(client, _report_url(live), _days(day))
    assert shown == sent == CCG_PEOPLE
    absence = Absence.objects.get()
    assert absence.reported_by == live.world.ccg_admin and absence.note == ""
    assert "from an email to the CCG admin mailbox" in absence.events.get().summary
    audit = AuditEvent.objects.get(object_type="absence", object_id=absence.pk,
                                   action=AuditEvent.Action.CREATED)
    assert audit.actor == live.world.ccg_admin and "on the trainee's behalf" in audit.summary
    # The CCG admin then sees the report as CCG people do: the CCG days, in one word.
    detail = client.get(reverse("absences:detail", args=[absence.pk])).content.decode()
    assert "Sickness" in detail and "Dates" not in detail


def test_ccg_admin_cannot_record_other_days_or_other_kinds(client, live):
    client.force_login(live.world.ccg_admin)
    other = live.other_day(near=live.today)
    response = client.post(_report_url(live), {**_days(other), "preview": "1"})
    assert "is not one of Dr Trainee&#x27;s CCG project days" in response.content.decode()
    response = client.post(_report_url(live), {**_days(live.project_day(), OPEN), "preview": "1"})
    assert "Enter the last day off sick" in response.content.decode()
    assert client.get(_report_url(live, "annual-leave")).status_code == 404
    assert client.get(reverse("absences:start") + f"?placement={live.placement.pk}"
                      ).status_code == 404
    assert not Absence.objects.exists()


def test_another_ccgs_admin_cannot_record_for_our_trainee(client, live):
    client.force_login(live.world.other_ccg_admin)
    assert client.get(_report_url(live)).status_code == 404
    assert client.post(_report_url(live), {**_days(live.project_day()), "confirm": "1"}
                       ).status_code == 404
    assert not Absence.objects.exists()

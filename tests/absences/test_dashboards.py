"""The CCG admin dashboard, the PD/PA view, the diary and feed overlay, and the health-data
rule: a note or reason never reaches an email or a CCG page."""

import contextlib
import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from absences import services
from absences.exporters import feed_events
from absences.models import Absence
from absences.selectors import absences_visible_to, diary_entries
from clic.accounts.models import Role
from clic.mail.models import OutboundEmail
from rotations.models import Session
from rotations.services import cohort_publish
from tests import factories
from tests.fixtures.people import give_role

pytestmark = pytest.mark.django_db

SECRET = "Gastroenteritis after the hospital party"


def _ccg_cohort(size: int, world):
    """A CCG with its admin, and a published cohort of `size` trainees in week 6, each with
    a sickness on a CCG day, a sickness on another day and approved leave."""
    ccg = factories.CCGFactory()
    admin = give_role(factories.UserFactory(), Role.CCG_ADMIN, ccg)
    cohort = factories.CohortFactory(programme=world.programme, ccg=ccg, directors=[world.pd])
    placements = [factories.PlacementFactory(cohort=cohort) for _ in range(size)]
    cohort_publish(cohort=cohort, by=world.pd)
    today = timezone.localdate()
    for placement in placements:
        project = (Session.objects.filter(placement=placement, date__lte=today)
                   .exclude(kind=Session.Kind.BANK_HOLIDAY).order_by("-date").first().date)
        services.absence_report(placement=placement, kind=Absence.Kind.SICKNESS, first_day=project,
                                last_day=project, note=SECRET, reported_by=placement.trainee)
        monday = project - datetime.timedelta(days=3)
        with contextlib.suppress(services.AbsenceRefused):  # a bank holiday Monday
            services.absence_report(placement=placement, kind=Absence.Kind.SICKNESS,
                                    first_day=monday, last_day=monday, reported_by=world.pd)
        leave = services.absence_report(
            placement=placement, kind=Absence.Kind.ANNUAL_LEAVE,
            first_day=project + datetime.timedelta(weeks=2),
            last_day=project + datetime.timedelta(weeks=2, days=1), reported_by=placement.trainee)
        services.leave_decide(absence=leave, approve=True, comment="", decided_by=world.pd)
    return admin, cohort, placements


def _queries(client, user, url):
    client.force_login(user)
    client.get(url)  # warm the per-process caches (content types, sessions)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode(), [q["sql"] for q in queries]


def test_ccg_dashboard_query_count_is_the_same_for_2_and_6_trainees(client, world):
    small_admin, _, small = _ccg_cohort(2, world)
    large_admin, _, large = _ccg_cohort(6, world)
    small_count, small_page, small_sql = _queries(client, small_admin, reverse("absences:ccg"))
    large_count, large_page, large_sql = _queries(client, large_admin, reverse("absences:ccg"))
    assert small_count == large_count, "\n".join(large_sql if large_count > small_count
                                                  else small_sql)
    for placement in large:
        assert placement.trainee.full_name in large_page
    assert small[0].trainee.full_name in small_page


def test_programme_view_query_count_is_the_same_for_2_and_6_trainees(client, world):
    _ccg_cohort(2, world)
    small_count, _, small_sql = _queries(client, world.pd, reverse("absences:programme"))
    _ccg_cohort(4, world)
    large_count, page, large_sql = _queries(client, world.pd, reverse("absences:programme"))
    assert small_count == large_count, "\n".join(large_sql)
    assert page.count("Sickness") >= 6


def test_ccg_dashboard_shows_who_is_away_in_one_word(client, world):
    admin, cohort, placements = _ccg_cohort(2, world)
    client.force_login(admin)
    content = client.get(reverse("absences:ccg")).content.decode()
    assert "sickness" in content and "leave" in content
    assert SECRET not in content
    assert "clic-absence-chart__bar--100" in content  # the worst week's bar is full width
    assert 'scope="row"' in content and "style=" not in content
    assert content.count("<h1") == 1
    for placement in placements:
        assert placement.trainee.full_name in content


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "2026-13", "x"])
def test_ccg_dashboard_ignores_a_month_it_cannot_show(client, world, month):
    client.force_login(world.ccg_admin)
    shown = client.get(reverse("absences:ccg")).context["dashboard"].month
    response = client.get(reverse("absences:ccg"), {"month": month})
    assert response.status_code == 200
    assert response.context["dashboard"].month == shown
    assert f"CCG diary: {shown:%B %Y}</h2>" in response.content.decode()


@pytest.mark.parametrize("number", ["²", "①"])
def test_a_digit_int_cannot_read_is_not_an_id(client, world, number):
    """str.isdigit() accepts '²', which int() refuses: treated as no id at all."""
    client.force_login(world.ccg_admin)
    assert client.get(reverse("absences:ccg"), {"cohort": number}).status_code == 200
    client.force_login(world.pd)
    response = client.get(reverse("absences:start"), {"placement": number})
    assert response.status_code == 302  # a PD with no placement of their own: the overview


def test_ccg_diary_cell_marks_halves_bank_holidays_and_today_and_escapes_names():
    from django.template import Context, Template

    from absences.dashboard import DiaryCell

    def ccg_diary_cell(cell, today):
        return Template("{% load absences_tags %}{% ccg_diary_cell cell today %}").render(
            Context({"cell": cell, "today": today}))

    day = datetime.date(2026, 12, 28)
    cell = DiaryCell(date=day, in_month=False, bank_holiday="Boxing Day (substitute day)",
                     people=[("Dr <A>", "am", ""), ("Dr B", "pm", "Away"), ("Dr C", "day", "")])

    assert ccg_diary_cell(cell, today=day) == (
        '<td class="nhsuk-table__cell clic-absence-diary__cell--other-month '
        'clic-absence-diary__cell--today"><span class="clic-absence-diary__date">28 Dec</span>'
        '<br><strong class="nhsuk-tag nhsuk-tag--grey">Bank holiday</strong>'
        '<ul class="nhsuk-list nhsuk-u-margin-bottom-0 nhsuk-body-s"><li>Dr &lt;A&gt; (am)</li>'
        '<li>Dr B (pm) <strong class="nhsuk-tag nhsuk-tag--orange">Away</strong></li>'
        "<li>Dr C</li></ul></td>")
    assert ccg_diary_cell(DiaryCell(date=day, in_month=True), today=None) == (
        '<td class="nhsuk-table__cell"><span class="clic-absence-diary__date">28 Dec</span></td>')


def test_ccg_dashboard_month_steps_across_the_year_end(world):
    from absences.dashboard import ccg_dashboard

    admin, _, _ = _ccg_cohort(1, world)
    december = ccg_dashboard(admin, month=datetime.date(2026, 12, 17))
    assert december.month == datetime.date(2026, 12, 1)
    assert december.previous_month == datetime.date(2026, 11, 1)
    assert december.next_month == datetime.date(2027, 1, 1)
    # The grid runs Monday to Friday from the week of the 1st (a Tuesday) to the week of the
    # 31st (a Thursday).
    assert december.diary[0][0].date == datetime.date(2026, 11, 30)
    assert december.diary[-1][-1].date == datetime.date(2027, 1, 1)
    january = ccg_dashboard(admin, month=datetime.date(2027, 1, 1))
    assert january.previous_month == datetime.date(2026, 12, 1)
    # 31 January 2027 is a Sunday: the grid ends on the Friday before it.
    assert january.diary[-1][-1].date == datetime.date(2027, 1, 29)


def test_ccg_totals_count_only_ccg_days(world):
    from absences.dashboard import ccg_dashboard

    admin, cohort, placements = _ccg_cohort(2, world)
    dashboard = ccg_dashboard(admin)
    assert dashboard.cohort == cohort
    for row in dashboard.trainees:
        # one CCG-day sickness; the Monday sickness is not a CCG day; the leave is two
        # days of which one (the Thursday two weeks on) is a CCG day.
        assert row.ccg_days_absent == 2.0
        assert row.episodes == 2
        assert row.by_word == {"sickness": 1.0, "leave": 1.0}
    assert sum(week.absent for week in dashboard.weeks) == 4.0


def test_ccg_register_csv_has_ccg_days_and_no_reasons(client, world):
    admin, cohort, placements = _ccg_cohort(2, world)
    client.force_login(admin)
    response = client.get(reverse("absences:ccg_register"))
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().strip().splitlines()
    assert lines[0] == "Trainee,Cohort,Date,Part of day,Absence,State,Reported on"
    assert len(lines) == 1 + 2 * 2
    assert SECRET not in response.content.decode()


def test_a_note_never_reaches_an_email_or_a_ccg_page(client, live):
    services.absence_report(placement=live.placement, kind=Absence.Kind.SICKNESS,
                            first_day=live.project_day(), last_day=live.project_day(),
                            note=SECRET, reported_by=live.world.trainee)
    absence = Absence.objects.get()
    services.absence_update(absence=absence, first_day=absence.first_day,
                            last_day=absence.last_day, part="am", note=SECRET + " (still)",
                            changed_by=live.world.trainee)
    services.absence_withdraw(absence=absence, withdrawn_by=live.world.trainee)
    services.absence_report(placement=live.placement, kind=Absence.Kind.SICKNESS,
                            first_day=live.project_day(), last_day=live.project_day(),
                            note=SECRET, reported_by=live.world.trainee)
    emails = OutboundEmail.objects.all()
    assert emails.filter(code__in=["S5", "ABS-SICK-CHANGED", "ABS-SICK-WITHDRAWN"]).count() >= 9
    for email in emails:
        assert "Gastroenteritis" not in email.subject + email.body_text + email.body_html
    for who in ("ccg_admin", "chair"):
        client.force_login(getattr(live.world, who))
        for url in (reverse("absences:ccg"), reverse("absences:ccg_register"),
                    reverse("absences:detail", args=[Absence.objects.latest("pk").pk]),
                    reverse("home")):
            assert "Gastroenteritis" not in client.get(url).content.decode(), url


def test_feed_and_diary_say_sickness_only_to_the_trainee_pa_and_pd(live):
    day = live.project_day()
    services.absence_report(placement=live.placement, kind=Absence.Kind.SICKNESS, first_day=day,
                            last_day=day, note=SECRET, reported_by=live.world.trainee)
    start, end = day - datetime.timedelta(days=7), day + datetime.timedelta(days=7)
    for who in ("trainee", "pa", "pd"):
        user = getattr(live.world, who)
        [item] = absences_visible_to(user, start, end, live.today)
        assert item.title == "Sickness absence" and item.note == SECRET
        assert "Sickness absence" in feed_events(user, start, end)[0].summary
    for who in ("supervisor", "lead", "ccg_admin", "chair"):
        user = getattr(live.world, who)
        [item] = absences_visible_to(user, start, end, live.today)
        assert item.title == "Absent" and item.word == "sickness" and item.note == ""
        summaries = [event.summary for event in feed_events(user, start, end)]
        assert summaries == [f"{live.world.trainee.full_name}: Absent"]
        assert [entry.title for entry in diary_entries(user, start, end)] == ["Absent"]
    for who in ("es", "other_trainee", "other_ccg_admin", "other_pd"):
        assert absences_visible_to(getattr(live.world, who), start, end,
                                   live.today) == []


def test_leave_is_in_the_feed_once_approved(live):
    day = live.other_day(near=live.today + datetime.timedelta(days=20))
    leave = services.absence_report(placement=live.placement, kind=Absence.Kind.ANNUAL_LEAVE,
                                    first_day=day, last_day=day, reported_by=live.world.trainee)
    trainee = live.world.trainee
    assert feed_events(trainee, day, day) == []
    assert [e.title for e in diary_entries(trainee, day, day)] == ["Annual leave (requested)"]
    services.leave_decide(absence=leave, approve=True, comment="", decided_by=live.world.pd)
    assert [e.summary for e in feed_events(trainee, day, day)] == ["Annual leave"]
    assert [e.summary for e in feed_events(live.world.supervisor, day, day)] == [
        f"{trainee.full_name}: Annual leave"]
    # Each event links to the absence's page.
    assert [e.description for e in feed_events(trainee, day, day)] == [
        settings.SITE_URL + reverse("absences:detail", args=[leave.pk])]


def test_programme_view_filters_and_totals(client, live):
    day = live.project_day()
    services.absence_report(placement=live.placement, kind=Absence.Kind.SICKNESS, first_day=day,
                            last_day=day, reported_by=live.world.trainee)
    other = live.other_day()
    services.absence_report(placement=live.placement, kind=Absence.Kind.SICKNESS, first_day=other,
                            last_day=other, reported_by=live.world.trainee)
    client.force_login(live.world.pa)
    page = client.get(reverse("absences:programme")).content.decode()
    assert "Dr Trainee" in page
    from absences.selectors import programme_absences

    result = programme_absences(live.world.pa, today=live.today)
    [total] = [t for t in result.totals if t.placement == live.placement]
    assert (total.days, total.episodes, total.ccg_days) == (2.0, 2, 1.0)
    filtered = programme_absences(live.world.pa, kind=Absence.Kind.ANNUAL_LEAVE,
                                  today=live.today)
    assert filtered.absences == []
    page = client.get(reverse("absences:programme") + "?kind=annual_leave").content.decode()
    assert "No reports match" in page
    assert all(a.email_count > 0 for a in result.absences)


def test_the_diary_pages_overlay_absences_titled_for_the_viewer(client, live):
    day = live.project_day()
    services.absence_report(placement=live.placement, kind=Absence.Kind.SICKNESS, first_day=day,
                            last_day=day, note=SECRET, reported_by=live.world.trainee)
    url = reverse("diary_week") + f"?date={day.isoformat()}"
    client.force_login(live.world.trainee)
    assert "Sickness absence" in client.get(url).content.decode()
    client.force_login(live.world.supervisor)
    content = client.get(url).content.decode()
    assert "Absent" in content and "Sickness" not in content and "Gastro" not in content


def test_the_feeds_absences_change_when_a_decision_is_made(live):
    from absences.selectors import feed_absences

    day = live.other_day(near=live.today + datetime.timedelta(days=20))
    start, end = day - datetime.timedelta(days=30), day + datetime.timedelta(days=30)
    assert not feed_absences(live.world.supervisor, start, end).exists()
    leave = services.absence_report(placement=live.placement, kind=Absence.Kind.ANNUAL_LEAVE,
                                    first_day=day, last_day=day, reported_by=live.world.trainee)
    before = list(feed_absences(live.world.supervisor, start, end).values_list("pk", "updated_at"))
    services.leave_decide(absence=leave, approve=True, comment="", decided_by=live.world.pd)
    after = list(feed_absences(live.world.supervisor, start, end).values_list("pk", "updated_at"))
    assert [pk for pk, _ in before] == [pk for pk, _ in after] == [leave.pk]
    assert after[0][1] > before[0][1]
    assert not feed_absences(live.world.other_ccg_admin, start, end).exists()


def test_home_panels_for_each_role(rf, live):
    from django.template import Context, Template

    day = live.project_day()
    services.absence_report(placement=live.placement, kind=Absence.Kind.SICKNESS, first_day=day,
                            last_day=None if day == live.today else day, note=SECRET,
                            reported_by=live.world.trainee)
    template = Template("{% load absences_tags %}{% absences_home_panel role %}")

    def render(user, role):
        request = rf.get("/")
        request.user = user
        return template.render(Context({"request": request, "role": role}))

    trainee = render(live.world.trainee, Role.TRAINEE)
    assert "I am off sick today" in trainee and reverse("absences:start") in trainee
    assert "Nobody is away" in render(live.world.ccg_admin, Role.CCG_ADMIN) or (
        live.world.trainee.full_name in render(live.world.ccg_admin, Role.CCG_ADMIN))
    assert SECRET not in render(live.world.ccg_admin, Role.CCG_ADMIN)
    assert "No leave requests are waiting" in render(live.world.pd, Role.PD)
    assert render(live.world.es, Role.ES).strip() == ""


def test_the_calendar_feed_carries_approved_leave_and_says_absent_to_ccg_people(client, live):
    day = live.project_day()
    services.absence_report(placement=live.placement, kind=Absence.Kind.SICKNESS, first_day=day,
                            last_day=day, note=SECRET, reported_by=live.world.trainee)
    leave_day = live.other_day(near=live.today + datetime.timedelta(days=20))
    leave = services.absence_report(placement=live.placement, kind=Absence.Kind.ANNUAL_LEAVE,
                                    first_day=leave_day, last_day=leave_day,
                                    reported_by=live.world.trainee)
    client.logout()

    def feed(user):
        user.refresh_from_db()
        return client.get(reverse("calendar_feed", args=[user.calendar_token])).content.decode()

    trainee_feed = feed(live.world.trainee)
    assert "SUMMARY:Sickness absence" in trainee_feed and "Annual leave" not in trainee_feed
    services.leave_decide(absence=leave, approve=True, comment="", decided_by=live.world.pd)
    assert "SUMMARY:Annual leave" in feed(live.world.trainee)
    supervisor_feed = feed(live.world.supervisor)
    assert "Dr Trainee: Absent" in supervisor_feed and "Dr Trainee: Annual leave" in supervisor_feed
    assert "Sickness" not in supervisor_feed and "Gastro" not in supervisor_feed
    assert "Absent" not in feed(live.world.other_ccg_admin)


def test_ccg_dashboard_chart_is_scaled_to_the_cohorts_ccg_days(client, world):
    ccg = factories.CCGFactory()
    admin = give_role(factories.UserFactory(), Role.CCG_ADMIN, ccg)
    cohort = factories.CohortFactory(programme=world.programme, ccg=ccg, directors=[world.pd])
    placements = [factories.PlacementFactory(cohort=cohort) for _ in range(4)]
    cohort_publish(cohort=cohort, by=world.pd)
    today = timezone.localdate()
    first = placements[0]
    project = (Session.objects.filter(placement=first, date__lte=today, kind=Session.Kind.PROJECT)
               .order_by("-date").first().date)
    services.absence_report(placement=first, kind=Absence.Kind.SICKNESS, first_day=project,
                            last_day=project, reported_by=first.trainee)
    client.force_login(admin)

    response = client.get(reverse("absences:ccg"))

    week = next(w for w in response.context["dashboard"].weeks if w.week == cohort.week_of(project))
    assert (week.absent, week.scheduled) == (1, 4)
    assert week.bar == 25
    content = response.content.decode()
    assert "1 of 4" in content and "clic-absence-chart__bar--25" in content
    assert "clic-absence-chart__bar--100" not in content

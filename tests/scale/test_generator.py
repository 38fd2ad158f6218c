"""The national dataset generator, at a tiny size: relationships that hold in real data hold
in the generated history too, and generating sends nothing."""

import datetime
from collections import defaultdict
from unittest import mock

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import transaction

from absences.models import DAY_KINDS, Absence
from absences.selectors import timetable_for
from absences.services import recipients_of
from bench.scale.world import Options, generate
from clic.accounts.models import Organisation
from clic.mail.catalogue import row_for
from clic.mail.models import OutboundEmail, RoutingTable
from clic.mail.services import _placement_and_cohort, resolve_recipients
from projects.models import Meeting
from rotations.models import Cohort, Session
from rotations.notifications import session_people
from tests.factories import handbook_version
from trainees.models import Placement

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 26)
# Reminders go to one of the row's roles (whoever should arrange the meeting).
ONE_OF_THE_ROLES = {"MEETING_DUE", "MEETING_OVERDUE"}


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    """One tiny dataset for every test here (each test's own transaction is rolled back to
    it), rolled back at the end."""
    def no_sending(*args, **kwargs):
        raise AssertionError("the generator must not queue a send task")

    with django_db_blocker.unblock(), transaction.atomic(), \
            mock.patch("clic.mail.services.publish_send_tasks", no_sending):
        # Module-scoped, so before the per-test fixture that restores the handbook's rows
        # after a transactional test.
        handbook_version()
        # Without ANALYZE, whose row counts would outlive the rollback (plans.add_history).
        # Two programmes: the second runs the second programme type.
        generate(Options(icbs=2, icbs_per_programme=1, years=1, today=TODAY),
                 log=lambda line: None, analyze=False)
        yield
        transaction.set_rollback(True)


def test_it_builds_every_icb_with_its_cohorts_and_trainees(generated):
    cohorts = Cohort.objects.all()

    assert cohorts.values("ccg").distinct().count() == 2
    assert 5 <= cohorts.count() <= 8  # three terms a year each, over a year up to today
    for cohort in cohorts:
        assert cohort.start_date.weekday() == 0 and cohort.start_date <= TODAY
        assert cohort.is_published and cohort.directors.count() == 2
        assert cohort.placements.count() == 6
        assert cohort.placements.filter(cohort__ccg=cohort.ccg).count() == 6


def test_every_session_is_inside_its_cohorts_weeks(generated):
    sessions = Session.objects.select_related("cohort__template_version", "placement")

    assert sessions.count() > 32 * 7 * 5  # each cohort's Wednesdays and 6 project days
    for session in sessions:
        assert session.cohort.start_date <= session.date <= session.cohort.end_date
        assert session.week == session.cohort.week_of(session.date)
        assert 1 <= session.week <= session.cohort.weeks
        if session.placement_id:
            assert session.placement.cohort_id == session.cohort_id
            assert session.date.weekday() in (
                session.placement.project_day, session.cohort.template_version.afternoon_weekday)


def test_a_third_of_the_programmes_run_the_second_programme_type(generated):
    east_kent, second = Organisation.objects.filter(kind="programme").order_by("pk")
    assert set(Cohort.objects.filter(programme=east_kent).values_list("weeks", flat=True)) == {16}
    assert set(Cohort.objects.filter(programme=second).values_list("weeks", flat=True)) == {20}
    teaching = Session.objects.filter(placement__isnull=True, kind=Session.Kind.TEACHING)
    assert {s.date.weekday() for s in teaching.filter(cohort__programme=second)} == {1}
    assert {s.date.weekday() for s in teaching.filter(cohort__programme=east_kent)} == {2}
    assert set(Placement.objects.filter(cohort__programme=second).values_list(
        "project_day", flat=True)) == {3}
    own = RoutingTable.objects.get(programme=second)
    sickness = OutboundEmail.objects.filter(code="S5")
    assert sickness.filter(cohort__programme=second).exists()
    assert set(sickness.filter(cohort__programme=second).values_list(
        "routing_table", flat=True)) == {own.pk}
    assert all("host organisation" in email.body_text
               for email in sickness.filter(cohort__programme=second))
    assert not any("host organisation" in email.body_text
                   for email in sickness.filter(cohort__programme=east_kent))
    meetings = Meeting.objects.filter(placement__cohort__programme=second)
    assert meetings.filter(kind="review_6").exists()
    assert not meetings.filter(kind="review_8").exists()


def test_every_absence_is_inside_its_rotation_and_on_a_rotation_day(generated):
    absences = Absence.objects.select_related("placement__cohort", "session")

    assert absences.count() >= 4 * Placement.objects.count() * 0.7  # about five a placement
    for absence in absences:
        cohort = absence.placement.cohort
        assert cohort.start_date <= absence.first_day <= absence.last_day <= cohort.end_date
        timetable = timetable_for(absence.placement, absence.first_day, absence.last_day)
        assert timetable.closed_reason(absence.first_day) == ""
        assert timetable.closed_reason(absence.last_day) == ""
        if absence.kind in DAY_KINDS:
            assert absence.notified_codes
        if absence.session_id:
            assert absence.session.date == absence.first_day
            assert absence.session.placement_id in (None, absence.placement_id)


def _events():
    """The emails of each event, by its event key (the idempotency key without the address)."""
    events = defaultdict(list)
    for email in OutboundEmail.objects.select_related("content_type"):
        events[email.idempotency_key.rsplit(":", 1)[0]].append(email)
    return events


def _people_of(code, about):
    if code == "S10":
        return session_people(about)
    if code == "S9":
        return recipients_of(code, placement=about.placement, session=about.session,
                             meeting=about.meeting)
    return list(row_for(code).recipients)


def test_every_emails_recipients_are_the_ones_the_sop_catalogue_names(generated):
    events = _events()

    assert sum(len(emails) for emails in events.values()) > 1000
    assert {email.status for emails in events.values() for email in emails} == {"sent"}
    for key, emails in events.items():
        code = emails[0].code
        about = emails[0].content_type.get_object_for_this_type(pk=emails[0].object_id)
        placement, cohort = _placement_and_cohort(about)
        placements = [placement] if placement else list(cohort.placements.select_related(
            "trainee", "ccg_supervisor", "project_lead", "educational_supervisor"))
        if code in ONE_OF_THE_ROLES:
            expected = resolve_recipients(row_for(code).recipients, placement=placement,
                                          cohort=cohort, placements=placements)
            allowed = {a.email: a for a in expected}
            for email in emails:
                assert email.to_email in allowed, (key, email.to_email)
                assert set(email.recipient_roles.split(", ")) <= set(allowed[email.to_email].roles)
            continue
        expected = resolve_recipients(_people_of(code, about), placement=placement,
                                      cohort=cohort, placements=placements)
        assert {e.to_email for e in emails} == {a.email for a in expected}, key
        by_email = {a.email: a for a in expected}
        for email in emails:
            addressee = by_email[email.to_email]
            assert email.recipient_roles == addressee.roles_display, key
            only = addressee.placements[0] if len(addressee.placements) == 1 else placement
            assert email.placement_id == (only.pk if only else None), key
            assert email.cohort_id == cohort.pk


def test_generating_sends_nothing(generated):
    assert mail.outbox == []
    assert not OutboundEmail.objects.exclude(status=OutboundEmail.Status.SENT).exists()


def test_it_refuses_to_generate_twice_into_one_database(generated):
    with pytest.raises(CommandError, match="already holds a generated dataset"):
        call_command("generate_scale", icbs=2, years=1, today=TODAY)

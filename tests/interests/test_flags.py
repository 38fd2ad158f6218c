"""A panel member's or assessor's interest in a trainee's CCG, current on the presentation
day, flags on the presentation day and assessment pages; their choice is recorded, audited
and, when they step aside, refuses their assessment and feedback."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import services as assessment_services
from assessments.models import Grade, PresentationAssessment, PresentationInvitation
from clic.accounts.models import Role
from clic.audit.models import AuditEvent
from interests.models import ConflictDecision
from tests import factories
from tests.assessments.helpers import schedule
from tests.fixtures.people import give_role

from .helpers import declare

pytestmark = pytest.mark.django_db

STEP_ASIDE = ConflictDecision.Choice.STEP_ASIDE
NO_CONFLICT = ConflictDecision.Choice.NO_CONFLICT
FLAG = "Declared interests"


@pytest.fixture
def day(world):
    return schedule(world.cohort, world.pd)


def _page(client, person, name, *args) -> str:
    client.force_login(person)
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


def _assess(world, by):
    return assessment_services.presentation_assessment_record(
        placement=world.placement, by=by, relevance=4, leadership=4, communication=4,
        outcome=Grade.COMPETENT, feedback="Clear and well argued.")


def test_pd_interest_in_the_trainees_ccg_flags_on_the_day_page(client, world, day):
    declare(world.pd, organisation=world.ccg, starts_on=day.date - datetime.timedelta(days=90))
    page = _page(client, world.pd, "presentation_day", day.pk)
    assert FLAG in page
    assert "Dr Pd, for Dr Trainee: financial interest in East Kent CCG" in page
    assert reverse("conflict_decide", args=[world.placement.pk]) in page


@pytest.mark.parametrize(("starts", "ends"), [(-90, -1), (1, None)])
def test_interest_not_current_on_the_day_does_not_flag(client, world, day, starts, ends):
    declare(world.pd, organisation=world.ccg,
            starts_on=day.date + datetime.timedelta(days=starts),
            ends_on=day.date + datetime.timedelta(days=ends) if ends is not None else None)
    assert FLAG not in _page(client, world.pd, "presentation_day", day.pk)


def test_interest_in_another_organisation_does_not_flag(client, world, day):
    declare(world.pd, organisation_name="West Kent CCG", starts_on=datetime.date(2020, 1, 1))
    assert FLAG not in _page(client, world.pd, "presentation_day", day.pk)


def test_interest_naming_the_ccg_in_words_flags(client, world, day):
    declare(world.pd, organisation_name="east kent ccg ", starts_on=datetime.date(2020, 1, 1))
    assert "financial interest in east kent ccg" in _page(client, world.pd, "presentation_day",
                                                           day.pk)


def test_panel_members_flag_shows_to_the_pd_and_on_their_own_register(client, world, day):
    declare(world.supervisor, organisation=world.ccg, starts_on=datetime.date(2020, 1, 1),
            kind="non_financial_professional")
    pd_page = _page(client, world.pd, "presentation_day", day.pk)
    assert "Dr Supervisor, for Dr Trainee: non-financial professional interest" in pd_page
    # Only the person flagged is offered the choice.
    assert reverse("conflict_decide", args=[world.placement.pk]) not in pd_page
    own = _page(client, world.supervisor, "interests_mine")
    assert "Dr Trainee, presenting on" in own
    assert reverse("conflict_decide", args=[world.placement.pk]) in own


def test_the_presenting_trainees_own_interest_does_not_flag(client, world, day):
    give_role(world.trainee, Role.CCG_SUPERVISOR, world.ccg)
    declare(world.trainee, organisation=world.ccg, starts_on=datetime.date(2020, 1, 1))
    assert FLAG not in _page(client, world.pd, "presentation_day", day.pk)


def test_stepping_aside_is_recorded_audited_and_refuses_the_assessment(client, world, day, clock):
    declare(world.pd, organisation=world.ccg, starts_on=datetime.date(2020, 1, 1))
    client.force_login(world.pd)
    response = client.post(reverse("conflict_decide", args=[world.placement.pk]),
                           {"choice": STEP_ASIDE})
    assert response.status_code == 302
    decision = ConflictDecision.objects.get()
    assert (decision.person, decision.placement, decision.choice) == (
        world.pd, world.placement, STEP_ASIDE)
    event = AuditEvent.objects.get(object_type="conflict decision")
    assert event.summary == ("I step aside for this trainee for Dr Trainee (declared interest "
                             "in East Kent CCG)")
    assert event.placement_id == world.placement.pk
    clock.set(day.date)
    with pytest.raises(ValidationError, match="You stepped aside for Dr Trainee"):
        _assess(world, world.pd)
    client.force_login(world.pd)  # the clock's travel ended the session
    response = client.post(reverse("presentation_assessment_record", args=[world.placement.pk]),
                           {"relevance": "4", "leadership": "4", "communication": "4",
                            "outcome": Grade.COMPETENT, "feedback": "Good"})
    assert "You stepped aside for Dr Trainee" in response.content.decode()
    assert not PresentationAssessment.objects.exists()
    assert "I step aside for this trainee" in _page(client, world.pd, "assessment_detail",
                                                    world.placement.pk)


def test_another_pd_without_the_interest_may_assess(world, day, clock):
    declare(world.pd, organisation=world.ccg, starts_on=datetime.date(2020, 1, 1))
    other = give_role(factories.UserFactory(), Role.PD, world.programme)
    clock.set(day.date)
    assert _assess(world, other).assessed_by == other


def test_an_undecided_flag_refuses_the_assessment_until_no_conflict_is_confirmed(
        client, world, day, clock):
    declare(world.pd, organisation=world.ccg, starts_on=datetime.date(2020, 1, 1))
    clock.set(day.date)
    with pytest.raises(ValidationError, match="Confirm that you have no conflict"):
        _assess(world, world.pd)
    client.force_login(world.pd)
    client.post(reverse("conflict_decide", args=[world.placement.pk]), {"choice": NO_CONFLICT})
    assert _assess(world, world.pd).assessed_by == world.pd


def test_changing_the_choice_is_audited_as_a_change(client, world, day):
    declare(world.pd, organisation=world.ccg, starts_on=datetime.date(2020, 1, 1))
    client.force_login(world.pd)
    url = reverse("conflict_decide", args=[world.placement.pk])
    client.post(url, {"choice": NO_CONFLICT})
    client.post(url, {"choice": STEP_ASIDE})
    assert ConflictDecision.objects.get().choice == STEP_ASIDE
    assert list(AuditEvent.objects.filter(object_type="conflict decision")
                .order_by("pk").values_list("action", flat=True)) == ["created", "changed"]


def test_a_choice_that_is_neither_is_refused_on_the_field(client, world, day):
    declare(world.pd, organisation=world.ccg, starts_on=datetime.date(2020, 1, 1))
    client.force_login(world.pd)
    response = client.post(reverse("conflict_decide", args=[world.placement.pk]),
                           {"choice": "maybe"})
    assert response.status_code == 200
    assert "nhsuk-error-summary" in response.content.decode()
    assert not ConflictDecision.objects.exists()


def test_panel_member_who_stepped_aside_cannot_give_feedback(client, world, day, clock):
    declare(world.supervisor, organisation=world.ccg, starts_on=datetime.date(2020, 1, 1))
    client.force_login(world.supervisor)
    client.post(reverse("conflict_decide", args=[world.placement.pk]), {"choice": STEP_ASIDE})
    clock.set(day.date)
    assessment_services.presentation_attendance_record(
        day=day, by=world.pd, marks={inv.pk: PresentationInvitation.Attendance.PRESENT
                                     for inv in day.invitations.all()})
    with pytest.raises(ValidationError, match="You stepped aside for Dr Trainee"):
        assessment_services.presentation_feedback_give(
            slot=day.slots.get(), giver=world.supervisor, went_well="a", could_be_better="b",
            relevance=4, leadership=4, communication=4, anonymous=False)


@pytest.mark.parametrize("who", ["chair", "es", "other_pd", "trainee"])
def test_the_conflict_page_is_404_for_anyone_without_the_flag(client, world, day, who):
    declare(world.pd, organisation=world.ccg, starts_on=datetime.date(2020, 1, 1))
    client.force_login(getattr(world, who))
    assert client.get(reverse("conflict_decide", args=[world.placement.pk])).status_code == 404


def _cohort_with(size: int):
    programme = factories.ProgrammeFactory()
    pd = give_role(factories.UserFactory(), Role.PD, programme)
    cohort = factories.CohortFactory(programme=programme, directors=[pd])
    for _ in range(size):
        placement = factories.PlacementFactory(cohort=cohort)
        give_role(placement.ccg_supervisor, Role.CCG_SUPERVISOR, cohort.ccg)
        declare(placement.ccg_supervisor, organisation=cohort.ccg,
                starts_on=datetime.date(2020, 1, 1))
    declare(pd, organisation=cohort.ccg, starts_on=datetime.date(2020, 1, 1))
    return pd, schedule(cohort, pd)


def test_day_page_queries_do_not_grow_with_the_flags(client):
    counts = []
    for size in (2, 6):
        pd, day = _cohort_with(size)
        client.force_login(pd)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("presentation_day", args=[day.pk]))
        # Each supervisor and the PD, for each trainee but (the supervisor's) none of their own.
        assert response.content.decode().count("No choice recorded yet.") == (size + 1) * size
        counts.append(len(queries))
    assert counts[0] == counts[1]

"""The audit log (issue 8, item 3): who created, changed or deleted absences, assessments,
concerns, placements and timetable sessions, and who looked at a trainee's sickness records;
append-only, without health details, readable by the programme's PDs only."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from absences import services as absence_services
from assessments.models import CaseBasedDiscussion, PresentationAssessment
from clic.audit import services as audit
from clic.audit.models import AppendOnly, AuditEvent
from projects import services as project_services
from rotations import services as rotation_services
from tests.security.scene import build_scene
from trainees import services as trainee_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(world, settings):
    settings.CLIC_MFA_ENFORCED = False
    return build_scene(world)


def events(**filters) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(**filters).order_by("id"))


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- Append-only ----------------------------------------------------------------------------


def test_an_event_is_never_changed_or_deleted(scene):
    event = AuditEvent.objects.first()
    event.summary = "rewritten"
    with pytest.raises(AppendOnly):
        event.save()
    with pytest.raises(AppendOnly):
        event.delete()
    with pytest.raises(AppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(summary="rewritten")
    with pytest.raises(AppendOnly):
        AuditEvent.objects.filter(pk=event.pk).delete()


@pytest.mark.parametrize("statement", ["UPDATE audit_auditevent SET summary = 'rewritten'",
                                       "DELETE FROM audit_auditevent"])
def test_the_database_refuses_to_change_or_delete_an_event(scene, statement):
    count = AuditEvent.objects.count()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEvent.objects.count() == count
    assert not AuditEvent.objects.filter(summary="rewritten").exists()


def test_deleting_a_person_or_a_cohort_leaves_the_log_as_it_was(scene):
    world = scene.world
    count = AuditEvent.objects.count()
    about_the_placement = len(events(placement_id=world.placement.pk))
    world.cohort.delete()  # placements, absences, concerns, assessments go with it
    world.pa.delete()
    assert AuditEvent.objects.count() == count
    assert len(events(placement_id=world.placement.pk)) == about_the_placement > 5


# --- What is recorded --------------------------------------------------------------------------


def test_absences_are_recorded_created_and_changed_without_the_note(scene):
    world, sickness = scene.world, scene.sickness
    absence_services.absence_update(absence=sickness, first_day=sickness.first_day,
                                    last_day=sickness.last_day, part=sickness.part,
                                    note="Now a different private note", changed_by=world.pa)
    absence_services.absence_withdraw(absence=sickness, withdrawn_by=world.trainee)
    absence_services.leave_decide(absence=scene.leave, approve=True, comment="",
                                  decided_by=world.pd)
    recorded = events(object_type="absence", object_id=sickness.pk)
    assert [(e.action, e.actor) for e in recorded] == [
        ("created", world.trainee), ("changed", world.pa), ("changed", world.trainee)]
    assert recorded[0].placement == world.placement and recorded[0].trainee == world.trainee
    assert recorded[0].cohort == world.cohort and recorded[0].programme == world.programme
    assert recorded[0].summary.startswith("Reported: Sickness")
    decided = events(object_type="absence", object_id=scene.leave.pk)
    assert [(e.action, e.actor) for e in decided][-1] == ("changed", world.pd)
    assert "Approved" in decided[-1].summary
    for event in AuditEvent.objects.all():
        assert "note" not in event.summary.lower() and "migraine" not in event.summary


def test_assessments_are_recorded_each_time(scene, clock):
    from assessments import services as assessment_services

    world = scene.world
    clock.set(scene.day.date)  # presented
    assessment_services.presentation_assessment_record(
        placement=world.placement, by=world.pd, relevance=5, leadership=5, communication=5,
        outcome="excellent", feedback="Even better")
    presentation = PresentationAssessment.objects.get()
    assert [e.action for e in events(object_type="presentation assessment",
                                     object_id=presentation.pk)] == ["created", "changed"]
    cbd = CaseBasedDiscussion.objects.get()
    (event,) = events(object_type="case-based discussion", object_id=cbd.pk)
    assert (event.action, event.actor, event.trainee) == ("created", world.pd, world.trainee)


def test_concerns_are_recorded_raised_updated_and_shared(scene):
    world, concern = scene.world, scene.concern
    project_services.concern_update(concern=concern, by=world.pd, status="in_hand",
                                    note="Spoke to the trainee")
    project_services.concern_share(concern=concern, by=world.supervisor, shared=True)
    recorded = events(object_type="concern", object_id=concern.pk)
    assert [(e.action, e.actor) for e in recorded] == [
        ("created", world.supervisor), ("changed", world.pd), ("changed", world.supervisor)]
    assert "Spoke to" not in recorded[1].summary  # the note's words stay in the concern


def test_placements_and_timetable_sessions_are_recorded(scene):
    world, placement = scene.world, scene.world.placement
    assert [e.action for e in events(object_type="timetable", cohort=world.cohort)] == ["created"]
    trainee_services.placement_update(
        placement=placement, by=world.pd, practice=placement.practice,
        educational_supervisor=placement.educational_supervisor,
        ccg_supervisor=placement.ccg_supervisor, project_lead=None,
        project_day=placement.project_day)
    (changed,) = events(object_type="placement", object_id=placement.pk, action="changed")
    assert changed.actor == world.pd and changed.summary == "Changed: project lead"
    session = scene.cohort_session
    rotation_services.session_cancel(session=session, by=world.pd, reason="Tutor off sick")
    rotation_services.session_reinstate(session=session, by=world.pd)
    recorded = events(object_type="session", object_id=session.pk)
    assert [e.summary.rsplit(" ", 1)[-1] for e in recorded] == ["cancelled", "reinstated"]
    assert "sick" not in recorded[0].summary  # reasons can say anything: left out


def test_a_placement_added_is_recorded_created(world):
    from tests import factories

    placement = trainee_services.placement_add(
        cohort=world.cohort, trainee=factories.UserFactory(), practice=world.practice,
        educational_supervisor=world.es, ccg_supervisor=world.supervisor, by=world.pd)
    (event,) = events(object_type="placement", object_id=placement.pk)
    assert (event.action, event.actor, event.cohort) == ("created", world.pd, world.cohort)


# --- Who looked at sickness records ------------------------------------------------------------


@pytest.mark.parametrize("who", ["pa", "pd", "supervisor", "ccg_admin"])
def test_anyone_but_the_trainee_opening_a_sickness_record_is_recorded(scene, who):
    viewer = getattr(scene.world, who)
    assert signed_in(viewer).get(reverse("absences:detail", args=[scene.sickness.pk])
                                 ).status_code == 200
    (event,) = events(action="viewed")
    assert (event.actor, event.object_id, event.trainee) == (viewer, scene.sickness.pk,
                                                             scene.world.trainee)


def test_the_trainee_reading_their_own_and_leave_requests_are_not_viewings(scene):
    signed_in(scene.world.trainee).get(reverse("absences:detail", args=[scene.sickness.pk]))
    signed_in(scene.world.pd).get(reverse("absences:detail", args=[scene.leave.pk]))
    assert not events(action="viewed")


def test_a_trainees_absences_listed_by_the_pa_are_recorded(scene):
    client = signed_in(scene.world.pa)
    client.get(reverse("absences:programme"))  # everybody's: not one trainee's records
    assert not events(action="viewed")
    client.get(reverse("absences:programme"), {"trainee": scene.world.placement.pk})
    (event,) = events(action="viewed")
    assert (event.object_type, event.placement) == ("sickness records", scene.world.placement)
    client.get(reverse("absences:change", args=[scene.sickness.pk]))
    assert len(events(action="viewed")) == 2


# --- The PD's page ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["trainee", "supervisor", "lead", "es", "chair", "ccg_admin",
                                 "pa"])
def test_the_people_it_records_cannot_read_the_log(scene, who):
    assert signed_in(getattr(scene.world, who)).get(reverse("audit_events")).status_code == 404


def test_the_pd_reads_their_programmes_log_and_no_other(scene):
    world = scene.world
    page = signed_in(world.pd).get(reverse("audit_events")).content.decode()
    assert "Timetable published" in page and "Concern raised" in page
    assert world.trainee.full_name in page
    other = signed_in(world.other_pd).get(reverse("audit_events")).content.decode()
    assert "No entries" in other and world.trainee.full_name not in other


def test_the_pd_filters_by_trainee_person_action_record_and_date(scene):
    world = scene.world
    client = signed_in(world.pd)
    signed_in(world.pa).get(reverse("absences:detail", args=[scene.sickness.pk]))

    def shown(**query) -> list[AuditEvent]:
        return list(client.get(reverse("audit_events"), query).context["events"])

    assert {e.actor for e in shown(actor=world.pa.pk)} == {world.pa}
    assert [e.action for e in shown(action="viewed")] == ["viewed"]
    assert {e.object_type for e in shown(object_type="concern")} == {"concern"}
    assert {e.placement for e in shown(placement=world.placement.pk)} == {world.placement}
    today = timezone.localdate()
    # The scene records both assessments on the presentation day: their events carry its date.
    presented = scene.day.date.isoformat()
    assert len(shown(start=today.isoformat(), end=presented)) == len(shown())
    assert {e.object_type for e in shown(start=presented)} == {
        "presentation assessment", "case-based discussion"}
    # The dates are NHS.UK date inputs, holding the date given.
    assert (f'name="start-year" type="text" inputmode="numeric" value="{today.year}"'
            in client.get(reverse("audit_events"), {"start": today.isoformat()}).content.decode())
    assert shown(end=(today - datetime.timedelta(days=1)).isoformat()) == []
    # A mistyped filter is shown with its message and left out; the other filters still apply.
    response = client.get(reverse("audit_events"),
                          {"start": "no date", "actor": world.pa.pk, "page": "x"})
    assert response.status_code == 200
    assert {e.actor for e in response.context["events"]} == {world.pa}
    html = response.content.decode()
    assert "There is a problem" in html and "From must be a real date" in html
    assert 'aria-describedby="id_start-error"' in html and 'id="id_start-error"' in html


def test_the_log_page_costs_the_same_queries_at_any_size(scene):
    world = scene.world
    client = signed_in(world.pd)

    def queries(**filters) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("audit_events"), filters).status_code == 200
        return len(captured)

    small = queries()
    for _ in range(120):
        audit.record(actor=world.pa, action=audit.VIEWED, obj=scene.sickness, summary="Seen")
    assert queries() == small
    # The chosen trainee and person are found in the lists the selects offer.
    assert queries(actor=world.pa.pk, placement=world.placement.pk) == small
    response = client.get(reverse("audit_events"), {"page": 2})
    page = response.context["page"]
    assert len(page.object_list) == 50 and page.paginator.num_pages > 2
    html = response.content.decode()
    assert 'aria-label="Pages of the audit log"' in html
    assert f"Page 1 of {page.paginator.num_pages}" in html and "?page=3" in html

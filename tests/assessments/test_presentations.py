import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments import services
from assessments.models import PresentationDay, PresentationInvitation, PresentationSlot
from clic.accounts.models import Role
from tests import factories
from tests.fixtures.people import give_role

from .helpers import addresses, emails, event_of, ics_of, schedule, slots_for, week16_wednesday

pytestmark = pytest.mark.django_db


def test_schedule_sends_s13_with_an_ics_request_to_every_invitee(world, peer):
    day = schedule(world.cohort, world.pd)

    expected = {"trainee@nhs.test", "peer@nhs.test", "supervisor@nhs.test",
                "peersupervisor@nhs.test", "lead@nhs.test", "es@nhs.test", "peeres@nhs.test",
                "chair@nhs.test", "pd@nhs.test"}
    assert addresses("S13") == expected
    assert {inv.person.email for inv in day.invitations.all()} == expected
    for email in emails("S13"):
        calendar = ics_of(email)
        assert str(calendar["method"]) == "REQUEST"
        event = calendar.walk("VEVENT")[0]
        assert str(event["uid"]) == day.uid
        assert int(event["sequence"]) == 0
        attendees = {str(a).lower().removeprefix("mailto:") for a in event["attendee"]}
        assert attendees == expected
        assert all(a.params["RSVP"] == "TRUE" for a in event["attendee"])
        assert str(event["organizer"]).lower() == "mailto:pd@nhs.test"
        assert event.decoded("dtstart") == day.starts_at()
    (attachment,) = emails("S13")[0].attachments
    assert attachment["mimetype"] == "text/calendar; method=REQUEST; charset=utf-8"


def test_the_invitation_is_written_like_every_calendar_in_london_time(world, peer):
    day = schedule(world.cohort, world.pd)

    calendar = ics_of(emails("S13")[0])
    event = calendar.walk("VEVENT")[0]
    assert event["dtstart"].params["TZID"] == "Europe/London"
    assert [str(zone["tzid"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    assert str(calendar["uid"]) == f"{day.uid}-itip"


def test_schedule_records_why_each_person_is_invited(world, peer):
    day = schedule(world.cohort, world.pd)
    reasons = {inv.person.email: inv.reasons for inv in day.invitations.select_related("person")}
    assert reasons["trainee@nhs.test"] == "Presenting"
    assert "Dr Trainee" in reasons["supervisor@nhs.test"]
    assert "Organiser" in reasons["pd@nhs.test"]
    assert "Deputy Clinical Chair" in reasons["chair@nhs.test"]


def test_schedule_creates_a_slot_per_trainee_in_order(world, peer):
    day = schedule(world.cohort, world.pd, placements=[peer, world.placement])
    slots = list(day.slots.order_by("order"))
    assert [s.placement for s in slots] == [peer, world.placement]
    assert [s.start_time for s in slots] == [datetime.time(13, 30), datetime.time(13, 50)]


def test_scheduling_twice_is_refused(world):
    schedule(world.cohort, world.pd)
    with pytest.raises(ValidationError, match="already has a presentation day"):
        schedule(world.cohort, world.pd)
    assert PresentationDay.objects.count() == 1


def test_two_trainees_in_the_same_slot_number_are_refused(world, peer):
    slots = slots_for([world.placement, peer])
    clash = [slots[0], services.SlotSpec(placement=peer, order=1,
                                         start_time=datetime.time(14, 30), length_minutes=20)]
    with pytest.raises(ValidationError, match="both in slot 1"):
        schedule(world.cohort, world.pd, slots=clash)
    assert not PresentationDay.objects.exists()
    assert not emails("S13")


def test_overlapping_slots_are_refused(world, peer):
    overlapping = [
        services.SlotSpec(placement=world.placement, order=1, start_time=datetime.time(13, 30),
                          length_minutes=30),
        services.SlotSpec(placement=peer, order=2, start_time=datetime.time(13, 45),
                          length_minutes=30)]
    with pytest.raises(ValidationError, match="same slot"):
        schedule(world.cohort, world.pd, slots=overlapping)
    assert not PresentationSlot.objects.exists()


@pytest.mark.parametrize("start, length", [((12, 0), 20), ((16, 20), 20)])
def test_a_slot_outside_the_day_is_refused(world, start, length):
    outside = [services.SlotSpec(placement=world.placement, order=1,
                                 start_time=datetime.time(*start), length_minutes=length)]
    with pytest.raises(ValidationError, match="outside the day"):
        schedule(world.cohort, world.pd, slots=outside)
    assert not PresentationDay.objects.exists()


def test_a_trainee_of_another_cohort_cannot_be_given_a_slot(world):
    stranger = world.other_trainee.placements.get()
    with pytest.raises(ValidationError, match="not a trainee in"):
        schedule(world.cohort, world.pd, placements=[stranger])


@pytest.mark.parametrize("overrides, message", [
    ({"venue": "", "online_url": ""}, "venue, an online meeting link"),
    ({"end_time": datetime.time(13, 0)}, "end after it starts"),
    ({"date": datetime.date(2000, 1, 5)}, "cannot be in the past"),
])
def test_bad_day_details_are_refused(world, overrides, message):
    with pytest.raises(ValidationError, match=message):
        schedule(world.cohort, world.pd, **overrides)
    assert not PresentationDay.objects.exists()


def test_a_day_outside_the_rotation_or_at_the_weekend_is_refused(world):
    after = world.cohort.end_date + datetime.timedelta(days=3)
    with pytest.raises(ValidationError, match="within the rotation"):
        schedule(world.cohort, world.pd, date=after)
    saturday = world.cohort.monday_of_week(16) + datetime.timedelta(days=5)
    with pytest.raises(ValidationError, match="weekday"):
        schedule(world.cohort, world.pd, date=saturday)


def test_moving_sends_an_update_with_the_same_uid_and_a_higher_sequence(world, peer):
    day = schedule(world.cohort, world.pd)
    invited = addresses("S13")
    invitation = day.invitations.get(person=world.supervisor)
    services.presentation_invitation_respond(invitation=invitation, response="attending")

    new_date = week16_wednesday(world.cohort) + datetime.timedelta(days=1)
    services.presentation_day_move(day=day, by=world.pd, date=new_date,
                                   start_time=datetime.time(14, 0),
                                   end_time=datetime.time(17, 0), venue=day.venue)

    day.refresh_from_db()
    assert day.sequence == 1
    assert addresses("S13U") == invited
    for email in emails("S13U"):
        calendar = ics_of(email)
        assert str(calendar["method"]) == "REQUEST"
        event = calendar.walk("VEVENT")[0]
        assert str(event["uid"]) == day.uid
        assert int(event["sequence"]) == 1
        assert event.decoded("dtstart").date() == new_date
    # The slots moved with the start time; a new time asks everyone to reply again.
    assert sorted(s.start_time for s in day.slots.all()) == [datetime.time(14, 0),
                                                             datetime.time(14, 20)]
    invitation.refresh_from_db()
    assert invitation.response == PresentationInvitation.Response.PENDING
    assert "Date:" in emails("S13U")[0].body_text


def test_moving_twice_raises_the_sequence_each_time(world):
    day = schedule(world.cohort, world.pd)
    for venue in ("Room 1", "Room 2"):
        services.presentation_day_move(day=day, by=world.pd, date=day.date,
                                       start_time=day.start_time, end_time=day.end_time,
                                       venue=venue)
    sequences = {int(event_of(e)["sequence"]) for e in emails("S13U")}
    assert sequences == {1, 2}


def test_moving_so_a_slot_falls_outside_the_day_is_refused(world):
    day = schedule(world.cohort, world.pd)
    with pytest.raises(ValidationError, match="outside the day"):
        services.presentation_day_move(day=day, by=world.pd, date=day.date,
                                       start_time=day.start_time,
                                       end_time=datetime.time(13, 40), venue=day.venue)
    day.refresh_from_db()
    assert day.sequence == 0 and day.end_time == datetime.time(16, 30)
    assert not emails("S13U")


def test_moving_without_a_change_sends_nothing(world):
    day = schedule(world.cohort, world.pd)
    services.presentation_day_move(day=day, by=world.pd, date=day.date, start_time=day.start_time,
                                   end_time=day.end_time, venue=day.venue)
    assert not emails("S13U")


def test_cancelling_sends_method_cancel_to_everyone_invited(world, peer):
    day = schedule(world.cohort, world.pd)
    services.presentation_day_cancel(day=day, by=world.pd, reason="Strike day")

    assert addresses("S13X") == addresses("S13")
    for email in emails("S13X"):
        calendar = ics_of(email)
        assert str(calendar["method"]) == "CANCEL"
        event = calendar.walk("VEVENT")[0]
        assert str(event["uid"]) == day.uid
        assert str(event["status"]) == "CANCELLED"
        assert int(event["sequence"]) == 1
    assert "Strike day" in emails("S13X")[0].body_text
    # A new day can then be scheduled, with a new UID.
    again = schedule(world.cohort, world.pd)
    assert again.uid != day.uid


def test_cancelling_twice_is_refused(world):
    day = schedule(world.cohort, world.pd)
    services.presentation_day_cancel(day=day, by=world.pd)
    with pytest.raises(ValidationError, match="cancelled"):
        services.presentation_day_cancel(day=day, by=world.pd)


def test_slots_can_be_swapped(world, peer):
    day = schedule(world.cohort, world.pd, placements=[world.placement, peer])
    swapped = slots_for([peer, world.placement])
    services.presentation_slots_update(day=day, by=world.pd, slots=swapped)
    assert [s.placement for s in day.slots.order_by("order")] == [peer, world.placement]


def test_trainee_adds_the_title_of_their_own_slot(client, world):
    day = schedule(world.cohort, world.pd)
    slot = day.slots.get()
    client.force_login(world.trainee)
    url = reverse("presentation_slot_title", args=[slot.pk])
    response = client.post(url, {"title": "  Frailty   pathway audit "})
    assert response.status_code == 302
    slot.refresh_from_db()
    assert slot.title == "Frailty pathway audit"
    # Blank title: refused, nothing saved.
    response = client.post(url, {"title": "   "})
    assert response.status_code == 200
    slot.refresh_from_db()
    assert slot.title == "Frailty pathway audit"


def test_another_trainee_cannot_title_someone_elses_slot(client, world, peer):
    day = schedule(world.cohort, world.pd)
    slot = day.slots.get(placement=world.placement)
    client.force_login(peer.trainee)
    assert client.post(reverse("presentation_slot_title", args=[slot.pk]),
                       {"title": "Hijack"}).status_code == 404


def test_pd_schedules_through_the_page(client, world, peer):
    client.force_login(world.pd)
    url = reverse("presentation_schedule", args=[world.cohort.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert b"Dr Peer" in page.content
    data = {"date": week16_wednesday(world.cohort).isoformat(), "start_time": "13:30",
            "end_time": "16:30", "venue": "Room 4", "online_url": "", "notes": ""}
    for n, placement in enumerate([world.placement, peer], start=1):
        data |= {f"slot-{placement.pk}-order": n,
                 f"slot-{placement.pk}-start_time": f"{13 + n // 3}:{(30 + 20 * (n - 1)) % 60:02d}",
                 f"slot-{placement.pk}-length_minutes": 20}
    response = client.post(url, data)
    day = PresentationDay.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("presentation_day", args=[day.pk])
    assert day.slots.count() == 2
    assert emails("S13")


def test_schedule_page_shows_the_clash_and_saves_nothing(client, world, peer):
    client.force_login(world.pd)
    data = {"date": week16_wednesday(world.cohort).isoformat(), "start_time": "13:30",
            "end_time": "16:30", "venue": "Room 4"}
    for placement in (world.placement, peer):
        data |= {f"slot-{placement.pk}-order": 1, f"slot-{placement.pk}-start_time": "13:30",
                 f"slot-{placement.pk}-length_minutes": 20}
    response = client.post(reverse("presentation_schedule", args=[world.cohort.pk]), data)
    assert response.status_code == 200
    assert "both in slot 1" in response.content.decode()
    assert not PresentationDay.objects.exists()


@pytest.mark.parametrize("who", ["pa", "supervisor", "lead", "es", "chair", "ccg_admin", "trainee",
                                 "other_pd"])
def test_only_the_cohorts_pds_manage_the_day(client, world, who):
    day = schedule(world.cohort, world.pd)
    client.force_login(getattr(world, who))
    for name, args in [("presentation_schedule", [world.cohort.pk]),
                       ("presentation_day", [day.pk]), ("presentation_day_move", [day.pk]),
                       ("presentation_slots_edit", [day.pk]), ("presentation_day_cancel", [day.pk]),
                       ("presentation_attendance", [day.pk])]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    assert client.post(reverse("presentation_chase", args=[day.pk])).status_code == 404
    assert client.post(reverse("presentation_day_cancel", args=[day.pk])).status_code == 404
    day.refresh_from_db()
    assert not day.is_cancelled


def test_a_cohort_director_without_programme_membership_manages_the_day(client, world):
    director = give_role(factories.UserFactory(email="director@nhs.test"), Role.PD,
                         factories.ProgrammeFactory())
    world.cohort.directors.add(director)
    day = schedule(world.cohort, world.pd)
    client.force_login(director)
    response = client.get(reverse("presentation_day", args=[day.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("presentation_chase", args=[day.pk]) in page
    for name in ("presentation_day_move", "presentation_slots_edit", "presentation_day_cancel"):
        assert reverse(name, args=[day.pk]) in page, name
        assert client.get(reverse(name, args=[day.pk])).status_code == 200, name

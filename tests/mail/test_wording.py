"""What each email says: it addresses its reader by their role, says which half of a day a
sickness absence covers, and never shows the service's internal words."""

import datetime

import pytest
from django.utils import timezone

from clic.mail.models import OutboundEmail
from clic.mail.services import sop_notify
from rotations.models import Session
from rotations.notifications import placement_allocated_notices, send
from rotations.services import cohort_publish
from tests import factories

pytestmark = pytest.mark.django_db

THURSDAY = datetime.date(2026, 4, 16)


def _by_address(emails):
    return {email.to_email: email for email in emails}


def test_s4_tells_the_lead_they_lead_and_the_trainee_who_leads(world):
    emails = _by_address(sop_notify(code="S4", event_key="s4:test", about=world.placement,
                                    placement=world.placement))
    to_lead, to_trainee = emails["lead@nhs.test"], emails["trainee@nhs.test"]

    assert to_lead.subject == "CLIC: you are Project Lead for Dr Trainee"
    assert "You are now the Project Lead for the CLIC project of Dr Trainee" in to_lead.body_text
    assert "You are now the Project Lead for" in to_lead.body_html
    assert to_trainee.subject == "CLIC: your Project Lead is Dr Lead"
    assert "Your Project Lead is Dr Lead (lead@nhs.test)" in to_trainee.body_text
    assert "Dr Trainee (trainee@nhs.test)" not in to_trainee.body_text


def test_s16_tells_the_trainee_of_their_own_assessment_and_the_es_of_their_trainees(world):
    emails = _by_address(sop_notify(code="S16", event_key="s16:test", about=world.placement,
                                    placement=world.placement,
                                    context={"assessment": "Case-based Discussion"}))
    to_trainee, to_es = emails["trainee@nhs.test"], emails["es@nhs.test"]

    assert to_trainee.subject == "CLIC: your Case-based Discussion outcome is recorded"
    assert "The outcome of your Case-based Discussion has been recorded." in to_trainee.body_text
    assert "The outcome of your Case-based Discussion" in to_trainee.body_html
    assert ("The outcome of the Case-based Discussion of Dr Trainee (trainee@nhs.test), your GP "
            "trainee,") in to_es.body_text


def test_the_trainee_is_named_by_what_they_are_to_the_reader(world):
    emails = _by_address(sop_notify(code="S5", event_key="s5:test", about=world.placement,
                                    placement=world.placement,
                                    context={"days": [THURSDAY], "part": ""}))

    assert "Dr Trainee (trainee@nhs.test), the GP trainee you supervise at East Kent CCG, " \
        "has reported sickness absence" in emails["supervisor@nhs.test"].body_text
    assert "Dr Trainee (trainee@nhs.test), whose CLIC project you lead at East Kent CCG, " \
        "has reported" in emails["lead@nhs.test"].body_text
    assert "Dr Trainee (trainee@nhs.test), GP trainee on the CLIC rotation at East Kent CCG" \
        in emails["ekccgs.quality@nhs.net"].body_text


def test_people_an_event_names_are_told_as_what_they_are(world):
    emails = _by_address(sop_notify(
        code="S10", event_key="s10:test", about=world.placement, placement=world.placement,
        context={"session": "Project day, week 3"},
        recipients_override=[world.trainee, world.supervisor, "someone@nhs.test"]))

    assert emails["trainee@nhs.test"].recipient_roles == "Trainee"
    assert "A session in your CLIC timetable has changed" in emails["trainee@nhs.test"].body_text
    assert emails["supervisor@nhs.test"].recipient_roles == "CCG Supervisor"
    assert "to you as CCG Supervisor." in emails["supervisor@nhs.test"].body_text
    assert "the GP trainee you supervise" in emails["supervisor@nhs.test"].body_text
    assert emails["someone@nhs.test"].recipient_roles == ""
    for email in emails.values():
        assert "Named by the event" not in email.body_text + email.body_html
        assert "to you as ." not in email.body_text


def test_the_outbox_shows_no_error_where_there_is_none(world, client):
    sop_notify(code="S14", event_key="s14:test", about=world.placement,
               placement=world.placement, context={"raised_by": world.supervisor})
    client.force_login(world.pd)

    html = client.get("/outbox/").content.decode()

    assert "Dr Pd" in html
    assert "None" not in html
    assert "Named by the event" not in html


@pytest.mark.parametrize("code", ["S5", "S6", "ABS-SICK-CHANGED", "ABS-SICK-WITHDRAWN"])
def test_half_day_sickness_subjects_say_which_half(world, code):
    subjects = {
        part: sop_notify(code=code, event_key=f"{code}:{part}", about=world.placement,
                         placement=world.placement, recipients_override=[world.pd],
                         context={"days": [THURSDAY], "part": part, "reason": "migraine"}
                         )[0].subject
        for part in ("morning", "afternoon", "")}

    assert subjects["morning"].endswith("Dr Trainee, Thursday 16 April, morning")
    assert subjects["afternoon"].endswith("Dr Trainee, Thursday 16 April, afternoon")
    assert subjects[""].endswith("Dr Trainee, Thursday 16 April")
    assert not any("migraine" in subject for subject in subjects.values())


def test_an_open_ended_half_day_sickness_says_its_half_in_the_subject(world):
    [email] = sop_notify(code="S6", event_key="s6:open", about=world.placement,
                         placement=world.placement, recipients_override=[world.pd],
                         context={"days": [THURSDAY], "part": "afternoon; and every day after "
                                                              "until they are back at work"})

    assert email.subject == "Sickness absence: Dr Trainee, Thursday 16 April, afternoon"


def test_several_days_with_half_days_say_so_in_the_subject(world):
    [email] = sop_notify(code="S6", event_key="s6:halves", about=world.placement,
                         placement=world.placement, recipients_override=[world.pd],
                         context={"days": [THURSDAY, THURSDAY + datetime.timedelta(days=1)],
                                  "part": "Friday 17 April: morning only"})

    assert email.subject == ("Sickness absence: Dr Trainee, Thursday 16 April and 1 more day, "
                             "with half days")



def _welcome(world, trainee="trainee@nhs.test"):
    cohort_publish(cohort=world.cohort, by=world.pd)
    return OutboundEmail.objects.get(code="S2", to_email=trainee)


def test_the_welcome_names_the_first_mandatory_wednesday_with_times_and_venue(world):
    world.cohort.start_date = factories.this_monday(weeks_ago=-2)
    world.cohort.teaching_venue = "Postgraduate Centre, Ashford"
    world.cohort.save()
    wednesday = world.cohort.start_date + datetime.timedelta(days=2)

    welcome = _welcome(world)

    assert "Every Wednesday is mandatory" in welcome.body_text
    assert (f"The first is on {wednesday:%A} {wednesday.day} {wednesday:%B %Y}:"
            in welcome.body_text)
    assert ("- Teaching session / leadership workshop, 09:30 to 12:30, Postgraduate Centre, "
            "Ashford") in welcome.body_text
    assert "- Action learning set, 13:30 to 16:30, Postgraduate Centre, Ashford" in welcome.body_text
    assert "Postgraduate Centre, Ashford" in welcome.body_html


def test_a_late_welcome_names_the_next_wednesday_as_the_timetable_has_it(world):
    cohort_publish(cohort=world.cohort, by=world.pd)
    upcoming = (Session.objects.filter(cohort=world.cohort, kind=Session.Kind.TEACHING,
                                       date__gte=timezone.localdate()).order_by("date").first())
    Session.objects.filter(pk=upcoming.pk).update(venue="Room 5, Kent House")
    late = factories.PlacementFactory(cohort=world.cohort)

    send(placement_allocated_notices(late))

    welcome = OutboundEmail.objects.get(code="S2", to_email=late.trainee.email)
    day = upcoming.date
    assert f"The next is on {day:%A} {day.day} {day:%B %Y}:" in welcome.body_text
    assert ("Teaching session / leadership workshop, 09:30 to 12:30, Room 5, Kent House"
            in welcome.body_text)


def test_the_welcome_links_to_the_calendar_page_and_carries_no_calendar_token(world):
    welcome = _welcome(world)
    world.trainee.refresh_from_db()

    assert "https://clic.test/calendar/" in welcome.body_text
    assert 'href="https://clic.test/calendar/"' in welcome.body_html
    assert world.trainee.calendar_token not in welcome.body_text + welcome.body_html
    assert ".ics" not in welcome.body_text + welcome.body_html


def test_s11_tells_each_reader_who_else_can_submit_the_slide(world):
    emails = _by_address(sop_notify(code="S11", event_key="s11:test", about=world.placement,
                                    placement=world.placement))

    assert "(you or Dr Lead, the Project Lead, can)" in emails["supervisor@nhs.test"].body_text
    assert "(you or Dr Supervisor, the CCG Supervisor, can)" in emails["lead@nhs.test"].body_text

"""The demo's end of rotation: the running cohort (in week 6) has its presentation day booked
for week 16 through the service, so the S13 invitations (with their .ics) sit in the outbox;
some invitees have replied; the trainees have logged reflective entries for weeks 1 to 6."""

import datetime

from clic.accounts.demo import DemoData
from rotations.timetable import bank_holidays

from .models import Capability, PresentationInvitation, ReflectiveEntry
from .services import (
    SlotSpec,
    presentation_day_schedule,
    presentation_invitation_respond,
    presentation_slot_title_set,
    reflective_entry_log,
)

SLOT_MINUTES = 25
# Entries per week (weeks 1 to 6) for each demo trainee: one keeps up, others fall behind.
ENTRIES_PER_WEEK = [
    [2, 2, 3, 2, 2, 1],
    [1, 2, 0, 1, 2, 0],
    [2, 3, 2, 2, 1, 2],
    [0, 1, 1, 2, 0, 0],
]
ENTRY_IDEAS = [
    ("Governing body meeting: how decisions are made", ReflectiveEntry.Kind.LEADERSHIP_ACTIVITY,
     Capability.LEADERSHIP),
    ("Frailty referrals from my practice and the CCG pathway", ReflectiveEntry.Kind.LEARNING_LOG,
     Capability.COMMUNITY),
    ("Action learning set: leading without authority", ReflectiveEntry.Kind.ACTION_LEARNING_SET,
     Capability.TEAMWORK),
    ("Prescribing data and a patient I saw this week", ReflectiveEntry.Kind.CASE_REVIEW,
     Capability.DATA_GATHERING),
    ("Feedback from my CCG Supervisor on the project plan", ReflectiveEntry.Kind.FEEDBACK,
     Capability.PERFORMANCE),
]


def _presentation_date(cohort) -> datetime.date:
    """The Wednesday of week 16, or the next weekday if that is a bank holiday."""
    closed = bank_holidays(cohort.monday_of_week(16), cohort.end_date)
    day = cohort.monday_of_week(16) + datetime.timedelta(days=2)
    while day in closed or day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def load(data: DemoData) -> None:
    cohort = data.extras["running_cohort"]
    people = data.people
    placements = list(cohort.placements.select_related("trainee").order_by("trainee__full_name"))
    start = datetime.datetime.combine(data.today, datetime.time(13, 30))
    day = presentation_day_schedule(
        cohort=cohort, organiser=people["pd"], date=_presentation_date(cohort),
        start_time=datetime.time(13, 30), end_time=datetime.time(16, 30),
        venue=cohort.teaching_venue or "Kent and Canterbury Hospital Education Centre",
        online_url="https://teams.microsoft.com/l/meetup-join/clic-demo",
        notes="Each trainee presents for 15 minutes, with 10 minutes for questions.",
        slots=[SlotSpec(placement=placement, order=number,
                        start_time=(start + datetime.timedelta(
                            minutes=SLOT_MINUTES * (number - 1))).time(),
                        length_minutes=SLOT_MINUTES)
               for number, placement in enumerate(placements, start=1)])
    titles = ["Reducing avoidable frailty admissions: a primary care pathway",
              "Diabetes foot checks across east Kent practices"]
    for slot, title in zip(day.slots.order_by("order"), titles, strict=False):
        presentation_slot_title_set(slot=slot, title=title)
    replies = {"supervisor": PresentationInvitation.Response.ATTENDING,
               "lead": PresentationInvitation.Response.ATTENDING,
               "chair": PresentationInvitation.Response.APOLOGIES,
               "trainee1": PresentationInvitation.Response.ATTENDING,
               "pd2": PresentationInvitation.Response.ATTENDING}
    for invitation in day.invitations.select_related("person"):
        for login, response in replies.items():
            if invitation.person_id == people[login].pk:
                presentation_invitation_respond(invitation=invitation, response=response)
    data.extras["presentation_day"] = day

    for placement, counts in zip(placements, ENTRIES_PER_WEEK, strict=False):
        for week, count in enumerate(counts, start=1):
            for n in range(count):
                date = cohort.monday_of_week(week) + datetime.timedelta(days=(1 + 2 * n) % 7)
                date = min(date, data.today)
                title, kind, capability = ENTRY_IDEAS[(week + n) % len(ENTRY_IDEAS)]
                reflective_entry_log(placement=placement, date=date, title=title, kind=kind,
                                     capability=capability)

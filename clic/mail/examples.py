"""An invented cohort for showing each catalogue row's wording on the "Who is told what"
page. Nothing here is saved; nothing here is anyone's data."""

import datetime
from types import SimpleNamespace

from django.utils import timezone

from clic.accounts.models import Organisation, User
from clic.registry import Registry

from .catalogue import CatalogueRow, Recipient
from .models import RoutingRow
from .services import Addressee, render_sop_email

# The invented cohort and placement, built unsaved by the apps that own them (registered in
# rotations' and trainees' AppConfig.ready()): part(*, programme, ccg, start_date) -> cohort;
# part(*, cohort, trainee, ccg_supervisor, project_lead, educational_supervisor) -> placement.
example_cohort: Registry = Registry("example emails: the invented cohort")
example_placement: Registry = Registry("example emails: the invented placement")


def _example_world():
    programme = Organisation(kind=Organisation.Kind.PROGRAMME, name="HEE KSS GP Programme")
    ccg = Organisation(kind=Organisation.Kind.CCG, name="East Kent CCG",
                       admin_mailbox="ekccgs.quality@nhs.net",
                       committee_email="committee@example.nhs.net")
    today = timezone.localdate()
    cohort = example_cohort.one()(programme=programme, ccg=ccg,
                                  start_date=today - datetime.timedelta(days=today.weekday()))
    people = {label: User(full_name=name, email=f"{label}@example.nhs.net")
              for label, name in [("trainee", "Dr Alex Example"), ("supervisor", "Sam Supervisor"),
                                  ("lead", "Pat Lead"), ("es", "Dr Erin Trainer"),
                                  ("pd", "Dr Dana Director")]}
    placement = example_placement.one()(
        cohort=cohort, trainee=people["trainee"], ccg_supervisor=people["supervisor"],
        project_lead=people["lead"], educational_supervisor=people["es"])
    return cohort, placement, people


def _example_addressee(role: Recipient, people: dict, cohort) -> Addressee:
    if role in (Recipient.CCG_ADMIN, Recipient.COMMITTEE):
        return Addressee(email=(cohort.ccg.admin_mailbox if role == Recipient.CCG_ADMIN
                                else cohort.ccg.committee_email))
    person = people[{Recipient.TRAINEE: "trainee", Recipient.COHORT_TRAINEES: "trainee",
                     Recipient.PEERS: "trainee", Recipient.PROJECT_LEAD: "lead",
                     Recipient.ES: "es", Recipient.PD: "pd", Recipient.PA: "pd",
                     Recipient.DEPUTY_CHAIR: "pd"}.get(role, "supervisor")]
    return Addressee(email=person.email, name=person.full_name)


def example_context(row: CatalogueRow) -> dict:
    cohort, placement, people = _example_world()
    day = cohort.start_date + datetime.timedelta(weeks=3, days=3)
    when = timezone.make_aware(datetime.datetime.combine(
        cohort.end_date - datetime.timedelta(days=2), datetime.time(14, 0)))
    meeting_time = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))
    role = row.recipients[0] if row.recipients else Recipient.TRAINEE
    recipient = _example_addressee(role, people, cohort)
    recipient.roles, recipient.role_codes = [role.label] if row.recipients else [], [role.value]
    recipient.placements = [placement]
    named = {"raised_by": people["supervisor"], "decided_by": people["pd"],
             "invited_by": people["pd"], "arranger_person": people["supervisor"],
             "arranged_by": people["supervisor"], "paired_by": people["pd"]}
    replies = [_example_addressee(target, people, cohort) if isinstance(target, Recipient)
               else Addressee(email=named[target.context_key].email,
                              name=named[target.context_key].full_name)
               for target in row.reply_to]
    return {
        **named, "replies_reach": [reply for reply in replies if reply.email != recipient.email],
        "row": row, "cohort": cohort, "ccg": cohort.ccg, "placement": placement,
        "trainee": placement.trainee, "placements": [placement], "recipient": recipient,
        "user": people["trainee"],
        "url": "https://clic.example/invitation/…/", "days": [day], "part": "",
        "kind": "study_leave", "meeting": "Project review with the CCG Supervisor",
        "meeting_time": meeting_time, "expected_time": "10:20", "changes": ["Venue: Room 2 to Room 5"],
        "session": "Wednesday teaching, week 9", "project_title": "Frailty pathway audit",
        "submitted_by": people["supervisor"], "when": when, "venue": "CCG offices, Canterbury",
        "assessment": "Case-based Discussion", "survey_url": "https://clic.example/survey/",
        # The temperature check (surveys).
        "survey": SimpleNamespace(year=day.year, programme=cohort.programme),
        "closes_on": day,
        "meeting_phrase": "week 8 review", "meeting_label": "Week 8 review", "weeks": "week 8",
        "due_by": day, "arranger": "CCG Supervisor",
        # A cohort's presentation day with its running order (S13 and its follow-ups).
        "day": SimpleNamespace(date=when.date(), start_time=datetime.time(13, 30),
                               end_time=datetime.time(16, 30), venue="CCG offices, Canterbury",
                               online_url=""),
        "agreed_by": people["supervisor"],
        "project": SimpleNamespace(title="Frailty pathway audit",
                                   ccg_priority="Ageing well: frailty and falls",
                                   get_commissioning_stage_display=(
                                       "Strategic planning: assess needs, review current "
                                       "services, decide priorities")),
        "arranged_meeting": SimpleNamespace(date=day, start_time=datetime.time(10, 0),
                                            end_time=datetime.time(11, 0),
                                            venue="CCG offices, room 4"),
        "others": [people["supervisor"].full_name, people["lead"].full_name],
        # An alumnus mentoring the trainee (MENTOR-PAIRED).
        "mentor": people["es"], "offer": "CCG project work in urgent care",
        # The first mandatory Wednesday (S2).
        "wednesday": [SimpleNamespace(title=title, week=1, venue=cohort.teaching_venue,
                                      date=cohort.start_date + datetime.timedelta(days=2),
                                      start_time=datetime.time(*start), end_time=datetime.time(*end))
                      for title, start, end in (
                          ("Teaching session / leadership workshop", (9, 30), (12, 30)),
                          ("Action learning set", (13, 30), (16, 30)))],
        "slots": [SimpleNamespace(start_time=datetime.time(13, 30), placement=placement,
                                  title="Frailty pathway audit")],
    }


def example_email(row: CatalogueRow, table_row: RoutingRow | None = None
                  ) -> tuple[str, str, str] | None:
    """The row's subject, text and HTML for the invented cohort (as a routing table words
    it, when given one), or None for rows worded outside the catalogue (allauth's account
    emails)."""
    if row.template is None:
        return None
    return render_sop_email(row, table_row, example_context(row))

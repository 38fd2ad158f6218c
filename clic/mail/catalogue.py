"""Who is told what: the handbook's SOP (its Appendix 2) as one declarative table.

Each row names the event, the roles that receive it (resolved from the placement and
cohort when the event happens) and the template trio `{template}_subject.txt`,
`{template}.txt` and `{template}.html`. Adding an email is adding one row here and
its three templates.
"""

from dataclasses import dataclass

from django.db import models


class Recipient(models.TextChoices):
    """A role that receives an email. Placement roles (trainee, supervisor, lead, ES) come
    from the event's placement, or from every placement of the cohort when the event is
    about the whole cohort."""

    TRAINEE = "trainee", "Trainee"
    COHORT_TRAINEES = "cohort_trainees", "Trainee in the cohort"
    PEERS = "peers", "Peer in the cohort"
    CCG_SUPERVISOR = "ccg_supervisor", "CCG Supervisor"
    PROJECT_LEAD = "project_lead", "CCG Project Lead"
    CCG_ADMIN = "ccg_admin", "CCG admin mailbox"
    PD = "pd", "Programme Director"
    PA = "pa", "Programme Administrator"
    ES = "es", "Educational Supervisor"
    DEPUTY_CHAIR = "deputy_chair", "Deputy Clinical Chair"
    COMMITTEE = "committee", "Clinical Assurance Strategy Committee"


# How each role is found, for the "Who is told what" page.
RECIPIENT_DESCRIPTIONS = {
    Recipient.TRAINEE: "The trainee (every trainee, for an event about the whole cohort)",
    Recipient.COHORT_TRAINEES: "Every trainee in the cohort",
    Recipient.PEERS: "The trainee's peers: the other trainees in the cohort",
    Recipient.CCG_SUPERVISOR: "The trainee's CCG Supervisor",
    Recipient.PROJECT_LEAD: "The trainee's Project Lead, once named",
    Recipient.CCG_ADMIN: "The CCG's admin mailbox",
    Recipient.PD: "The cohort's Programme Directors",
    Recipient.PA: "The programme's Programme Administrators",
    Recipient.ES: "The trainee's Educational Supervisor",
    Recipient.DEPUTY_CHAIR: "The CCG's Deputy Clinical Chair",
    Recipient.COMMITTEE: "The CCG's Clinical Assurance Strategy Committee mailbox",
}


R = Recipient


@dataclass(frozen=True)
class NamedPerson:
    """A person the event names in its context (who raised the concern, who decided), where
    no role says who they are."""

    context_key: str
    description: str


RAISED_BY = NamedPerson("raised_by", "The person who raised the concern")
DECIDED_BY = NamedPerson("decided_by", "The person who decided")
INVITED_BY = NamedPerson("invited_by", "The person who sent the invitation")
ARRANGER = NamedPerson("arranger_person", "The person who should arrange the meeting")
ARRANGED_BY = NamedPerson("arranged_by", "The person who arranged, moved or cancelled the meeting")
PAIRED_BY = NamedPerson("paired_by", "The Programme Director who paired the mentor and trainee")
NAMED_PEOPLE = {person.context_key: person
                for person in (RAISED_BY, DECIDED_BY, INVITED_BY, ARRANGER, ARRANGED_BY,
                               PAIRED_BY)}


@dataclass(frozen=True)
class CatalogueRow:
    code: str
    event: str
    recipients: tuple[Recipient, ...]
    template: str | None
    notes: str = ""
    # Sickness is special-category data: these rows pass only dates to their templates.
    health_data: bool = False
    # Rows the trainee causes; the trainee sees them on their own SOP timeline.
    raised_by_trainee: bool = False
    # The body carries a one-time sign-in link: the outbox shows that it was sent, never
    # the link, or whoever reads the outbox could use it.
    confidential: bool = False
    # Whom a reply should reach (the Reply-To header): roles resolved for the event's
    # placement, or people the event names; nobody when empty. Never the person the email
    # goes to. The CCG admin mailbox only where the subject is a CCG day: a reply about any
    # other day may carry health data the CCG must not see.
    reply_to: tuple["Recipient | NamedPerson", ...] = ()
    about_ccg_day: bool = False
    # Whether each programme's routing table carries the row (its recipients, reply-to and
    # wording): not for emails outside any programme (invitations, outbox alerts, accounts).
    per_programme: bool = True
    # Who receives it when the event itself names them (the people of one session, those an
    # earlier email reached): the table's recipients for the row are then not used.
    recipients_from_event: str = ""

    def __post_init__(self):
        if Recipient.CCG_ADMIN in self.reply_to and not self.about_ccg_day:
            raise ValueError(f"{self.code}: the CCG admin mailbox may be a reply address only "
                             "for an email about a CCG day.")


# Context keys a sickness row's template may see, besides the people and links.
HEALTH_DATA_CONTEXT_KEYS = frozenset({"days", "part", "path"})

CATALOGUE: tuple[CatalogueRow, ...] = (
    CatalogueRow("S1", "Cohort published or trainee allocated",
                 (R.CCG_SUPERVISOR, R.CCG_ADMIN, R.PD), "mail/sop/s01_allocated",
                 "Names, start dates and project days.",
                 reply_to=(R.PD,)),
    CatalogueRow("S2", "Cohort published", (R.TRAINEE,), "mail/sop/s02_welcome",
                 "Welcome: read the CCG's annual report and governing body minutes, look for "
                 "meetings to attend, and the HR checklist.",
                 reply_to=(R.PD,)),
    CatalogueRow("S3", "Cohort published", (R.CCG_SUPERVISOR,), "mail/sop/s03_supervisor_contact",
                 "Contact the trainee and arrange the first meeting.",
                 reply_to=(R.PD,)),
    CatalogueRow("S4", "CCG Supervisor names the Project Lead", (R.TRAINEE, R.PROJECT_LEAD),
                 "mail/sop/s04_project_lead_named",
                 "The Project Lead meets the trainee in week 1 or 2 to define the project.",
                 reply_to=(R.TRAINEE, R.PROJECT_LEAD)),
    CatalogueRow("S5", "Sickness on a CCG project day",
                 (R.CCG_SUPERVISOR, R.PROJECT_LEAD, R.CCG_ADMIN), "mail/sop/s05_sickness_ccg_day",
                 "As soon as possible. Dates only, never a reason.",
                 health_data=True, raised_by_trainee=True,
                 reply_to=(R.TRAINEE, R.CCG_ADMIN), about_ccg_day=True),
    CatalogueRow("S6", "Sickness on any other day", (R.PA, R.PD), "mail/sop/s06_sickness_other_day",
                 "Dates only, never a reason.", health_data=True, raised_by_trainee=True,
                 reply_to=(R.TRAINEE,)),
    CatalogueRow("S7", "Annual leave request",
                 (R.PA, R.PD, R.CCG_SUPERVISOR, R.PROJECT_LEAD), "mail/sop/s07_annual_leave",
                 "The trainee organises it; the decision goes back to the trainee.",
                 raised_by_trainee=True,
                 reply_to=(R.TRAINEE,)),
    CatalogueRow("S8", "Study leave request, or cannot attend an educational session",
                 (R.PA, R.PD), "mail/sop/s08_study_leave", raised_by_trainee=True,
                 reply_to=(R.TRAINEE,)),
    CatalogueRow("S9", "Running late for a meeting", (R.CCG_SUPERVISOR, R.PROJECT_LEAD),
                 "mail/sop/s09_running_late",
                 "The people of that meeting: the caller names them when they differ.",
                 raised_by_trainee=True,
                 reply_to=(R.TRAINEE,),
                 recipients_from_event="The people of the meeting the trainee is late for."),
    CatalogueRow("S10", "Timetable change (activity, venue, time)", (R.TRAINEE,),
                 "mail/sop/s10_timetable_change",
                 "The trainees affected, and staff attending; with the updated calendar entry.",
                 reply_to=(R.PD,),
                 recipients_from_event="The trainees and staff of the session that changed."),
    CatalogueRow("S11", "Trainee submits project outcome and summary slide",
                 (R.CCG_SUPERVISOR, R.PROJECT_LEAD), "mail/sop/s11_project_submitted",
                 raised_by_trainee=True,
                 reply_to=(R.TRAINEE,)),
    CatalogueRow("S12", "Summary slide submitted to the committee", (R.COMMITTEE,),
                 "mail/sop/s12_committee_submission",
                 "Sent by the CCG Supervisor or Project Lead.",
                 reply_to=(R.CCG_SUPERVISOR,)),
    CatalogueRow("S13", "Presentation scheduled",
                 (R.CCG_SUPERVISOR, R.PROJECT_LEAD, R.ES, R.PEERS, R.DEPUTY_CHAIR, R.PD),
                 "mail/assessments/presentation_scheduled",
                 "A calendar invitation; invitees reply and attendance is recorded.",
                 reply_to=(R.PD,)),
    CatalogueRow("S14", "CCG Supervisor raises a concern", (R.PD,), "mail/sop/s14_concern_supervisor",
                 "Says a concern was raised; the concern itself is read in the service.",
                 reply_to=(RAISED_BY,)),
    CatalogueRow("S15", "Project Lead raises a concern", (R.CCG_SUPERVISOR, R.DEPUTY_CHAIR),
                 "mail/sop/s15_concern_project_lead",
                 "Says a concern was raised; the concern itself is read in the service.",
                 reply_to=(RAISED_BY,)),
    CatalogueRow("S16", "Assessment outcome recorded", (R.TRAINEE, R.ES),
                 "mail/sop/s16_assessment_recorded",
                 "No marks in the email: the outcome is read in the service.",
                 reply_to=(R.PD,)),
    CatalogueRow("S17", "End of rotation", (R.COHORT_TRAINEES,), "mail/sop/s17_evaluation",
                 "The evaluation survey; the results later go to participants and stakeholders.",
                 reply_to=(R.PD,)),
    # Rows added by the assessments app (presentation day, reflective entries, evaluation).
    CatalogueRow("S13U", "Presentation day moved",
                 (R.CCG_SUPERVISOR, R.PROJECT_LEAD, R.ES, R.PEERS, R.DEPUTY_CHAIR, R.PD),
                 "mail/assessments/presentation_updated",
                 "To everyone invited: the updated calendar invitation (same UID, higher SEQUENCE).",
                 reply_to=(R.PD,),
                 recipients_from_event="Everyone invited to the presentation day."),
    CatalogueRow("S13X", "Presentation day cancelled",
                 (R.CCG_SUPERVISOR, R.PROJECT_LEAD, R.ES, R.PEERS, R.DEPUTY_CHAIR, R.PD),
                 "mail/assessments/presentation_cancelled",
                 "To everyone invited: a calendar cancellation (METHOD:CANCEL).",
                 reply_to=(R.PD,),
                 recipients_from_event="Everyone invited to the presentation day."),
    CatalogueRow("S13R", "Presentation invitation not answered",
                 (R.CCG_SUPERVISOR, R.PROJECT_LEAD, R.ES, R.PEERS, R.DEPUTY_CHAIR, R.PD),
                 "mail/assessments/presentation_chase",
                 "Sent when a PD chases: only to invitees who have not replied, at most daily.",
                 reply_to=(R.PD,),
                 recipients_from_event="Invitees who have not replied."),
    CatalogueRow("S17R", "Evaluation results shared", (R.COHORT_TRAINEES, R.CCG_SUPERVISOR,
                 R.PROJECT_LEAD, R.ES, R.DEPUTY_CHAIR, R.PD, R.PA),
                 "mail/assessments/evaluation_results",
                 "Counts and averages only; sent by a PD to participants and stakeholders.",
                 reply_to=(R.PD,)),
    CatalogueRow("REFLECT", "Fewer than 2 reflective entries logged this week", (R.TRAINEE,),
                 "mail/assessments/reflective_reminder",
                 "The weekly beat, once per trainee per week, to trainees below 2 that week.",
                 reply_to=(R.PD,)),
    # Rows added by the projects app (SOP meetings: "a reminder goes out when one is due").
    CatalogueRow("MEETING_DUE", "An SOP meeting is due and not recorded as held",
                 (R.CCG_SUPERVISOR, R.PROJECT_LEAD, R.TRAINEE), "mail/projects/meeting_due",
                 "To whoever arranges it: the CCG Supervisor (first meeting, week 8/12/16 reviews; "
                 "the Project Lead's meeting while none is named), the Project Lead (project "
                 "meeting), the trainee (Deputy Clinical Chair). From the Monday of its week.",
                 reply_to=(R.TRAINEE,),
                 recipients_from_event="Whoever arranges the meeting."),
    CatalogueRow("MEETING_OVERDUE", "An SOP meeting is still not recorded a week after it fell due",
                 (R.CCG_SUPERVISOR, R.PD), "mail/projects/meeting_overdue",
                 "To the CCG Supervisor; to the PDs for the supervisor's own meetings. "
                 "Not for the optional Deputy Clinical Chair meetings.",
                 reply_to=(ARRANGER,),
                 recipients_from_event="The CCG Supervisor, or the PDs for the supervisor's own meetings."),
    CatalogueRow("MEETING_INVITE", "An SOP meeting is arranged or moved", (R.TRAINEE,),
                 "mail/projects/meeting_invitation",
                 "A calendar invitation (METHOD:REQUEST); a move sends the update (same UID, "
                 "higher SEQUENCE). The other attendees see it in their diary and calendar feed.",
                 reply_to=(ARRANGED_BY,)),
    CatalogueRow("MEETING_CANCELLED", "An arranged SOP meeting is cancelled", (R.TRAINEE,),
                 "mail/projects/meeting_cancelled",
                 "A calendar cancellation (METHOD:CANCEL) that takes it out of the calendar.",
                 reply_to=(ARRANGED_BY,)),
    CatalogueRow("PROJECT_AGREED", "The CCG Supervisor agrees the project", (R.TRAINEE, R.PD),
                 "mail/projects/project_agreed",
                 "The trainee can start; the PDs confirm that the project suits the rotation.",
                 reply_to=(R.CCG_SUPERVISOR,)),
    # Rows added by the absences app (what follows an S5-S9 report, and leave decisions).
    CatalogueRow("ABS-SICK-CHANGED", "Sickness report changed, or closed when the trainee is back",
                 (R.CCG_SUPERVISOR, R.PROJECT_LEAD, R.CCG_ADMIN, R.PA, R.PD),
                 "mail/absences/sickness_changed",
                 "Only the people its S5/S6 emails reached, each with their own days. Dates only.",
                 health_data=True, raised_by_trainee=True,
                 reply_to=(R.TRAINEE,),
                 recipients_from_event="Whoever the sickness report's S5 and S6 emails reached."),
    CatalogueRow("ABS-SICK-WITHDRAWN", "Sickness report withdrawn",
                 (R.CCG_SUPERVISOR, R.PROJECT_LEAD, R.CCG_ADMIN, R.PA, R.PD),
                 "mail/absences/sickness_withdrawn",
                 "Only the people its S5/S6 emails reached. Dates only.",
                 health_data=True, raised_by_trainee=True,
                 reply_to=(R.TRAINEE,),
                 recipients_from_event="Whoever the sickness report's S5 and S6 emails reached."),
    CatalogueRow("ABS-CHANGED", "Leave request, cannot-attend or running-late note changed or withdrawn",
                 (R.PA, R.PD, R.CCG_SUPERVISOR, R.PROJECT_LEAD), "mail/absences/changed",
                 "Only the people its S7, S8 or S9 email reached.", raised_by_trainee=True,
                 reply_to=(R.TRAINEE,),
                 recipients_from_event="Whoever the report's S7, S8 or S9 email reached."),
    CatalogueRow("ABS-DECISION", "Leave request approved or declined",
                 (R.TRAINEE, R.PA, R.PD, R.CCG_SUPERVISOR, R.PROJECT_LEAD),
                 "mail/absences/decision",
                 "By the PD, or a PA on the PD's behalf, with their comment. To the trainee "
                 "and everyone its S7 or S8 request email reached.",
                 reply_to=(DECIDED_BY,)),
    # Rows added by the surveys app: the annual temperature check goes to its audience,
    # which spans the programme's cohorts, so it is addressed by the survey, not routed.
    CatalogueRow("SURVEY", "The annual temperature check opens", (), "mail/surveys/invitation",
                 "To everyone it asks: the link, the closing date and that answers are "
                 "anonymous.", reply_to=(INVITED_BY,), per_programme=False,
                 recipients_from_event="Everyone the survey asks: the current trainees and "
                                       "the CCG Supervisors and Project Leads of the "
                                       "programme's cohorts."),
    CatalogueRow("SURVEY-REMIND", "The temperature check is not answered yet", (),
                 "mail/surveys/reminder",
                 "The daily beat, once a week while it is open, to those who have not "
                 "answered.", reply_to=(INVITED_BY,), per_programme=False,
                 recipients_from_event="Those asked who have not answered."),
    CatalogueRow("INVITE", "A person is invited to the service", (), "mail/invitation",
                 "To the person invited: a link to set their password.", confidential=True,
                 reply_to=(INVITED_BY,),
                 per_programme=False),
    CatalogueRow("MENTOR-PAIRED", "A Programme Director pairs an alumnus mentor with a trainee",
                 (), "mail/community/mentor_paired",
                 "To the mentor and the trainee: who the other is, how to reach them and "
                 "what the mentor offers.",
                 reply_to=(PAIRED_BY,), per_programme=False),
    CatalogueRow("OUTBOX-ALERT", "Emails failed, or have waited too long to be sent", (),
                 "mail/outbox_alert",
                 "To every Programme Director and Administrator, once per incident: counts "
                 "only, and a link to the outbox.",
                 per_programme=False),
    CatalogueRow("INTERESTS-REMINDER", "Yearly reminder to declare interests", (),
                 "mail/interests/reminder",
                 "To each CCG Supervisor, Project Lead, PD, Deputy Clinical Chair and "
                 "presentation panel member who has declared nothing (not even \"nothing to "
                 "declare\") in 12 months: once a year at most.",
                 per_programme=False),
    CatalogueRow("ACCOUNT", "Account emails (password reset, address verification)", (), None,
                 "To the account holder; worded by the sign-in system.", confidential=True,
                 per_programme=False),
    CatalogueRow("OPP-DIGEST", "Weekly digest of new leadership roles", (),
                 "mail/opportunities/digest",
                 "To each subscriber, once a week, when roles were published to their "
                 "programme that week; nothing when there are none.",
                 per_programme=False),
)

BY_CODE: dict[str, CatalogueRow] = {row.code: row for row in CATALOGUE}


def is_confidential(code: str) -> bool:
    """Whether an email's body must not be shown; codes no longer catalogued are kept hidden."""
    row = BY_CODE.get(code)
    return row is None or row.confidential


def row_for(code: str) -> CatalogueRow:
    try:
        return BY_CODE[code]
    except KeyError:
        raise ValueError(f"No row {code!r} in the email catalogue.") from None


def reply_to_descriptions(row: CatalogueRow) -> list[str]:
    """Whom a reply to the row's email reaches, in plain words; empty when nobody."""
    return [target.description if isinstance(target, NamedPerson)
            else "The trainee the email is about" if target == Recipient.TRAINEE
            else RECIPIENT_DESCRIPTIONS[target] for target in row.reply_to]


def code_choices() -> list[tuple[str, str]]:
    return [(row.code, f"{row.code}: {row.event}") for row in CATALOGUE]

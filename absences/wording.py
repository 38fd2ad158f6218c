"""Who a report's emails reach, in words: "your CCG Supervisor Claire Morgan
(claire.morgan@nhs.net) and the CCG admin mailbox (...)". Every phrase is built from
clic.mail's own resolution (sop_addressees), so what a page says is what the outbox sends,
and names the organisation as the cohort's programme does ("the host organisation admin
mailbox" in a programme whose template calls it that)."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from clic.mail.catalogue import Recipient
from clic.mail.services import sop_addressees
from trainees.models import Placement

from . import rules
from .models import Absence
from .routing import CODE_BY_KIND, SICKNESS_CCG, SICKNESS_OTHER, RoutedDay


def _names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


# "{word}" is what the cohort's programme calls its commissioning organisation ("CCG",
# "ICB", "host organisation"): the catalogue's role labels are east Kent's.
ROLE_PHRASES = {
    "ccg_supervisor": ("{possessive} {word} Supervisor {people}",
                       "{possessive} {word} Supervisors {people}"),
    "project_lead": ("{possessive} Project Lead {people}", "{possessive} Project Leads {people}"),
    "ccg_admin": ("the {word} admin mailbox {people}", "the {word} admin mailboxes {people}"),
    "pd": ("{possessive} Programme Director {people}", "{possessive} Programme Directors {people}"),
    "pa": ("the Programme Administrator {people}", "the Programme Administrators {people}"),
    "trainee": ("{people}", "{people}"),
}


def _named(addressee) -> str:
    """ "Dr Claire Morgan (claire.morgan@nhs.net)"; a mailbox by its address alone."""
    return f"{addressee.name} ({addressee.email})" if addressee.name else f"({addressee.email})"


def organisation_word(placement: Placement) -> str:
    """What the placement's programme calls the commissioning organisation ("CCG" in east
    Kent's handbook, "host organisation" in Derbyshire's)."""
    return placement.cohort.template_version.organisation_word


def describe_addressees(placement: Placement, addressees: Sequence, *, possessive: str) -> str:
    """ "your CCG Supervisor Claire Morgan (claire.morgan@nhs.net), your Project Lead ... and
    the CCG admin mailbox (ekccgs.quality@nhs.net)": clic.mail's addressees of an email, each
    with its address and why they get it."""
    by_role: dict[str, list] = {}
    for addressee in addressees:
        by_role.setdefault(addressee.role_codes[0] if addressee.role_codes else "named",
                           []).append(addressee)
    phrases = []
    for role, group in by_role.items():
        if role == "named":  # a person named by the event: a facilitator, a meeting's attendee
            phrases += [_person_phrase(placement, a, possessive) for a in group]
            continue
        people = _names([_named(a) for a in group])
        if role == "trainee" and possessive == "your":
            people = f"you {_names([f'({a.email})' for a in group])}"
        one, many = ROLE_PHRASES.get(role, ("{role} {people}", "{role} {people}"))
        phrases.append((one if len(group) == 1 else many).format(
            possessive=possessive, people=people, role=Recipient(role).label,
            word=organisation_word(placement)))
    return _names(phrases)


def _person_phrase(placement: Placement, addressee, possessive: str) -> str:
    if addressee.email == (placement.ccg_supervisor.email.lower()
                           if placement.ccg_supervisor_id else None):
        return f"{possessive} {organisation_word(placement)} Supervisor {_named(addressee)}"
    if addressee.email == (placement.project_lead.email.lower()
                           if placement.project_lead_id else None):
        return f"{possessive} Project Lead {_named(addressee)}"
    return _named(addressee)


@dataclass
class Telling:
    """One email (or, `later`, a possible one) as a preview names it."""

    code: str
    people: str
    days: list[RoutedDay]
    heading: str = ""
    addressees: list = field(default_factory=list)
    later: bool = False

    @property
    def sentence(self) -> str:
        if not self.people:
            return "Nobody can be emailed: no one holds these roles yet"
        people = f"{self.people[:1].upper()}{self.people[1:]}"
        return f"{people} will be emailed{' on the morning of that day' if self.later else ''}"


def _possessive(placement: Placement, reporter) -> str:
    return "your" if reporter is not None and reporter.pk == placement.trainee_id else (
        f"{placement.trainee.full_name}'s")


LATER_HEADINGS = {"S5": "If still off sick on a {word} project day",
                  "S6": "If still off sick on any other rotation day"}


def who_is_told(placement: Placement, notices: Sequence, *, reporter) -> list[Telling]:
    """Who each email a service is about to send (absences.services.*_notices) reaches, by
    name and address, from clic.mail's own resolution (sop_addressees): what the page says is
    what the outbox gets."""
    possessive = _possessive(placement, reporter)
    told = []
    for notice in notices:
        addressees = sop_addressees(code=notice.row, placement=placement,
                                    recipients_override=notice.recipients)
        told.append(Telling(code=notice.code, days=list(notice.days), addressees=addressees,
                            people=describe_addressees(placement, addressees,
                                                       possessive=possessive),
                            heading=(LATER_HEADINGS.get(notice.code, "").format(
                                word=organisation_word(placement)) if notice.later else ""),
                            later=notice.later))
    return told


def who_may_be_told(placement: Placement, kind: str, *, reporter) -> list[Telling]:
    """Before any dates are entered: who each kind of report reaches (SOP S5-S9)."""
    possessive = _possessive(placement, reporter)

    def telling(code, heading="", recipients=None, prefix=""):
        addressees = sop_addressees(code=code, placement=placement,
                                    recipients_override=recipients)
        people = describe_addressees(placement, addressees, possessive=possessive)
        return Telling(code, prefix + people, [], heading, addressees)

    if kind == Absence.Kind.SICKNESS:
        ccg_day = telling(SICKNESS_CCG, f"For a {organisation_word(placement)} project day")
        if not rules.can_report_for(reporter, placement):  # CCG admin, from the mailbox
            return [ccg_day]
        return [ccg_day, telling(SICKNESS_OTHER, "For any other day")]
    if kind == Absence.Kind.RUNNING_LATE:
        return [telling("S9", f"For a {organisation_word(placement)} session or meeting",
                        [Recipient.CCG_SUPERVISOR, Recipient.PROJECT_LEAD]),
                telling("S9", "For teaching or the action learning set", [Recipient.PD],
                        prefix="the session's facilitator and ")]
    return [telling(CODE_BY_KIND[kind])]

"""Every write to absences: reporting, changing, withdrawing, "I'm back", leave decisions,
and the daily follow-up of open-ended sickness. Each runs in one transaction with the
emails it causes (clic.mail's outbox), so a refused report saves nothing and sends nothing.

Emails carry no note and, for sickness, nothing but "sickness absence" and the dates."""

import datetime
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from clic.accounts.models import User
from clic.audit import services as audit
from clic.mail.catalogue import Recipient
from clic.mail.services import sop_notify, sop_recipients
from rotations.models import Session
from trainees.models import Placement

from . import rules
from .models import LEAVE_KINDS, Absence, AbsenceEvent
from .routing import (
    CODE_ORDER,
    EDUCATIONAL_KINDS,
    RUNNING_LATE,
    SICKNESS_CCG,
    SICKNESS_OTHER,
    RoutedDay,
    Routing,
    days_and_part,
    excluded_message,
    late_meeting_recipients,
    late_recipients,
    overlaps,
    part_for_session,
    part_for_time,
    route,
    session_is_for,
    sop_days,
)
from .selectors import (
    absence_routing,
    known_last_day,
    live_absences_of,
    report_of_submission,
    timetable_for,
)

SICKNESS_BACKDATE_DAYS = 14
SICKNESS_AHEAD_DAYS = 7

# The catalogue rows for what follows a first report (clic/mail/catalogue.py).
SICKNESS_CHANGED = "ABS-SICK-CHANGED"
SICKNESS_WITHDRAWN = "ABS-SICK-WITHDRAWN"
REPORT_CHANGED = "ABS-CHANGED"
LEAVE_DECISION = "ABS-DECISION"
OPEN_ENDED_PART = "and every day after until they are back at work"


class AbsenceRefused(Exception):
    """Bad input: a clear message, nothing saved, no email. `field` names the form field the
    message belongs to (None for the whole form); `existing` is the report it clashes with."""

    def __init__(self, message: str, *, field: str | None = None, existing: Absence | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.existing = existing


@dataclass
class Plan:
    """A checked report: the dates it stands for and who will be told of which days."""

    kind: str
    first_day: datetime.date
    last_day: datetime.date | None
    part: str
    session: Session | None
    routing: Routing
    meeting: object = None
    codes: dict[str, list[RoutedDay]] = field(default_factory=dict)


def _long(day: datetime.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def _dates(first: datetime.date, last: datetime.date | None) -> str:
    if last is None:
        return f"from {_long(first)} (open-ended)"
    if first == last:
        return _long(first)
    return f"{_long(first)} to {_long(last)}"


def absence_check(*, placement: Placement, kind: str, first_day: datetime.date | None,
                  last_day: datetime.date | None, part: str = Absence.Part.DAY,
                  session: Session | None = None, meeting=None, actor: User,
                  current: Absence | None = None, today: datetime.date) -> Plan:
    """Check a report (new, or a change to `current`) and work out who it goes to.
    Raises AbsenceRefused with a message for the person; touches nothing."""
    # CCG admin record, on the trainee's behalf, a sickness on CCG project days that reached
    # the CCG admin mailbox by email; nothing else.
    from_mailbox = not rules.can_report_for(actor, placement)
    if from_mailbox and not (kind == Absence.Kind.SICKNESS
                             and rules.records_from_mailbox(actor, placement)):
        raise PermissionDenied
    if from_mailbox and last_day is None:
        raise AbsenceRefused("Enter the last day off sick. Only the trainee, the Programme "
                             "Administrator or a Programme Director can report a sickness "
                             "without an end.", field="last_day")
    manager = rules.can_record_past_dates(actor, placement)
    cohort = placement.cohort
    if kind not in Absence.Kind.values:
        raise AbsenceRefused("Choose what you are reporting.", field="kind")

    if kind == Absence.Kind.RUNNING_LATE and meeting is not None:
        unchanged = current is not None and current.meeting_id == meeting.pk
        if (meeting.placement_id != placement.pk or (meeting.status != "scheduled"
                                                     and not unchanged)):
            raise AbsenceRefused("That meeting is not one of yours still to come.",
                                 field="session")
        if meeting.date != today and not unchanged:
            raise AbsenceRefused("You can only say you are running late for a meeting today.",
                                 field="session")
        session = None
        first_day = last_day = meeting.date
        part = part_for_time(meeting.start_time)
    elif kind in (Absence.Kind.CANNOT_ATTEND, Absence.Kind.RUNNING_LATE):
        meeting = None
        if session is None:
            raise AbsenceRefused("Choose the session.", field="session")
        if (not session_is_for(session, placement) or session.kind == Session.Kind.BANK_HOLIDAY
                or session.status == Session.Status.CANCELLED):
            raise AbsenceRefused("That session is not in the timetable.", field="session")
        if kind == Absence.Kind.CANNOT_ATTEND:
            if session.kind not in EDUCATIONAL_KINDS:
                raise AbsenceRefused("Choose a teaching, action learning set or presentation "
                                     "session.", field="session")
            if session.date < today and not manager and (
                    current is None or current.session_id != session.pk):
                raise AbsenceRefused(f"That session was on {_long(session.date)}, which has "
                                     "passed. Ask your Programme Administrator to record it.",
                                     field="session")
        elif session.date != today and (current is None or current.session_id != session.pk):
            raise AbsenceRefused("You can only say you are running late for a session today.",
                                 field="session")
        first_day = last_day = session.date
        part = part_for_session(session)
    else:
        session = meeting = None

    if first_day is None:
        raise AbsenceRefused("Enter the first day.", field="first_day")
    if last_day is None and kind != Absence.Kind.SICKNESS:
        raise AbsenceRefused("Enter the last day.", field="last_day")
    if last_day is not None and last_day < first_day:
        raise AbsenceRefused("The last day must be the same as the first day or after it.",
                             field="last_day")
    if part != Absence.Part.DAY and last_day != first_day:
        raise AbsenceRefused("A morning or an afternoon can only be one day: choose "
                             "\"All day\" for several days, or report each half day on its own.",
                             field="part")
    rotation_days = cohort.weeks * 7
    if last_day is not None and (last_day - first_day).days + 1 > rotation_days:
        raise AbsenceRefused(f"That is longer than the whole {cohort.weeks}-week rotation "
                             f"({_long(cohort.start_date)} to {_long(cohort.end_date)}). "
                             "Check the dates.", field="last_day")
    dates_moved = current is None or current.first_day != first_day
    if kind == Absence.Kind.SICKNESS:
        if first_day > today + datetime.timedelta(days=SICKNESS_AHEAD_DAYS):
            raise AbsenceRefused(f"Sickness can be reported up to {SICKNESS_AHEAD_DAYS} days "
                                 "ahead. Check the first day.", field="first_day")
        limit = today - datetime.timedelta(days=SICKNESS_BACKDATE_DAYS)
        if first_day < limit and not manager and dates_moved:
            raise AbsenceRefused(f"You can report sickness up to {SICKNESS_BACKDATE_DAYS} days "
                                 f"back (from {_long(limit)}). For an earlier day, ask your "
                                 "Programme Administrator to record it.", field="first_day")
    elif kind in LEAVE_KINDS and first_day < today and not manager and dates_moved:
        raise AbsenceRefused("Leave cannot start in the past. If you have already taken it, ask "
                             "your Programme Administrator to record it.", field="first_day")

    probe = Absence(kind=kind, first_day=first_day, last_day=last_day, part=part)
    known_last = known_last_day(probe, today)
    if kind == Absence.Kind.RUNNING_LATE:
        routing = Routing()
    else:
        if last_day is None and known_last > first_day and (
                known_last - first_day).days + 1 > rotation_days:
            known_last = first_day + datetime.timedelta(days=rotation_days - 1)
        routing = route(timetable_for(placement, first_day, known_last), first_day, known_last,
                        part)
        if routing.is_empty:
            raise AbsenceRefused(excluded_message(routing, rotation_start=cohort.start_date,
                                                  rotation_end=cohort.end_date))
        if from_mailbox and routing.other_days:
            raise AbsenceRefused(
                f"{routing.other_days[0]} is not one of {placement.trainee}'s CCG project days. "
                "The CCG admin mailbox records CCG project days only: the trainee reports "
                "other days to the Programme Administrator.", field="first_day")

    for other in live_absences_of(placement, exclude_pk=current.pk if current else None):
        if kind == Absence.Kind.RUNNING_LATE:
            same = (other.meeting_id == meeting.pk if meeting is not None
                    else other.session_id == session.pk)
            if other.kind == Absence.Kind.RUNNING_LATE and same:
                raise AbsenceRefused("You have already said you are running late for this: "
                                     "change that note instead.", existing=other)
            continue
        if other.kind == Absence.Kind.RUNNING_LATE:
            continue
        if overlaps(first_day, known_last, part, other.first_day, known_last_day(other, today),
                    other.part):
            raise AbsenceRefused(
                f"This overlaps the {other.get_kind_display().lower()} already reported for "
                f"{_dates(other.first_day, other.last_day)}. Change or withdraw that report "
                "instead.", existing=other)
    return Plan(kind=kind, first_day=first_day, last_day=last_day, part=part, session=session,
                meeting=meeting, routing=routing, codes=sop_days(kind, routing))


# Emails -----------------------------------------------------------------------------------


def _path(absence: Absence) -> str:
    return reverse("absences:detail", args=[absence.pk])


def _meeting_label(meeting) -> str:
    if meeting is None:
        return ""
    return f"{meeting.get_kind_display()} ({meeting.date:%A} {meeting.date.day} {meeting.date:%B})"


def _session_label(session: Session | None) -> str:
    if session is None:
        return ""
    return f"{session.title} ({session.date:%A} {session.date.day} {session.date:%B})"


def _context(absence: Absence, code: str, days: list[RoutedDay]) -> dict:
    """What each SOP template is given. Sickness rows are given dates only (clic.mail also
    strips anything else from them)."""
    dates, part = days_and_part(days)
    if absence.is_open and code in (SICKNESS_CCG, SICKNESS_OTHER):
        part = f"{part}; {OPEN_ENDED_PART}" if part else OPEN_ENDED_PART
    context = {"days": dates, "part": part, "path": _path(absence)}
    if absence.kind == Absence.Kind.SICKNESS:
        return context
    context.update(kind=absence.kind, kind_label=absence.get_kind_display().lower(),
                   session=_session_label(absence.session) or _meeting_label(absence.meeting),
                   state=absence.get_state_display())
    occasion = absence.session or absence.meeting
    if code == RUNNING_LATE and occasion is not None:
        context["meeting"] = (occasion.title if absence.session
                              else absence.meeting.get_kind_display())
        if occasion.start_time:
            context["meeting_time"] = timezone.make_aware(
                datetime.datetime.combine(occasion.date, occasion.start_time))
        if absence.expected_arrival:
            context["expected_time"] = absence.expected_arrival.strftime("%H:%M")
    return context


def recipients_of(code: str, *, placement: Placement, session: Session | None = None,
                  meeting=None) -> list:
    """The people an SOP row reaches for this report (as Recipient roles or people)."""
    if code == RUNNING_LATE:
        if meeting is not None:
            return late_meeting_recipients(meeting, placement)
        return late_recipients(session, placement) if session else []
    return sop_recipients(code=code, cohort=placement.cohort)


@dataclass(frozen=True)
class AbsenceNotice:
    """One email an absence sends (or, `later`, may send): the catalogue row, the SOP code
    (S5-S9) whose people it reaches, the days it lists and the people it goes to (None: the
    row's own). What the preview pages name and what the services send are both read from
    these, so the two cannot disagree."""

    row: str
    code: str
    days: tuple[RoutedDay, ...]
    recipients: tuple | None = None
    change: str = ""  # "", "changed" or "withdrawn"
    # An open-ended sickness: sent on the morning it first reaches such a day
    # (sickness_open_follow_up), not now.
    later: bool = False

    @property
    def event(self) -> str:
        return f"{self.code}:{self.change}" if self.change else self.code


def _first_notice(code: str, days, *, placement, session, meeting) -> AbsenceNotice:
    recipients = (tuple(recipients_of(code, placement=placement, session=session,
                                      meeting=meeting)) if code == RUNNING_LATE else None)
    return AbsenceNotice(row=code, code=code, days=tuple(days), recipients=recipients)


def _later_notices(kind: str, last_day, told) -> list[AbsenceNotice]:
    """An open-ended sickness tells a kind of day's people on the morning it first reaches
    one (S5 for a CCG project day, S6 for any other)."""
    if kind != Absence.Kind.SICKNESS or last_day is not None:
        return []
    return [AbsenceNotice(row=code, code=code, days=(), later=True)
            for code in (SICKNESS_CCG, SICKNESS_OTHER) if code not in told]


def report_notices(*, placement: Placement, plan: Plan) -> list[AbsenceNotice]:
    """What a new report sends now, and (open-ended sickness) may send later."""
    now = [_first_notice(code, plan.codes[code], placement=placement, session=plan.session,
                         meeting=plan.meeting) for code in CODE_ORDER if code in plan.codes]
    return now + _later_notices(plan.kind, plan.last_day, plan.codes)


def change_notices(*, absence: Absence, plan: Plan, expected_arrival=None,
                   today: datetime.date) -> list[AbsenceNotice]:
    """What changing a report to `plan` sends: the people already told hear of a change of
    their days (each row once more; all of them when an open-ended sickness gets its last
    day), the people of a kind of day it did not cover before are told for the first time.
    A change of note alone sends nothing."""
    session = absence.session if absence.kind == Absence.Kind.RUNNING_LATE else plan.session
    meeting = absence.meeting if absence.kind == Absence.Kind.RUNNING_LATE else None
    if _unchanged(absence, plan, expected_arrival):
        return []
    before_codes = sop_days(absence.kind, _current_plan(absence, today))
    closing = absence.is_open and plan.last_day is not None
    row = SICKNESS_CHANGED if absence.kind == Absence.Kind.SICKNESS else REPORT_CHANGED
    notices, told = [], list(absence.notified_codes)
    for code in CODE_ORDER:
        days = plan.codes.get(code, [])
        if code in absence.notified_codes:
            unchanged = [str(d) for d in days] == [str(d) for d in before_codes.get(code, [])]
            if unchanged and not closing and code != RUNNING_LATE:
                continue
            notices.append(AbsenceNotice(row=row, code=code, days=tuple(days), change="changed",
                                  recipients=tuple(recipients_of(
                                      code, placement=absence.placement, session=session,
                                      meeting=meeting))))
        elif days:
            notices.append(_first_notice(code, days, placement=absence.placement,
                                         session=session, meeting=meeting))
            told.append(code)
    return notices + _later_notices(absence.kind, plan.last_day, told)


def _unchanged(absence: Absence, plan: Plan, expected_arrival) -> bool:
    """Whether a change leaves the report's days, session and arrival time as they were."""
    if absence.kind == Absence.Kind.RUNNING_LATE:
        return absence.expected_arrival == expected_arrival
    return (plan.first_day, plan.last_day, plan.part, plan.session) == (
        absence.first_day, absence.last_day, absence.part, absence.session)


def withdraw_notices(*, absence: Absence) -> list[AbsenceNotice]:
    """Withdrawing tells everyone told of the report, each row once more."""
    days_by_code = sop_days(absence.kind, _current_plan(absence, timezone.localdate()))
    row = SICKNESS_WITHDRAWN if absence.kind == Absence.Kind.SICKNESS else REPORT_CHANGED
    return [AbsenceNotice(row=row, code=code, days=tuple(days_by_code.get(code, [])), change="withdrawn",
                   recipients=tuple(recipients_of(code, placement=absence.placement,
                                                  session=absence.session,
                                                  meeting=absence.meeting)))
            for code in CODE_ORDER if code in absence.notified_codes]


def decision_notices(*, absence: Absence) -> list[AbsenceNotice]:
    """A leave decision goes to whom the programme's table names for decisions (always the
    trainee) among the trainee and everyone its request email reached."""
    reached = {Recipient.TRAINEE}
    for code in CODE_ORDER:
        if code in absence.notified_codes:
            reached.update(recipients_of(code, placement=absence.placement))
    recipients = [role for role in sop_recipients(code=LEAVE_DECISION,
                                                  cohort=absence.placement.cohort)
                  if role in reached]
    routing = _current_plan(absence, timezone.localdate())
    return [AbsenceNotice(row=LEAVE_DECISION, code=LEAVE_DECISION, days=tuple(routing.days),
                   recipients=tuple(recipients))]


def _send(absence: Absence, notice: AbsenceNotice) -> list:
    context = _context(absence, notice.code, list(notice.days))
    if notice.change and absence.kind != Absence.Kind.SICKNESS:
        context["change"] = notice.change
    return sop_notify(code=notice.row,
                      event_key=f"absence:{absence.pk}:v{absence.version}:{notice.event}",
                      about=absence, placement=absence.placement, context=context,
                      recipients_override=notice.recipients)


def _send_now(absence: Absence, notices: list[AbsenceNotice]) -> None:
    """Send the notices due now and note whose people have been told."""
    sent = [notice for notice in notices if not notice.later]
    for notice in sent:
        _send(absence, notice)
    told = set(absence.notified_codes) | {n.code for n in sent}
    absence.notified_codes = [code for code in CODE_ORDER if code in told]
    absence.save(update_fields=["notified_codes", "updated_at"])


def _event(absence: Absence, action: str, actor: User | None, summary: str, *,
           how: str = "") -> AbsenceEvent:
    """The report's own history, and the same step in the audit log: there without names,
    as the log is never changed, not even when a former trainee is anonymised. `how`: how it
    came, in words without names."""
    audit.record(actor=actor, obj=absence,
                 action=audit.CREATED if action == AbsenceEvent.Action.REPORTED else audit.CHANGED,
                 summary=f"{AbsenceEvent.Action(action).label}: {_describe(absence)}{how}")
    return AbsenceEvent.objects.create(absence=absence, action=action, actor=actor,
                                       summary=summary[:500])


def _describe(absence: Absence) -> str:
    what = absence.get_kind_display()
    if absence.kind in (Absence.Kind.CANNOT_ATTEND, Absence.Kind.RUNNING_LATE) and (
            absence.session or absence.meeting):
        return f"{what}: {_session_label(absence.session) or _meeting_label(absence.meeting)}"
    part = "" if absence.part == Absence.Part.DAY else f" ({absence.get_part_display().lower()})"
    return f"{what}, {_dates(absence.first_day, absence.last_day)}{part}"


def _lock(placement: Placement) -> None:
    """Serialise reports for one trainee, so two at once cannot both pass the overlap check."""
    Placement.objects.select_for_update().filter(pk=placement.pk).first()


# Services ---------------------------------------------------------------------------------


@transaction.atomic
def absence_report(*, placement: Placement, kind: str, first_day: datetime.date | None,
                   last_day: datetime.date | None, part: str = Absence.Part.DAY, note: str = "",
                   reported_by: User, session: Session | None = None, meeting=None,
                   expected_arrival: datetime.time | None = None,
                   submission: uuid.UUID | None = None) -> Absence:
    """Record a report and email the SOP's people for each of its days (S5-S9).

    `submission` names the preview it was confirmed from: confirming the same preview again
    (a double click, a second tab) returns the report already made and sends nothing."""
    _lock(placement)
    made = report_of_submission(placement, submission)
    if made is not None:
        return made
    plan = absence_check(placement=placement, kind=kind, first_day=first_day, last_day=last_day,
                         part=part, session=session, meeting=meeting, actor=reported_by,
                         today=timezone.localdate())
    absence = Absence.objects.create(
        placement=placement, kind=kind, first_day=plan.first_day, last_day=plan.last_day,
        part=plan.part, session=plan.session, meeting=plan.meeting,
        expected_arrival=expected_arrival if kind == Absence.Kind.RUNNING_LATE else None,
        note=note.strip(), reported_by=reported_by, submission=submission,
        state=Absence.State.PENDING if kind in LEAVE_KINDS else Absence.State.REPORTED)
    _send_now(absence, report_notices(placement=placement, plan=plan))
    how = ""
    if reported_by.pk == placement.trainee_id:
        by = f"reported by {reported_by}"
    elif not rules.can_report_for(reported_by, placement):
        how = " (recorded by CCG admin on the trainee's behalf, from an email to the mailbox)"
        by = (f"recorded by {reported_by} (CCG admin) on behalf of {placement.trainee}, "
              "from an email to the CCG admin mailbox")
    else:
        by = f"reported by {reported_by} on behalf of {placement.trainee}"
    _event(absence, AbsenceEvent.Action.REPORTED, reported_by, f"{_describe(absence)}: {by}.",
           how=how)
    return absence


def _current_plan(absence: Absence, today: datetime.date) -> Routing:
    if absence.kind == Absence.Kind.RUNNING_LATE:
        return Routing()
    timetable = timetable_for(absence.placement, absence.first_day, known_last_day(absence, today))
    return absence_routing(absence, timetable, today)


def _apply_change(*, absence: Absence, first_day, last_day, part, session, expected_arrival,
                  note: str, actor: User, action: str, today: datetime.date) -> Absence:
    _lock(absence.placement)
    # What another request (a second click, a second tab) saved while this one waited.
    absence.refresh_from_db()
    if not rules.can_change(actor, absence):
        raise AbsenceRefused("This report has been withdrawn or declined and cannot be changed.")
    meeting = None
    if absence.kind == Absence.Kind.RUNNING_LATE:
        # A late note stays with its session or meeting.
        session, meeting = absence.session, absence.meeting
    plan = absence_check(placement=absence.placement, kind=absence.kind, first_day=first_day,
                         last_day=last_day, part=part, session=session, meeting=meeting,
                         actor=actor, current=absence, today=today)
    notices = change_notices(absence=absence, plan=plan, expected_arrival=expected_arrival,
                             today=today)
    old_description = _describe(absence)
    note_changed = note.strip() != absence.note
    absence.note = note.strip()
    if _unchanged(absence, plan, expected_arrival):
        absence.save(update_fields=["note", "updated_at"])
        if note_changed:
            _event(absence, AbsenceEvent.Action.CHANGED, actor, f"Note changed by {actor}.")
        return absence

    absence.first_day, absence.last_day, absence.part = plan.first_day, plan.last_day, plan.part
    absence.session = plan.session
    absence.expected_arrival = (expected_arrival if absence.kind == Absence.Kind.RUNNING_LATE
                                else None)
    absence.version += 1
    went_back_to_pending = False
    if absence.kind in LEAVE_KINDS and absence.state in (Absence.State.APPROVED,
                                                         Absence.State.DECLINED):
        absence.state = Absence.State.PENDING
        went_back_to_pending = True
    absence.save()
    _send_now(absence, notices)
    summary = f"{old_description} changed to: {_describe(absence)}, by {actor}."
    if action == AbsenceEvent.Action.CLOSED:
        summary = f"Back at work: the last day off was {_long(absence.last_day)} (told by {actor})."
    if went_back_to_pending:
        summary += " The request needs a new decision."
    _event(absence, action, actor, summary)
    return absence


@transaction.atomic
def absence_update(*, absence: Absence, first_day: datetime.date | None,
                   last_day: datetime.date | None, part: str, note: str, changed_by: User,
                   session: Session | None = None,
                   expected_arrival: datetime.time | None = None) -> Absence:
    """Correct a report. Its people hear of a change of days (each row once more); a change
    of note alone tells nobody. Changed leave needs a new decision."""
    return _apply_change(absence=absence, first_day=first_day, last_day=last_day, part=part,
                         session=session, expected_arrival=expected_arrival, note=note,
                         actor=changed_by, action=AbsenceEvent.Action.CHANGED,
                         today=timezone.localdate())


def close_check(*, absence: Absence, last_day: datetime.date | None, closed_by: User,
                today: datetime.date) -> Plan:
    """Check an "I'm back" (the sickness's last day) and work out who it tells; touches
    nothing."""
    if not absence.is_open:
        raise AbsenceRefused("This sickness already has a last day: change the report instead.")
    if last_day is None:
        raise AbsenceRefused("Enter your last day off sick.", field="last_day")
    return absence_check(placement=absence.placement, kind=absence.kind,
                         first_day=absence.first_day, last_day=last_day, part=absence.part,
                         actor=closed_by, current=absence, today=today)


@transaction.atomic
def sickness_close(*, absence: Absence, last_day: datetime.date, closed_by: User,
                   today: datetime.date) -> Absence:
    """ "I'm back": an open-ended sickness gets its last day; everyone told hears, and the
    people of a kind of day it now covers for the first time are told of it."""
    _lock(absence.placement)
    absence.refresh_from_db()
    if absence.last_day is not None and absence.last_day == last_day:
        return absence  # the same "I'm back", sent twice
    close_check(absence=absence, last_day=last_day, closed_by=closed_by, today=today)
    return _apply_change(absence=absence, first_day=absence.first_day, last_day=last_day,
                         part=absence.part, session=None, expected_arrival=None,
                         note=absence.note, actor=closed_by, action=AbsenceEvent.Action.CLOSED,
                         today=today)


@transaction.atomic
def absence_withdraw(*, absence: Absence, withdrawn_by: User) -> Absence:
    """Withdraw a report: everyone it was sent to hears that it no longer stands."""
    _lock(absence.placement)
    absence.refresh_from_db()
    if not rules.can_withdraw(withdrawn_by, absence):
        raise AbsenceRefused("This report has already been withdrawn or declined.")
    notices = withdraw_notices(absence=absence)
    absence.state = Absence.State.WITHDRAWN
    absence.version += 1
    absence.save()
    _send_now(absence, notices)
    _event(absence, AbsenceEvent.Action.WITHDRAWN, withdrawn_by,
           f"{_describe(absence)}: withdrawn by {withdrawn_by}.")
    return absence


@transaction.atomic
def leave_decide(*, absence: Absence, approve: bool, comment: str, decided_by: User) -> Absence:
    """The PD (or a PA on the PD's behalf) approves or declines a leave request; the trainee
    and everyone its request email reached are emailed the decision and the comment."""
    if not rules.can_decide(decided_by, absence):
        raise PermissionDenied
    comment = comment.strip()
    if not approve and not comment:
        raise AbsenceRefused("Tell the trainee why the request is declined.", field="comment")
    _lock(absence.placement)
    absence.refresh_from_db()
    state = Absence.State.APPROVED if approve else Absence.State.DECLINED
    if (absence.state, absence.decision_comment, absence.decided_by_id) == (
            state, comment, decided_by.pk):
        return absence  # the same decision, saved twice
    absence.state = state
    absence.decision_comment = comment
    absence.decided_by = decided_by
    absence.decided_at = timezone.now()
    absence.save()
    event = _event(absence, AbsenceEvent.Action.APPROVED if approve else AbsenceEvent.Action.DECLINED,
                   decided_by, f"{_describe(absence)}: {'approved' if approve else 'declined'} by "
                   f"{decided_by}{_for_the_pds(decided_by, absence)}.")
    for notice in decision_notices(absence=absence):
        dates, part = days_and_part(list(notice.days))
        sop_notify(code=notice.row, event_key=f"absence:{absence.pk}:decision:{event.pk}",
                   about=absence, placement=absence.placement,
                   recipients_override=notice.recipients,
                   context={"approved": approve, "comment": comment, "decided_by": decided_by,
                            "for_the_pds": bool(_for_the_pds(decided_by, absence)),
                            "kind_label": absence.get_kind_display().lower(), "days": dates,
                            "part": part, "path": _path(absence)})
    return absence


def _for_the_pds(user: User, absence: Absence) -> str:
    return "" if rules.decides_as_pd(user, absence.placement) else (
        " on behalf of the Programme Directors")


@transaction.atomic
def sickness_open_follow_up() -> int:
    """Each morning: an open-ended sickness that now reaches a kind of day whose people were
    not told yet (a CCG project day -> S5, any other rotation day -> S6) tells them, once.
    Returns how many reports sent something."""
    today = timezone.localdate()
    open_ones = (Absence.objects.select_for_update(of=("self",))
                 .filter(kind=Absence.Kind.SICKNESS, state=Absence.State.REPORTED,
                         last_day__isnull=True, first_day__lte=today)
                 .select_related("placement", "placement__cohort", "placement__trainee"))
    extended = 0
    for absence in open_ones:
        codes = sop_days(absence.kind, _current_plan(absence, today))
        new = [code for code in CODE_ORDER if code in codes and code not in absence.notified_codes]
        if not new:
            continue
        _send_now(absence, [_first_notice(code, codes[code], placement=absence.placement,
                                          session=None, meeting=None) for code in new])
        _event(absence, AbsenceEvent.Action.EXTENDED, None,
               f"Still off sick on {_long(today)}: {', '.join(new)} sent.")
        extended += 1
    return extended

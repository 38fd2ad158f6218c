"""Every write to absences: reporting, changing, withdrawing, "I'm back", leave decisions,
and the daily follow-up of open-ended sickness. Each runs in one transaction with the
emails it causes (clic.mail's outbox), so a refused report saves nothing and sends nothing.

Emails carry no note and, for sickness, nothing but "sickness absence" and the dates."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from clic.accounts.models import User
from clic.audit import services as audit
from rotations.models import ROTATION_WEEKS, Session
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

SICKNESS_BACKDATE_DAYS = 14
SICKNESS_AHEAD_DAYS = 7
ROTATION_DAYS = ROTATION_WEEKS * 7

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
                  current: Absence | None = None, today: datetime.date | None = None) -> Plan:
    """Check a report (new, or a change to `current`) and work out who it goes to.
    Raises AbsenceRefused with a message for the person; touches nothing."""
    from .selectors import known_last_day, live_absences_of, timetable_for

    today = today or timezone.localdate()
    if not rules.can_report_for(actor, placement):
        raise PermissionDenied
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
    if last_day is not None and (last_day - first_day).days + 1 > ROTATION_DAYS:
        raise AbsenceRefused(f"That is longer than the whole {ROTATION_WEEKS}-week rotation "
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
                known_last - first_day).days + 1 > ROTATION_DAYS:
            known_last = first_day + datetime.timedelta(days=ROTATION_DAYS - 1)
        routing = route(timetable_for(placement, first_day, known_last), first_day, known_last,
                        part)
        if routing.is_empty:
            raise AbsenceRefused(excluded_message(routing, rotation_start=cohort.start_date,
                                                  rotation_end=cohort.end_date))

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


def recipients_of(code: str, absence: Absence) -> list:
    """The people an SOP row reaches for this report (as Recipient roles or people)."""
    from clic.mail.catalogue import row_for

    if code == RUNNING_LATE:
        if absence.meeting is not None:
            return late_meeting_recipients(absence.meeting, absence.placement)
        return late_recipients(absence.session, absence.placement) if absence.session else []
    return list(row_for(code).recipients)


def _notify(absence: Absence, code: str, days: list[RoutedDay], suffix: str = "") -> list:
    from clic.mail.services import sop_notify

    override = recipients_of(code, absence) if code == RUNNING_LATE else None
    return sop_notify(code=code, event_key=f"absence:{absence.pk}:v{absence.version}:{code}{suffix}",
                      about=absence, placement=absence.placement,
                      context=_context(absence, code, days), recipients_override=override)


def _notify_follow_up(absence: Absence, row: str, told_code: str, days: list[RoutedDay],
                      change: str) -> list:
    """Tell the people first told under `told_code` that the report changed or was withdrawn."""
    from clic.mail.services import sop_notify

    context = _context(absence, told_code, days)
    if absence.kind != Absence.Kind.SICKNESS:
        context["change"] = change
    return sop_notify(code=row, event_key=f"absence:{absence.pk}:v{absence.version}:{told_code}:"
                      f"{change}", about=absence, placement=absence.placement, context=context,
                      recipients_override=recipients_of(told_code, absence))


def _event(absence: Absence, action: str, actor: User | None, summary: str) -> AbsenceEvent:
    """The report's own history, and the same step in the audit log: there without names,
    as the log is never changed, not even when a former trainee is anonymised."""
    audit.record(actor=actor, obj=absence,
                 action=audit.CREATED if action == AbsenceEvent.Action.REPORTED else audit.CHANGED,
                 summary=f"{AbsenceEvent.Action(action).label}: {_describe(absence)}")
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
                   today: datetime.date | None = None) -> Absence:
    """Record a report and email the SOP's people for each of its days (S5-S9)."""
    _lock(placement)
    plan = absence_check(placement=placement, kind=kind, first_day=first_day, last_day=last_day,
                         part=part, session=session, meeting=meeting, actor=reported_by,
                         today=today)
    absence = Absence.objects.create(
        placement=placement, kind=kind, first_day=plan.first_day, last_day=plan.last_day,
        part=plan.part, session=plan.session, meeting=plan.meeting,
        expected_arrival=expected_arrival if kind == Absence.Kind.RUNNING_LATE else None,
        note=note.strip(), reported_by=reported_by,
        state=Absence.State.PENDING if kind in LEAVE_KINDS else Absence.State.REPORTED)
    for code in CODE_ORDER:
        if code in plan.codes:
            _notify(absence, code, plan.codes[code])
    absence.notified_codes = [code for code in CODE_ORDER if code in plan.codes]
    absence.save(update_fields=["notified_codes"])
    on_behalf = "" if reported_by.pk == placement.trainee_id else f" on behalf of {placement.trainee}"
    _event(absence, AbsenceEvent.Action.REPORTED, reported_by,
           f"{_describe(absence)}: reported by {reported_by}{on_behalf}.")
    return absence


def _current_plan(absence: Absence, today) -> Routing:
    from .selectors import absence_routing, known_last_day, timetable_for

    if absence.kind == Absence.Kind.RUNNING_LATE:
        return Routing()
    timetable = timetable_for(absence.placement, absence.first_day, known_last_day(absence, today))
    return absence_routing(absence, timetable, today)


def _apply_change(*, absence: Absence, first_day, last_day, part, session, expected_arrival,
                  note: str, actor: User, action: str, today) -> Absence:
    if not rules.can_change(actor, absence):
        raise AbsenceRefused("This report has been withdrawn or declined and cannot be changed.")
    _lock(absence.placement)
    before_codes = sop_days(absence.kind, _current_plan(absence, today))
    was_open = absence.is_open
    before = (absence.first_day, absence.last_day, absence.part, absence.session_id,
              absence.expected_arrival)
    meeting = None
    if absence.kind == Absence.Kind.RUNNING_LATE:
        # A late note stays with its session or meeting.
        session, meeting = absence.session, absence.meeting
    plan = absence_check(placement=absence.placement, kind=absence.kind, first_day=first_day,
                         last_day=last_day, part=part, session=session, meeting=meeting,
                         actor=actor, current=absence, today=today)
    after = (plan.first_day, plan.last_day, plan.part, plan.session.pk if plan.session else None,
             expected_arrival if absence.kind == Absence.Kind.RUNNING_LATE else None)
    old_description = _describe(absence)
    note_changed = note.strip() != absence.note
    absence.note = note.strip()
    if after == before:
        absence.save(update_fields=["note", "updated_at"])
        if note_changed:
            _event(absence, AbsenceEvent.Action.CHANGED, actor, f"Note changed by {actor}.")
        return absence

    absence.first_day, absence.last_day, absence.part = plan.first_day, plan.last_day, plan.part
    absence.session = plan.session
    absence.expected_arrival = after[4]
    absence.version += 1
    went_back_to_pending = False
    if absence.kind in LEAVE_KINDS and absence.state in (Absence.State.APPROVED,
                                                         Absence.State.DECLINED):
        absence.state = Absence.State.PENDING
        went_back_to_pending = True
    absence.save()
    closing = was_open and not absence.is_open
    told = list(absence.notified_codes)
    for code in CODE_ORDER:
        days = plan.codes.get(code, [])
        if code in told:
            unchanged = [str(d) for d in days] == [str(d) for d in before_codes.get(code, [])]
            if unchanged and not closing and code != RUNNING_LATE:
                continue
            row = SICKNESS_CHANGED if absence.kind == Absence.Kind.SICKNESS else REPORT_CHANGED
            _notify_follow_up(absence, row, code, days, "changed")
        elif days:
            _notify(absence, code, days)
            told.append(code)
    absence.notified_codes = [code for code in CODE_ORDER if code in told]
    absence.save(update_fields=["notified_codes"])
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
                   session: Session | None = None, expected_arrival: datetime.time | None = None,
                   today: datetime.date | None = None) -> Absence:
    """Correct a report. Its people hear of a change of days (each row once more); a change
    of note alone tells nobody. Changed leave needs a new decision."""
    return _apply_change(absence=absence, first_day=first_day, last_day=last_day, part=part,
                         session=session, expected_arrival=expected_arrival, note=note,
                         actor=changed_by, action=AbsenceEvent.Action.CHANGED,
                         today=today or timezone.localdate())


@transaction.atomic
def sickness_close(*, absence: Absence, last_day: datetime.date, closed_by: User,
                   today: datetime.date | None = None) -> Absence:
    """ "I'm back": an open-ended sickness gets its last day; everyone told hears."""
    if not absence.is_open:
        raise AbsenceRefused("This sickness already has a last day: change the report instead.")
    if last_day is None:
        raise AbsenceRefused("Enter your last day off sick.", field="last_day")
    return _apply_change(absence=absence, first_day=absence.first_day, last_day=last_day,
                         part=absence.part, session=None, expected_arrival=None,
                         note=absence.note, actor=closed_by, action=AbsenceEvent.Action.CLOSED,
                         today=today or timezone.localdate())


@transaction.atomic
def absence_withdraw(*, absence: Absence, withdrawn_by: User,
                     today: datetime.date | None = None) -> Absence:
    """Withdraw a report: everyone it was sent to hears that it no longer stands."""
    if not rules.can_withdraw(withdrawn_by, absence):
        raise AbsenceRefused("This report has already been withdrawn or declined.")
    _lock(absence.placement)
    today = today or timezone.localdate()
    days_by_code = sop_days(absence.kind, _current_plan(absence, today))
    absence.state = Absence.State.WITHDRAWN
    absence.version += 1
    absence.save()
    for code in CODE_ORDER:
        if code in absence.notified_codes:
            row = SICKNESS_WITHDRAWN if absence.kind == Absence.Kind.SICKNESS else REPORT_CHANGED
            _notify_follow_up(absence, row, code, days_by_code.get(code, []), "withdrawn")
    _event(absence, AbsenceEvent.Action.WITHDRAWN, withdrawn_by,
           f"{_describe(absence)}: withdrawn by {withdrawn_by}.")
    return absence


@transaction.atomic
def leave_decide(*, absence: Absence, approve: bool, comment: str, decided_by: User,
                 today: datetime.date | None = None) -> Absence:
    """The PD (or a PA on the PD's behalf) approves or declines a leave request; the trainee
    is emailed the decision and the comment."""
    from clic.mail.services import sop_notify

    if not rules.can_decide(decided_by, absence):
        raise PermissionDenied
    comment = comment.strip()
    if not approve and not comment:
        raise AbsenceRefused("Tell the trainee why the request is declined.", field="comment")
    today = today or timezone.localdate()
    absence.state = Absence.State.APPROVED if approve else Absence.State.DECLINED
    absence.decision_comment = comment
    absence.decided_by = decided_by
    absence.decided_at = timezone.now()
    absence.save()
    event = _event(absence, AbsenceEvent.Action.APPROVED if approve else AbsenceEvent.Action.DECLINED,
                   decided_by, f"{_describe(absence)}: {'approved' if approve else 'declined'} by "
                   f"{decided_by}.")
    routing = _current_plan(absence, today)
    dates, part = days_and_part(routing.days)
    sop_notify(code=LEAVE_DECISION, event_key=f"absence:{absence.pk}:decision:{event.pk}",
               about=absence, placement=absence.placement,
               context={"approved": approve, "comment": comment, "decided_by": decided_by,
                        "kind_label": absence.get_kind_display().lower(), "days": dates,
                        "part": part, "path": _path(absence)})
    return absence


@transaction.atomic
def sickness_open_follow_up(*, today: datetime.date | None = None) -> int:
    """Each morning: an open-ended sickness that now reaches a kind of day whose people were
    not told yet (a CCG project day -> S5, any other rotation day -> S6) tells them, once.
    Returns how many reports sent something."""
    today = today or timezone.localdate()
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
        for code in new:
            _notify(absence, code, codes[code])
        absence.notified_codes = [c for c in CODE_ORDER if c in absence.notified_codes or c in new]
        absence.save(update_fields=["notified_codes", "updated_at"])
        _event(absence, AbsenceEvent.Action.EXTENDED, None,
               f"Still off sick on {_long(today)}: {', '.join(new)} sent.")
        extended += 1
    return extended

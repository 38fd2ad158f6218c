"""Every write at the end of the rotation. Keyword-only, typed, atomic; a refusal is a
`ValidationError` with a message for the person, and nothing is saved.

Emails go through the outbox in the same transaction (clic.mail.services.sop_notify):
S13 (and its update, cancellation and reminder rows) for the presentation day, S16 for an
assessment outcome, S17 for the evaluation and its results, REFLECT for the weekly nudge.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

import holidays
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse

from clic.accounts.models import Role, User
from clic.audit import services as audit
from clic.mail.catalogue import Recipient, row_for
from clic.mail.services import Attachment, resolve_recipients, sop_notify
from rotations.models import Cohort
from trainees.models import Placement

from . import clock
from .exporters import ICS_CANCEL_MIMETYPE, ICS_REQUEST_MIMETYPE, presentation_ics
from .models import (
    REFLECTIVE_ENTRIES_PER_WEEK,
    CapabilityGrade,
    CaseBasedDiscussion,
    EvaluationCompletion,
    EvaluationResponse,
    EvaluationResultsShare,
    EvaluationRound,
    Grade,
    PresentationAssessment,
    PresentationDay,
    PresentationFeedback,
    PresentationInvitation,
    PresentationSlot,
    ReflectiveEntry,
)

MAX_CBD_CAPABILITIES = 3
PRESENTING = "Presenting"
# The evaluation opens automatically in week 15 (or 16, if the schedule missed week 15).
EVALUATION_AUTO_WEEKS = (15, 16)


@dataclass(frozen=True)
class SlotSpec:
    placement: Placement
    order: int
    start_time: datetime.time
    length_minutes: int


@dataclass(frozen=True)
class CapabilitySpec:
    capability: str
    grade: str
    justification: str


def _minutes(value: datetime.time) -> int:
    return value.hour * 60 + value.minute


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _shift(value: datetime.time, minutes: int) -> datetime.time | None:
    total = _minutes(value) + minutes
    if not 0 <= total < 24 * 60:
        return None
    return datetime.time(total // 60, total % 60)


def _site_path(name: str, *args) -> str:
    return reverse(name, args=args)


# Presentation day -------------------------------------------------------------------------


def _validate_day(*, cohort: Cohort, date: datetime.date, start_time: datetime.time,
                  end_time: datetime.time, venue: str, online_url: str,
                  today: datetime.date) -> None:
    errors: dict[str, list[str]] = {}
    if end_time <= start_time:
        errors.setdefault("end_time", []).append("The day must end after it starts.")
    if not venue.strip() and not online_url.strip():
        errors.setdefault("venue", []).append("Give a venue, an online meeting link, or both.")
    if date < today:
        errors.setdefault("date", []).append("The presentation day cannot be in the past.")
    elif not cohort.start_date <= date <= cohort.end_date:
        errors.setdefault("date", []).append(
            f"The presentation day must fall within the rotation, {cohort.start_date:%d %B %Y} "
            f"to {cohort.end_date:%d %B %Y}.")
    elif date.weekday() >= 5:
        errors.setdefault("date", []).append("The presentation day must be a weekday.")
    elif date in holidays.country_holidays("GB", subdiv="ENG", years=date.year):
        errors.setdefault("date", []).append(
            f"{date:%d %B %Y} is a bank holiday in England: choose another day.")
    if errors:
        raise ValidationError(errors)


def _validate_slots(*, cohort: Cohort, start_time: datetime.time, end_time: datetime.time,
                    slots: Sequence[SlotSpec]) -> None:
    errors: list[str] = []
    seen_placements: set[int] = set()
    by_order: dict[int, SlotSpec] = {}
    for slot in slots:
        name = slot.placement.trainee.full_name
        if slot.placement.cohort_id != cohort.pk:
            errors.append(f"{name} is not a trainee in {cohort.name}.")
            continue
        if slot.placement.pk in seen_placements:
            errors.append(f"{name} has more than one slot: give each trainee one slot.")
        seen_placements.add(slot.placement.pk)
        if slot.order < 1:
            errors.append(f"{name}'s slot number must be 1 or more.")
        if slot.order in by_order:
            errors.append(f"{by_order[slot.order].placement.trainee.full_name} and {name} "
                          f"are both in slot {slot.order}: give each trainee their own slot.")
        else:
            by_order[slot.order] = slot
        if not 5 <= slot.length_minutes <= 240:
            errors.append(f"{name}'s slot must last between 5 and 240 minutes.")
            continue
        begins, ends = _minutes(slot.start_time), _minutes(slot.start_time) + slot.length_minutes
        if begins < _minutes(start_time) or ends > _minutes(end_time):
            errors.append(f"{name}'s slot ({_hhmm(begins)} to {_hhmm(ends)}) is outside the day "
                          f"({start_time:%H:%M} to {end_time:%H:%M}).")
    timed = sorted((s for s in slots if 5 <= s.length_minutes <= 240),
                   key=lambda s: _minutes(s.start_time))
    for earlier, later in zip(timed, timed[1:], strict=False):
        if _minutes(earlier.start_time) + earlier.length_minutes > _minutes(later.start_time):
            errors.append(f"{earlier.placement.trainee.full_name} and "
                          f"{later.placement.trainee.full_name} are in the same slot: their "
                          f"times overlap ({earlier.start_time:%H:%M} and "
                          f"{later.start_time:%H:%M}).")
    if errors:
        raise ValidationError(errors)


def _cohort_pd_fallback(cohort: Cohort) -> list[User]:
    """The programme's PDs, when the cohort names no directors of its own."""
    if cohort.directors.exists():
        return []
    return list(User.objects.filter(memberships__role=Role.PD,
                                    memberships__organisation_id=cohort.programme_id,
                                    is_active=True).distinct())


def _s13_recipients(day: PresentationDay) -> list:
    """S13's roles from the catalogue (the whole cohort), plus the organiser when they are not
    one of the cohort's directors and, when the cohort names none, the programme's PDs."""
    cohort = day.cohort
    extra = _cohort_pd_fallback(cohort)
    if not cohort.directors.filter(pk=day.organiser_id).exists() and day.organiser not in extra:
        extra.append(day.organiser)
    return [*row_for("S13").recipients, *extra]


@transaction.atomic
def presentation_invitations_sync(*, day: PresentationDay) -> list[PresentationInvitation]:
    """Make sure everyone S13 names has an invitation (people are added, never removed)."""
    cohort = day.cohort
    placements = list(cohort.placements.select_related(
        "trainee", "ccg_supervisor", "project_lead", "educational_supervisor"))
    addressees = resolve_recipients(_s13_recipients(day), placement=None, cohort=cohort,
                                    placements=placements)
    people = {user.email.lower(): user
              for user in User.objects.filter(email__in=[a.email for a in addressees])}
    existing = {inv.person_id: inv for inv in day.invitations.all()}
    for addressee in addressees:
        person = people.get(addressee.email)
        if person is None:  # a shared mailbox, not a person who can reply
            continue
        roles = [PRESENTING if role in (Recipient.PEERS.label, Recipient.COHORT_TRAINEES.label)
                 else role for role in addressee.roles]
        if person.pk == day.organiser_id:
            roles.append("Organiser")
        if not roles:
            roles = ["Programme Director"]
        reasons = ", ".join(dict.fromkeys(roles))
        names = sorted(p.trainee.full_name for p in addressee.placements
                       if p.trainee_id != person.pk)
        if roles != [PRESENTING] and names and len(addressee.placements) < len(placements):
            reasons += " (" + ", ".join(names) + ")"
        invitation = existing.get(person.pk)
        if invitation is None:
            existing[person.pk] = PresentationInvitation.objects.create(
                day=day, person=person, reasons=reasons[:500])
        elif invitation.reasons != reasons[:500]:
            invitation.reasons = reasons[:500]
            invitation.save(update_fields=["reasons"])
    return list(day.invitations.select_related("person"))


def _day_slots(day: PresentationDay) -> list[PresentationSlot]:
    return list(day.slots.select_related("placement__trainee").order_by("order"))


def _ics_attachment(day: PresentationDay, invitations, *, cancel: bool = False) -> Attachment:
    ics = presentation_ics(day=day, invitees=[inv.person for inv in invitations],
                           slots=_day_slots(day), cancel=cancel)
    return Attachment(filename="cancelled.ics" if cancel else "invite.ics", content=ics,
                      mimetype=ICS_CANCEL_MIMETYPE if cancel else ICS_REQUEST_MIMETYPE)


def _day_context(day: PresentationDay, **extra) -> dict:
    return {"day": day, "slots": _day_slots(day), "when": day.starts_at(),
            "venue": day.venue or day.online_url, "online_url": day.online_url,
            "path": _site_path("presentation_invitations"), **extra}


@transaction.atomic
def presentation_day_schedule(*, cohort: Cohort, organiser: User, date: datetime.date,
                              start_time: datetime.time, end_time: datetime.time,
                              slots: Sequence[SlotSpec], venue: str = "", online_url: str = "",
                              notes: str = "") -> PresentationDay:
    """Schedule the cohort's presentation day with a slot per trainee, invite everyone S13
    names and send them the calendar invitation."""
    Cohort.objects.select_for_update().filter(pk=cohort.pk).first()
    _validate_day(cohort=cohort, date=date, start_time=start_time, end_time=end_time,
                  venue=venue, online_url=online_url, today=clock.today())
    if not slots:
        raise ValidationError("Give every trainee a slot.")
    _validate_slots(cohort=cohort, start_time=start_time, end_time=end_time, slots=slots)
    if cohort.presentation_days.filter(status=PresentationDay.Status.SCHEDULED).exists():
        raise ValidationError(f"{cohort.name} already has a presentation day: move it instead.")
    day = PresentationDay.objects.create(
        cohort=cohort, organiser=organiser, date=date, start_time=start_time, end_time=end_time,
        venue=venue.strip(), online_url=online_url.strip(), notes=notes.strip())
    PresentationSlot.objects.bulk_create([
        PresentationSlot(day=day, placement=slot.placement, order=slot.order,
                         start_time=slot.start_time, length_minutes=slot.length_minutes)
        for slot in slots])
    invitations = presentation_invitations_sync(day=day)
    sop_notify(code="S13", event_key=f"presentation:{day.pk}:seq{day.sequence}", about=day,
               cohort=cohort, context=_day_context(day),
               attachments=[_ics_attachment(day, invitations)],
               recipients_override=_s13_recipients(day))
    return day


def _require_open(day: PresentationDay, today: datetime.date) -> None:
    if day.is_cancelled:
        raise ValidationError("This presentation day has been cancelled.")
    if day.date < today:
        raise ValidationError("This presentation day has passed.")


@transaction.atomic
def presentation_day_move(*, day: PresentationDay, by: User, date: datetime.date,
                          start_time: datetime.time, end_time: datetime.time, venue: str = "",
                          online_url: str = "", notes: str = "") -> PresentationDay:
    """Change the day's date, times or place. Slots move with the start time. Everyone invited
    gets an update with the same UID and a higher SEQUENCE; a new date or time asks them to
    reply again."""
    day = PresentationDay.objects.select_for_update().select_related("cohort", "organiser").get(
        pk=day.pk)
    _require_open(day, clock.today())
    _validate_day(cohort=day.cohort, date=date, start_time=start_time, end_time=end_time,
                  venue=venue, online_url=online_url, today=clock.today())
    shift = _minutes(start_time) - _minutes(day.start_time)
    slots = _day_slots(day)
    moved = []
    for slot in slots:
        new_start = _shift(slot.start_time, shift)
        if new_start is None:
            raise ValidationError(f"{slot.placement.trainee.full_name}'s slot would move "
                                  "outside the day.")
        moved.append(SlotSpec(placement=slot.placement, order=slot.order, start_time=new_start,
                              length_minutes=slot.length_minutes))
    _validate_slots(cohort=day.cohort, start_time=start_time, end_time=end_time, slots=moved)
    changes = []
    if date != day.date:
        changes.append(f"Date: {day.date:%A %d %B %Y} to {date:%A %d %B %Y}")
    if start_time != day.start_time or end_time != day.end_time:
        changes.append(f"Time: {day.start_time:%H:%M}-{day.end_time:%H:%M} to "
                       f"{start_time:%H:%M}-{end_time:%H:%M}")
    if venue.strip() != day.venue:
        changes.append(f"Venue: {day.venue or 'none'} to {venue.strip() or 'none'}")
    if online_url.strip() != day.online_url:
        changes.append(f"Online link: {online_url.strip() or 'none'}")
    if notes.strip() != day.notes:
        changes.append("Notes changed")
    if not changes:
        return day
    new_time = date != day.date or start_time != day.start_time or end_time != day.end_time
    day.date, day.start_time, day.end_time = date, start_time, end_time
    day.venue, day.online_url, day.notes = venue.strip(), online_url.strip(), notes.strip()
    day.sequence += 1
    day.save()
    if shift:
        for slot, spec in zip(slots, moved, strict=True):
            slot.start_time = spec.start_time
        PresentationSlot.objects.bulk_update(slots, ["start_time"])
    invitations = presentation_invitations_sync(day=day)
    if new_time:
        day.invitations.exclude(response=PresentationInvitation.Response.PENDING).update(
            response=PresentationInvitation.Response.PENDING, responded_at=None)
    sop_notify(code="S13U", event_key=f"presentation:{day.pk}:seq{day.sequence}", about=day,
               cohort=day.cohort, context=_day_context(day, changes=changes, reply_again=new_time),
               attachments=[_ics_attachment(day, invitations)],
               recipients_override=[inv.person for inv in invitations])
    return day


@transaction.atomic
def presentation_slots_update(*, day: PresentationDay, by: User,
                              slots: Sequence[SlotSpec]) -> list[PresentationSlot]:
    """Re-arrange the running order and times. Trainees without a slot are given one;
    a trainee's slot (with its title and feedback) is kept when it moves."""
    day = PresentationDay.objects.select_for_update().select_related("cohort").get(pk=day.pk)
    _require_open(day, clock.today())
    _validate_slots(cohort=day.cohort, start_time=day.start_time, end_time=day.end_time,
                    slots=slots)
    existing = {slot.placement_id: slot for slot in day.slots.all()}
    # Two passes, so that swapping two trainees' numbers never collides on the way.
    for offset, slot in enumerate(existing.values(), start=1):
        slot.order = 10000 + offset
    PresentationSlot.objects.bulk_update(existing.values(), ["order"])
    for spec in slots:
        slot = existing.get(spec.placement.pk)
        if slot is None:
            PresentationSlot.objects.create(day=day, placement=spec.placement, order=spec.order,
                                            start_time=spec.start_time,
                                            length_minutes=spec.length_minutes)
        else:
            slot.order, slot.start_time = spec.order, spec.start_time
            slot.length_minutes = spec.length_minutes
            slot.save(update_fields=["order", "start_time", "length_minutes"])
    kept = {spec.placement.pk for spec in slots}
    day.slots.exclude(placement_id__in=kept).delete()
    presentation_invitations_sync(day=day)
    return _day_slots(day)


@transaction.atomic
def presentation_day_cancel(*, day: PresentationDay, by: User,
                            reason: str = "") -> PresentationDay:
    """Cancel the day: everyone invited gets METHOD:CANCEL so the event leaves their calendar."""
    day = PresentationDay.objects.select_for_update().select_related("cohort", "organiser").get(
        pk=day.pk)
    _require_open(day, clock.today())
    day.status = PresentationDay.Status.CANCELLED
    day.sequence += 1
    day.cancelled_at = clock.now()
    day.save(update_fields=["status", "sequence", "cancelled_at", "updated_at"])
    invitations = list(day.invitations.select_related("person"))
    sop_notify(code="S13X", event_key=f"presentation:{day.pk}:cancel", about=day,
               cohort=day.cohort, context=_day_context(day, reason=reason.strip()),
               attachments=[_ics_attachment(day, invitations, cancel=True)],
               recipients_override=[inv.person for inv in invitations])
    return day


@transaction.atomic
def presentation_slot_title_set(*, slot: PresentationSlot, title: str) -> PresentationSlot:
    title = " ".join(title.split())
    if not title:
        raise ValidationError({"title": ["Enter the title of your presentation."]})
    if slot.day.is_cancelled:
        raise ValidationError("This presentation day has been cancelled.")
    slot.title = title[:300]
    slot.save(update_fields=["title"])
    return slot


@transaction.atomic
def presentation_invitation_respond(*, invitation: PresentationInvitation,
                                    response: str) -> PresentationInvitation:
    """An invitee's reply in the service: attending or apologies (they may change their mind
    until the day)."""
    if response not in (PresentationInvitation.Response.ATTENDING,
                        PresentationInvitation.Response.APOLOGIES):
        raise ValidationError({"response": ["Choose attending or apologies."]})
    _require_open(invitation.day, clock.today())
    invitation.response = response
    invitation.responded_at = clock.now()
    invitation.save(update_fields=["response", "responded_at"])
    return invitation


@transaction.atomic
def presentation_invitations_chase(*, day: PresentationDay, by: User) -> int:
    """One click: email everyone who has not replied (at most once a day each), with the
    invitation attached again. Returns how many were chased."""
    day = PresentationDay.objects.select_for_update().select_related("cohort", "organiser").get(
        pk=day.pk)
    today = clock.today()
    _require_open(day, today)
    pending = list(day.invitations.filter(response=PresentationInvitation.Response.PENDING)
                   .filter(Q(last_chased_on__isnull=True) | Q(last_chased_on__lt=today))
                   .select_related("person"))
    if not pending:
        return 0
    invitations = list(day.invitations.select_related("person"))
    sop_notify(code="S13R", event_key=f"presentation:{day.pk}:seq{day.sequence}:chase:{today}",
               about=day, cohort=day.cohort, context=_day_context(day, chased_by=by),
               attachments=[_ics_attachment(day, invitations)],
               recipients_override=[inv.person for inv in pending])
    PresentationInvitation.objects.filter(pk__in=[inv.pk for inv in pending]).update(
        last_chased_on=today)
    return len(pending)


@transaction.atomic
def presentation_attendance_record(*, day: PresentationDay, by: User,
                                   marks: dict[int, str]) -> int:
    """On (or after) the day, the PD records each invitee as present, apologies or absent.
    `marks` maps invitation ids to a value; an empty value leaves that person unrecorded."""
    if day.is_cancelled:
        raise ValidationError("This presentation day has been cancelled.")
    if day.date > clock.today():
        raise ValidationError(f"Attendance can be recorded from the day itself, "
                              f"{day.date:%d %B %Y}.")
    allowed = set(PresentationInvitation.Attendance.values)
    bad = [value for value in marks.values() if value not in allowed]
    if bad:
        raise ValidationError("Choose present, apologies or absent for each person.")
    invitations = {inv.pk: inv for inv in day.invitations.filter(pk__in=marks)}
    if len(invitations) != len(marks):
        raise ValidationError("Someone in the list is not invited to this presentation day.")
    now = clock.now()
    changed = []
    for pk, value in marks.items():
        invitation = invitations[pk]
        if invitation.attendance != value:
            invitation.attendance = value
            invitation.attendance_recorded_at = now if value else None
            invitation.attendance_recorded_by = by if value else None
            changed.append(invitation)
    PresentationInvitation.objects.bulk_update(
        changed, ["attendance", "attendance_recorded_at", "attendance_recorded_by"])
    return len(changed)


def _check_rating(errors: dict, name: str, value) -> None:
    if not isinstance(value, int) or not 1 <= value <= 5:
        errors.setdefault(name, []).append("Give a rating from 1 to 5.")


@transaction.atomic
def presentation_feedback_give(*, slot: PresentationSlot, giver: User, went_well: str,
                               could_be_better: str, relevance: int, leadership: int,
                               communication: int, anonymous: bool) -> PresentationFeedback:
    """Feedback from someone recorded as present at the day, on another trainee's talk."""
    day = slot.day
    if day.is_cancelled:
        raise ValidationError("This presentation day was cancelled.")
    if day.date > clock.today():
        raise ValidationError("Feedback opens on the day of the presentations.")
    if slot.placement.trainee_id == giver.pk:
        raise ValidationError("You cannot give feedback on your own presentation.")
    if not day.invitations.filter(person=giver,
                                  attendance=PresentationInvitation.Attendance.PRESENT).exists():
        raise ValidationError("Only people recorded as present at the presentations can give "
                              "feedback on them.")
    errors: dict[str, list[str]] = {}
    if not went_well.strip():
        errors.setdefault("went_well", []).append("Say what went well.")
    if not could_be_better.strip():
        errors.setdefault("could_be_better", []).append("Say what could be better.")
    for name, value in (("relevance", relevance), ("leadership", leadership),
                        ("communication", communication)):
        _check_rating(errors, name, value)
    if errors:
        raise ValidationError(errors)
    if PresentationFeedback.objects.filter(slot=slot, giver=giver).exists():
        raise ValidationError("You have already given feedback on this presentation.")
    try:
        with transaction.atomic():
            return PresentationFeedback.objects.create(
                slot=slot, giver=giver, went_well=went_well.strip(),
                could_be_better=could_be_better.strip(), relevance=relevance,
                leadership=leadership, communication=communication, anonymous=anonymous)
    except IntegrityError:
        raise ValidationError("You have already given feedback on this presentation.") from None


# Assessments (PD only) ---------------------------------------------------------------------


def _require_presented(placement: Placement) -> None:
    """Neither assessment before the trainee has presented (selectors.not_yet_presented)."""
    from .selectors import not_yet_presented

    reason = not_yet_presented(placement)
    if reason:
        raise ValidationError(reason)


def _assessment_notify(*, kind: str, label: str, record, placement: Placement) -> None:
    sop_notify(code="S16", event_key=f"assessment:{kind}:{record.pk}:v{record.version}",
               about=record, placement=placement,
               context={"assessment": label,
                        "path": _site_path("assessment_detail", placement.pk)})


@transaction.atomic
def presentation_assessment_record(*, placement: Placement, by: User, relevance: int,
                                   leadership: int, communication: int, outcome: str,
                                   feedback: str) -> PresentationAssessment:
    errors: dict[str, list[str]] = {}
    for name, value in (("relevance", relevance), ("leadership", leadership),
                        ("communication", communication)):
        _check_rating(errors, name, value)
    if outcome not in Grade.values:
        errors.setdefault("outcome", []).append("Choose the overall outcome.")
    if not feedback.strip():
        errors.setdefault("feedback", []).append("Give the trainee your feedback.")
    if errors:
        raise ValidationError(errors)
    _require_presented(placement)
    assessment = (PresentationAssessment.objects.select_for_update()
                  .filter(placement=placement).first())
    if assessment is None:
        assessment = PresentationAssessment(placement=placement, version=0)
    assessment.relevance, assessment.leadership = relevance, leadership
    assessment.communication, assessment.outcome = communication, outcome
    assessment.feedback, assessment.assessed_by = feedback.strip(), by
    assessment.recorded_at = clock.now()
    assessment.version += 1
    assessment.save()
    audit.record(actor=by, obj=assessment,
                 action=audit.CREATED if assessment.version == 1 else audit.CHANGED,
                 summary=f"Presentation assessment recorded (version {assessment.version}): "
                         f"{assessment.get_outcome_display()}")
    _assessment_notify(kind="presentation", label="Presentation assessment", record=assessment,
                       placement=placement)
    return assessment


@transaction.atomic
def case_based_discussion_record(*, placement: Placement, by: User, case: str,
                                 capabilities: Sequence[CapabilitySpec], outcome: str,
                                 feedback: str) -> CaseBasedDiscussion:
    """The summative CbD: the case, one to three RCGP capabilities each graded with a
    justification, the overall outcome and feedback. Recording it again replaces it."""
    from .models import Capability

    errors: dict[str, list[str]] = {}
    if not case.strip():
        errors.setdefault("case", []).append("Describe the case discussed.")
    if outcome not in Grade.values:
        errors.setdefault("outcome", []).append("Choose the overall outcome.")
    if not feedback.strip():
        errors.setdefault("feedback", []).append("Give the trainee your feedback.")
    messages: list[str] = []
    if not capabilities:
        messages.append("Grade at least one capability the case evidences.")
    if len(capabilities) > MAX_CBD_CAPABILITIES:
        messages.append(f"Choose up to {MAX_CBD_CAPABILITIES} capabilities.")
    seen = set()
    for spec in capabilities:
        label = (Capability(spec.capability).label if spec.capability in Capability.values
                 else spec.capability)
        if spec.capability not in Capability.values:
            messages.append(f"{label!r} is not an RCGP capability.")
        if spec.capability in seen:
            messages.append(f"{label} is chosen twice.")
        seen.add(spec.capability)
        if spec.grade not in Grade.values:
            messages.append(f"Grade {label}.")
        if not spec.justification.strip():
            messages.append(f"Justify the grade for {label}.")
    if messages:
        errors.setdefault("__all__", []).extend(messages)
    if errors:
        raise ValidationError(errors)
    _require_presented(placement)
    cbd = CaseBasedDiscussion.objects.select_for_update().filter(placement=placement).first()
    if cbd is None:
        cbd = CaseBasedDiscussion(placement=placement, version=0)
    cbd.case, cbd.outcome, cbd.feedback = case.strip(), outcome, feedback.strip()
    cbd.assessed_by, cbd.recorded_at = by, clock.now()
    cbd.version += 1
    cbd.save()
    cbd.capabilities.all().delete()
    CapabilityGrade.objects.bulk_create([
        CapabilityGrade(cbd=cbd, capability=spec.capability, grade=spec.grade,
                        justification=spec.justification.strip(), position=position)
        for position, spec in enumerate(capabilities, start=1)])
    audit.record(actor=by, obj=cbd, action=audit.CREATED if cbd.version == 1 else audit.CHANGED,
                 summary=f"Case-based Discussion recorded (version {cbd.version}): "
                         f"{cbd.get_outcome_display()}")
    _assessment_notify(kind="cbd", label="Case-based Discussion", record=cbd, placement=placement)
    return cbd


# Reflective entries -------------------------------------------------------------------------


@transaction.atomic
def reflective_entry_log(*, placement: Placement, date: datetime.date, title: str, kind: str,
                         capability: str, portfolio_url: str = "") -> ReflectiveEntry:
    from .models import Capability

    cohort = placement.cohort
    errors: dict[str, list[str]] = {}
    if date > clock.today():
        errors.setdefault("date", []).append("The date cannot be in the future.")
    elif not cohort.start_date <= date <= cohort.end_date:
        errors.setdefault("date", []).append(
            f"Log entries written during the rotation, {cohort.start_date:%d %B %Y} to "
            f"{cohort.end_date:%d %B %Y}.")
    if not title.strip():
        errors.setdefault("title", []).append("Enter the entry's title.")
    if kind not in ReflectiveEntry.Kind.values:
        errors.setdefault("kind", []).append("Choose the type of entry.")
    if capability not in Capability.values:
        errors.setdefault("capability", []).append("Choose the capability it links to.")
    if portfolio_url and not portfolio_url.lower().startswith(("https://", "http://")):
        errors.setdefault("portfolio_url", []).append("Enter a web address starting https://")
    if errors:
        raise ValidationError(errors)
    return ReflectiveEntry.objects.create(placement=placement, date=date, title=title.strip(),
                                          kind=kind, capability=capability,
                                          portfolio_url=portfolio_url.strip())


@transaction.atomic
def reflective_entry_delete(*, entry: ReflectiveEntry) -> None:
    entry.delete()


@transaction.atomic
def reflective_reminders_send(*, today: datetime.date | None = None) -> int:
    """The weekly nudge: every trainee whose rotation is running and who has logged fewer than
    two entries this week (Monday to Sunday) gets one reminder; running it again that week
    sends nothing more. Returns how many trainees were reminded."""
    today = today or clock.today()
    monday = today - datetime.timedelta(days=today.weekday())
    sunday = monday + datetime.timedelta(days=6)
    running = [cohort.pk for cohort in Cohort.objects.filter(start_date__lte=today)
               if cohort.end_date >= today]
    placements = (Placement.objects.filter(cohort_id__in=running, trainee__is_active=True)
                  .select_related("cohort", "cohort__ccg", "trainee")
                  .annotate(this_week=Count("reflective_entries", filter=Q(
                      reflective_entries__date__gte=monday, reflective_entries__date__lte=sunday))))
    reminded = 0
    for placement in placements:
        if placement.this_week >= REFLECTIVE_ENTRIES_PER_WEEK:
            continue
        sop_notify(code="REFLECT", event_key=f"reflective-reminder:{placement.pk}:{monday}",
                   about=placement, placement=placement,
                   context={"count": placement.this_week, "expected": REFLECTIVE_ENTRIES_PER_WEEK,
                            "week": placement.cohort.week_of(today), "monday": monday,
                            "path": _site_path("reflective_entries", placement.pk)})
        reminded += 1
    return reminded


# Programme evaluation -----------------------------------------------------------------------


@transaction.atomic
def evaluation_open(*, cohort: Cohort, by: User | None = None) -> EvaluationRound:
    """Open the cohort's evaluation and send each trainee S17 with the survey link. Running it
    again sends only to trainees who have not had it (e.g. added since)."""
    from .selectors import evaluation_invitation

    evaluation, _ = EvaluationRound.objects.get_or_create(
        cohort=cohort, defaults={"opened_at": clock.now(), "opened_by": by})
    evaluation_invitation(cohort, evaluation).send()
    return evaluation


def evaluation_invitations_send(*, today: datetime.date | None = None) -> list[EvaluationRound]:
    """The daily beat: open the evaluation of every cohort in week 15 (or 16)."""
    today = today or clock.today()
    earliest = today - datetime.timedelta(weeks=max(EVALUATION_AUTO_WEEKS))
    opened = []
    for cohort in Cohort.objects.filter(start_date__gt=earliest, start_date__lte=today):
        if cohort.week_of(today) in EVALUATION_AUTO_WEEKS:
            opened.append(evaluation_open(cohort=cohort))
    return opened


@transaction.atomic
def evaluation_answer(*, placement: Placement, sessions: int, action_learning_sets: int,
                      ccg_support: int, overall: int, went_well: str = "", improve: str = "",
                      other_comments: str = "") -> None:
    """Store one anonymous answer and, separately, only that this trainee has answered.
    Returns nothing, so that no caller holds the two together."""
    evaluation = EvaluationRound.objects.filter(cohort_id=placement.cohort_id).first()
    if evaluation is None:
        raise ValidationError("The evaluation for your rotation is not open yet.")
    errors: dict[str, list[str]] = {}
    for name, value in (("sessions", sessions), ("action_learning_sets", action_learning_sets),
                        ("ccg_support", ccg_support), ("overall", overall)):
        _check_rating(errors, name, value)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            EvaluationCompletion.objects.create(round=evaluation, placement=placement,
                                                answered_at=clock.now())
    except IntegrityError:
        raise ValidationError("You have already answered the evaluation: it can be answered "
                              "once.") from None
    EvaluationResponse.objects.create(
        round=evaluation, sessions=sessions, action_learning_sets=action_learning_sets,
        ccg_support=ccg_support, overall=overall, went_well=went_well.strip(),
        improve=improve.strip(), other_comments=other_comments.strip())


@transaction.atomic
def evaluation_results_share(*, evaluation: EvaluationRound, by: User,
                             message: str = "") -> EvaluationResultsShare:
    """Send the results summary (counts and averages; no comments) to the cohort's trainees
    and stakeholders. Once per number of answers, so a double click sends once."""
    from .selectors import evaluation_results, evaluation_results_notice

    evaluation = EvaluationRound.objects.select_for_update().select_related("cohort").get(
        pk=evaluation.pk)
    results = evaluation_results(evaluation)
    if not results["answered"]:
        raise ValidationError("Nobody has answered the evaluation yet.")
    if evaluation.shares.filter(response_count=results["answered"]).exists():
        raise ValidationError(f"The results with {results['answered']} answers have already "
                              "been sent.")
    share = EvaluationResultsShare.objects.create(round=evaluation,
                                                  response_count=results["answered"], sent_by=by,
                                                  sent_at=clock.now())
    evaluation_results_notice(evaluation, results=results, message=message, by=by).send()
    return share


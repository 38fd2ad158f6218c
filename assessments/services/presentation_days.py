"""Presentation days: scheduling, moving and cancelling a day, its slots, the S13
invitations (with their calendar attachments), replies, chasing and attendance."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

import holidays
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from clic.accounts.models import Role, User
from clic.mail.catalogue import Recipient
from clic.mail.services import Attachment, resolve_recipients, sop_notify, sop_recipients
from rotations.models import Cohort
from trainees.models import Placement

from ..exporters import ICS_CANCEL_MIMETYPE, ICS_REQUEST_MIMETYPE, presentation_ics
from ..models import (
    PresentationDay,
    PresentationInvitation,
    PresentationSlot,
)

PRESENTING = "Presenting"


@dataclass(frozen=True)
class SlotSpec:
    placement: Placement
    order: int
    start_time: datetime.time
    length_minutes: int


def _minutes(value: datetime.time) -> int:
    return value.hour * 60 + value.minute


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _shift(value: datetime.time, minutes: int) -> datetime.time | None:
    total = _minutes(value) + minutes
    if not 0 <= total < 24 * 60:
        return None
    return datetime.time(total // 60, total % 60)


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
    return [*sop_recipients(code="S13", cohort=cohort), *extra]


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
            "path": reverse("presentation_invitations"), **extra}


@transaction.atomic
def presentation_day_schedule(*, cohort: Cohort, organiser: User, date: datetime.date,
                              start_time: datetime.time, end_time: datetime.time,
                              slots: Sequence[SlotSpec], venue: str = "", online_url: str = "",
                              notes: str = "") -> PresentationDay:
    """Schedule the cohort's presentation day with a slot per trainee, invite everyone S13
    names and send them the calendar invitation."""
    Cohort.objects.select_for_update().filter(pk=cohort.pk).first()
    _validate_day(cohort=cohort, date=date, start_time=start_time, end_time=end_time,
                  venue=venue, online_url=online_url, today=timezone.localdate())
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
    _require_open(day, timezone.localdate())
    _validate_day(cohort=day.cohort, date=date, start_time=start_time, end_time=end_time,
                  venue=venue, online_url=online_url, today=timezone.localdate())
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
    _require_open(day, timezone.localdate())
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
    _require_open(day, timezone.localdate())
    day.status = PresentationDay.Status.CANCELLED
    day.sequence += 1
    day.cancelled_at = timezone.now()
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
    _require_open(invitation.day, timezone.localdate())
    invitation.response = response
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["response", "responded_at"])
    return invitation


@transaction.atomic
def presentation_invitations_chase(*, day: PresentationDay, by: User) -> int:
    """One click: email everyone who has not replied (at most once a day each), with the
    invitation attached again. Returns how many were chased."""
    day = PresentationDay.objects.select_for_update().select_related("cohort", "organiser").get(
        pk=day.pk)
    today = timezone.localdate()
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
    if day.date > timezone.localdate():
        raise ValidationError(f"Attendance can be recorded from the day itself, "
                              f"{day.date:%d %B %Y}.")
    allowed = set(PresentationInvitation.Attendance.values)
    bad = [value for value in marks.values() if value not in allowed]
    if bad:
        raise ValidationError("Choose present, apologies or absent for each person.")
    invitations = {inv.pk: inv for inv in day.invitations.filter(pk__in=marks)}
    if len(invitations) != len(marks):
        raise ValidationError("Someone in the list is not invited to this presentation day.")
    now = timezone.now()
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

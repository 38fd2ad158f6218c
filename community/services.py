"""Every write of alumni and mentoring: keyword-only, atomic, audited, refusing bad input
with a ValidationError that names the field."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from clic.accounts.models import Role, RoleMembership
from clic.accounts.services import membership_add
from clic.audit import services as audit
from clic.mail.services import email_queue_template

from .models import ALUMNI_YEARS, Alumnus, MentoringMeeting, MentoringPair


def years_after(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a year that has none
        return day.replace(year=day.year + years, day=28)


def has_ended(placement, today: datetime.date) -> bool:
    return placement.cohort.end_date < today


@transaction.atomic
def alumnus_join(*, user, placement) -> Alumnus:
    """The trainee's explicit choice to stay on in their programme's alumni once their
    rotation has ended; choosing again after leaving starts the period afresh."""
    today = timezone.localdate()
    if placement.trainee_id != user.pk:
        raise ValidationError("Only the trainee of a rotation can join its alumni.")
    if not has_ended(placement, today):
        raise ValidationError("You can join the alumni once your rotation has ended, after "
                              f"{placement.cohort.end_date:%-d %B %Y}.")
    programme = placement.cohort.programme
    alumnus = Alumnus.objects.select_for_update().filter(user=user, programme=programme).first()
    if alumnus is not None and alumnus.is_active(today):
        raise ValidationError("You are already one of the programme's alumni.")
    alumnus = alumnus or Alumnus(user=user, programme=programme)
    alumnus.cohort = placement.cohort
    alumnus.joined_on = today
    alumnus.keep_until = years_after(today, ALUMNI_YEARS)
    alumnus.left_on = None
    alumnus.save()
    membership_add(user=user, role=Role.ALUMNUS, organisation=programme)
    audit.record(actor=user, action=audit.CREATED, obj=alumnus, programme=programme,
                 summary=f"Joined the alumni until {alumnus.keep_until:%-d %B %Y}")
    return alumnus


@transaction.atomic
def alumnus_update(*, alumnus: Alumnus, listed: bool, current_role: str, organisation: str,
                   interests: str, happy_to_be_contacted: bool, offers_mentoring: bool,
                   mentoring_offer: str) -> Alumnus:
    """What the alumnus shares in the directory, and whether they offer to mentor."""
    if not alumnus.is_active(timezone.localdate()):
        raise ValidationError("You are no longer one of the programme's alumni: join again "
                              "to share anything.")
    mentoring_offer = mentoring_offer.strip()
    if offers_mentoring and not mentoring_offer:
        raise ValidationError({"mentoring_offer": "Say briefly what you offer as a mentor."})
    alumnus.listed, alumnus.happy_to_be_contacted = listed, happy_to_be_contacted
    alumnus.current_role, alumnus.organisation = current_role.strip(), organisation.strip()
    alumnus.interests = interests.strip()
    alumnus.offers_mentoring, alumnus.mentoring_offer = offers_mentoring, mentoring_offer
    alumnus.full_clean()
    alumnus.save()
    audit.record(actor=alumnus.user, action=audit.CHANGED, obj=alumnus,
                 programme=alumnus.programme, summary="Alumni directory entry updated")
    return alumnus


@transaction.atomic
def alumnus_leave(*, alumnus: Alumnus) -> Alumnus:
    """Leave the alumni: out of the directory and the mentors offered, the role gone; the
    retention rules apply to the person again from today."""
    if alumnus.left_on is not None:
        raise ValidationError("You have already left the programme's alumni.")
    alumnus.left_on = timezone.localdate()
    alumnus.listed = alumnus.happy_to_be_contacted = alumnus.offers_mentoring = False
    alumnus.current_role = alumnus.organisation = alumnus.interests = ""
    alumnus.mentoring_offer = ""
    alumnus.save()
    RoleMembership.objects.filter(user=alumnus.user, role=Role.ALUMNUS,
                                  organisation=alumnus.programme).delete()
    audit.record(actor=alumnus.user, action=audit.CHANGED, obj=alumnus,
                 programme=alumnus.programme, summary="Left the alumni")
    return alumnus


def supervises(user, placement) -> bool:
    """Whether the person has a supervising part in the placement (ES, CCG Supervisor or
    Project Lead): mentoring their own trainee would not be mentoring."""
    return user.pk in (placement.educational_supervisor_id, placement.ccg_supervisor_id,
                       placement.project_lead_id)


def pairing_errors(*, mentor: Alumnus, placement, today: datetime.date) -> dict[str, str]:
    """Why this alumnus may not mentor this trainee, by the pairing form's field."""
    if not (mentor.is_active(today) and mentor.offers_mentoring):
        return {"mentor": f"{mentor.user} does not offer to mentor at the moment."}
    if placement.cohort.programme_id != mentor.programme_id:
        return {"placement": "The trainee is in another programme."}
    if has_ended(placement, today):
        return {"placement": "That trainee's rotation has ended: pair mentors with a running "
                             "or upcoming cohort's trainees."}
    if placement.trainee_id == mentor.user_id:
        return {"placement": "A mentor cannot mentor themselves."}
    if supervises(mentor.user, placement):
        return {"mentor": f"{mentor.user} supervises {placement.trainee}: choose a mentor who "
                          "is not one of the trainee's supervisors."}
    if MentoringPair.objects.filter(mentor=mentor, placement=placement).exists():
        return {"placement": f"{mentor.user} already mentors {placement.trainee}."}
    return {}


@transaction.atomic
def mentoring_pair_create(*, mentor: Alumnus, placement, by) -> MentoringPair:
    """Pair a mentor with a trainee; both are emailed (MENTOR-PAIRED), a reply reaching the
    Programme Director who paired them."""
    today = timezone.localdate()
    # One pairing at a time per mentor: two PDs pairing the same two people save one pair.
    mentor = Alumnus.objects.select_for_update().select_related("user").get(pk=mentor.pk)
    errors = pairing_errors(mentor=mentor, placement=placement, today=today)
    if errors:
        raise ValidationError(errors)
    pair = MentoringPair.objects.create(mentor=mentor, placement=placement, paired_on=today,
                                        paired_by=by)
    audit.record(actor=by, action=audit.CREATED, obj=pair, placement=placement,
                 summary=f"{mentor.user} paired as mentor")
    email_queue_template(
        code="MENTOR-PAIRED", to=[mentor.user.email, placement.trainee.email],
        template="mail/community/mentor_paired", event_key=f"mentor-paired:{pair.pk}",
        about=placement,
        context={"mentor": mentor.user, "trainee": placement.trainee, "cohort": placement.cohort,
                 "offer": mentor.mentoring_offer, "paired_by": by,
                 "path": reverse("community:pair", args=[pair.pk])})
    return pair


def is_of_pair(user, pair: MentoringPair) -> bool:
    return user.pk in (pair.mentor.user_id, pair.placement.trainee_id)


@transaction.atomic
def mentoring_meeting_log(*, pair: MentoringPair, by, met_on: datetime.date,
                          note: str) -> MentoringMeeting:
    """Either of the pair logs a meeting; the note is theirs alone, so the audit log records
    only that a meeting was logged."""
    if not is_of_pair(by, pair):
        raise ValidationError("Only the mentor and the trainee log their meetings.")
    if met_on > timezone.localdate():
        raise ValidationError({"met_on": "The date you met must be today or in the past."})
    if met_on < pair.paired_on:
        raise ValidationError({"met_on": "The date you met must be on or after the day you "
                                         f"were paired, {pair.paired_on:%-d %B %Y}."})
    meeting = MentoringMeeting(pair=pair, met_on=met_on, note=note.strip(), logged_by=by)
    meeting.full_clean()
    meeting.save()
    audit.record(actor=by, action=audit.CREATED, obj=meeting, placement=pair.placement,
                 summary=f"Mentoring meeting logged for {met_on:%-d %B %Y}")
    return meeting

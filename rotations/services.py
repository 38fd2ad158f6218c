import datetime
import logging
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from clic.accounts.models import Organisation, Role, RoleMembership, User
from clic.audit import services as audit

from . import notifications, selectors
from .exporters import portfolio_document
from .models import ROTATION_WEEKS, Cohort, CohortChange, Session, TimetablePack
from .timetable import bank_holidays, plan_cohort_sessions, plan_placement_sessions

logger = logging.getLogger(__name__)

# How far back a new cohort may start: about a term (one rotation).
START_DATE_WINDOW_PAST = datetime.timedelta(weeks=ROTATION_WEEKS)
START_DATE_WINDOW_FUTURE = datetime.timedelta(days=3 * 365)


def cohort_errors(*, programme: Organisation | None, ccg: Organisation | None,
                  start_date: datetime.date | None, directors: Iterable[User],
                  als_facilitator: User | None = None,
                  today: datetime.date | None = None) -> dict[str, list[str]]:
    """Everything wrong with a cohort's details, by field. `today` also checks the start date
    is not more than a term in the past (left out when only invariants are checked)."""
    errors: dict[str, list[str]] = {}
    directors = list(directors)
    if programme is not None and programme.kind != Organisation.Kind.PROGRAMME:
        errors.setdefault("programme", []).append(f"{programme} is not a training programme.")
    if ccg is not None and ccg.kind != Organisation.Kind.CCG:
        errors.setdefault("ccg", []).append(f"{ccg} is not a CCG.")
    if start_date is not None:
        if start_date.weekday() != 0:
            errors.setdefault("start_date", []).append(
                f"The rotation starts on a Monday; {start_date:%A %d %B %Y} is a "
                f"{start_date:%A}.")
        if today is not None and start_date < today - START_DATE_WINDOW_PAST:
            errors.setdefault("start_date", []).append(
                "That is more than a term in the past: a cohort must start no earlier than "
                f"{today - START_DATE_WINDOW_PAST:%d %B %Y}.")
        if today is not None and start_date > today + START_DATE_WINDOW_FUTURE:
            errors.setdefault("start_date", []).append(
                "That is more than three years away: check the year.")
    if not directors:
        errors.setdefault("directors", []).append(
            "Choose at least one Programme Director to run the cohort.")
    if programme is not None:
        pds = set(RoleMembership.objects.filter(organisation=programme, role=Role.PD)
                  .values_list("user_id", flat=True))
        strangers = [d for d in directors if d.pk not in pds]
        if strangers:
            errors.setdefault("directors", []).append(
                f"{', '.join(map(str, strangers))} is not a Programme Director of {programme}.")
        if als_facilitator is not None and als_facilitator.pk not in pds:
            errors.setdefault("als_facilitator", []).append(
                f"{als_facilitator} is not a Programme Director of {programme}.")
    return errors


def cohort_change_record(*, cohort: Cohort, actor: User | None, action: str, summary: str,
                         session=None, placement=None, details: dict | None = None
                         ) -> CohortChange:
    """Add a line to the cohort's change log."""
    return CohortChange.objects.create(cohort=cohort, actor=actor, action=action,
                                       summary=summary[:500], session=session,
                                       placement=placement, details=details or {})


@transaction.atomic
def cohort_create(*, name: str, programme: Organisation, ccg: Organisation,
                  start_date: datetime.date, directors: Iterable[User],
                  als_facilitator: User | None = None, teaching_venue: str = "",
                  ccg_venue: str = "", by: User | None = None) -> Cohort:
    directors = list(directors)
    errors = cohort_errors(programme=programme, ccg=ccg, start_date=start_date,
                           directors=directors, als_facilitator=als_facilitator)
    if errors:
        raise ValidationError(errors)
    cohort = Cohort.objects.create(name=name.strip(), programme=programme, ccg=ccg,
                                   start_date=start_date,
                                   als_facilitator=als_facilitator or directors[0],
                                   teaching_venue=teaching_venue.strip(),
                                   ccg_venue=ccg_venue.strip())
    cohort.directors.set(directors)
    cohort_change_record(cohort=cohort, actor=by, action=CohortChange.Action.CREATED,
         summary=f"Cohort created, starting {start_date:%d %B %Y}")
    return cohort


def _display(value) -> str:
    if value is None or value == "":
        return "(none)"
    if isinstance(value, datetime.date):
        return f"{value:%d %B %Y}"
    if isinstance(value, datetime.time):
        return f"{value:%H:%M}"
    if isinstance(value, list | tuple | set):
        return ", ".join(sorted(str(v) for v in value)) or "(none)"
    return str(value)


@transaction.atomic
def cohort_update(*, cohort: Cohort, by: User | None, name: str, ccg: Organisation,
                  start_date: datetime.date, directors: Iterable[User],
                  als_facilitator: User | None, teaching_venue: str = "",
                  ccg_venue: str = "") -> Cohort:
    """Edit the cohort's details. Once published, the CCG and start date are fixed (the
    timetable hangs on them); venues and facilitator here are defaults for new sessions."""
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    directors = list(directors)
    errors = cohort_errors(programme=cohort.programme, ccg=ccg, start_date=start_date,
                           directors=directors, als_facilitator=als_facilitator)
    if cohort.is_published and start_date != cohort.start_date:
        errors.setdefault("start_date", []).append(
            "The timetable is published: the start date can no longer change.")
    if cohort.is_published and ccg.pk != cohort.ccg_id:
        errors.setdefault("ccg", []).append(
            "The timetable is published: the CCG can no longer change.")
    if errors:
        raise ValidationError(errors)
    before = {"Name": cohort.name, "CCG": cohort.ccg, "Start date": cohort.start_date,
              "Programme Directors": [str(d) for d in cohort.directors.all()],
              "Action learning set facilitator": cohort.als_facilitator,
              "Teaching venue": cohort.teaching_venue, "CCG base": cohort.ccg_venue}
    cohort.name = name.strip()
    cohort.ccg = ccg
    cohort.start_date = start_date
    cohort.als_facilitator = als_facilitator
    cohort.teaching_venue = teaching_venue.strip()
    cohort.ccg_venue = ccg_venue.strip()
    cohort.save()
    cohort.directors.set(directors)
    after = {"Name": cohort.name, "CCG": cohort.ccg, "Start date": cohort.start_date,
             "Programme Directors": [str(d) for d in directors],
             "Action learning set facilitator": cohort.als_facilitator,
             "Teaching venue": cohort.teaching_venue, "CCG base": cohort.ccg_venue}
    details = {label: [_display(before[label]), _display(after[label])] for label in before
               if _display(before[label]) != _display(after[label])}
    if details:
        cohort_change_record(cohort=cohort, actor=by, action=CohortChange.Action.EDITED,
             summary="Cohort details changed: " + ", ".join(details), details=details)
    return cohort


@transaction.atomic
def placement_timetable_generate(*, placement, from_date: datetime.date | None = None
                                 ) -> list[Session]:
    """Create a placement's project-day sessions (all weeks, or from a date on)."""
    return Session.objects.bulk_create(plan_placement_sessions(placement, from_date=from_date))


@transaction.atomic
def placement_allocate(*, placement, by: User | None = None) -> None:
    """A trainee joins a published timetable: their project days, and S1-S3.
    Does nothing for a draft cohort, nor for a placement that already has its timetable."""
    if not placement.cohort.is_published or placement.sessions.exists():
        return
    placement_timetable_generate(placement=placement)
    notifications.send(notifications.placement_allocated_notices(placement))


@transaction.atomic
def cohort_publish(*, cohort: Cohort, by: User | None = None) -> Cohort:
    """Generate the 16-week timetable and tell everyone: each person once, about all their
    trainees (the emails `selectors.cohort_publish_plan` lists). Publishing twice does
    nothing new."""
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if cohort.is_published:
        return cohort
    placements = selectors.placements_to_publish(cohort)
    errors = {}
    if not cohort.directors.exists():
        errors["directors"] = ["Choose at least one Programme Director before publishing."]
    if not placements:
        errors["placements"] = ["Add at least one trainee before publishing the timetable."]
    if errors:
        raise ValidationError(errors)
    sessions = Session.objects.bulk_create(plan_cohort_sessions(cohort))
    audit.record(actor=by, action=audit.CREATED, obj=cohort, object_type="timetable",
                 summary=f"Timetable published: {len(sessions)} sessions for the cohort")
    cohort.status = Cohort.Status.PUBLISHED
    cohort.published_at = timezone.now()
    cohort.published_by = by
    cohort.save(update_fields=["status", "published_at", "published_by"])
    for placement in placements:
        placement.cohort = cohort
        placement_timetable_generate(placement=placement)
    emails = notifications.send(notifications.cohort_published_notices(cohort, placements))
    cohort_change_record(cohort=cohort, actor=by, action=CohortChange.Action.PUBLISHED,
         summary=f"Timetable published for {len(placements)} trainee"
                 f"{'' if len(placements) == 1 else 's'}; {len(emails)} email"
                 f"{'' if len(emails) == 1 else 's'} queued")
    return cohort


SESSION_FIELDS = {
    "kind": "Activity", "title": "Title", "date": "Date", "start_time": "Start",
    "end_time": "End", "venue": "Venue", "facilitator": "Facilitator", "notes": "Notes",
}


def session_errors(*, session: Session, date: datetime.date, start_time: datetime.time | None,
                   end_time: datetime.time | None, kind: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    cohort = session.cohort
    if start_time and end_time and end_time <= start_time:
        errors["end_time"] = ["The session must end after it starts."]
    if bool(start_time) != bool(end_time):
        errors["end_time" if start_time else "start_time"] = [
            "Give both a start and an end time."]
    if date.weekday() > 4:
        errors["date"] = ["Sessions are on weekdays."]
    elif cohort.week_of(date) is None:
        errors["date"] = [f"The rotation runs from {cohort.start_date:%d %B %Y} to "
                          f"{cohort.end_date:%d %B %Y}."]
    else:
        closed = bank_holidays(date, date)
        if date in closed:
            errors["date"] = [f"{date:%d %B %Y} is a bank holiday ({closed[date]})."]
    if kind == Session.Kind.BANK_HOLIDAY:
        errors["kind"] = ["Bank holidays come from the holiday calendar; choose an activity."]
    return errors


@transaction.atomic
def session_update(*, session: Session, by: User | None, kind: str, title: str,
                   date: datetime.date, start_time: datetime.time | None,
                   end_time: datetime.time | None, venue: str = "",
                   facilitator: User | None = None, notes: str = "") -> bool:
    """Change a session. If anything changed: SEQUENCE goes up, the change is logged, and
    the people affected get S10 with the updated calendar entry. Returns whether it changed."""
    session = Session.objects.select_for_update(of=("self",)).select_related(
        "cohort", "placement__trainee", "placement__ccg_supervisor",
        "placement__project_lead", "facilitator").get(pk=session.pk)
    if session.kind == Session.Kind.BANK_HOLIDAY:
        raise ValidationError("Bank holidays cannot be edited.")
    errors = session_errors(session=session, date=date, start_time=start_time,
                            end_time=end_time, kind=kind)
    if errors:
        raise ValidationError(errors)
    new = {"kind": kind, "title": title.strip(), "date": date, "start_time": start_time,
           "end_time": end_time, "venue": venue.strip(), "facilitator": facilitator,
           "notes": notes.strip()}
    changes = {}
    for field, value in new.items():
        old = getattr(session, field)
        if field == "kind":
            old_shown, new_shown = (Session.Kind(old).label, Session.Kind(value).label)
        else:
            old_shown, new_shown = _display(old), _display(value)
        if old != value:
            changes[SESSION_FIELDS[field]] = [old_shown, new_shown]
    if not changes:
        return False
    old_facilitator = session.facilitator
    for field, value in new.items():
        setattr(session, field, value)
    session.week = session.cohort.week_of(date)
    session.sequence += 1
    session.save()
    audit.record(actor=by, action=audit.CHANGED, obj=session,
                 summary=f"{session.title} on {session.date:%d %b %Y}: "
                         + ", ".join(changes).lower() + " changed")
    who = session.placement.trainee if session.placement_id else "the cohort"
    cohort_change_record(cohort=session.cohort, actor=by, action=CohortChange.Action.SESSION_EDITED,
         session=session, placement=session.placement,
         summary=f"{session.title} on {session.date:%a %d %b %Y} ({who}): "
                 + ", ".join(changes).lower() + " changed",
         details=changes)
    extra = [old_facilitator] if old_facilitator and old_facilitator != facilitator else []
    notifications.session_changed(session, changes=changes, extra_people=extra)
    return True


def _set_status(*, session: Session, by: User | None, status: str, reason: str) -> bool:
    session = Session.objects.select_for_update(of=("self",)).select_related(
        "cohort", "placement__trainee", "placement__ccg_supervisor",
        "placement__project_lead", "facilitator").get(pk=session.pk)
    if session.kind == Session.Kind.BANK_HOLIDAY:
        raise ValidationError("Bank holidays cannot be cancelled.")
    if session.status == status:
        return False
    old = session.get_status_display()
    session.status = status
    session.sequence += 1
    session.save(update_fields=["status", "sequence", "updated_at"])
    cancelled = status == Session.Status.CANCELLED
    audit.record(actor=by, action=audit.CHANGED, obj=session,
                 summary=f"{session.title} on {session.date:%d %b %Y} "
                         f"{'cancelled' if cancelled else 'reinstated'}")
    who = session.placement.trainee if session.placement_id else "the cohort"
    summary = (f"{session.title} on {session.date:%a %d %b %Y} ({who}) "
               f"{'cancelled' if cancelled else 'reinstated'}")
    if reason.strip():
        summary += f": {reason.strip()}"
    changes = {"Status": [old, session.get_status_display()]}
    cohort_change_record(cohort=session.cohort, actor=by, session=session, placement=session.placement,
         action=(CohortChange.Action.SESSION_CANCELLED if cancelled
                 else CohortChange.Action.SESSION_REINSTATED),
         summary=summary, details=changes)
    notifications.session_changed(session, changes=changes, reason=reason.strip())
    return True


@transaction.atomic
def session_cancel(*, session: Session, by: User | None, reason: str = "") -> bool:
    """Cancel a session; its people get S10 with a CANCEL calendar entry."""
    return _set_status(session=session, by=by, status=Session.Status.CANCELLED, reason=reason)


@transaction.atomic
def session_reinstate(*, session: Session, by: User | None) -> bool:
    return _set_status(session=session, by=by, status=Session.Status.SCHEDULED, reason="")


@transaction.atomic
def placement_timetable_move(*, placement, by: User | None, from_date: datetime.date) -> list:
    """After a project day changes: the placement's future project-day sessions are
    cancelled (their calendar entries say so) and new ones made on the new day. One S10."""
    old = list(placement.sessions.select_for_update().filter(
        date__gte=from_date, status=Session.Status.SCHEDULED))
    now = timezone.now()
    for session in old:
        session.status = Session.Status.CANCELLED
        session.sequence += 1
        session.updated_at = now
    Session.objects.bulk_update(old, ["status", "sequence", "updated_at"])
    new = placement_timetable_generate(placement=placement, from_date=from_date)
    audit.record(actor=by, action=audit.CHANGED, obj=placement, object_type="timetable",
                 summary=f"Project days moved from {from_date:%d %b %Y}: {len(old)} sessions "
                         f"cancelled, {len(new)} made")
    if old or new:
        notifications.project_day_moved(placement, cancelled=old, created=new)
    return new


@transaction.atomic
def timetable_pack_request(*, cohort: Cohort, by: User | None) -> TimetablePack:
    """Ask for the cohort's timetables as one PDF; a background task builds it."""
    pack = TimetablePack.objects.create(cohort=cohort, requested_by=by,
                                        total=cohort.placements.count())
    transaction.on_commit(lambda: _dispatch_pack(pack.pk))
    return pack


def _dispatch_pack(pack_id: int) -> None:
    from .tasks import timetable_pack_build_task

    try:
        timetable_pack_build_task.delay(pack_id)
    except Exception:  # noqa: BLE001 - broker down: the page offers to try again
        logger.exception("Could not queue timetable pack %s", pack_id)


def timetable_pack_build(*, pack_id: int) -> TimetablePack:
    """Render each trainee's timetable, recording progress, then join them into one PDF.
    Not atomic on purpose: progress is committed as it goes so the page can show it."""
    claimed = TimetablePack.objects.filter(
        pk=pack_id, status__in=[TimetablePack.Status.QUEUED, TimetablePack.Status.FAILED]
    ).update(status=TimetablePack.Status.RUNNING, progress=0, error="")
    pack = TimetablePack.objects.select_related("cohort").get(pk=pack_id)
    if not claimed:
        return pack
    placements = list(pack.cohort.placements.select_related(
        "trainee", "ccg_supervisor", "project_lead", "cohort", "practice"))
    TimetablePack.objects.filter(pk=pack.pk).update(total=len(placements))
    try:
        documents = []
        for done, placement in enumerate(placements, start=1):
            documents.append(portfolio_document(placement))
            TimetablePack.objects.filter(pk=pack.pk).update(progress=done)
        if not documents:
            raise ValueError("The cohort has no trainees.")
        pages = [page for document in documents for page in document.pages]
        content = documents[0].copy(pages).write_pdf()
        pack.refresh_from_db()
        pack.file.save(f"timetables-cohort-{pack.cohort_id}-{pack.pk}.pdf",
                       ContentFile(content), save=False)
        pack.status = TimetablePack.Status.DONE
        pack.finished_at = timezone.now()
        pack.save(update_fields=["file", "status", "finished_at"])
    except Exception as error:  # noqa: BLE001 - recorded for the page; the PD can retry
        logger.exception("Timetable pack %s failed", pack_id)
        TimetablePack.objects.filter(pk=pack.pk).update(
            status=TimetablePack.Status.FAILED, error=str(error)[:1000],
            finished_at=timezone.now())
        pack.refresh_from_db()
    return pack


@transaction.atomic
def timetable_pack_retry(*, pack: TimetablePack) -> TimetablePack:
    """Queue a failed (or never started) pack again."""
    TimetablePack.objects.filter(
        pk=pack.pk, status__in=[TimetablePack.Status.QUEUED, TimetablePack.Status.FAILED]
    ).update(status=TimetablePack.Status.QUEUED, progress=0, error="", finished_at=None)
    transaction.on_commit(lambda: _dispatch_pack(pack.pk))
    pack.refresh_from_db()
    return pack

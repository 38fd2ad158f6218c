import datetime
import logging
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from clic.accounts.models import Organisation, Role, RoleMembership, User
from clic.audit import services as audit
from clic.pdf import build_in_background

from . import notifications, selectors
from .exporters import portfolio_document
from .models import (
    LONGEST_ROTATION_WEEKS,
    Cohort,
    CohortChange,
    ProgrammeTemplate,
    Session,
    TemplateVersion,
    TimetablePack,
    Weekday,
)
from .timetable import bank_holidays, plan_cohort_sessions, plan_placement_sessions

logger = logging.getLogger(__name__)

START_DATE_WINDOW_FUTURE = datetime.timedelta(days=3 * 365)


def cohort_errors(*, programme: Organisation | None, ccg: Organisation | None,
                  start_date: datetime.date | None, directors: Iterable[User],
                  als_facilitator: User | None = None,
                  template_version: TemplateVersion | None = None,
                  today: datetime.date | None = None) -> dict[str, list[str]]:
    """Everything wrong with a cohort's details, by field. `today` also checks the start date
    is not more than a term in the past: no earlier than the template version's length (any
    template's longest, without one) before today. Left out when only invariants are
    checked."""
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
        weeks = template_version.weeks if template_version else LONGEST_ROTATION_WEEKS
        earliest = today - datetime.timedelta(weeks=weeks) if today is not None else None
        if earliest is not None and start_date < earliest:
            errors.setdefault("start_date", []).append(
                "That is more than a term in the past: a cohort must start no earlier than "
                f"{earliest:%d %B %Y}.")
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
        if template_version is not None and template_version.template.programme_id not in (
                None, programme.pk):
            errors.setdefault("template_version", []).append(
                f"{template_version} is another programme's template: choose one of "
                f"{programme}'s.")
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
                  ccg_venue: str = "", template_version: TemplateVersion | None = None,
                  by: User | None = None) -> Cohort:
    """A draft cohort, planned from `template_version` (default: the programme's latest),
    which it keeps whatever later happens to the template."""
    directors = list(directors)
    template_version = template_version or selectors.default_template_version(programme)
    errors = cohort_errors(programme=programme, ccg=ccg, start_date=start_date,
                           directors=directors, als_facilitator=als_facilitator,
                           template_version=template_version)
    if template_version is None:
        errors.setdefault("template_version", []).append(
            f"{programme} has no timetable template yet: make one first.")
    if errors:
        raise ValidationError(errors)
    cohort = Cohort.objects.create(name=name.strip(), programme=programme, ccg=ccg,
                                   start_date=start_date, template_version=template_version,
                                   weeks=template_version.weeks,
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
    cohort = Cohort.objects.select_for_update(of=("self",)).select_related(
        "template_version").get(pk=cohort.pk)
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

    build_in_background(timetable_pack_build_task, pack_id)


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


# Programme templates ------------------------------------------------------------------------

TEMPLATE_FIELDS = (
    "weeks", "teaching_sessions", "project_weekday", "other_project_day_allowed",
    "afternoon_weekday", "morning_start", "morning_end", "afternoon_start", "afternoon_end",
    "activities", "meeting_weeks", "presentation_week", "presentation_title",
    "entries_per_week", "organisation_word",
)


def template_content(version: TemplateVersion) -> dict:
    """What a version says, as the keyword arguments `template_version_save` takes."""
    return {field: getattr(version, field) for field in TEMPLATE_FIELDS}


def _sessions_overlap(first: dict, second: dict, length: int) -> bool:
    if first["weekday"] != second["weekday"]:
        return False
    shared_weeks = set(first["weeks"] or range(1, length + 1)) & set(
        second["weeks"] or range(1, length + 1))
    return bool(shared_weeks) and first["start"] < second["end"] and second["start"] < first["end"]


def template_content_errors(*, weeks: int, teaching_sessions: list[dict], project_weekday: int,
                            afternoon_weekday: int | None, morning_start: datetime.time,
                            morning_end: datetime.time, afternoon_start: datetime.time,
                            afternoon_end: datetime.time, activities: list,
                            meeting_weeks: list[int], presentation_week: int,
                            **_unchecked) -> dict[str, list[str]]:
    """Everything wrong with a template's content, by field; a teaching session's errors
    under "teaching_sessions-<index>"."""
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if weeks < 1:
        add("weeks", "A template needs at least one week.")
    elif weeks > LONGEST_ROTATION_WEEKS:
        add("weeks", f"A template can be at most {LONGEST_ROTATION_WEEKS} weeks long.")
    elif len(activities) != weeks:
        add("activities", f"Give the project-day activities of each of the {weeks} weeks.")
    project_days = {project_weekday, project_weekday if afternoon_weekday is None
                    else afternoon_weekday}
    for index, spec in enumerate(teaching_sessions):
        field = f"teaching_sessions-{index}"
        if spec["end"] <= spec["start"]:
            add(field, f"{spec['title']} must end after it starts.")
        late = [week for week in spec["weeks"] if not 1 <= week <= weeks]
        if late:
            add(field, f"{spec['title']} is in week {late[0]}, outside the {weeks}-week "
                       "programme.")
        if spec["weekday"] in project_days:
            add(field, f"{spec['title']} is on {Weekday(spec['weekday']).label}, the default "
                       "project day: choose another teaching day or project day.")
        for earlier in teaching_sessions[:index]:
            if _sessions_overlap(earlier, spec, weeks):
                add(field, f"{spec['title']} overlaps {earlier['title']} on "
                           f"{Weekday(spec['weekday']).label}.")
    if morning_end <= morning_start:
        add("morning_end", "The morning must end after it starts.")
    if afternoon_end <= afternoon_start:
        add("afternoon_end", "The afternoon must end after it starts.")
    if afternoon_weekday in (None, project_weekday) and afternoon_start < morning_end:
        add("afternoon_start", "The afternoon starts before the morning ends.")
    late = [week for week in meeting_weeks if not 1 <= week <= weeks]
    if late:
        add("meeting_weeks", f"Week {late[0]} is outside the {weeks}-week programme.")
    if not 1 <= presentation_week <= weeks:
        add("presentation_week", f"Week {presentation_week} is outside the {weeks}-week "
                                 "programme.")
    elif not teaching_sessions:
        add("teaching_sessions", "Add at least one teaching session: the presentation takes "
                                 "the last one of its week.")
    else:
        first_day = min(spec["weekday"] for spec in teaching_sessions)
        if not any(spec["weekday"] == first_day
                   and (not spec["weeks"] or presentation_week in spec["weeks"])
                   for spec in teaching_sessions):
            add("presentation_week", f"The presentation takes the last session of the first "
                                     f"teaching day of week {presentation_week}, and that "
                                     "week has none.")
    return errors


def _check_template_content(content: dict) -> None:
    errors = template_content_errors(**content)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def template_version_save(*, template: ProgrammeTemplate, by: User | None, **content
                          ) -> tuple[TemplateVersion, bool]:
    """Save a template's content. While no cohort uses its latest version, that version
    changes; once one does, the content becomes the next version and running cohorts keep
    theirs. Returns the version and whether it is a new one."""
    _check_template_content(content)
    template = ProgrammeTemplate.objects.select_for_update().get(pk=template.pk)
    latest = template.versions.order_by("-number").first()
    if latest is not None and not latest.cohorts.exists():
        for field, value in content.items():
            setattr(latest, field, value)
        latest.created_by = by
        latest.save()
        audit.record(actor=by, action=audit.CHANGED, obj=latest,
                     object_type="timetable template",
                     summary=f"{template}: version {latest.number} edited")
        return latest, False
    version = TemplateVersion.objects.create(
        template=template, number=(latest.number + 1) if latest else 1, created_by=by,
        **content)
    audit.record(actor=by, action=audit.CREATED, obj=version, object_type="timetable template",
                 summary=f"{template}: version {version.number} made"
                         + (f" (version {latest.number} is used by cohorts)" if latest else ""))
    return version, latest is not None


@transaction.atomic
def template_copy(*, source: TemplateVersion, programme: Organisation, name: str,
                  by: User | None) -> ProgrammeTemplate:
    """Start another template of the programme from a version of an existing one."""
    if programme.kind != Organisation.Kind.PROGRAMME:
        raise ValidationError({"programme": [f"{programme} is not a training programme."]})
    name = name.strip()
    if not name:
        raise ValidationError({"name": ["Give the new template a name."]})
    if ProgrammeTemplate.objects.filter(programme=programme, name__iexact=name).exists():
        raise ValidationError({"name": [f"{programme} already has a template called {name}."]})
    template = ProgrammeTemplate.objects.create(programme=programme, name=name)
    TemplateVersion.objects.create(template=template, number=1, created_by=by,
                                   **template_content(source))
    audit.record(actor=by, action=audit.CREATED, obj=template, object_type="timetable template",
                 summary=f"{template} started from {source}")
    return template

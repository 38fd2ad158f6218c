"""The SOP emails this app causes (S1, S2, S3, S10), all through the outbox in clic.mail.

Each call runs inside the caller's transaction; the event keys make a repeat of the same
event (a second publish, a retried request) write nothing new."""

from django.utils import timezone

from clic.accounts.models import User
from clic.mail.notices import Notice
from clic.mail.services import Attachment

from .exporters import session_invitation, sessions_calendar
from .models import Session
from .selectors import mandatory_wednesday


def _sop_notify(**kwargs):
    from clic.mail.services import sop_notify

    return sop_notify(**kwargs)


def _allocation_context(cohort, placement=None) -> dict:
    context = {"cohort": cohort, "start_date": cohort.start_date, "end_date": cohort.end_date}
    if placement is not None:
        context.update(placement=placement, trainee=placement.trainee,
                       project_day=placement.get_project_day_display())
    return context


def _welcome(placement) -> Notice:
    """S2: the trainee's own welcome, with the next mandatory Wednesday."""
    cohort = placement.cohort
    context = _allocation_context(cohort, placement)
    context["wednesday"] = mandatory_wednesday(
        cohort, from_date=max(cohort.start_date, timezone.localdate()))
    return Notice(code="S2", event_key=f"placement:{placement.pk}:welcome", about=placement,
                  placement=placement, cohort=cohort, context=context)


def placement_allocated_notices(placement) -> list[Notice]:
    """A trainee joins a published timetable: S1 to the CCG Supervisor, CCG admin and PDs;
    S2 welcome to the trainee; S3 to the CCG Supervisor to arrange the first meeting; S4 when
    the Project Lead is already named."""
    cohort = placement.cohort
    context = _allocation_context(cohort, placement)
    notices = [
        Notice(code="S1", event_key=f"placement:{placement.pk}:allocated", about=placement,
               placement=placement, cohort=cohort, context=context),
        _welcome(placement),
        Notice(code="S3", event_key=f"placement:{placement.pk}:first-meeting", about=placement,
               placement=placement, cohort=cohort, context=context)]
    if placement.project_lead_id:
        notices.append(project_lead_named_notice(placement))
    return notices


def cohort_published_notices(cohort, placements) -> list[Notice]:
    """Publishing: S1 and S3 once to each person, naming all of their trainees (a supervisor
    of two trainees gets one of each, not two), each trainee their own S2 welcome, and S4 for
    every trainee whose Project Lead is already named."""
    context = _allocation_context(cohort)
    return [
        Notice(code="S1", event_key=f"cohort:{cohort.pk}:published:allocated", about=cohort,
               cohort=cohort, context=context),
        *[_welcome(placement) for placement in placements],
        Notice(code="S3", event_key=f"cohort:{cohort.pk}:published:first-meeting",
               about=cohort, cohort=cohort, context=context),
        *[project_lead_named_notice(placement) for placement in placements
          if placement.project_lead_id]]


def send(notices: list[Notice]) -> list:
    return [email for notice in notices for email in notice.send()]


def session_people(session: Session) -> list[User]:
    """Who a session concerns: its trainees and the staff attending it."""
    people = []
    if session.placement_id:
        placement = session.placement
        people += [placement.trainee, placement.ccg_supervisor, placement.project_lead]
    else:
        people += [p.trainee for p in session.cohort.placements.select_related("trainee")]
        people.append(session.facilitator)
    seen, unique = set(), []
    for person in people:
        if person is not None and person.pk not in seen and person.is_active:
            seen.add(person.pk)
            unique.append(person)
    return unique


def change_lines(changes: dict) -> list[str]:
    """{"Venue": ["A", "B"]} -> ["Venue: A → B"], as the S10 template lists them."""
    return [f"{label}: {old} → {new}" if old else f"{label}: {new}"
            for label, (old, new) in changes.items()]


def session_change_notice(session: Session, *, changes: dict, extra_people=(),
                          reason: str = "") -> Notice:
    """S10 about a session as it now stands: to its people, keyed by its SEQUENCE."""
    people = session_people(session)
    known = {person.pk for person in people}
    people += [p for p in extra_people if p is not None and p.pk not in known]
    return Notice(
        code="S10", event_key=f"session:{session.pk}:v{session.sequence}", about=session,
        placement=session.placement, cohort=session.cohort,
        context={"session": session, "changes": change_lines(changes)
                 + ([f"Reason: {reason}"] if reason else []), "cancelled": session.is_cancelled,
                 "reason": reason, "cohort": session.cohort, "placement": session.placement},
        recipients_override=tuple(people))


def session_changed(session: Session, *, changes: dict, extra_people=(), reason: str = "") -> list:
    """S10: the session's people hear of the change, with the updated calendar entry."""
    method = "CANCEL" if session.is_cancelled else "REQUEST"
    attachment = Attachment(filename="timetable-change.ics",
                            content=session_invitation(session, method=method).decode(),
                            mimetype=f"text/calendar; method={method}; charset=UTF-8")
    return session_change_notice(session, changes=changes, extra_people=extra_people,
                                 reason=reason).send(attachments=[attachment])


def project_day_moved(placement, *, cancelled: list[Session], created: list[Session]) -> list:
    """S10 after a project day changes: the old days cancelled, the new ones added, in one
    email with one calendar file holding every changed entry."""
    changed = [*cancelled, *created]
    key = max((s.sequence for s in cancelled), default=0)
    first = min((s.date for s in changed), default=None)
    attachment = Attachment(filename="timetable-change.ics",
                            content=sessions_calendar(changed, method="PUBLISH",
                                                      name="CLIC timetable change").decode(),
                            mimetype="text/calendar; method=PUBLISH; charset=UTF-8")
    people = [p for p in (placement.trainee, placement.ccg_supervisor, placement.project_lead)
              if p is not None]
    return _sop_notify(
        code="S10", about=placement, placement=placement, cohort=placement.cohort,
        event_key=f"placement:{placement.pk}:project-day:{placement.project_day}:{first}:v{key}",
        context={"placement": placement, "cohort": placement.cohort,
                 "changes": [f"Project day: now {placement.get_project_day_display()}, from "
                             f"{first:%d %B %Y}" if first else "Project day changed"],
                 "project_day": placement.get_project_day_display(), "from_date": first,
                 "cancelled_sessions": cancelled, "new_sessions": created},
        attachments=[attachment], recipients_override=people)


def project_lead_named_notice(placement) -> Notice:
    """S4: the trainee and the Project Lead; the lead meets the trainee in week 1 or 2."""
    return Notice(
        # The same key as projects.services.project_lead_assign: naming a lead twice sends once.
        code="S4", event_key=f"s4:placement:{placement.pk}:lead:{placement.project_lead_id}",
        about=placement, placement=placement, cohort=placement.cohort,
        context={"placement": placement, "cohort": placement.cohort,
                 "trainee": placement.trainee, "project_lead": placement.project_lead})


def project_lead_named(placement) -> list:
    return project_lead_named_notice(placement).send()

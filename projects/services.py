"""Every write of the projects app: keyword-only, typed, atomic. Each checks that the person
may do it and that the input makes sense, and raises ValidationError (with a message for
the form) or PermissionDenied before anything is saved. SOP emails go through the outbox
in the same transaction."""

import datetime
import logging
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from clic.accounts.models import Role, RoleMembership, User
from clic.accounts.services import user_invite
from clic.audit import services as audit
from clic.mail.catalogue import Recipient
from clic.mail.services import Attachment, sop_notify
from rotations.models import LONGEST_ROTATION_WEEKS, Cohort
from trainees.models import Placement

from . import rules, validators
from .exporters import meeting_invitation
from .models import (
    HR_ITEM_KEYS,
    PROJECT_SUBSTANCE_FIELDS,
    CommissioningStage,
    CommitteeSubmission,
    Concern,
    ConcernNote,
    HRChecklist,
    Meeting,
    MeetingNotice,
    MeetingSpec,
    ProgressComment,
    ProgressEntry,
    Project,
    SummaryUpload,
    meeting_spec,
    meeting_specs,
)
from .selectors import committee_notice, committee_submission_of, default_attendees, meeting_attendee_choices

logger = logging.getLogger(__name__)

MEETING_DUE_CODE = "MEETING_DUE"
MEETING_OVERDUE_CODE = "MEETING_OVERDUE"
MEETING_INVITE_CODE = "MEETING_INVITE"
MEETING_CANCELLED_CODE = "MEETING_CANCELLED"
PROJECT_AGREED_CODE = "PROJECT_AGREED"
# What the trainee's calendar invitation carries: changing any of them sends an update.
MEETING_INVITATION_FIELDS = ("date", "start_time", "end_time", "venue")


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _text(value: str | None) -> str:
    return (value or "").strip()


def _rotation_dates(placement: Placement) -> str:
    cohort = placement.cohort
    return f"{cohort.start_date:%-d %B %Y} and {cohort.end_date:%-d %B %Y}"


def _check_in_rotation(placement: Placement, day: datetime.date, field: str, what: str) -> None:
    if placement.cohort.week_of(day) is None:
        raise ValidationError({field: f"{what} must be during the rotation, between "
                                      f"{_rotation_dates(placement)}."})


def _path(name: str, placement: Placement, *args) -> str:
    return reverse(name, args=[placement.pk, *args])


# Project ------------------------------------------------------------------------------------


@transaction.atomic
def project_save(*, placement: Placement, by: User, title: str, ccg_priority: str, aims: str,
                 commissioning_stage: str, priority_source_url: str = "",
                 clinical_lead_name: str = "") -> Project:
    """The trainee proposes their project, or edits it. Changing what an agreed project is
    (title, priority, aims, stage) sends it back to the CCG Supervisor to agree again."""
    _require(rules.can_edit_project(by, placement), "Only the trainee can edit their project.")
    values = {"title": _text(title), "ccg_priority": _text(ccg_priority), "aims": _text(aims),
              "commissioning_stage": commissioning_stage,
              "priority_source_url": _text(priority_source_url),
              "clinical_lead_name": _text(clinical_lead_name)}
    errors = {}
    if not values["title"]:
        errors["title"] = "Enter a title for the project."
    if not values["ccg_priority"]:
        errors["ccg_priority"] = "Enter the CCG priority the project serves."
    if not values["aims"]:
        errors["aims"] = "Enter the project's aims."
    if commissioning_stage not in CommissioningStage.values:
        errors["commissioning_stage"] = "Choose the stage of the commissioning cycle it touches."
    if values["priority_source_url"]:
        try:
            URLValidator(schemes=["http", "https"])(values["priority_source_url"])
        except ValidationError:
            errors["priority_source_url"] = ("Enter the full web address of the paper, "
                                             "starting https://")
    if errors:
        raise ValidationError(errors)

    project = Project.objects.select_for_update().filter(placement=placement).first()
    now = timezone.now()
    if project is None:
        project = Project(placement=placement, proposed_at=now, **values)
    else:
        if project.status == Project.Status.COMPLETED:
            raise ValidationError("A completed project can no longer be changed.")
        changed = any(getattr(project, name) != values[name] for name in PROJECT_SUBSTANCE_FIELDS)
        for name, value in values.items():
            setattr(project, name, value)
        if changed and project.status != Project.Status.PROPOSED:
            project.status = Project.Status.PROPOSED
            project.proposed_at = now
            project.agreed_at = project.agreed_by = None
        if changed:
            project.confirmed_at = project.confirmed_by = None
    project.full_clean(exclude=["placement"])
    project.save()
    return project


def _transition(project: Project, allowed_from: Iterable[str], to: str, message: str) -> None:
    if project.status not in allowed_from:
        raise ValidationError(message.format(status=project.get_status_display().lower()))
    project.status = to


@transaction.atomic
def project_agree(*, project: Project, by: User) -> Project:
    _require(rules.can_agree_project(by, project.placement),
             "Only the trainee's CCG Supervisor can agree the project.")
    project = Project.objects.select_for_update().get(pk=project.pk)
    _transition(project, [Project.Status.PROPOSED], Project.Status.AGREED,
                "Only a proposed project can be agreed: this one is {status}.")
    project.agreed_at, project.agreed_by = timezone.now(), by
    project.save(update_fields=["status", "agreed_at", "agreed_by", "updated_at"])
    placement = project.placement
    # Agreed again after the trainee changed it: a new event, so a new email.
    sop_notify(code=PROJECT_AGREED_CODE,
               event_key=f"project:{project.pk}:agreed:{project.agreed_at.isoformat()}",
               about=project, placement=placement,
               context={"project": project, "agreed_by": by,
                        "path": _path("project_detail", placement)})
    return project


@transaction.atomic
def project_start(*, project: Project, by: User) -> Project:
    _require(rules.can_start_project(by, project.placement),
             "Only the trainee, CCG Supervisor or Project Lead can start the project.")
    project = Project.objects.select_for_update().get(pk=project.pk)
    _transition(project, [Project.Status.AGREED], Project.Status.IN_PROGRESS,
                "The CCG Supervisor agrees the project before it starts: it is {status}.")
    project.started_at = timezone.now()
    project.save(update_fields=["status", "started_at", "updated_at"])
    return project


@transaction.atomic
def project_complete(*, project: Project, by: User) -> Project:
    _require(rules.can_complete_project(by, project.placement),
             "Only the CCG Supervisor or Project Lead can mark the project completed.")
    project = Project.objects.select_for_update().get(pk=project.pk)
    _transition(project, [Project.Status.AGREED, Project.Status.IN_PROGRESS],
                Project.Status.COMPLETED, "Only an agreed project can be completed: it is {status}.")
    project.completed_at = timezone.now()
    project.save(update_fields=["status", "completed_at", "updated_at"])
    return project


@transaction.atomic
def project_confirm(*, project: Project, by: User) -> Project:
    """The PD records that the project is appropriate (the handbook asks them to ensure it)."""
    _require(rules.can_confirm_project(by, project.placement),
             "Only a Programme Director of the cohort can confirm the project.")
    project.confirmed_at, project.confirmed_by = timezone.now(), by
    project.save(update_fields=["confirmed_at", "confirmed_by", "updated_at"])
    return project


# Project Lead -------------------------------------------------------------------------------


@transaction.atomic
def project_lead_assign(*, placement: Placement, lead: User, by: User) -> Placement:
    """The CCG Supervisor names the Project Lead, one of the CCG's Project Leads; S4 tells the
    trainee and the lead. Naming the same lead again changes nothing and sends nothing."""
    _require(rules.can_assign_project_lead(by, placement),
             "Only the trainee's CCG Supervisor can name the Project Lead.")
    ccg = placement.cohort.ccg
    if not RoleMembership.objects.filter(user=lead, role=Role.PROJECT_LEAD,
                                         organisation=ccg).exists():
        raise ValidationError({"lead": f"{lead} is not a Project Lead at {ccg}: choose one of "
                                       f"{ccg}'s Project Leads, or invite them."})
    if not lead.is_active:
        raise ValidationError({"lead": f"{lead}'s account is closed: choose someone else."})
    placement = Placement.objects.select_for_update().select_related("cohort__ccg").get(
        pk=placement.pk)
    if placement.project_lead_id == lead.pk:
        return placement
    placement.project_lead = lead
    placement.save(update_fields=["project_lead", "updated_at"])
    sop_notify(code="S4", event_key=f"s4:placement:{placement.pk}:lead:{lead.pk}", about=placement,
               placement=placement,
               context={"lead": lead, "named_by": by, "path": _path("project_detail", placement)})
    return placement


@transaction.atomic
def project_lead_invite(*, placement: Placement, email: str, full_name: str, by: User,
                        job_title: str = "") -> Placement:
    """Invite someone new as a Project Lead at the placement's CCG, then name them (S4)."""
    _require(rules.can_assign_project_lead(by, placement),
             "Only the trainee's CCG Supervisor can name the Project Lead.")
    ccg = placement.cohort.ccg
    email = _text(email).lower()
    if not _text(full_name):
        raise ValidationError({"full_name": "Enter the Project Lead's full name."})
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None and not RoleMembership.objects.filter(
            user=existing, organisation=ccg).exists():
        raise ValidationError({"email": f"{email} belongs to someone who does not work at {ccg} "
                                        "in the service: ask a Programme Director to add them."})
    lead = user_invite(email=email, full_name=full_name, job_title=_text(job_title),
                       roles=[(Role.PROJECT_LEAD, ccg)], invited_by=by)
    return project_lead_assign(placement=placement, lead=lead, by=by)


# Meetings -----------------------------------------------------------------------------------


def _spec(placement: Placement, kind: str) -> MeetingSpec:
    spec = meeting_spec(placement.cohort, kind)
    if spec is None:
        raise ValidationError({"kind": "Choose one of the meetings the SOP expects."})
    return spec


def _attendees(placement: Placement, attendees: Iterable[User] | None,
               spec: MeetingSpec) -> list[User]:
    if attendees is None:
        return default_attendees(placement, spec)
    allowed = {user.pk for user, _ in meeting_attendee_choices(placement)}
    chosen = list(dict.fromkeys([placement.trainee, *attendees]))
    strangers = [user for user in chosen if user.pk not in allowed]
    if strangers:
        raise ValidationError({"attendees": "Choose attendees from the trainee's supervisors, "
                                            "Project Lead, Deputy Clinical Chair and PDs."})
    return chosen


@transaction.atomic
def meeting_schedule(*, placement: Placement, kind: str, date: datetime.date, by: User,
                     start_time: datetime.time | None = None, end_time: datetime.time | None = None,
                     venue: str = "", attendees: Iterable[User] | None = None) -> Meeting:
    """Set (or move) the date, time and venue of an SOP meeting; it then shows in the diary and
    calendar feed of each attendee."""
    _require(rules.can_manage_meetings(by, placement),
             "Only the trainee, CCG Supervisor or Project Lead can arrange this meeting.")
    spec = _spec(placement, kind)
    _check_in_rotation(placement, date, "date", "The meeting")
    if start_time and end_time and end_time <= start_time:
        raise ValidationError({"end_time": "The meeting must end after it starts."})
    if end_time and not start_time:
        raise ValidationError({"start_time": "Enter the start time as well as the end time."})
    chosen = _attendees(placement, attendees, spec)
    meeting = Meeting.objects.select_for_update().filter(placement=placement, kind=kind).first()
    if meeting is not None and meeting.is_held:
        raise ValidationError("This meeting is already recorded as held.")
    moved = meeting is not None
    if meeting is None:
        meeting = Meeting(placement=placement, kind=kind)
    before = [getattr(meeting, name) for name in MEETING_INVITATION_FIELDS]
    meeting.date, meeting.start_time, meeting.end_time = date, start_time, end_time
    meeting.venue, meeting.scheduled_by = _text(venue), by
    changed = not moved or before != [getattr(meeting, name) for name in MEETING_INVITATION_FIELDS]
    if moved and changed:
        meeting.sequence += 1
    meeting.status = Meeting.Status.SCHEDULED
    meeting.save()
    meeting.attendees.set(chosen)
    if changed:
        _meeting_invitation_send(meeting, by=by, moved=moved)
    return meeting


@transaction.atomic
def meeting_cancel(*, placement: Placement, kind: str, by: User) -> None:
    """Cancel an arranged SOP meeting: the trainee gets a calendar cancellation (the same UID,
    a higher SEQUENCE) and the meeting goes back to not arranged, leaving every diary."""
    _require(rules.can_manage_meetings(by, placement),
             "Only the trainee, CCG Supervisor or Project Lead can cancel this meeting.")
    _spec(placement, kind)
    meeting = Meeting.objects.select_for_update().filter(placement=placement, kind=kind).first()
    if meeting is None:
        raise ValidationError("This meeting is not arranged.")
    if meeting.is_held:
        raise ValidationError("This meeting is already recorded as held.")
    meeting.sequence += 1
    _meeting_invitation_send(meeting, by=by, cancel=True)
    meeting.delete()


def _meeting_invitation_send(meeting: Meeting, *, by: User, moved: bool = False,
                             cancel: bool = False) -> None:
    placement = meeting.placement
    method = "CANCEL" if cancel else "REQUEST"
    sop_notify(
        code=MEETING_CANCELLED_CODE if cancel else MEETING_INVITE_CODE,
        event_key=f"meeting:{meeting.uid}:seq{meeting.sequence}:{method.lower()}",
        # The placement, not the meeting: a cancelled meeting is deleted.
        about=placement, placement=placement,
        attachments=[Attachment(
            filename="cancelled.ics" if cancel else "invite.ics",
            content=meeting_invitation(meeting, organiser=by, cancel=cancel),
            mimetype=f"text/calendar; method={method}; charset=utf-8")],
        context={"arranged_meeting": meeting, "meeting_label": meeting.get_kind_display(),
                 "moved": moved, "arranged_by": by,
                 "others": [person.full_name for person in meeting.attendees.all()
                            if person.pk != placement.trainee_id],
                 "path": _path("meeting_list", placement)})


@transaction.atomic
def meeting_record(*, placement: Placement, kind: str, held_on: datetime.date, notes: str,
                   by: User, agreed_actions: str = "",
                   attendees: Iterable[User] | None = None) -> Meeting:
    """Record an SOP meeting as held, with short notes and the actions agreed."""
    _require(rules.can_manage_meetings(by, placement),
             "Only the trainee, CCG Supervisor or Project Lead can record this meeting.")
    spec = _spec(placement, kind)
    today = timezone.localdate()
    _check_in_rotation(placement, held_on, "held_on", "The meeting")
    if held_on > today:
        raise ValidationError({"held_on": "A meeting can only be recorded once it has happened: "
                                          "schedule it instead."})
    if not _text(notes):
        raise ValidationError({"notes": "Enter short notes of what the meeting covered."})
    meeting = Meeting.objects.select_for_update().filter(placement=placement, kind=kind).first()
    if meeting is None:
        meeting = Meeting(placement=placement, kind=kind, scheduled_by=by)
        chosen = _attendees(placement, attendees, spec)
    else:
        chosen = (_attendees(placement, attendees, spec) if attendees is not None
                  else list(meeting.attendees.all()) or _attendees(placement, None, spec))
        if meeting.date != held_on:
            meeting.sequence += 1
    meeting.date = held_on
    meeting.status = Meeting.Status.HELD
    meeting.notes, meeting.agreed_actions = _text(notes), _text(agreed_actions)
    meeting.recorded_by, meeting.recorded_at = by, timezone.now()
    meeting.save()
    meeting.attendees.set(chosen)
    return meeting


def _arranger(placement: Placement, spec: MeetingSpec) -> tuple[Recipient, str]:
    """Who should arrange the meeting: the spec's role, or the CCG Supervisor while no
    Project Lead is named."""
    if spec.arranger == "project_lead" and placement.project_lead_id is None:
        return Recipient.CCG_SUPERVISOR, "ccg_supervisor"
    return Recipient(spec.arranger), spec.arranger


def _escalation_to(arranger: str) -> Recipient:
    """A week later: the CCG Supervisor, or the PDs for the supervisor's own meetings."""
    return Recipient.PD if arranger == "ccg_supervisor" else Recipient.CCG_SUPERVISOR


def meeting_reminders_send() -> list[MeetingNotice]:
    """The beat task's work: for each SOP meeting of a published cohort that is due and not
    recorded as held, remind the person who should arrange it (from the Monday of the week it
    falls due), and a week later tell the CCG Supervisor, or the PDs when the supervisor
    should have arranged it. Each stage goes once per meeting; a stage whose week has passed
    is not sent late. Optional meetings (the Deputy Clinical Chair's) get no escalation."""
    today = timezone.localdate()
    # Any template's last meeting escalates at most two weeks after its end.
    earliest_start = today - datetime.timedelta(weeks=LONGEST_ROTATION_WEEKS + 2)
    placements = (Placement.objects
                  .filter(cohort__status=Cohort.Status.PUBLISHED,
                          cohort__start_date__lte=today, cohort__start_date__gt=earliest_start)
                  .select_related("cohort__ccg", "cohort__programme", "cohort__template_version",
                                  "trainee", "ccg_supervisor",
                                  "project_lead")
                  .prefetch_related("meetings", "meeting_notices"))
    sent = []
    for placement in placements:
        cohort = placement.cohort
        meetings = {meeting.kind: meeting for meeting in placement.meetings.all()}
        notices = {(notice.kind, notice.stage) for notice in placement.meeting_notices.all()}
        for spec in meeting_specs(cohort):
            meeting = meetings.get(spec.kind)
            if meeting is not None and meeting.is_held:
                continue
            remind_on, escalate_on = spec.remind_on(cohort), spec.escalate_on(cohort)
            if remind_on <= today < escalate_on:
                stage = MeetingNotice.Stage.REMINDER
                if meeting is not None and meeting.date >= today:
                    continue  # arranged: nothing to remind anyone of yet
            elif escalate_on <= today < escalate_on + datetime.timedelta(weeks=1):
                stage = MeetingNotice.Stage.ESCALATION
                if spec.optional:
                    continue
            else:
                continue
            if (spec.kind, stage) in notices:
                continue
            try:
                # One savepoint per notice: a failure (or a concurrent run that got there
                # first) loses only that notice, which the next run tries again.
                with transaction.atomic():
                    sent.append(_meeting_notice_send(placement=placement, spec=spec,
                                                     stage=stage, meeting=meeting, today=today))
            except Exception:
                logger.exception("Could not send the %s %s for placement %s", spec.kind, stage,
                                 placement.pk)
    return sent


def _meeting_notice_send(*, placement: Placement, spec: MeetingSpec, stage: str,
                         meeting: Meeting | None, today: datetime.date) -> MeetingNotice:
    recipient, arranger = _arranger(placement, spec)
    escalation = stage == MeetingNotice.Stage.ESCALATION
    to = _escalation_to(arranger) if escalation else recipient
    cohort = placement.cohort
    notice = MeetingNotice.objects.create(placement=placement, kind=spec.kind, stage=stage,
                                          sent_on=today, recipients="")
    emails = sop_notify(
        code=MEETING_OVERDUE_CODE if escalation else MEETING_DUE_CODE,
        event_key=f"meeting-{stage}:placement:{placement.pk}:{spec.kind}",
        about=placement, placement=placement, recipients_override=[to],
        context={"meeting_label": spec.label, "weeks": spec.weeks_label,
                 "meeting_phrase": spec.label[0].lower() + spec.label[1:],
                 "due_by": spec.due_by(cohort), "arranger": Recipient(arranger).label,
                 "arranger_person": getattr(placement, arranger),
                 "no_project_lead": spec.arranger == "project_lead" and arranger != spec.arranger,
                 "scheduled_for": meeting.date if meeting is not None else None,
                 "stage": stage, "path": _path("meeting_list", placement)})
    notice.recipients = ", ".join(email.to_email for email in emails)[:500]
    notice.save(update_fields=["recipients"])
    return notice


# Progress log -------------------------------------------------------------------------------


@transaction.atomic
def progress_add(*, placement: Placement, by: User, date: datetime.date, text: str
                 ) -> ProgressEntry:
    """The trainee logs progress. The first entry on an agreed project marks it in progress."""
    _require(rules.can_add_progress(by, placement), "Only the trainee adds to their progress log.")
    today = timezone.localdate()
    if not _text(text):
        raise ValidationError({"text": "Enter what progress you have made."})
    _check_in_rotation(placement, date, "date", "The entry's date")
    if date > today:
        raise ValidationError({"date": "The entry's date cannot be in the future."})
    entry = ProgressEntry.objects.create(placement=placement, author=by, date=date,
                                         text=_text(text))
    project = Project.objects.select_for_update().filter(placement=placement).first()
    if project is not None and project.status == Project.Status.AGREED:
        project.status, project.started_at = Project.Status.IN_PROGRESS, timezone.now()
        project.save(update_fields=["status", "started_at", "updated_at"])
    return entry


@transaction.atomic
def progress_comment_add(*, entry: ProgressEntry, by: User, text: str) -> ProgressComment:
    _require(rules.can_comment_progress(by, entry.placement),
             "Only the CCG Supervisor or Project Lead can comment on the progress log.")
    if not _text(text):
        raise ValidationError({"text": "Enter your comment."})
    return ProgressComment.objects.create(entry=entry, author=by, text=_text(text))


# HR checklist -------------------------------------------------------------------------------


@transaction.atomic
def hr_checklist_update(*, placement: Placement, by: User,
                        done: dict[str, datetime.date | None],
                        agreement: UploadedFile | None = None) -> HRChecklist:
    """The trainee ticks (with the date done) or unticks the HR items, and may upload the signed
    confidentiality agreement (PDF or a photo, up to 10 MB)."""
    _require(rules.can_edit_hr_checklist(by, placement),
             "Only the trainee ticks their HR checklist.")
    today = timezone.localdate()
    unknown = set(done) - set(HR_ITEM_KEYS)
    if unknown:
        raise ValidationError(f"Unknown checklist items: {', '.join(sorted(unknown))}.")
    errors = {f"{key}_on": "The date you did it cannot be in the future."
              for key, day in done.items() if day is not None and day > today}
    kind = None
    if agreement is not None:
        try:
            kind = validators.validate_upload(agreement, kinds=validators.AGREEMENT_KINDS)
        except ValidationError as error:
            errors["agreement"] = error.messages
    if errors:
        raise ValidationError(errors)
    checklist, _ = HRChecklist.objects.select_for_update().get_or_create(placement=placement)
    for key, day in done.items():
        setattr(checklist, f"{key}_on", day)
    if agreement is not None and kind is not None:
        checklist.confidentiality_agreement.save(agreement.name, agreement, save=False)
        checklist.confidentiality_agreement_name = agreement.name[:200]
        if checklist.confidentiality_signed_on is None:
            checklist.confidentiality_signed_on = today
    checklist.save()
    return checklist


# Concerns -----------------------------------------------------------------------------------


@transaction.atomic
def concern_raise(*, placement: Placement, by: User, summary: str, details: str) -> Concern:
    """The CCG Supervisor raises a concern (S14 to the PDs) or the Project Lead does (S15 to the
    CCG Supervisor and the Deputy Clinical Chair). The email says only that a concern was
    raised: it is read in the service."""
    role = rules.concern_role_for(by, placement)
    _require(role is not None, "Only the trainee's CCG Supervisor or Project Lead can raise a "
                               "concern.")
    errors = {}
    if not _text(summary):
        errors["summary"] = "Enter a short summary of the concern."
    if not _text(details):
        errors["details"] = "Describe the concern."
    if errors:
        raise ValidationError(errors)
    concern = Concern.objects.create(placement=placement, raised_by=by, raised_as=role,
                                     summary=_text(summary)[:200], details=_text(details))
    audit.record(actor=by, action=audit.CREATED, obj=concern,
                 summary=f"Concern raised as {concern.get_raised_as_display()}")
    code = "S14" if role == Role.CCG_SUPERVISOR else "S15"
    sop_notify(code=code, event_key=f"{code.lower()}:concern:{concern.pk}", about=concern,
               placement=placement,
               context={"raised_by": by, "concern_raised_as": concern.get_raised_as_display(),
                        "path": _path("concern_detail", placement, concern.pk)})
    return concern


@transaction.atomic
def concern_update(*, concern: Concern, by: User, status: str, note: str = "") -> ConcernNote:
    """Move the concern on (open, in hand, closed) with a note of what was done."""
    _require(rules.can_update_concern(by, concern), "You cannot update this concern.")
    if status not in Concern.Status.values:
        raise ValidationError({"status": "Choose open, in hand or closed."})
    if status == concern.status and not _text(note):
        raise ValidationError({"note": "Enter a note, or choose a new status."})
    if status == Concern.Status.CLOSED and not _text(note):
        raise ValidationError({"note": "Say how the concern was resolved before closing it."})
    concern.status = status
    concern.save(update_fields=["status", "updated_at"])
    audit.record(actor=by, action=audit.CHANGED, obj=concern,
                 summary=f"Concern status: {concern.get_status_display()}"
                         + (", with a note" if _text(note) else ""))
    return ConcernNote.objects.create(concern=concern, author=by, text=_text(note), status=status)


@transaction.atomic
def concern_share(*, concern: Concern, by: User, shared: bool) -> Concern:
    """The raiser or a PD lets the trainee see the concern (or stops them)."""
    _require(rules.can_share_concern(by, concern),
             "Only the person who raised the concern or a Programme Director can share it.")
    concern.shared_with_trainee = shared
    concern.save(update_fields=["shared_with_trainee", "updated_at"])
    audit.record(actor=by, action=audit.CHANGED, obj=concern,
                 summary="Concern shared with the trainee" if shared
                 else "Concern no longer shared with the trainee")
    return concern


# Summaries ----------------------------------------------------------------------------------


@transaction.atomic
def summaries_upload(*, placement: Placement, by: User, outcome: UploadedFile,
                     slide: UploadedFile) -> SummaryUpload:
    """The trainee uploads the project outcome summary and the one-slide summary (S11 to the CCG
    Supervisor and Project Lead). Both are checked by content, up to 10 MB each."""
    _require(rules.can_upload_summaries(by, placement),
             "Only the trainee uploads their project summaries.")
    errors = {}
    for name, upload, kinds in (("outcome", outcome, validators.OUTCOME_KINDS),
                                ("slide", slide, validators.SLIDE_KINDS)):
        if upload is None:
            errors[name] = "Choose the file to upload."
            continue
        try:
            validators.validate_upload(upload, kinds=kinds)
        except ValidationError as error:
            errors[name] = error.messages
    if errors:
        raise ValidationError(errors)
    record = SummaryUpload(placement=placement, uploaded_by=by, outcome_name=outcome.name[:200],
                           slide_name=slide.name[:200])
    record.outcome_file.save(outcome.name, outcome, save=False)
    record.slide_file.save(slide.name, slide, save=False)
    record.save()
    project = Project.objects.filter(placement=placement).first()
    sop_notify(code="S11", event_key=f"s11:summaries:{record.pk}", about=record,
               placement=placement,
               context={"project_title": project.title if project else "",
                        "outcome_name": record.outcome_name, "slide_name": record.slide_name,
                        "path": _path("summaries", placement)})
    return record


@transaction.atomic
def committee_submit(*, placement: Placement, by: User,
                     upload: SummaryUpload | None = None) -> CommitteeSubmission:
    """The CCG Supervisor or Project Lead sends the one-slide summary (the latest, unless one
    is named) to the CCG's Clinical Assurance Strategy Committee (S12), attached. A slide
    already sent is not sent again: its first submission is returned."""
    _require(rules.can_submit_to_committee(by, placement),
             "Only the CCG Supervisor or Project Lead can submit the slide to the committee.")
    ccg = placement.cohort.ccg
    if not ccg.committee_email:
        raise ValidationError(f"{ccg} has no Clinical Assurance Strategy Committee address yet: "
                              "ask a Programme Director or Administrator to add it.")
    if upload is None:
        upload = placement.summary_uploads.order_by("-uploaded_at", "-id").first()
    if upload is None or upload.placement_id != placement.pk:
        raise ValidationError("The trainee has not uploaded the one-slide summary yet.")
    # Two confirmations at once (a double click, two tabs) queue here: the second finds the first.
    upload = SummaryUpload.objects.select_for_update().get(pk=upload.pk)
    earlier = committee_submission_of(upload)
    if earlier is not None:
        return earlier
    kind = validators.kind_for_name(upload.slide_name) or validators.PDF
    with upload.slide_file.open("rb") as handle:
        content = handle.read()
    submission = CommitteeSubmission.objects.create(placement=placement, upload=upload,
                                                    submitted_by=by, to_email=ccg.committee_email)
    committee_notice(placement=placement, upload=upload, submission=submission).send(
        attachments=[Attachment(filename=upload.slide_name, content=content,
                                mimetype=kind.mimetype)])
    return submission

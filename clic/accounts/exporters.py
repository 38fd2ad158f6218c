"""Subject access: everything the service holds about the person asking, as one ZIP of JSON
files and PDFs. Every read here is of the person's own records (their account, their
placements and what hangs off them, emails to them or about them), so the export is scoped
to them by construction; other people appear only as the names the person already sees in
the service (their supervisors), and anonymous feedback stays anonymous.

Left out on purpose: concerns not shared with the trainee (the service's rule: the raiser or
a PD decides), the audit log (kept out of reach of the people it records), the calendar feed
token and sign-in links (secrets, not data), and evaluation answers (anonymous by design:
nothing links an answer to a person)."""

import io
import json
import zipfile

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

HIDDEN_BODY = "(Not included: this email carried a one-time sign-in link.)"


def _person(user) -> dict | None:
    if user is None:
        return None
    return {"name": user.full_name, "email": user.email}


def _account(user) -> dict:
    return {
        "email": user.email, "full_name": user.full_name, "job_title": user.job_title,
        "phone": user.phone, "active": user.is_active, "date_joined": user.date_joined,
        "last_login": user.last_login, "has_password": user.has_usable_password(),
        "roles": [{"role": m.get_role_display(), "organisation": m.organisation.name,
                   "since": m.created_at}
                  for m in user.memberships.select_related("organisation")],
        "invitations": [{"sent": i.created_at, "accepted": i.accepted_at}
                        for i in user.invitations.all()],
        "two_factor_authentication": [a.get_type_display() for a in user.authenticator_set.all()],
    }


def _placement(placement) -> dict:
    cohort = placement.cohort
    return {
        "id": placement.pk, "cohort": cohort.name, "programme": cohort.programme.name,
        "ccg": cohort.ccg.name, "start_date": cohort.start_date, "end_date": cohort.end_date,
        "gp_practice": placement.practice.name,
        "educational_supervisor": _person(placement.educational_supervisor),
        "ccg_supervisor": _person(placement.ccg_supervisor),
        "project_lead": _person(placement.project_lead),
        "project_day": placement.get_project_day_display(),
    }


def _sessions(placement) -> list[dict]:
    from rotations.selectors import placement_sessions

    return [{"week": s.week, "date": s.date, "part": s.get_part_display(),
             "start": s.start_time, "end": s.end_time, "activity": s.get_kind_display(),
             "title": s.title, "venue": s.venue, "status": s.get_status_display(),
             "whole_cohort": s.placement_id is None}
            for s in placement_sessions(placement)]


def _absences(placement) -> list[dict]:
    return [{"kind": a.get_kind_display(), "first_day": a.first_day, "last_day": a.last_day,
             "part": a.get_part_display(), "state": a.get_state_display(), "note": a.note,
             "decision_comment": a.decision_comment, "decided_by": _person(a.decided_by),
             "reported_by": _person(a.reported_by), "reported_at": a.created_at,
             "history": [{"when": e.created_at, "what": e.get_action_display(),
                          "summary": e.summary} for e in a.events.all()]}
            for a in placement.absences.select_related("decided_by", "reported_by")
            .prefetch_related("events")]


def _project(placement) -> dict:
    from projects.models import Concern
    from projects.selectors import hr_checklist_of, project_of

    project = project_of(placement)
    checklist = hr_checklist_of(placement)
    return {
        "project": None if project is None else {
            "title": project.title, "ccg_priority": project.ccg_priority, "aims": project.aims,
            "commissioning_stage": project.get_commissioning_stage_display(),
            "status": project.get_status_display(), "proposed_at": project.proposed_at,
            "agreed_at": project.agreed_at, "completed_at": project.completed_at},
        "meetings": [{"meeting": m.get_kind_display(), "status": m.get_status_display(),
                      "date": m.date, "venue": m.venue, "notes": m.notes,
                      "agreed_actions": m.agreed_actions,
                      "attendees": [a.full_name for a in m.attendees.all()]}
                     for m in placement.meetings.prefetch_related("attendees")],
        "progress_log": [{"date": e.date, "author": e.author.full_name, "text": e.text,
                          "comments": [{"author": c.author.full_name, "text": c.text,
                                        "when": c.created_at} for c in e.comments.all()]}
                         for e in placement.progress_entries.select_related("author")
                         .prefetch_related("comments__author")],
        "hr_checklist": [{"item": item.label, "done_on": done} for item, done in checklist.items],
        "summaries_uploaded": [{"outcome": u.outcome_name, "slide": u.slide_name,
                                "uploaded_at": u.uploaded_at}
                               for u in placement.summary_uploads.all()],
        "concerns_shared_with_you": [
            {"raised_at": c.created_at, "summary": c.summary, "details": c.details,
             "status": c.get_status_display()}
            for c in Concern.objects.filter(placement=placement, shared_with_trainee=True)],
    }


def _end_of_rotation(user, placement) -> dict:
    from assessments.selectors import assessments_of, feedback_for

    marks = assessments_of(placement)
    presentation, cbd = marks["presentation_assessment"], marks["cbd"]
    feedback = feedback_for(user, placement)
    return {
        "presentation_slots": [{"day": s.day.date, "title": s.title, "start": s.start_time}
                               for s in placement.presentation_slots.select_related("day")],
        "feedback_received": [
            {"from": item.giver_display, "went_well": item.went_well,
             "could_be_better": item.could_be_better, "relevance": item.relevance,
             "leadership": item.leadership, "communication": item.communication}
            for item in feedback["items"]] if feedback["visible"] else [],
        "presentation_assessment": None if presentation is None else {
            "relevance": presentation.relevance, "leadership": presentation.leadership,
            "communication": presentation.communication,
            "outcome": presentation.get_outcome_display(), "feedback": presentation.feedback,
            "assessed_by": presentation.assessed_by.full_name,
            "recorded_at": presentation.recorded_at},
        "case_based_discussion": None if cbd is None else {
            "case": cbd.case, "outcome": cbd.get_outcome_display(), "feedback": cbd.feedback,
            "assessed_by": cbd.assessed_by.full_name, "recorded_at": cbd.recorded_at,
            "capabilities": [{"capability": g.get_capability_display(),
                              "grade": g.get_grade_display(), "justification": g.justification}
                             for g in cbd.capabilities.all()]},
        "reflective_entries": [{"date": e.date, "title": e.title, "type": e.get_kind_display(),
                                "capability": e.get_capability_display(),
                                "portfolio_link": e.portfolio_url}
                               for e in placement.reflective_entries.all()],
        "evaluation_answered_at": getattr(getattr(placement, "evaluation_completion", None),
                                          "answered_at", None),
    }


def _emails(user, placements) -> list[dict]:
    """Emails to the person, and emails about them to anyone (by placement). Bodies that
    carried a sign-in link are left out, as in the outbox."""
    from clic.mail.catalogue import is_confidential
    from clic.mail.models import OutboundEmail

    emails = OutboundEmail.objects.filter(
        Q(to_email=user.email.lower()) | Q(placement__in=placements)).order_by("created_at", "id")
    return [{"sop_code": e.code, "to": e.to_header, "why": e.recipient_roles,
             "subject": e.subject, "created_at": e.created_at, "sent_at": e.sent_at,
             "status": e.get_status_display(),
             "body": HIDDEN_BODY if is_confidential(e.code) else e.body_text}
            for e in emails]


def _pdfs(placement) -> dict[str, bytes]:
    from assessments.exporters import end_of_rotation_pdf
    from assessments.selectors import end_of_rotation_record
    from rotations.exporters import portfolio_pdf

    name = slugify(placement.cohort.name) or str(placement.pk)
    pdfs = {f"placements/{name}/end-of-rotation.pdf":
            end_of_rotation_pdf(record=end_of_rotation_record(placement))}
    if placement.cohort.is_published:
        pdfs[f"placements/{name}/portfolio-timetable.pdf"] = portfolio_pdf(placement)
    return pdfs


def _json(data) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)


def subject_access_zip(user) -> bytes:
    """Everything held about `user`, as a ZIP: JSON for data, the PDFs the service makes."""
    from trainees.models import Placement

    placements = list(Placement.objects.filter(trainee=user).select_related(
        "cohort__programme", "cohort__ccg", "practice", "educational_supervisor",
        "ccg_supervisor", "project_lead").order_by("cohort__start_date"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README.format(name=user.full_name or user.email,
                                                     when=timezone.localtime()))
        archive.writestr("account.json", _json(_account(user)))
        for placement in placements:
            folder = f"placements/{slugify(placement.cohort.name) or placement.pk}"
            archive.writestr(f"{folder}/placement.json", _json({
                "placement": _placement(placement), "timetable": _sessions(placement),
                "absences": _absences(placement), **_project(placement),
                **_end_of_rotation(user, placement)}))
            for path, content in _pdfs(placement).items():
                archive.writestr(path, content)
        archive.writestr("emails.json", _json(_emails(user, placements)))
    return buffer.getvalue()


README = """Your data in the CLIC service: {name}, made {when:%d %B %Y at %H:%M}.

account.json          your account, roles, invitations and two-factor set-up
placements/<cohort>/  for each rotation: placement.json (your timetable, absences with your
                      notes, project, meetings, progress log, HR checklist, presentation,
                      feedback, assessments and reflective entries) and its PDFs
emails.json           every email sent to you or about you (sign-in links left out)

Feedback given anonymously stays anonymous. Ask your Programme Administrator about anything
you think is wrong or missing.
"""

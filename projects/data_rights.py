"""Projects' part of the subject access export and of retention (clic.accounts exporters
and retention; registered in ProjectsConfig.ready())."""

from django.db import transaction

from clic.accounts.retention import REMOVED, blank, set_value

from .models import Concern, ConcernNote, HRChecklist, Meeting, ProgressComment, ProgressEntry
from .selectors import hr_checklist_of, project_of


def project_of_placement(user, placement) -> dict:
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


def projects_anonymise(placement) -> int:
    """Progress, meeting and concern text goes, and the signed confidentiality agreement."""
    changed = blank(ProgressEntry.objects.filter(placement=placement), "text")
    changed += blank(ProgressComment.objects.filter(entry__placement=placement), "text")
    changed += blank(Meeting.objects.filter(placement=placement), "notes", "agreed_actions")
    concerns = Concern.objects.filter(placement=placement)
    changed += blank(concerns, "details") + set_value(concerns, "summary", REMOVED)
    changed += blank(ConcernNote.objects.filter(concern__placement=placement), "text")
    for checklist in HRChecklist.objects.filter(placement=placement).exclude(
            confidentiality_agreement=""):
        agreement = checklist.confidentiality_agreement
        # Files are not rolled back with the database: remove it once the change is saved.
        transaction.on_commit(lambda storage=agreement.storage, name=agreement.name:
                              storage.delete(name))
        HRChecklist.objects.filter(pk=checklist.pk).update(confidentiality_agreement="",
                                                           confidentiality_agreement_name="")
        changed += 1
    return changed

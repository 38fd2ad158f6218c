"""Assessments' part of the subject access export and of retention (clic.accounts
exporters and retention; registered in AssessmentsConfig.ready())."""

from clic.accounts.retention import REMOVED, blank, set_value

from .exporters import end_of_rotation_pdf
from .models import (
    CapabilityGrade,
    CaseBasedDiscussion,
    PresentationAssessment,
    PresentationFeedback,
    PresentationInvitation,
    ReflectiveEntry,
)
from .selectors import assessments_of, end_of_rotation_record, feedback_for


def end_of_rotation_of(user, placement) -> dict:
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


def end_of_rotation_files(placement) -> dict[str, bytes]:
    return {"end-of-rotation.pdf": end_of_rotation_pdf(record=end_of_rotation_record(placement))}


def assessments_anonymise(placement) -> int:
    """Feedback, assessment comments, cases and reflective entry titles and links go."""
    entries = ReflectiveEntry.objects.filter(placement=placement)
    changed = set_value(entries, "title", "Reflective entry") + blank(entries, "portfolio_url")
    changed += blank(PresentationFeedback.objects.filter(slot__placement=placement),
                     "went_well", "could_be_better")
    changed += blank(PresentationAssessment.objects.filter(placement=placement), "feedback")
    changed += blank(CaseBasedDiscussion.objects.filter(placement=placement), "case", "feedback")
    # A grade must carry a justification (a database check): say it was removed.
    changed += set_value(CapabilityGrade.objects.filter(cbd__placement=placement),
                         "justification", REMOVED)
    return changed


def invitations_renamed(user, *, old_name: str, old_email: str) -> None:
    """Other people's invitations say whose presentation they are invited to."""
    if old_name:
        for invitation in PresentationInvitation.objects.filter(reasons__contains=old_name):
            PresentationInvitation.objects.filter(pk=invitation.pk).update(
                reasons=invitation.reasons.replace(old_name, user.full_name))

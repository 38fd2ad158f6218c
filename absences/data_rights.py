"""Absences' part of the subject access export and of retention (clic.accounts exporters
and retention; registered in AbsencesConfig.ready())."""

from clic.accounts.exporters import person_summary
from clic.accounts.retention import blank, set_value

from .models import Absence, AbsenceEvent


def absences_of(user, placement) -> dict:
    return {"absences": [
        {"kind": a.get_kind_display(), "first_day": a.first_day, "last_day": a.last_day,
         "part": a.get_part_display(), "state": a.get_state_display(), "note": a.note,
         "decision_comment": a.decision_comment, "decided_by": person_summary(a.decided_by),
         "reported_by": person_summary(a.reported_by), "reported_at": a.created_at,
         "history": [{"when": e.created_at, "what": e.get_action_display(),
                      "summary": e.summary} for e in a.events.all()]}
        for a in placement.absences.select_related("decided_by", "reported_by")
        .prefetch_related("events")]}


def absences_anonymise(placement) -> int:
    """Notes and decision comments go; each event's summary becomes its action's label."""
    changed = blank(Absence.objects.filter(placement=placement), "note", "decision_comment")
    for action, label in AbsenceEvent.Action.choices:
        changed += set_value(
            AbsenceEvent.objects.filter(absence__placement=placement, action=action),
            "summary", label)
    return changed

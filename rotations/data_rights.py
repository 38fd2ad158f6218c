"""The timetable's part of the subject access export and of retention (clic.accounts
exporters and retention; registered in RotationsConfig.ready())."""

from clic.accounts.retention import set_value

from .exporters import portfolio_pdf
from .models import CohortChange
from .selectors import placement_sessions


def timetable_of(user, placement) -> dict:
    return {"timetable": [
        {"week": s.week, "date": s.date, "part": s.get_part_display(),
         "start": s.start_time, "end": s.end_time, "activity": s.get_kind_display(),
         "title": s.title, "venue": s.venue, "status": s.get_status_display(),
         "whole_cohort": s.placement_id is None}
        for s in placement_sessions(placement)]}


def portfolio_files(placement) -> dict[str, bytes]:
    if not placement.cohort.is_published:
        return {}
    return {"portfolio-timetable.pdf": portfolio_pdf(placement)}


def cohort_changes_anonymise(placement) -> int:
    """A change's summary becomes its action's label; its details go."""
    changes = CohortChange.objects.filter(placement=placement)
    changed = 0
    for action, label in CohortChange.Action.choices:
        changed += set_value(changes.filter(action=action), "summary", label)
    return changed + set_value(changes, "details", {})

"""The invented placement of the "Who is told what" page's example emails
(clic.mail.examples): unsaved, nobody's data."""

from .models import Placement, Weekday


def example_placement(*, cohort, trainee, ccg_supervisor, project_lead,
                      educational_supervisor) -> Placement:
    return Placement(cohort=cohort, trainee=trainee, ccg_supervisor=ccg_supervisor,
                     project_lead=project_lead, educational_supervisor=educational_supervisor,
                     project_day=Weekday.THURSDAY)

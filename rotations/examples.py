"""The invented cohort of the "Who is told what" page's example emails (clic.mail.examples):
unsaved, nobody's data."""

from .models import ROTATION_WEEKS, Cohort


def example_cohort(*, programme, ccg, start_date) -> Cohort:
    return Cohort(name="Spring cohort", programme=programme, ccg=ccg, start_date=start_date,
                  weeks=ROTATION_WEEKS, teaching_venue="Education Centre, Canterbury",
                  ccg_venue="CCG offices")

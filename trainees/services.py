from django.db import transaction

from clic.accounts.models import Organisation, User
from rotations.models import Cohort

from .models import Placement, Weekday


@transaction.atomic
def placement_add(*, cohort: Cohort, trainee: User, practice: Organisation,
                  educational_supervisor: User, ccg_supervisor: User,
                  project_lead: User | None = None, project_day: int = Weekday.THURSDAY,
                  agreed_by_pd: bool = False, agreed_by_es: bool = False,
                  agreed_by_supervisor: bool = False) -> Placement:
    placement = Placement(cohort=cohort, trainee=trainee, practice=practice,
                          educational_supervisor=educational_supervisor,
                          ccg_supervisor=ccg_supervisor, project_lead=project_lead,
                          project_day=project_day, project_day_agreed_by_pd=agreed_by_pd,
                          project_day_agreed_by_es=agreed_by_es,
                          project_day_agreed_by_supervisor=agreed_by_supervisor)
    placement.full_clean()
    placement.save()
    return placement

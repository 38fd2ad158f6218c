import datetime
from collections.abc import Iterable

from django.db import transaction

from clic.accounts.models import Organisation, User

from .models import Cohort


@transaction.atomic
def cohort_create(*, name: str, programme: Organisation, ccg: Organisation,
                  start_date: datetime.date, directors: Iterable[User],
                  als_facilitator: User | None = None, teaching_venue: str = "",
                  ccg_venue: str = "") -> Cohort:
    cohort = Cohort.objects.create(name=name, programme=programme, ccg=ccg,
                                   start_date=start_date, als_facilitator=als_facilitator,
                                   teaching_venue=teaching_venue, ccg_venue=ccg_venue)
    cohort.directors.set(directors)
    return cohort

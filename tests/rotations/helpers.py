"""Helpers shared by the rotations and trainees tests."""

import datetime

from clic.accounts.models import Role
from tests import factories
from tests.fixtures.people import give_role


def outbox(code=None, **filters):
    from clic.mail.models import OutboundEmail

    rows = OutboundEmail.objects.all()
    if code:
        rows = rows.filter(code=code)
    return rows.filter(**filters)


def recipients(code, **filters) -> set[str]:
    return set(outbox(code, **filters).values_list("to_email", flat=True))


def cohort_with_trainees(count: int, *, start: datetime.date, label: str):
    """A cohort of `count` trainees in its own programme and CCG, with a PD, a PA, a CCG
    admin and one CCG Supervisor for all, unpublished."""
    programme = factories.ProgrammeFactory(name=f"Programme {label}")
    ccg = factories.CCGFactory(name=f"CCG {label}")
    pd = give_role(factories.UserFactory(email=f"pd-{label}@nhs.test"), Role.PD, programme)
    admin = give_role(factories.UserFactory(email=f"admin-{label}@nhs.test"), Role.CCG_ADMIN, ccg)
    supervisor = give_role(factories.UserFactory(email=f"sup-{label}@nhs.test"),
                           Role.CCG_SUPERVISOR, ccg)
    cohort = factories.CohortFactory(programme=programme, ccg=ccg, start_date=start,
                                     directors=[pd], als_facilitator=pd)
    placements = []
    for n in range(count):
        trainee = give_role(factories.UserFactory(email=f"t{n}-{label}@nhs.test"), Role.TRAINEE,
                            programme)
        placements.append(factories.PlacementFactory(cohort=cohort, trainee=trainee,
                                                     ccg_supervisor=supervisor))
    return {"cohort": cohort, "pd": pd, "admin": admin, "supervisor": supervisor,
            "placements": placements}

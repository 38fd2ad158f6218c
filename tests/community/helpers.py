"""Alumni for the community tests, made through the services."""

from clic.accounts.models import Role
from community import services
from tests import factories
from tests.factories import this_monday
from tests.fixtures.people import give_role


def ended_placement(world, login: str, **people):
    """A trainee of the world's programme whose rotation ended last year."""
    trainee = give_role(factories.UserFactory(email=f"{login}@nhs.test",
                                              full_name=f"Dr {login.title()}"),
                        Role.TRAINEE, world.programme)
    cohort = factories.CohortFactory(programme=world.programme, ccg=world.ccg,
                                     name=f"Last year {login}", start_date=this_monday(weeks_ago=60))
    return factories.PlacementFactory(cohort=cohort, trainee=trainee, **people)


def mentor_from(placement, *, listed=True, contact=False, offer="Project work in urgent care"):
    alumnus = services.alumnus_join(user=placement.trainee, placement=placement)
    return services.alumnus_update(
        alumnus=alumnus, listed=listed, current_role="GP partner", organisation="Harbour Street",
        interests="Frailty", happy_to_be_contacted=contact, offers_mentoring=bool(offer),
        mentoring_offer=offer)

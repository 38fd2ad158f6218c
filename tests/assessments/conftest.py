import pytest

from clic.accounts.models import Role
from tests import factories
from tests.fixtures.people import give_role


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.CLIC_MFA_ENFORCED = False


@pytest.fixture
def peer(world):
    """A second trainee in the world's cohort, with supervisors of their own."""
    trainee = give_role(factories.UserFactory(email="peer@nhs.test", full_name="Dr Peer"),
                        Role.TRAINEE, world.programme)
    supervisor = give_role(factories.UserFactory(email="peersupervisor@nhs.test",
                                                 full_name="Peer Supervisor"),
                           Role.CCG_SUPERVISOR, world.ccg)
    return factories.PlacementFactory(cohort=world.cohort, trainee=trainee,
                                      ccg_supervisor=supervisor, project_lead=world.lead,
                                      educational_supervisor=factories.UserFactory(
                                          email="peeres@nhs.test", full_name="Dr Peer ES"))

import datetime
import json

import pytest

from interests import services
from interests.selectors import conflict_for
from tests.assessments.helpers import schedule
from tests.security.test_data_rights import download

from .helpers import declare

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.CLIC_MFA_ENFORCED = False


def test_the_export_holds_the_persons_register_and_choices(world, clock):
    schedule(world.cohort, world.pd)
    clock.set(datetime.date(2026, 3, 2))
    declare(world.supervisor, organisation=world.ccg, starts_on=datetime.date(2020, 1, 1))
    declare(world.supervisor, organisation_name="Ended Trust", starts_on=datetime.date(2020, 1, 1),
            ends_on=datetime.date(2021, 1, 1))
    services.conflict_decide(flag=conflict_for(world.supervisor, world.placement.pk),
                             choice="step_aside")
    data = json.loads(download(world.supervisor).read("interests.json"))
    assert [i["organisation"] for i in data["interests"]] == ["East Kent CCG", "Ended Trust"]
    assert data["conflict_choices"][0]["trainee"] == "Dr Trainee"


def test_someone_who_declared_nothing_has_no_register_file(world):
    assert "interests.json" not in download(world.lead).namelist()


def test_a_nothing_to_declare_is_in_the_export(world, clock):
    clock.set(datetime.date(2026, 3, 2))
    services.nothing_to_declare_record(person=world.chair)
    data = json.loads(download(world.chair).read("interests.json"))
    assert data["nothing_to_declare_on"] == ["2026-03-02"]

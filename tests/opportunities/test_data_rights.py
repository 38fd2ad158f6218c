import io
import json
import zipfile

from clic.accounts.exporters import subject_access_zip
from opportunities import services
from tests import factories

from .test_services import ANSWERS


def test_the_subject_access_export_holds_interests_and_the_digest_but_no_monitoring(world):
    role = factories.OpportunityFactory(programme=world.programme, title="Frailty lead")
    interest = services.interest_express(opportunity=role, person=world.trainee)
    services.monitoring_record(interest=interest, answers=ANSWERS)
    services.digest_subscribe(person=world.trainee)

    archive = zipfile.ZipFile(io.BytesIO(subject_access_zip(world.trainee)))
    held = json.loads(archive.read("opportunities.json"))

    assert [(i["role"], i["monitoring_answered_or_declined"]) for i in held["interested_in"]] == [
        ("Frailty lead", True)]
    assert held["weekly_digest"]["subscribed_at"]
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode(errors="replace")
    assert "bisexual" not in everything and "hindu" not in everything

import pytest
from django.utils import timezone

from clic.accounts import demo as accounts_demo
from clic.mail.models import OutboundEmail
from surveys import demo as surveys_demo
from surveys.models import Invitation
from surveys.selectors import survey_results
from trainees import demo as trainees_demo

pytestmark = pytest.mark.django_db


def test_demo_has_last_years_results_and_this_years_survey_open_to_trainee_1():
    data = accounts_demo.load(timezone.localdate())
    trainees_demo.load(data)
    surveys_demo.load(data)

    last, this = data.programme.surveys.order_by("year")
    assert (last.year, this.year) == (data.today.year - 1, data.today.year)
    assert (last.is_open, this.is_open) == (False, True)
    results = survey_results(last)
    assert [(group.label, group.shown) for group in results["groups"] if group.answered] == [
        ("Trainee", True), ("CCG Supervisor", False)]
    assert results["sections"][0][1][0].by_group[0][0] == "Trainee"
    assert survey_results(this)["previous"] == last
    trainee1 = Invitation.objects.get(survey=this, person=data.people["trainee1"])
    assert not trainee1.answered
    invited = set(this.invitations.values_list("person__email", flat=True))
    assert set(OutboundEmail.objects.filter(code="SURVEY").values_list(
        "to_email", flat=True)) == invited
    assert {"trainee1@clic.test", "supervisor@clic.test", "lead@clic.test"} <= invited

"""The opportunities demo: three open roles (one for the second programme), a subscriber
with this week's digest in the outbox, and interest with and without monitoring answers."""

import pytest
from django.utils import timezone

from clic.accounts import demo as accounts_demo
from clic.accounts.demo import demo_email
from clic.mail.models import OutboundEmail
from opportunities import demo as opportunities_demo
from opportunities.models import Interest, MonitoringResponse, Opportunity
from rotations import demo as rotations_demo
from trainees import demo as trainees_demo
from trainees import demo_derbyshire

pytestmark = pytest.mark.django_db


def test_demo_has_three_open_roles_a_digest_and_interest_with_monitoring():
    today = timezone.localdate()
    data = accounts_demo.load(today)
    trainees_demo.load(data)
    rotations_demo.load(data)
    demo_derbyshire.load(data)
    opportunities_demo.load(data)

    roles = Opportunity.objects.filter(closing_date__gte=today)
    assert roles.count() == 3
    assert {role.programme for role in roles} == {data.programme, data.extras["derbyshire"]}
    assert {role.published_by.email for role in roles} == {
        demo_email("pd"), demo_email("chair"), demo_email("pd.derbyshire")}

    digest = OutboundEmail.objects.get(code="OPP-DIGEST")
    assert digest.to_email == demo_email("trainee1")
    assert "Clinical lead, frailty care pathway" in digest.body_text
    assert "population health" not in digest.body_text  # Derbyshire's role, not Amy's

    assert Interest.objects.count() == 3
    assert MonitoringResponse.objects.count() == 1
    assert Interest.objects.filter(monitoring_done=False).get().person == data.people["trainee4"]

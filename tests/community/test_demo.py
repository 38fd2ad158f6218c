import pytest
from django.utils import timezone

from clic.accounts import demo as accounts_demo
from clic.accounts.demo import DEMO_PASSWORD, demo_email
from clic.accounts.models import Role, RoleMembership
from clic.mail.models import OutboundEmail
from community import demo as community_demo
from community.models import Alumnus, MentoringMeeting, MentoringPair
from trainees import demo as trainees_demo

pytestmark = pytest.mark.django_db


def test_demo_has_last_years_cohort_as_alumni_two_mentoring_this_cohort():
    data = accounts_demo.load(timezone.localdate())
    trainees_demo.load(data)
    community_demo.load(data)

    alumni = Alumnus.objects.filter(cohort=data.extras["earlier_cohort"])
    assert {a.user.email for a in alumni} == {demo_email("alumnus1"), demo_email("alumnus2")}
    assert all(a.listed and a.offers_mentoring and a.is_active(data.today) for a in alumni)
    assert RoleMembership.objects.filter(role=Role.ALUMNUS, organisation=data.programme).count() == 2
    assert alumni.get(user__email=demo_email("alumnus1")).user.check_password(DEMO_PASSWORD)
    pairs = {(p.mentor.user.email, p.placement.trainee.email, p.placement.cohort)
             for p in MentoringPair.objects.all()}
    running = data.extras["running_cohort"]
    assert pairs == {(demo_email("alumnus1"), demo_email("trainee1"), running),
                     (demo_email("alumnus2"), demo_email("trainee2"), running)}
    meeting = MentoringMeeting.objects.get()
    assert meeting.pair.mentor.user.email == demo_email("alumnus1") and meeting.note
    emails = OutboundEmail.objects.filter(code="MENTOR-PAIRED")
    assert sorted(emails.values_list("to_email", flat=True)) == sorted(
        demo_email(login) for login in ("alumnus1", "alumnus2", "trainee1", "trainee2"))
    assert set(emails.values_list("reply_to", flat=True)) == {"Dr Sarah Collins <pd@clic.test>"}

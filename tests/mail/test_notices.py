"""clic.mail.notices: what a confirmation page lists is what the outbox then holds."""

import datetime

import pytest
from django.utils import timezone

from clic.mail.models import OutboundEmail
from clic.mail.notices import Notice, done_before, email_plan
from tests import factories

pytestmark = pytest.mark.django_db


def _s3(world, key="cohort:1:first-meeting") -> Notice:
    return Notice(code="S3", event_key=key, about=world.cohort, cohort=world.cohort)


def test_a_plan_lists_each_email_as_the_outbox_then_holds_it(world):
    factories.PlacementFactory(cohort=world.cohort, ccg_supervisor=world.supervisor,
                               trainee__full_name="Dr Second")
    notices = [_s3(world), Notice(code="S2", event_key="welcome:1", about=world.placement,
                                  placement=world.placement)]

    plan = email_plan(notices)
    for notice in notices:
        notice.send()

    assert plan.as_outbox_rows() == set(OutboundEmail.objects.values_list(
        "code", "to_email", "subject"))
    assert (len(plan), plan.people) == (2, 2)
    ((addressee, emails), _) = plan.by_address()
    assert addressee.email == "supervisor@nhs.test" and len(addressee.placements) == 2
    assert emails[0].subject == "CLIC: please contact your trainees to arrange a first meeting"


def test_an_event_already_sent_is_not_listed_again(world):
    _s3(world).send()

    assert not email_plan([_s3(world)]).emails
    assert email_plan([_s3(world, key="cohort:1:first-meeting:again")]).emails


def test_a_notice_without_its_event_key_lists_everyone_but_cannot_be_sent(world):
    notice = _s3(world, key=None)

    assert [a.email for a in notice.addressees()] == ["supervisor@nhs.test"]
    with pytest.raises(ValueError):
        notice.send()
    assert not OutboundEmail.objects.exists()


def test_done_before_says_when_in_local_time_and_by_whom(world):
    when = timezone.make_aware(datetime.datetime(2026, 7, 1, 9, 5), datetime.UTC)

    assert done_before("The timetable was already published", when=when, by=world.pd) == (
        "The timetable was already published on 1 July 2026 at 10:05 by Dr Pd: nothing was "
        "sent again.")
    assert done_before("Removed", when=when, then="nothing was changed") == (
        "Removed on 1 July 2026 at 10:05: nothing was changed.")

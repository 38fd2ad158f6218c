"""The invitations page of someone invited for years: the days to come and those of the last
four weeks first, then the earlier ones 20 a page, each still reachable, in a fixed number of
queries."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import services
from assessments.models import PresentationDay, PresentationInvitation, PresentationSlot
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 3, 12)
URL = reverse("presentation_invitations")
PRESENT = PresentationInvitation.Attendance.PRESENT


def _invite(person, pd, date, *, attendance="", trainees=2) -> PresentationInvitation:
    """A cohort's presentation day on `date` with `trainees` slots, `person` invited (as the
    first trainee's CCG Supervisor)."""
    cohort = factories.CohortFactory(start_date=date - datetime.timedelta(weeks=15),
                                     directors=[pd])
    day = PresentationDay.objects.create(
        cohort=cohort, organiser=pd, date=date, start_time=datetime.time(13, 30),
        end_time=datetime.time(16, 30), venue="Education Centre")
    for order in range(1, trainees + 1):
        placement = factories.PlacementFactory(
            cohort=cohort, **({"ccg_supervisor": person} if order == 1 else {}))
        PresentationSlot.objects.create(day=day, placement=placement, order=order,
                                        start_time=datetime.time(13 + order // 3, 20 * (order % 3)),
                                        length_minutes=20)
    return PresentationInvitation.objects.create(day=day, person=person, reasons="CCG Supervisor",
                                                 attendance=attendance)


def _weeks(weeks: int, days: int = 0) -> datetime.date:
    return TODAY + datetime.timedelta(weeks=weeks, days=days)


@pytest.fixture
def pd():
    return factories.UserFactory(full_name="Dr Director")


@pytest.fixture
def person(clock):
    clock.set(TODAY)
    return factories.UserFactory(full_name="Dr Supervisor")


def _listed(html: str) -> list[int]:
    """The invitations on a page, in order, by the ids of their headings."""
    return [int(pk) for pk in re.findall(r'<h3 id="invitation-(\d+)"', html)]


def _reply_url(invitation) -> str:
    return reverse("presentation_invitation_respond", args=[invitation.pk])


def _reply_forms(html: str) -> list[str]:
    return re.findall(r'<form method="post" action="([^"]+)"', html)


def _page(client, person, number=None) -> str:
    client.force_login(person)
    response = client.get(URL, {"page": number} if number else {})
    assert response.status_code == 200
    return response.content.decode()


def test_days_to_come_and_recent_days_come_first_then_earlier_ones_twenty_a_page(
        client, person, pd):
    later = _invite(person, pd, _weeks(3))
    soon = _invite(person, pd, TODAY)
    last_week = _invite(person, pd, _weeks(-1), attendance=PRESENT)
    # 27 days ago is within the last four weeks; 28 days ago is not.
    recent_edge = _invite(person, pd, _weeks(-4, days=1), attendance=PRESENT)
    earlier = [_invite(person, pd, _weeks(-4 - 5 * n), attendance=PRESENT) for n in range(46)]

    first = _page(client, person)
    assert _listed(first) == [soon.pk, later.pk, last_week.pk, recent_edge.pk,
                              *[inv.pk for inv in earlier[:20]]]
    assert _reply_forms(first) == [_reply_url(soon), _reply_url(later)]
    assert "Invitations 1 to 20 of 46, newest first." in first
    assert 'href="?page=2"' in first and "Page 2 of 3" in first

    second = _page(client, person, 2)
    assert _listed(second) == [inv.pk for inv in earlier[20:40]]
    assert _reply_forms(second) == []
    assert f'href="{URL}"' in second  # back to the days to come
    third = _page(client, person, 3)
    assert _listed(third) == [inv.pk for inv in earlier[40:]]
    # Past the end: the last page.
    assert _listed(_page(client, person, 9)) == _listed(third)


def test_every_earlier_invitation_still_offers_the_feedback_the_service_accepts(
        client, person, pd):
    _invite(person, pd, _weeks(2))
    recent = _invite(person, pd, _weeks(-2), attendance=PRESENT)
    earlier = [_invite(person, pd, _weeks(-6 - n), attendance=PRESENT) for n in range(25)]
    absent = _invite(person, pd, _weeks(-60), attendance=PresentationInvitation.Attendance.ABSENT)

    first, second = _page(client, person), _page(client, person, 2)
    for invitation in [recent, *earlier]:
        page = first if invitation in [recent, *earlier[:20]] else second
        for slot in invitation.day.slots.all():
            assert reverse("presentation_feedback_give", args=[slot.pk]) in page
    assert absent.pk in _listed(second)
    for slot in absent.day.slots.all():
        assert reverse("presentation_feedback_give", args=[slot.pk]) not in first + second

    # The oldest day's feedback is still taken, and the page then says so.
    slot = earlier[-1].day.slots.order_by("order").first()
    response = client.post(reverse("presentation_feedback_give", args=[slot.pk]), {
        "went_well": "Clear aims", "could_be_better": "Fewer slides", "relevance": "4",
        "leadership": "5", "communication": "3"})
    assert response.status_code == 302
    second = _page(client, person, 2)
    assert reverse("presentation_feedback_give", args=[slot.pk]) not in second
    assert f"{slot.placement.trainee.full_name}: feedback given, thank you" in second


def test_the_headings_go_down_one_level_at_a_time(client, person, pd):
    _invite(person, pd, _weeks(1))
    _invite(person, pd, _weeks(-1), attendance=PRESENT)
    for n in range(22):
        _invite(person, pd, _weeks(-8 - n), attendance=PRESENT)
    for number in (1, 2):
        levels = [int(level) for level in re.findall(r"<h([1-6])", _page(client, person, number))]
        assert levels[0] == 1
        assert all(after <= before + 1 for before, after in zip(levels, levels[1:], strict=False))
    first = _page(client, person)
    assert re.findall(r'<h2 id="[a-z]+">([^<]+)</h2>', first) == [
        "Coming up", "In the last 4 weeks", "Earlier invitations"]


def test_someone_with_only_earlier_invitations_is_told_nothing_is_coming_up(client, person, pd):
    old = _invite(person, pd, _weeks(-30))
    page = _page(client, person)
    assert "You have no presentation days coming up." in page
    assert _listed(page) == [old.pk]
    assert "page=2" not in page


def test_someone_never_invited_is_told_so(client, person):
    page = _page(client, person)
    assert "You have no presentation invitations." in page
    assert "Coming up" not in page


def _query_count(client, person, number=None) -> int:
    client.force_login(person)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"page": number} if number else {})
    assert response.status_code == 200
    return len(queries)


def _invitations(person, pd, count):
    """`count` invitations: one to come, one a year ago and, between them, days a week apart;
    the person was present at the past ones, with three trainees each."""
    _invite(person, pd, _weeks(2), trainees=3)
    for weeks_ago in [*range(1, count - 1), 52]:
        _invite(person, pd, _weeks(-weeks_ago), attendance=PRESENT, trainees=3)


def test_the_page_reads_the_same_number_of_queries_for_2_and_40_invitations(client, clock, pd):
    clock.set(TODAY)
    few, many = factories.UserFactory(), factories.UserFactory()
    _invitations(few, pd, 2)
    _invitations(many, pd, 40)
    assert (few.presentation_invitations.count(), many.presentation_invitations.count()) == (2, 40)
    slot = many.presentation_invitations.order_by("day__date").first().day.slots.first()
    services.presentation_feedback_give(slot=slot, giver=many, went_well="x", could_be_better="y",
                                        relevance=3, leadership=3, communication=3,
                                        anonymous=False)
    assert _query_count(client, few) == _query_count(client, many)

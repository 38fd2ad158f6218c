"""A calendar feed's body is kept under its ETag: fetched again unchanged it is not built
again, and any change the ETag covers gives the new body."""

from unittest import mock

import pytest
from django.urls import reverse

from rotations import feeds
from rotations.models import Session
from rotations.services import cohort_publish, session_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(world):
    cohort_publish(cohort=world.cohort, by=world.pd)
    return world


def _feed(client, user, **headers):
    return client.get(reverse("calendar_feed", args=[user.calendar_token]), headers=headers)


def test_an_unchanged_feed_is_built_once_and_served_from_the_cache(client, published):
    with mock.patch.object(feeds, "feed_content", wraps=feeds.feed_content) as build:
        first = _feed(client, published.trainee)
        second = _feed(client, published.trainee)

    assert build.call_count == 1
    assert second.content == first.content and second["ETag"] == first["ETag"]
    assert _feed(client, published.trainee, If_None_Match=first["ETag"]).status_code == 304


def test_a_changed_feed_is_built_again(client, published):
    first = _feed(client, published.trainee)
    session = published.placement.sessions.get(week=10, part=Session.Part.AM)
    session_update(session=session, by=published.pd, kind=session.kind, title="Moved review",
                   date=session.date, start_time=session.start_time, end_time=session.end_time,
                   venue="Room 5", facilitator=None, notes="")

    second = _feed(client, published.trainee)

    assert second["ETag"] != first["ETag"]
    assert b"Moved review" in second.content and b"Moved review" not in first.content


def test_each_person_has_their_own_kept_feed(client, published):
    trainee, supervisor = _feed(client, published.trainee), _feed(client, published.supervisor)

    assert trainee["ETag"] != supervisor["ETag"]
    assert trainee.content != supervisor.content

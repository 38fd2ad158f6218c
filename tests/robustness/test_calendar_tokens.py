"""Calendar feed addresses are secrets (`/calendar/<token>.ics`, no login): a guessed token
gets 404, and a wrong token and a nearly right one take the same time to refuse.

Why the timing cannot leak the token: the feed finds its owner with one equality lookup on
the unique B-tree index of `accounts_user.calendar_token` (asserted below), never by
comparing the token in Python. PostgreSQL descends the index comparing whole keys; a key
that shares a long prefix with a real token costs a few nanoseconds more to compare, which
is lost in the hundreds of microseconds of a request, and the token holds 256 random bits
(`secrets.token_urlsafe(32)`), so there is nothing to learn a character at a time anyway.
The measurement below checks that claim end to end with a generous bound.
"""

import secrets
import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clic.accounts.models import User

pytestmark = pytest.mark.django_db

SAMPLES = 200


def feed(client, token: str):
    return client.get(reverse("calendar_feed", args=[token]))


def nearly(token: str) -> str:
    """The real token with its last character changed."""
    last = "A" if token[-1] != "A" else "B"
    return token[:-1] + last


def test_a_real_token_opens_the_feed_and_guesses_get_404(client, world):
    token = world.trainee.calendar_token
    assert len(token) == 43  # 32 random bytes, base64url
    assert feed(client, token).status_code == 200

    guesses = {
        "random, same length": secrets.token_urlsafe(32),
        "a prefix of the real token": token[:20],
        "all but the last character": token[:-1],
        "the real token and one more character": token + "A",
        "the last character changed": nearly(token),
        "another case": token.swapcase(),
        "too long": token * 2,
        "SQL": "' OR '1'='1",
        "wildcards": "%" * 43,
        "unicode": "é" * 43,
    }
    for what, guess in guesses.items():
        response = feed(client, guess)
        assert response.status_code == 404, what
        assert b"BEGIN:VCALENDAR" not in response.content, what


def test_an_inactive_persons_token_gets_404(client, world):
    User.objects.filter(pk=world.trainee.pk).update(is_active=False)
    assert feed(client, world.trainee.calendar_token).status_code == 404


def test_the_lookup_is_one_equality_on_a_unique_index(client, world):
    field = User._meta.get_field("calendar_token")
    assert field.unique and field.max_length == 64
    with CaptureQueriesContext(connection) as queries:
        assert feed(client, nearly(world.trainee.calendar_token)).status_code == 404
    lookups = [q["sql"] for q in queries.captured_queries if "calendar_token" in q["sql"]]
    assert len(lookups) == 1
    assert '"accounts_user"."calendar_token" = ' in lookups[0]
    assert " LIKE " not in lookups[0].upper()


def test_a_wrong_and_a_nearly_right_token_take_the_same_time(client, world):
    token = world.trainee.calendar_token
    wrong, near = secrets.token_urlsafe(32), nearly(token)
    for _ in range(20):  # warm up: templates, connection, caches
        feed(client, wrong)
        feed(client, near)
    times = {wrong: [], near: []}
    for _ in range(SAMPLES):
        for guess in (wrong, near):  # interleaved, so drift hits both alike
            started = time.perf_counter()
            response = feed(client, guess)
            times[guess].append(time.perf_counter() - started)
            assert response.status_code == 404
    medians = {guess: statistics.median(samples) for guess, samples in times.items()}
    difference_ms = abs(medians[wrong] - medians[near]) * 1000
    assert difference_ms < 5, (
        f"median wrong {medians[wrong] * 1000:.2f} ms, nearly right {medians[near] * 1000:.2f} ms")

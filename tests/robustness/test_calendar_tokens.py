"""Calendar feed addresses are secrets (`/calendar/<token>.ics`, no login): a guessed token
gets 404, and a wrong token and a nearly right one are refused by the same work.

Why the timing cannot leak the token: the feed finds its owner with one equality lookup on
the unique B-tree index of `accounts_user.calendar_token` (asserted below), never by
comparing the token in Python. PostgreSQL descends the index comparing whole keys; a key
that shares a long prefix with a real token costs a few nanoseconds more to compare, which
is lost in the hundreds of microseconds of a request, and the token holds 256 random bits
(`secrets.token_urlsafe(32)`), so there is nothing to learn a character at a time anyway.
The tests below pin that mechanism (the query, the random source) rather than time it.
"""

import secrets

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clic.accounts.models import User, new_calendar_token

pytestmark = pytest.mark.django_db


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


def test_a_wrong_and_a_nearly_right_token_are_refused_by_the_same_query(client, world):
    """What a refusal costs cannot depend on how much of the token was right: both guesses
    run the one indexed lookup, the same SQL with only the parameter changed, and nothing
    compares the token in Python afterwards."""
    token = world.trainee.calendar_token
    refusals = {}
    for guess in (secrets.token_urlsafe(32), nearly(token)):
        with CaptureQueriesContext(connection) as queries:
            assert feed(client, guess).status_code == 404
        refusals[guess] = [q["sql"].replace(guess, "<token>") for q in queries.captured_queries]
    wrong, near = refusals.values()
    assert wrong == near
    assert sum('"calendar_token" = ' in sql for sql in wrong) == 1


def test_the_token_holds_256_random_bits(monkeypatch):
    calls = []

    def token_urlsafe(nbytes):
        calls.append(nbytes)
        return "t" * 43

    monkeypatch.setattr("clic.accounts.models.secrets.token_urlsafe", token_urlsafe)
    assert new_calendar_token() == "t" * 43
    assert calls == [32]

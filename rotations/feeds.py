"""A person's calendar feed: the timetable's sessions plus what other features add.

Like the diary (rotations.diary), the feed takes *providers*. A feature registers one in
its AppConfig.ready():

    from rotations import feeds
    feeds.register("absences", absence_feed_events)

`provider(user, start: date, end: date) -> Iterable[icalendar.Event]` returns the events
that person may see (stable UIDs; SEQUENCE up on each change). An optional
`fingerprint(user, start, end) -> (token, latest datetime | None)` makes conditional
requests cheap; without one the feed hashes the provider's events (UID, SEQUENCE, summary,
times, status: never DTSTAMP) to build its ETag."""

import datetime
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from . import selectors
from .exporters import feed_calendar

Provider = Callable[[object, datetime.date, datetime.date], Iterable]
Fingerprint = Callable[[object, datetime.date, datetime.date], tuple]


@dataclass(frozen=True)
class FeedProvider:
    events: Provider
    fingerprint: Fingerprint | None = None


_providers: dict[str, FeedProvider] = {}


def register(name: str, events: Provider, *, fingerprint: Fingerprint | None = None) -> None:
    """Add (or replace) a source of calendar-feed events."""
    _providers[name] = FeedProvider(events=events, fingerprint=fingerprint)


def providers() -> dict[str, FeedProvider]:
    return dict(_providers)


def window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    return today - selectors.FEED_PAST, today + selectors.FEED_FUTURE


def _digest(events) -> str:
    parts = []
    for event in events:
        parts.append("|".join(str(event.get(key, "")) for key in (
            "UID", "SEQUENCE", "SUMMARY", "STATUS", "LOCATION")))
        parts.append(f"{event.get('DTSTART').to_ical() if event.get('DTSTART') else ''}"
                     f"{event.get('DTEND').to_ical() if event.get('DTEND') else ''}")
    return hashlib.sha256("\n".join(sorted(parts)).encode()).hexdigest()


@dataclass
class FeedState:
    etag: str
    last_modified: datetime.datetime | None


def feed_state(user, today: datetime.date) -> FeedState:
    """What a conditional request is compared with: an ETag covering every source, and the
    latest change when every source can say when that was."""
    facts = selectors.feed_fingerprint(user, today)
    tokens = [f"{user.pk}:{today}:{facts['count']}:{facts['ids']}:{facts['latest']}"]
    latest = [facts["latest"]]
    start, end = window(today)
    for name, provider in sorted(_providers.items()):
        if provider.fingerprint is not None:
            token, changed = provider.fingerprint(user, start, end)
        else:
            token, changed = _digest(provider.events(user, start, end)), None
        tokens.append(f"{name}:{token}")
        latest.append(changed if provider.fingerprint is not None else False)
    known = [value for value in latest if value]
    # Without a date from every source, If-Modified-Since could miss a change: no Last-Modified.
    last_modified = max(known) if known and all(v is not False for v in latest) else None
    return FeedState(etag=hashlib.sha256("\n".join(tokens).encode()).hexdigest()[:40],
                     last_modified=last_modified)


def feed_content(user, today: datetime.date) -> bytes:
    """The whole feed: the person's sessions and every provider's events."""
    start, end = window(today)
    extra = []
    for _, provider in sorted(_providers.items()):
        extra.extend(provider.events(user, start, end))
    return feed_calendar(user, selectors.feed_sessions(user, today), extra_events=extra)

"""A person's calendar feed: the timetable's sessions plus what other features add.

Like the diary (rotations.diary), the feed takes *providers*. A feature registers one in
its AppConfig.ready():

    from rotations import feeds
    feeds.register("absences", feed_events, changes=feed_absences)

`provider(user, start: date, end: date) -> Iterable[rotations.ical.CalendarEntry]` returns
the events that person may see (stable UIDs; SEQUENCE up on each change). An optional
`changes(user, start, end) -> QuerySet` gives the rows those events are made from (each with
an `id` and an `updated_at` that moves on every change): their count, id sum and latest
change, read for every source in one query, make conditional requests cheap; the feed then
calls `provider(user, start, end, rows=that queryset)`, so that its events are written from
the very rows the ETag counted (and the person's scope is built once). Without `changes`
the feed hashes the provider's events (UID, SEQUENCE, summary, times, status: never
DTSTAMP) to build its ETag."""

import datetime
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from django.db.models import Count, Max, QuerySet, Sum, Value
from django.utils import timezone

from . import selectors
from .exporters import diary_url, feed_calendar, feed_session_facts, session_entry
from .ical import CalendarEntry


class Events(Protocol):
    """A provider without `changes`: the feed hashes its events for the ETag."""

    def __call__(self, user, start: datetime.date, end: datetime.date, /
                 ) -> Iterable[CalendarEntry]: ...


class EventsFromRows(Protocol):
    """A provider with `changes`: called with rows=that query, it writes its events from it;
    elsewhere (without rows) it reads them itself."""

    def __call__(self, user, start: datetime.date, end: datetime.date, /, *,
                 rows: QuerySet | None = None) -> Iterable[CalendarEntry]: ...


Changes = Callable[[object, datetime.date, datetime.date], QuerySet]


@dataclass(frozen=True)
class FeedProvider:
    events: Events | EventsFromRows
    changes: Changes | None = None


_providers: dict[str, FeedProvider] = {}


def register(name: str, events: Events | EventsFromRows, *,
             changes: Changes | None = None) -> None:
    """Add (or replace) a source of calendar-feed events: with `changes`, an EventsFromRows."""
    _providers[name] = FeedProvider(events=events, changes=changes)


def providers() -> dict[str, FeedProvider]:
    return dict(_providers)


def window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    return today - selectors.FEED_PAST, today + selectors.FEED_FUTURE


def _digest(entries) -> str:
    parts = sorted(repr((entry.uid, entry.sequence, entry.summary, entry.status, entry.location,
                         entry.start, entry.end)) for entry in entries)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@dataclass
class FeedState:
    etag: str
    last_modified: datetime.datetime | None
    # Each counted source's query ("sessions" and each provider with `changes`), for the
    # body to read too: filtering by the person's scopes took the ORM about as long as
    # running the query.
    rows: dict[str, QuerySet] = field(default_factory=dict)


def _facts(source: str, rows: QuerySet) -> QuerySet:
    return (rows.order_by().values(source=Value(source))
            .annotate(count=Count("id", distinct=True), ids=Sum("id", distinct=True),
                      latest=Max("updated_at")))


def feed_state(user, today: datetime.date) -> FeedState:
    """What a conditional request is compared with: an ETag covering every source, and the
    latest change when every source can say when that was."""
    start, end = window(today)
    counted = {"sessions": selectors.feed_sessions(user, today)}
    hashed = []
    for name, provider in sorted(_providers.items()):
        if provider.changes is None:
            hashed.append(f"{name}:{_digest(provider.events(user, start, end))}")
        else:
            counted[name] = provider.changes(user, start, end)
    # One query for every source; a source with nothing to count (no role reaching it) is
    # left out of the union, so gives no row.
    first, *rest = (_facts(name, rows) for name, rows in counted.items())
    found = {row["source"]: row for row in first.union(*rest, all=True)}
    tokens = [f"{user.pk}:{today}"]
    for name in counted:
        facts = found.get(name, {"count": 0, "ids": None, "latest": None})
        tokens.append(f"{name}:{facts['count']}:{facts['ids']}:{facts['latest']}")
    # Without a date from every source, If-Modified-Since could miss a change: no Last-Modified.
    # The window moves at midnight (and an open-ended sickness grows a day): never earlier.
    midnight = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    changes = [row["latest"] for row in found.values() if row["latest"]]
    last_modified = None if hashed else max([midnight, *changes])
    return FeedState(etag=hashlib.sha256("\n".join(tokens + hashed).encode()).hexdigest()[:40],
                     last_modified=last_modified, rows=counted)


def feed_content(user, today: datetime.date, rows: dict[str, QuerySet]) -> bytes:
    """The whole feed, written from the queries its ETag counted (FeedState.rows): the
    person's sessions and every provider's events."""
    start, end = window(today)
    diary = diary_url()
    entries = [session_entry(session, viewer=user, diary=diary)
               for session in feed_session_facts(rows["sessions"])]
    for name, provider in sorted(_providers.items()):
        entries.extend(provider.events(user, start, end) if provider.changes is None
                       else provider.events(user, start, end, rows=rows[name]))
    return feed_calendar(user, entries)

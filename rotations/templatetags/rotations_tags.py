from django import template
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from clic.templatetags.clic_dates import short_date
from rotations.selectors import upcoming_sessions as select_upcoming

register = template.Library()


def _entry_time(value) -> str:
    return f"{value:%H:%M}" if value else ""


@register.inclusion_tag("rotations/_upcoming.html", takes_context=True)
def upcoming_sessions(context):
    """Today's and the next seven days' sessions for the signed-in person:
    {% load rotations_tags %}{% upcoming_sessions %}"""
    request = context["request"]
    return {"request": request,
            "upcoming": select_upcoming(request.user, timezone.localdate())}


@register.simple_tag
def upcoming_session_items(sessions, viewer, dated=False):
    """The home page's timetable card's sessions (rotations.selectors.UpcomingSession), each a
    list item, its day first when `dated`: {% upcoming_session_items sessions request.user
    dated=True %}. Another trainee's session is named for them.

    One tag for the list, each item one format_html from a format string of fixed pieces,
    rather than an inclusion template per session (7.7x -> 7.4x "trainee: home", 7.5x ->
    6.9x "supervisor: home") and then a tag per session, whose arguments the template
    resolved for each. `make bench` lines,
    with the round's other values reads (docs/performance.md, "The home pages"), back to
    back: "trainee: home" 7.5x and 7.7x -> 6.6x and 6.4x the floor, "supervisor: home"
    6.6x and 6.8x -> 6.1x and 5.7x (CPU, demo database)."""
    return mark_safe("".join(_upcoming_item(session, viewer.pk, dated) for session in sessions))


def _upcoming_item(session, viewer_id, dated: bool) -> str:
    lines, values = [], []
    if session.is_cancelled:
        lines.append('<strong class="nhsuk-tag nhsuk-tag--red">Cancelled</strong> <del>')
    if dated:
        lines.append('<span class="nhsuk-u-font-weight-bold">{} {}</span> ')
        values += [format_date(session.date, "D"), short_date(session.date)]
    if session.start_time:
        lines.append("{}–{} ")
        values += [_entry_time(session.start_time), _entry_time(session.end_time)]
    if session.trainee_id is not None and session.trainee_id != viewer_id:
        lines.append("{}: ")
        values.append(session.trainee_name)
    lines.append("{}")
    values.append(session.title)
    if session.is_cancelled:
        lines.append("</del>")
    if session.venue:
        lines.append(", {}")
        values.append(session.venue)
    # The format string is made only of the fixed pieces above; every value is escaped.
    return format_html("<li>" + "".join(lines) + "</li>", *values)


@register.simple_tag(takes_context=True)
def diary_items(context, entries, compact=False):
    """Diary entries (rotations.diary.DiaryEntry), each a list item; `compact` leaves out
    venue and notes: {% diary_items day.entries compact=True %}. A session its trainee
    misses for an absence is struck through; the viewer's own entries are not prefixed with
    their own name.

    One tag for a cell's entries, each written by one format_html from a format string of
    fixed pieces, rather than an inclusion template or a tag per entry: `make bench` line
    "CCG admin: month diary", 7 December 2026, national size: 6.3x the floor with the same
    markup as an inclusion template (the aim is at most 6x), 5.4x with a tag per entry.
    One tag per cell, with rows for entries: 6.54x -> about 6.0x on the demo database
    (docs/performance.md, "Diaries")."""
    viewer_id = getattr(context.get("request"), "user", None)
    viewer_id = getattr(viewer_id, "pk", None)
    return mark_safe("".join(_diary_entry(entry, viewer_id, compact) for entry in entries))


def _diary_entry(entry, viewer_id, compact: bool) -> str:
    struck = entry.cancelled or entry.missed
    pieces, values = ['<li class="clic-diary-entry{}">'], [
        " clic-diary-entry--cancelled" if struck else ""]
    lines = []
    if entry.cancelled:
        lines.append('<strong class="nhsuk-tag nhsuk-tag--red">Cancelled</strong> <del>')
    elif entry.missed:
        lines.append('<span class="nhsuk-u-visually-hidden">Missed: </span><del>')
    if entry.start:
        lines.append('<span class="nhsuk-u-font-weight-bold">{}–{}</span>')
        values += [_entry_time(entry.start), _entry_time(entry.end)]
    if entry.person and getattr(entry.person, "pk", entry.person) != viewer_id:
        lines.append('<span class="nhsuk-u-font-weight-bold">{}:</span>')
        values.append(entry.person)
    if entry.url:
        lines.append('<a href="{}">{}</a>')
        values += [entry.url, entry.title]
    else:
        lines.append("{}")
        values.append(entry.title)
    if struck:
        lines.append("</del>")
    if entry.overlay:
        lines.append('<strong class="nhsuk-tag nhsuk-tag--orange">{}</strong>')
        values.append(entry.kind_label)
    elif entry.kind == "bank_holiday":
        lines.append('<strong class="nhsuk-tag nhsuk-tag--grey">Bank holiday</strong>')
    if not compact:
        for detail in (entry.venue, entry.note):
            if detail:
                lines.append('<br><span class="nhsuk-u-font-size-16">{}</span>')
                values.append(detail)
    # The format string is made only of the fixed pieces above; every value is escaped.
    return format_html("".join(pieces) + "\n".join(lines) + "</li>", *values)


@register.filter
def rotation_stage(cohort) -> str:
    """Where a cohort is in its weeks today: "Week 6 of 16", "Starts 7 September 2026"
    or "Ended 18 December 2026"."""
    today = timezone.localdate()
    week = cohort.week_of(today)
    if week:
        return f"Week {week} of {cohort.weeks}"
    if today < cohort.start_date:
        return f"Starts {format_date(cohort.start_date, 'j F Y')}"
    return f"Ended {format_date(cohort.end_date, 'j F Y')}"

from django import template
from django.utils import timezone

from rotations.selectors import upcoming_sessions as select_upcoming

register = template.Library()


@register.inclusion_tag("rotations/_upcoming.html", takes_context=True)
def upcoming_sessions(context):
    """Today's and the next seven days' sessions for the signed-in person:
    {% load rotations_tags %}{% upcoming_sessions %}"""
    request = context["request"]
    return {"request": request,
            "upcoming": select_upcoming(request.user, timezone.localdate())}


@register.inclusion_tag("rotations/_upcoming_session.html")
def upcoming_session(session, viewer, dated=False):
    """One session of the home page's timetable card as a list item, its day first when
    `dated`: {% upcoming_session session request.user dated=True %}. Another trainee's
    session is named for them."""
    return {"session": session, "dated": dated,
            "named": bool(session.placement_id) and session.placement.trainee_id != viewer.pk}


@register.inclusion_tag("rotations/_diary_entry.html", takes_context=True)
def diary_entry(context, entry, compact=False):
    """One diary entry (rotations.diary.DiaryEntry) as a list item; `compact` leaves out
    venue and notes: {% diary_entry entry %}. A session its trainee misses for an absence
    is struck through; the trainee's own entries are not prefixed with their own name."""
    viewer = getattr(context.get("request"), "user", None)
    return {"entry": entry, "compact": compact, "struck": entry.cancelled or entry.missed,
            "named": bool(entry.person) and (getattr(entry.person, "pk", entry.person)
                                             != getattr(viewer, "pk", None))}

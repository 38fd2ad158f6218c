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

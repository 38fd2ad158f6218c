from django import template

from ..selectors import upcoming_presentations_for

register = template.Library()


@register.inclusion_tag("assessments/_home_upcoming.html", takes_context=True)
def upcoming_presentations(context):
    """Presentation days still to come that the signed-in person is invited to, with the
    slots of their own trainees (nothing when there are none):
    {% load assessments_tags %}{% upcoming_presentations %}"""
    request = context["request"]
    return {"request": request, "upcoming": upcoming_presentations_for(request.user)}

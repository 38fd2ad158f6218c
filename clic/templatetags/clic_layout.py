"""Small helpers for the page layout (base.html) and the home page."""

from django import template
from django.utils import timezone
from django.utils.dateformat import format as format_date

from rotations.models import ROTATION_WEEKS

register = template.Library()


@register.filter
def nav_current(path: str, href: str) -> str:
    """The aria-current value of a header navigation link: "page" on the page itself,
    "true" anywhere inside its section, "" elsewhere. Home is a section of one page."""
    if not href:
        return ""
    if path == href:
        return "page"
    if href != "/" and path.startswith(href):
        return "true"
    return ""


@register.filter
def rotation_stage(cohort) -> str:
    """Where a cohort is in its weeks today: "Week 6 of 16", "Starts 7 September 2026"
    or "Ended 18 December 2026"."""
    today = timezone.localdate()
    week = cohort.week_of(today)
    if week:
        return f"Week {week} of {ROTATION_WEEKS}"
    if today < cohort.start_date:
        return f"Starts {format_date(cohort.start_date, 'j F Y')}"
    return f"Ended {format_date(cohort.end_date, 'j F Y')}"

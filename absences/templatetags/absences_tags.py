"""Absences on other apps' pages: the home-page panel and the "report for this day" link.

    {% load absences_tags %}
    {% absences_home_panel panel.role panel.placements %}   (each role's part of the home page)
    <a href="{% absence_report_url day.date %}">Report an absence</a>   (on a diary day)
"""

import datetime

from django import template
from django.urls import reverse
from django.utils import timezone

from clic.accounts.models import Role

from .. import dashboard, rules, selectors
from ..models import Absence

register = template.Library()


@register.simple_tag
def absence_report_url(day: datetime.date | None = None, placement=None) -> str:
    """The report page prefilled with a day (and, for a PA/PD, a trainee's placement)."""
    url = reverse("absences:start")
    params = []
    if placement is not None:
        params.append(f"placement={placement.pk}")
    if day:
        params.append(f"date={day.isoformat()}")
    return url + ("?" + "&".join(params) if params else "")


@register.inclusion_tag("absences/_ccg_diary_cell.html")
def ccg_diary_cell(cell, today: datetime.date):
    """One weekday of the CCG dashboard's month diary: who has a CCG day, and who is away on
    it in one word."""
    return {"cell": cell, "today": today}


@register.filter
def days_amount(value) -> str:
    """1.0 -> "1", 2.5 -> "2.5"."""
    value = float(value or 0)
    return str(int(value)) if value.is_integer() else f"{value:g}"


@register.filter
def absence_dates(absence, in_a_sentence=False) -> str:
    """"Tue 8 Dec 2026 (morning)", "Tue 8 Dec 2026 to Thu 10 Dec 2026", "From Tue 8 Dec 2026
    (open-ended)"; `absence_dates:"in a sentence"` says "from" there, and keeps the
    capitals of day and month names, which lowering the whole phrase lost."""
    first, last = absence.first_day, absence.last_day

    def long(day):
        return f"{day:%a} {day.day} {day:%b %Y}"

    if last is None:
        return f"{'from' if in_a_sentence else 'From'} {long(first)} (open-ended)"
    if first == last:
        part = "" if absence.part == "day" else f" ({absence.get_part_display().lower()})"
        return long(first) + part
    return f"{long(first)} to {long(last)}"


@register.inclusion_tag("absences/_home_panel.html", takes_context=True)
def absences_home_panel(context, role: str, placements=None):
    """What each role has to do about absences, for the home page. A trainee's `placements`,
    when the page has them already, spare looking them up again."""
    user = context["request"].user
    today = timezone.localdate()
    panel = {"role": role, "today": today}
    if role == Role.TRAINEE:
        placement = (selectors.current_placement_of(user, today) if placements is None
                     else selectors.current_among(placements, today))
        panel["placement"] = placement
        if placement is not None:
            mine = selectors.own_open_absences(user)
            panel["open_sickness"] = [a for a in mine if a.is_open]
            panel["pending"] = [a for a in mine if a.state == Absence.State.PENDING]
            panel["sickness_url"] = reverse("absences:report", args=[placement.pk, "sickness"])
    elif role in (Role.PD, Role.PA) and rules.can_view_programme_absences(user):
        panel["pending_count"] = selectors.pending_requests_count(user)
    elif role in (Role.CCG_ADMIN, Role.DEPUTY_CHAIR):
        panel["away_today"] = dashboard.ccg_away_today(user, today)
    elif role in rules.SUPERVISING_ROLES:
        pass  # a link to their trainees' CCG-day absences
    else:
        return {"panel": None}
    return {"panel": panel, "request": context["request"], "csrf_token": context.get("csrf_token")}

"""Reflective entries and the weekly REFLECT nudge to trainees behind on them."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from clic.mail.services import sop_notify
from rotations.models import Cohort
from trainees.models import Placement

from ..models import (
    Capability,
    ReflectiveEntry,
)


@transaction.atomic
def reflective_entry_log(*, placement: Placement, date: datetime.date, title: str, kind: str,
                         capability: str, portfolio_url: str = "") -> ReflectiveEntry:
    cohort = placement.cohort
    errors: dict[str, list[str]] = {}
    if date > timezone.localdate():
        errors.setdefault("date", []).append("The date cannot be in the future.")
    elif not cohort.start_date <= date <= cohort.end_date:
        errors.setdefault("date", []).append(
            f"Log entries written during the rotation, {cohort.start_date:%d %B %Y} to "
            f"{cohort.end_date:%d %B %Y}.")
    if not title.strip():
        errors.setdefault("title", []).append("Enter the entry's title.")
    if kind not in ReflectiveEntry.Kind.values:
        errors.setdefault("kind", []).append("Choose the type of entry.")
    if capability not in Capability.values:
        errors.setdefault("capability", []).append("Choose the capability it links to.")
    if portfolio_url and not portfolio_url.lower().startswith(("https://", "http://")):
        errors.setdefault("portfolio_url", []).append("Enter a web address starting https://")
    if errors:
        raise ValidationError(errors)
    return ReflectiveEntry.objects.create(placement=placement, date=date, title=title.strip(),
                                          kind=kind, capability=capability,
                                          portfolio_url=portfolio_url.strip())


@transaction.atomic
def reflective_entry_delete(*, entry: ReflectiveEntry) -> None:
    entry.delete()


@transaction.atomic
def reflective_reminders_send() -> int:
    """The weekly nudge: every trainee whose rotation is running and who has logged fewer
    entries this week (Monday to Sunday) than their template expects (east Kent: two) gets
    one reminder; running it again that week sends nothing more. Returns how many trainees
    were reminded."""
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    sunday = monday + datetime.timedelta(days=6)
    running = [cohort.pk for cohort in Cohort.objects.filter(start_date__lte=today)
               if cohort.end_date >= today]
    placements = (Placement.objects.filter(cohort_id__in=running, trainee__is_active=True)
                  .select_related("cohort__template_version", "cohort__ccg", "trainee")
                  .annotate(this_week=Count("reflective_entries", filter=Q(
                      reflective_entries__date__gte=monday, reflective_entries__date__lte=sunday))))
    reminded = 0
    for placement in placements:
        expected = placement.cohort.template_version.entries_per_week
        if placement.this_week >= expected:
            continue
        sop_notify(code="REFLECT", event_key=f"reflective-reminder:{placement.pk}:{monday}",
                   about=placement, placement=placement,
                   context={"count": placement.this_week, "expected": expected,
                            "week": placement.cohort.week_of(today), "monday": monday,
                            "path": reverse("reflective_entries", args=[placement.pk])})
        reminded += 1
    return reminded

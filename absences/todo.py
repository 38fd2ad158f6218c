"""The absences app's part of the to-do panel (clic.todo): leave waiting for a decision."""

from django.urls import reverse

from clic.accounts.access import access_for
from clic.todo import Item

from .rules import MANAGER_ROLES
from .selectors import pending_requests


def leave_to_decide(user, today) -> list[Item]:
    if not access_for(user).has_role(*MANAGER_ROLES):
        return []
    return [Item(text=f"Decide {absence.placement.trainee.full_name}'s "
                      f"{absence.get_kind_display().lower()} request from "
                      f"{absence.first_day:%a} {absence.first_day.day} {absence.first_day:%b %Y}",
                 url=reverse("absences:decide", args=[absence.pk]))
            for absence in pending_requests(user)]

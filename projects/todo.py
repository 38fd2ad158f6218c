"""The projects app's part of the to-do panel (clic.todo): open concerns sent to the person,
overdue SOP meetings of their trainees, and projects waiting for the CCG Supervisor to agree
them or a Programme Director to confirm them."""

from django.urls import reverse

from clic.accounts.access import DIRECTS
from clic.accounts.models import Role
from clic.todo import Item
from trainees.selectors import reach

from . import rules
from .models import Concern, Project
from .selectors import concerns_addressed_to, home_rows


def open_concerns(user, today) -> list[Item]:
    """Read as the four values a line shows, not as concerns joined to every column of their
    placement, cohort, trainee and raiser: `make bench` line "supervisor: home" (8.9x ->
    7.5x the floor with the narrower home rows)."""
    return [Item(text=f"Concern about {trainee_name}: {summary}",
                 url=reverse("concern_detail", args=[placement_id, pk]))
            for pk, placement_id, summary, trainee_name in concerns_addressed_to(user)
            .filter(status=Concern.Status.OPEN)
            .values_list("pk", "placement_id", "summary", "placement__trainee__full_name")]


def trainees_waiting(user, today) -> list[Item]:
    """Overdue meetings (for everyone who supervises, leads or directs the trainee) and
    projects to agree (their CCG Supervisor) or to confirm (their Programme Directors)."""
    if not rules.can_open_supervision_list(user):
        return []
    directed = set(reach(user).cohort_ids(Role.PD, DIRECTS))
    items = []
    for row in home_rows(user, today):
        placement, project = row.placement, row.project
        name = placement.trainee.full_name
        project_url = reverse("project_detail", args=[placement.pk])
        if (project is not None and project.status == Project.Status.PROPOSED
                and placement.ccg_supervisor_id == user.pk):
            items.append(Item(text=f"Agree {name}'s project", url=project_url))
        if (project is not None and project.is_agreed and project.confirmed_at is None
                and placement.cohort_id in directed):
            items.append(Item(text=f"Confirm {name}'s project is appropriate", url=project_url))
        items.extend(Item(text=f"{planned.label} with {name} is overdue "
                               f"(due by {planned.due_by:%-d %b})",
                          url=reverse("meeting_list", args=[placement.pk]))
                     for planned in row.plan if planned.is_overdue)
    return items

"""Projects' part of the home page (clic.accounts.pages; registered in
ProjectsConfig.ready()): a trainee's placements with what is outstanding on their project,
and a CCG Supervisor's or Project Lead's current trainees with theirs. One read serves both
the role's panel and its rows."""

from clic.accounts.models import Role
from trainees.selectors import PERSON_ROLES

from .selectors import supervisor_home, trainee_home

SUPERVISING_ROLES = (Role.CCG_SUPERVISOR, Role.PROJECT_LEAD)


def home_part(user, roles, today, context) -> dict:
    own_placements, projects_trainee = (trainee_home(user, today)
                                        if Role.TRAINEE in roles else ([], []))
    # A supervisor who is also a Project Lead sees their trainees' project work once.
    project_panel_role = next((role for role in SUPERVISING_ROLES if role in roles), None)
    supervised, projects_supervisor = (supervisor_home(user, today)
                                       if project_panel_role else ([], []))
    placements = {Role.TRAINEE: own_placements} if Role.TRAINEE in roles else {}
    for role in SUPERVISING_ROLES:
        if role in roles:
            placements[role] = [p for p in supervised if getattr(p, PERSON_ROLES[role]) == user.pk]
    return {
        "role_placements": {**context["role_placements"], **placements},
        "projects_trainee": projects_trainee,
        "projects_supervisor": projects_supervisor,
        "project_panel_role": project_panel_role,
    }

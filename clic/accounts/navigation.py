"""The header's menu: the sections a person's roles reach, in the order the menu shows
them. base.html writes it with `{% header_navigation %}` (clic.templatetags.clic_layout)."""

from .models import Role

MANAGERS = frozenset({Role.PD, Role.PA})


def header_links(roles: frozenset[str]) -> list[tuple[str, str]]:
    """(URL name, link text) of each header link for a person holding `roles`."""
    manager = bool(roles & MANAGERS)
    links = [("home", "Home"), ("diary_week", "Diary")]
    if manager:
        links += [("cohort_list", "Cohorts"), ("absences:programme", "Absences")]
    elif Role.TRAINEE in roles:
        links.append(("absences:mine", "Absences and leave"))
    if roles & {Role.CCG_ADMIN, Role.DEPUTY_CHAIR}:
        links.append(("absences:ccg", "CCG absences"))
    if roles & {Role.CCG_SUPERVISOR, Role.PROJECT_LEAD, Role.PD}:
        links.append(("supervision", "Your trainees"))
    if roles & {Role.PD, Role.TRAINEE, Role.ALUMNUS}:
        links.append(("community:index", "Alumni"))
    links.append(("assessments_index", "End of rotation"))
    if roles & {Role.CCG_SUPERVISOR, Role.PROJECT_LEAD, Role.PD, Role.DEPUTY_CHAIR}:
        links.append(("interests_mine", "Interests"))
    if manager:
        links += [("people", "People"), ("organisations", "Organisations"),
                  ("mail_outbox", "Outbox"), ("mail_catalogue", "Who is told what")]
        if Role.PD in roles:
            links.append(("audit_events", "Audit log"))
    elif Role.CCG_ADMIN in roles:
        links.append(("mail_outbox", "CCG emails"))
    return links

"""What the apps add to the accounts app's pages (clic.registry), so that its views import
no app. Each part is registered in the app's AppConfig.ready() and gives the page's template
the context it reads.

`home_parts`: part(user, roles, today, context) -> dict, run in order, each seeing what the
earlier parts gave in `context`. The home page has a panel for each role the person holds,
listing `context["role_placements"][role]` (the placements of that role's panel); parts
fill in the roles they answer for and leave the others to later parts.

`person_parts`: part(viewer, person) -> dict, for a manager's page about one person."""

from clic.registry import Registry

home_parts = Registry("home page parts")
person_parts = Registry("person page parts")


def home_context(user, roles, today) -> dict:
    context: dict = {"role_placements": {}}
    for part in home_parts:
        context.update(part(user, roles, today, context))
    return context


def person_context(viewer, person) -> dict:
    context: dict = {}
    for part in person_parts:
        context.update(part(viewer, person))
    return context

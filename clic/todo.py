"""The to-do panel of a staff home page: what each feature says the person has to do now.

Like the calendar-feed providers (rotations.feeds), the core knows no feature: each app
registers a provider in its AppConfig.ready(),

    from clic import todo
    todo.register("absences", leave_to_decide)

and the home page collects them. `provider(user, today) -> Iterable[todo.Item]` returns the
person's own items, scoped to them, each linking to the page where it is done, in a fixed
number of queries however many items there are."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from clic.accounts.models import Role


@dataclass(frozen=True)
class Item:
    text: str  # what is to be done, naming the trainee: "Agree Dr Ann Lee's project"
    url: str  # the page where it is done


Provider = Callable[[object, datetime.date], Iterable[Item]]
_providers: dict[str, Provider] = {}

# The roles whose home page has the panel (issue 19): the people who act on other people's
# work. A trainee's own home lists what is theirs to do already.
TODO_ROLES = frozenset({Role.PD, Role.PA, Role.DEPUTY_CHAIR, Role.CCG_SUPERVISOR,
                        Role.PROJECT_LEAD})


def register(name: str, provider: Provider) -> None:
    """Add (or replace) a source of to-do items."""
    _providers[name] = provider


def providers() -> dict[str, Provider]:
    return dict(_providers)


def todo_items(user, today: datetime.date) -> list[Item]:
    """Every provider's items for the person, in the providers' order of name."""
    items: list[Item] = []
    for _, provider in sorted(_providers.items()):
        items.extend(provider(user, today))
    return items

"""How the apps plug their parts into the core without the core importing them.

The core (`clic`) knows no feature app. Where it needs each app's part of a whole (the
subject access export, retention, the demo, the home page), it keeps a `Registry`, and each
app adds its part in its AppConfig.ready(), as the calendar-feed providers (rotations.feeds)
and the to-do panel (clic.todo) do:

    from clic.accounts import exporters
    exporters.placement_parts.register("absences", absences_of, order=30)

The core then asks the registry for every part, in order. Where the core reads something
only one app owns (the outbox's cohorts, the example email's placement), it asks for
`registry.one()`, which fails loudly when that app registered nothing, rather than letting a
page quietly show less."""

from collections.abc import Iterator
from typing import Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured

Part = TypeVar("Part")


class Registry(Generic[Part]):
    """Named parts, given back in order (then by name); registering a name again replaces it."""

    def __init__(self, what: str):
        self.what = what  # for messages and debugging: "subject access placement parts"
        self._parts: dict[str, tuple[int, Part]] = {}

    def register(self, name: str, part: Part, *, order: int = 0) -> None:
        self._parts[name] = (order, part)

    def __iter__(self) -> Iterator[Part]:
        for _, (_, part) in sorted(self._parts.items(), key=lambda item: (item[1][0], item[0])):
            yield part

    def one(self) -> Part:
        """The part of a registry that one app fills; an error if none or several are registered."""
        parts = list(self)
        if len(parts) != 1:
            raise ImproperlyConfigured(f"{self!r} needs exactly one part, not {len(parts)}")
        return parts[0]

    def __repr__(self) -> str:
        return f"<Registry of {self.what}: {', '.join(self._parts)}>"

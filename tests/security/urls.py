"""Every URL pattern of the project, walked from the root resolver (includes, namespaces,
allauth's and the admin's), with a key to classify it by: its namespaced name, or its route
when it has none."""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Pattern:
    key: str  # "absences:detail", or the route of an unnamed pattern
    route: str  # the whole route, e.g. "absences/<int:pk>/"
    callback: object

    @property
    def is_admin(self) -> bool:
        return self.route.startswith("admin/")

    @property
    def is_public(self) -> bool:
        """Marked with login_not_required: open without signing in."""
        return getattr(self.callback, "login_required", True) is False


def every_pattern() -> list[Pattern]:
    found = []

    def walk(patterns, prefix: str, namespace: str | None):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = entry.namespace
                name = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
                walk(entry.url_patterns, prefix + str(entry.pattern), name)
            elif isinstance(entry, URLPattern):
                route = prefix + str(entry.pattern)
                key = (f"{namespace}:{entry.name}" if namespace else entry.name) if entry.name \
                    else route
                found.append(Pattern(key=key, route=route, callback=entry.callback))

    walk(get_resolver().url_patterns, "", None)
    return found


def admin_sample_path(pattern: Pattern) -> str:
    """A concrete address for an admin pattern (the admin's own ids do not matter: nobody but
    a superuser gets past its permission check)."""
    from django.urls import reverse

    if pattern.key == "admin:app_list":
        return reverse("admin:app_list", kwargs={"app_label": "accounts"})
    if pattern.key.startswith("admin:"):
        converters = [part.split(">")[0].split(":")[-1]
                      for part in pattern.route.split("<")[1:]]
        return reverse(pattern.key, kwargs={name: "1" for name in converters})
    if pattern.route.endswith("(?P<url>.*)$"):
        return "/admin/nowhere/"
    return "/" + pattern.route.replace("<path:object_id>", "1")

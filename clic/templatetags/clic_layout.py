"""Small helpers for the page layout (base.html)."""

from django import template

register = template.Library()


@register.filter
def nav_current(path: str, href: str) -> str:
    """The aria-current value of a header navigation link: "page" on the page itself,
    "true" anywhere inside its section, "" elsewhere. Home is a section of one page."""
    if not href:
        return ""
    if path == href:
        return "page"
    if href != "/" and path.startswith(href):
        return "true"
    return ""

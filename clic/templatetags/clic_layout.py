"""Small helpers for the page layout (base.html) and the confirmation pages."""

from django import template
from django.utils.safestring import mark_safe

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


class _CaptureNode(template.Node):
    def __init__(self, nodelist, name: str):
        self.nodelist, self.name = nodelist, name

    def render(self, context) -> str:
        # Rendered by the template engine, so already escaped: safe as a block's output is.
        context[self.name] = mark_safe(self.nodelist.render(context))  # noqa: S308
        return ""


@register.tag
def capture(parser, token):
    """`{% capture as name %}...{% endcapture %}`: what the block renders, kept in `name`
    for an include, as in `{% capture as label %}Send {{ slide }}{% endcapture %}` before
    `{% include "_partials/confirm_form.html" %}`, whose button label may need the
    template's own tags (a plural, an if)."""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("Use {% capture as name %}...{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return _CaptureNode(nodelist, bits[2])

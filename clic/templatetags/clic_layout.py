"""Small helpers for the page layout (base.html) and the confirmation pages."""

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from clic.accounts.navigation import header_links

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


# One header link, as the NHS.UK header writes it; the strong keeps the current item
# visible to people who override colours.
_LINK = ('<li class="nhsuk-header__navigation-item">'
         '<a class="nhsuk-header__navigation-link" href="{}">{}</a></li>')
_CURRENT_LINK = ('<li class="nhsuk-header__navigation-item '
                 'nhsuk-header__navigation-item--current">'
                 '<a class="nhsuk-header__navigation-link" href="{}" aria-current="{}">'
                 '<strong class="nhsuk-header__navigation-item-current-fallback">{}</strong>'
                 '</a></li>')


@register.simple_tag(takes_context=True)
def header_navigation(context) -> str:
    """The header menu's links for the signed-in person's roles (`clic_roles`, from the
    navigation context processor), the current section marked. Written with format_html
    rather than an include per link: base.html is part of every page, and its dozen
    includes took about 0.4 ms of CPU a page, a fifth of the floor's 2 ms (`make bench`:
    every HTML page's ratio to the floor; `python -m bench.cpu`, docs/performance.md)."""
    path = context["request"].path

    def link(url_name: str, text: str) -> str:
        href = reverse(url_name)
        current = nav_current(path, href)
        return (format_html(_CURRENT_LINK, href, current, text) if current
                else format_html(_LINK, href, text))

    return format_html_join("\n", "{}", ((link(*item),) for item in
                                         header_links(context["clic_roles"])))


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

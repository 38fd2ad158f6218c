"""Long lists (the outbox, the audit log, people, earlier trainees, a programme's absences,
earlier presentation invitations) are shown a page at a time."""

from django.core.paginator import Page, Paginator

PAGE_SIZE = 50


def page_of(items, request, per_page: int = PAGE_SIZE) -> Page:
    """The page the query string asks for: the first for a missing or unreadable number, the
    last for one past the end."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))

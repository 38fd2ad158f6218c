from django.core.paginator import Paginator
from django.shortcuts import render

from . import selectors
from .forms import AuditFilterForm

PAGE_SIZE = 50


def events(request):
    """The PD's audit log: who created, changed, deleted or viewed what, newest first."""
    visible = selectors.events_visible_to(request.user)
    form = AuditFilterForm(request.GET or None, **selectors.filter_choices(request.user))
    page = Paginator(selectors.events_filter(visible, **form.filters()), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "audit/events.html", {"form": form, "page": page,
                                                 "events": page.object_list})

from django.shortcuts import render

from clic.paging import page_of

from . import selectors
from .forms import AuditFilterForm


def events(request):
    """The PD's audit log: who created, changed, deleted or viewed what, newest first."""
    visible = selectors.events_visible_to(request.user)
    form = AuditFilterForm(request.GET or None, **selectors.filter_choices(request.user))
    page = page_of(selectors.events_filter(visible, **form.filters()), request)
    return render(request, "audit/events.html", {"form": form, "page": page,
                                                 "events": page.object_list})

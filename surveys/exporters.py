"""The temperature check's results as a PDF: what the results page shows, with the same
small-number suppression, laid out for printing and sharing."""

from collections.abc import Callable

from django.template.loader import render_to_string
from django.utils import timezone

from clic.pdf import html_document

from .models import Survey
from .selectors import survey_results


def summary_pdf(survey: Survey, *, progress: Callable[[int], object]) -> bytes:
    """The PDF's bytes; `progress(step)` is told as each of its three steps is done."""
    results = survey_results(survey)
    progress(1)
    html = render_to_string("surveys/summary_pdf.html", {
        **results, "made_on": timezone.localdate()})
    progress(2)
    return html_document(html).write_pdf()

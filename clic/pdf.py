"""The PDFs the service makes from its HTML templates (WeasyPrint), and how they are served.

A PDF is kept in the cache under a hash of its HTML, which is also its ETag: the same HTML
always lays out to the same PDF (the templates fetch no images or stylesheets), so a kept
PDF is never out of date, and any change to what the PDF shows changes its HTML and so its
key."""

import contextlib
import gc
import hashlib
import threading

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response

# Long enough that a trainee downloading again later in the rotation gets the kept copy;
# a changed PDF has a new key, so this only bounds how long an unused one takes room.
PDF_KEEP_SECONDS = 7 * 24 * 3600

_thread = threading.local()


def _font_configuration():
    """Kept for the life of the thread: it owns Pango's font map with the fonts it has loaded
    and shaped, and WeasyPrint otherwise builds a new one for each document, loading them
    again (a tenth to a quarter of a PDF's time, as measured here). Per thread because
    Pango's objects are not safe to share between threads (runserver serves each request in
    its own)."""
    from weasyprint.text.fonts import FontConfiguration

    fonts = getattr(_thread, "fonts", None)
    if fonts is None:
        fonts = _thread.fonts = FontConfiguration()
    return fonts


@contextlib.contextmanager
def _collector_paused():
    """WeasyPrint makes hundreds of thousands of small objects for a PDF, most of them alive
    until it is done, so the cycle collector ran dozens of times during each one, going over
    them again and again: about a sixth of the time. Paused, what the PDF leaves behind is
    collected at the next collection after it (at the cost of that much more memory
    meanwhile, about 25 MB for the portfolio)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def html_document(html: str):
    """`html` laid out in pages (a WeasyPrint Document): `.write_pdf()` makes the file,
    `.copy(pages)` joins several documents into one."""
    from weasyprint import HTML

    with _collector_paused():
        return HTML(string=html, base_url=str(settings.BASE_DIR)).render(
            font_config=_font_configuration())


def _write_pdf(html: str) -> bytes:
    document = html_document(html)
    with _collector_paused():
        return document.write_pdf()


def _version(html: str) -> str:
    return hashlib.sha256(html.encode()).hexdigest()[:40]


def html_pdf(html: str) -> bytes:
    return cache.get_or_set(f"clic:pdf:{_version(html)}", lambda: _write_pdf(html),
                            PDF_KEEP_SECONDS)


def pdf_response(request, html: str) -> HttpResponse:
    """The PDF of `html`, or 304 Not Modified when the browser's copy (If-None-Match) is it."""
    etag = f'"{_version(html)}"'
    response = get_conditional_response(request, etag=etag) or HttpResponse(
        html_pdf(html), content_type="application/pdf")
    response["ETag"] = etag
    # The browser may keep it but asks each time: the answer is a 304 while nothing changed.
    response["Cache-Control"] = "private, no-cache"
    return response

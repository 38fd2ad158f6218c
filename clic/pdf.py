"""The PDFs the service makes from its HTML templates (WeasyPrint), and how they are served.

A PDF is kept in the cache under a hash of its HTML and stylesheet, which is also its ETag:
the same HTML with the same stylesheet always lays out to the same PDF (the templates fetch
no images), so a kept PDF is never out of date, and any change to what the PDF shows
changes its HTML or stylesheet and so its key."""

import contextlib
import gc
import hashlib
import logging
import threading
from functools import cached_property

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.utils.cache import get_conditional_response

logger = logging.getLogger(__name__)

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


class Stylesheet:
    """A PDF's stylesheet, a template file beside its HTML, read and parsed once per process
    instead of from a <style> in every PDF's HTML. Parsing it and compiling its selectors
    were 4 to 6% of the CPU time of the portfolio PDF, built afresh (`make bench` line
    "trainee: portfolio PDF, built"). The parsed rules are only read once made, so the
    threads share them."""

    def __init__(self, template_name: str):
        self.template_name = template_name

    @cached_property
    def text(self) -> str:
        return get_template(self.template_name).template.source

    @cached_property
    def parsed(self):
        from weasyprint import CSS

        return CSS(string=self.text, base_url=str(settings.BASE_DIR))


def html_document(html: str, *, stylesheet: Stylesheet | None = None):
    """`html` laid out in pages (a WeasyPrint Document), with `stylesheet` besides what the
    HTML itself says: `.write_pdf()` makes the file, `.copy(pages)` joins several documents
    into one."""
    from weasyprint import HTML

    with _collector_paused():
        return HTML(string=html, base_url=str(settings.BASE_DIR)).render(
            font_config=_font_configuration(),
            stylesheets=[stylesheet.parsed] if stylesheet else None)


def _write_pdf(html: str, stylesheet: Stylesheet | None) -> bytes:
    # One pause over layout and writing: a collection between the two went over the whole
    # laid-out document, every object of it still alive.
    with _collector_paused():
        return html_document(html, stylesheet=stylesheet).write_pdf()


def _version(html: str, stylesheet: Stylesheet | None) -> str:
    shown = html + (stylesheet.text if stylesheet else "")
    return hashlib.sha256(shown.encode()).hexdigest()[:40]


def html_pdf(html: str, *, stylesheet: Stylesheet | None = None) -> bytes:
    return cache.get_or_set(f"clic:pdf:{_version(html, stylesheet)}",
                            lambda: _write_pdf(html, stylesheet), PDF_KEEP_SECONDS)


def pdf_response(request, html: str, *, stylesheet: Stylesheet | None = None) -> HttpResponse:
    """The PDF of `html`, or 304 Not Modified when the browser's copy (If-None-Match) is it."""
    etag = f'"{_version(html, stylesheet)}"'
    response = get_conditional_response(request, etag=etag) or HttpResponse(
        html_pdf(html, stylesheet=stylesheet), content_type="application/pdf")
    response["ETag"] = etag
    # The browser may keep it but asks each time: the answer is a 304 while nothing changed.
    response["Cache-Control"] = "private, no-cache"
    return response


class BackgroundPdf(models.Model):
    """A PDF too long to make during a request (a cohort's timetables, a survey's summary):
    asked for, built by a Celery task that records its progress, then downloaded. Each
    app's table adds what the PDF is of and where its files go (`file`'s upload_to)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Building"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    file = models.FileField(blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        return int(100 * self.progress / self.total) if self.total else 0


def build_in_background(task, build_id: int) -> None:
    """Queue the task that builds a BackgroundPdf; with the broker down the PDF stays
    queued and its page offers to start it again."""
    try:
        task.delay(build_id)
    except Exception:  # noqa: BLE001 - broker down: the page offers to try again
        logger.exception("Could not queue %s for %s", task.name, build_id)


def background_pdf_page(request, template: str, context: dict, *, build: BackgroundPdf):
    """The page of a PDF being built, refreshing itself until the build is finished."""
    response = render(request, template, {**context, "build": build})
    if not build.is_finished:
        response["Refresh"] = "3"  # a header, not inline script: fine under the strict CSP
    return response


def background_pdf_download(build: BackgroundPdf, *, filename: str) -> FileResponse:
    if build.status != build.Status.DONE or not build.file:
        raise Http404
    return FileResponse(build.file.open("rb"), as_attachment=True, filename=filename,
                        content_type="application/pdf")

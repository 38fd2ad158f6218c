"""Helpers for the projects tests: files, outbox recipients and rotation dates."""

import datetime
import io
import zipfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from clic.mail.models import OutboundEmail


def pptx_bytes() -> bytes:
    """The parts that make a ZIP a PowerPoint file."""
    buffer = io.BytesIO()
    # Fixed timestamps keep the bytes identical from call to call.
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, xml in [("[Content_Types].xml", "<Types/>"),
                          ("ppt/presentation.xml", "<p:presentation/>"),
                          ("ppt/slides/slide1.xml", "<p:sld/>")]:
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)),
                             '<?xml version="1.0"?>' + xml)
    return buffer.getvalue()


def executable_bytes() -> bytes:
    return Path("/bin/ls").read_bytes()[:200_000]


def upload(name: str, content: bytes, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def recipients(code: str) -> set[str]:
    return set(OutboundEmail.objects.filter(code=code).values_list("to_email", flat=True))


def week_day(cohort, week: int, weekday: int = 0) -> datetime.date:
    """A day of a rotation week: weekday 0 is its Monday."""
    return cohort.monday_of_week(week) + datetime.timedelta(days=weekday)


def publish(cohort):
    cohort.status = cohort.Status.PUBLISHED
    cohort.save(update_fields=["status"])
    return cohort

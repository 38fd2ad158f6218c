"""Real files of the wrong kind, uploaded where the service takes files: the trainees CSV
import, the project summaries and the HR checklist's signed agreement. Each is refused with
a message that names the file and says what is wrong, and nothing is saved or emailed.

tests/trainees/test_import.py and tests/projects/ already cover a Windows-1252 CSV, a ZIP
header and a spreadsheet name for the import, and a renamed executable (.pdf), a PDF named
.pptx, a ZIP that is not a presentation, an oversize file and a Word file as the slide for
the uploads; these are the cases they leave out.
"""

import csv
import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clic.accounts.models import User
from clic.mail.models import OutboundEmail
from projects.models import HRChecklist, SummaryUpload
from trainees.models import Placement

from .scene import pdf_bytes, pptx_bytes

pytestmark = pytest.mark.django_db

HEADER = ["Name", "Email", "GP practice", "Educational Supervisor email", "CCG Supervisor email",
          "Project day"]


def csv_text(rows: int = 2) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for n in range(rows):
        writer.writerow([f"Dr Zoë Trainee {n}", f"trainee{n}@nhs.test", "Canterbury Road Surgery",
                         "es@nhs.test", "supervisor@nhs.test", "Thursday"])
    return out.getvalue()


def png_bytes() -> bytes:
    import qrcode

    buffer = io.BytesIO()
    qrcode.make("CLIC").save(buffer)
    data = buffer.getvalue()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    return data


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("notes.txt", "Some notes, zipped.")
        archive.writestr("data/trainees.csv", csv_text())
    return buffer.getvalue()


def elf_bytes() -> bytes:
    data = Path("/bin/ls").read_bytes()
    assert data.startswith(b"\x7fELF")
    return data


def two_megabyte_csv() -> bytes:
    data = csv_text(rows=20_000).encode()
    assert len(data) > 2 * 1024 * 1024  # past FILE_UPLOAD_MAX_MEMORY_SIZE: a temporary file
    return data


def file(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


# The trainees CSV import --------------------------------------------------------------------


def import_csv(client, world, name: str, content: bytes):
    client.force_login(world.pd)
    return client.post(reverse("trainees_upload", args=[world.cohort.pk]),
                       {"file": file(name, content)})


@pytest.mark.parametrize(("name", "content", "message"), [
    ("trainees.csv", png_bytes, "This is not a CSV file"),
    ("trainees.csv", lambda: csv_text().encode("utf-16"), "This is not a CSV file"),
    ("trainees.csv", zip_bytes, "This is not a CSV file"),
    ("trainees.csv", lambda: elf_bytes()[:100_000], "This is not a CSV file"),
    ("trainees.csv", two_megabyte_csv, "the limit is 1 MB"),
], ids=["png", "utf-16", "zip", "elf", "2-mb"])
def test_csv_import_refuses_a_file_that_is_not_a_small_utf8_csv(client, world, name, content,
                                                                message):
    response = import_csv(client, world, name, content())

    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was imported" in page
    assert message in page
    assert list(Placement.objects.filter(cohort=world.cohort)) == [world.placement]
    assert not User.objects.filter(email__startswith="trainee0@").exists()
    assert not OutboundEmail.objects.exists()


def test_csv_import_takes_the_same_rows_as_a_utf8_file(client, world):
    """The control for the cases above: the same rows, saved as UTF-8, import."""
    checked = import_csv(client, world, "trainees.csv", csv_text().encode())
    assert checked.status_code == 200 and "csv_text" in checked.content.decode()
    response = client.post(reverse("trainees_upload_confirm", args=[world.cohort.pk]),
                           {"csv_text": checked.context["form"]["csv_text"].value()})
    assert response.status_code == 302
    assert Placement.objects.filter(cohort=world.cohort).count() == 3


# Project summaries ---------------------------------------------------------------------------


def upload_summaries(client, world, outcome, slide):
    client.force_login(world.trainee)
    return client.post(reverse("summaries", args=[world.placement.pk]),
                       {"outcome": outcome, "slide": slide})


@pytest.mark.parametrize(("outcome", "slide", "message"), [
    (("outcome.pdf", zip_bytes), ("slide.pptx", pptx_bytes),
     "outcome.pdf is not a real PDF file"),
    (("outcome.pdf", pdf_bytes), ("slide.pptx", elf_bytes),
     "slide.pptx is not a real PowerPoint file"),
    (("outcome.pdf", png_bytes), ("slide.pptx", pptx_bytes),
     "outcome.pdf is not a real PDF file"),
    (("outcome.docx", lambda: csv_text().encode("utf-16")), ("slide.pptx", pptx_bytes),
     "outcome.docx is not a real Word file"),
    (("outcome.pdf", two_megabyte_csv), ("slide.pdf", pdf_bytes),
     "outcome.pdf is not a real PDF file"),
    (("outcome.csv", lambda: csv_text().encode()), ("slide.pptx", pptx_bytes),
     "outcome.csv must be a PDF, PowerPoint or Word file."),
], ids=["zip-as-pdf", "elf-as-pptx", "png-as-pdf", "utf16-csv-as-docx", "2mb-csv-as-pdf",
        "csv"])
def test_summaries_refuse_a_file_whose_content_is_not_its_name(client, world, outcome, slide,
                                                               message):
    response = upload_summaries(client, world, file(outcome[0], outcome[1]()),
                                file(slide[0], slide[1]()))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SummaryUpload.objects.exists()
    assert not OutboundEmail.objects.exists()


# The signed confidentiality agreement --------------------------------------------------------


@pytest.mark.parametrize(("name", "content", "message"), [
    ("agreement.pdf", zip_bytes, "agreement.pdf is not a real PDF file"),
    ("agreement.jpeg", png_bytes, "agreement.jpeg is not a real JPEG image file"),
    ("agreement.png", two_megabyte_csv, "agreement.png is not a real PNG image file"),
    ("agreement.pptx", pptx_bytes, "agreement.pptx must be a PDF, PNG image or JPEG image"),
], ids=["zip-as-pdf", "png-as-jpeg", "2mb-csv-as-png", "pptx"])
def test_agreement_refuses_a_file_whose_content_is_not_its_name(client, world, name, content,
                                                                message):
    client.force_login(world.trainee)
    response = client.post(reverse("hr_checklist", args=[world.placement.pk]), {
        "confidentiality_signed": "on", "agreement": file(name, content())})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not HRChecklist.objects.exists()
    assert not OutboundEmail.objects.exists()

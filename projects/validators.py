"""Uploads are checked by their content, not only their name: a PDF starts with %PDF-, an
Office file is a ZIP holding the parts its kind must have, an image has its signature."""

import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class FileKind:
    key: str
    label: str
    extensions: tuple[str, ...]
    mimetype: str


PDF = FileKind("pdf", "PDF", ("pdf",), "application/pdf")
PPTX = FileKind("pptx", "PowerPoint", ("pptx",),
                "application/vnd.openxmlformats-officedocument.presentationml.presentation")
DOCX = FileKind("docx", "Word", ("docx",),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
PNG = FileKind("png", "PNG image", ("png",), "image/png")
JPEG = FileKind("jpeg", "JPEG image", ("jpg", "jpeg"), "image/jpeg")

# What each upload accepts.
SLIDE_KINDS = (PDF, PPTX)
OUTCOME_KINDS = (PDF, PPTX, DOCX)
AGREEMENT_KINDS = (PDF, PNG, JPEG)

# The part an Office Open XML package of each kind must hold, besides [Content_Types].xml.
_OFFICE_MAIN_PART = {PPTX.key: "ppt/presentation.xml", DOCX.key: "word/document.xml"}


def _read_head(upload, size: int) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def _office_kind(upload) -> str | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    for key, part in _OFFICE_MAIN_PART.items():
        if part in names:
            return key
    return None


def detect_kind(upload) -> str | None:
    """What the content is, whatever the name says: 'pdf', 'pptx', 'docx', 'png', 'jpeg'."""
    head = _read_head(upload, 8)
    if head.startswith(b"%PDF-"):
        return PDF.key
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG.key
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG.key
    if head.startswith(b"PK\x03\x04"):
        return _office_kind(upload)
    return None


def _describe(kinds) -> str:
    labels = [kind.label for kind in kinds]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]


def validate_upload(upload, *, kinds: tuple[FileKind, ...],
                    max_bytes: int = MAX_UPLOAD_BYTES) -> FileKind:
    """The file's kind when its name and content agree and it is small enough; otherwise a
    ValidationError that says what is wrong."""
    name = getattr(upload, "name", "") or "The file"
    size = getattr(upload, "size", None)
    if size == 0:
        raise ValidationError(f"{name} is empty.", code="empty")
    if size is not None and size > max_bytes:
        raise ValidationError(
            f"{name} is too big ({filesizeformat(size)}): the largest file you can upload is "
            f"{max_bytes // (1024 * 1024)} MB.", code="too_big")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    named = next((kind for kind in kinds if extension in kind.extensions), None)
    if named is None:
        raise ValidationError(
            f"{name} must be a {_describe(kinds)} file.", code="wrong_extension")
    if detect_kind(upload) != named.key:
        raise ValidationError(
            f"{name} is not a real {named.label} file: its content does not match its name. "
            f"Save it again as a {_describe(kinds)} file and upload that.", code="wrong_content")
    return named


def kind_for_name(name: str) -> FileKind | None:
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    for kind in (PDF, PPTX, DOCX, PNG, JPEG):
        if extension in kind.extensions:
            return kind
    return None

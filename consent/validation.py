"""What an uploaded consent declaration must be: a PDF, PNG or JPEG — judged by its content.

The file name and the browser's content type are the uploader's claims, so neither decides
anything: an ``.pdf`` that really is HTML is refused, and the stored type is the detected one.

Why hand-written signatures and not ``puremagic``: we accept exactly three formats, each with a
fixed signature at offset 0. An allowlist of three byte strings is easy to read and review,
and cannot drift when a detection database is updated. ``puremagic`` answers a different question
(what is this, of hundreds of formats, with a confidence, partly guided by the file name);
we only need "is it one of these three, by its first bytes".

This module imports no models: ``consent.models`` and ``consent.storage`` import from it.
"""

from __future__ import annotations

from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"

#: Signature at offset 0 → content type. The PDF header may carry any version (%PDF-1.7, %PDF-2.0).
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
)

#: Content type → the extension a stored file and a download get.
EXTENSIONS: dict[str, str] = {PDF: "pdf", PNG: "png", JPEG: "jpg"}
#: Content type → what the page calls it.
KIND_LABELS: dict[str, str] = {PDF: "PDF", PNG: "PNG", JPEG: "JPEG"}

_HEADER_BYTES = max(len(signature) for signature, _type in SIGNATURES)

MESSAGE_WRONG_TYPE = _(
    "Het bestand is geen PDF, PNG of JPEG. Upload de ondertekende verklaring als PDF, PNG of JPEG."
)
MESSAGE_EMPTY = _("Het bestand is leeg. Upload de ondertekende verklaring als PDF, PNG of JPEG.")
MESSAGE_TOO_LARGE = _("Het bestand is groter dan %(max)s MB.")


def max_upload_bytes() -> int:
    return int(settings.TOOLKID_MAX_UPLOAD_BYTES)


def _size_of(uploaded_file: IO[bytes]) -> int:
    size = getattr(uploaded_file, "size", None)
    if size is not None:
        return int(size)
    position = uploaded_file.tell()
    uploaded_file.seek(0, 2)
    size = uploaded_file.tell()
    uploaded_file.seek(position)
    return size


def sniff(header: bytes) -> str | None:
    """The content type the first bytes prove, or ``None``."""
    for signature, content_type in SIGNATURES:
        if header.startswith(signature):
            return content_type
    return None


def validate_document(uploaded_file: IO[bytes]) -> str:
    """Check an uploaded declaration and return its content type, detected from the content.

    Refuses (``ValidationError`` with a Dutch message, code ``empty``/``too_large``/``type``):
    an empty file, a file over ``settings.TOOLKID_MAX_UPLOAD_BYTES``, and anything whose first
    bytes are not a PDF, PNG or JPEG signature. Leaves the file positioned at its start.
    """
    if uploaded_file is None:
        raise ValidationError(MESSAGE_EMPTY, code="empty")
    size = _size_of(uploaded_file)
    if size <= 0:
        raise ValidationError(MESSAGE_EMPTY, code="empty")
    limit = max_upload_bytes()
    if size > limit:
        megabytes = limit / (1024 * 1024)
        shown = int(megabytes) if megabytes == int(megabytes) else round(megabytes, 1)
        raise ValidationError(MESSAGE_TOO_LARGE, code="too_large", params={"max": shown})
    uploaded_file.seek(0)
    header = uploaded_file.read(_HEADER_BYTES)
    uploaded_file.seek(0)
    content_type = sniff(header or b"")
    if content_type is None:
        raise ValidationError(MESSAGE_WRONG_TYPE, code="type")
    return content_type

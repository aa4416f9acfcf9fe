"""consent.validation: the document is judged by its first bytes, never by name or claimed type."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from consent.validation import validate_document
from tests.consent.conftest import EXE_BYTES, HTML_BYTES, JPEG_BYTES, PDF_BYTES, PNG_BYTES, upload

WRONG_TYPE = "Het bestand is geen PDF, PNG of JPEG. Upload de ondertekende verklaring als PDF, PNG of JPEG."


@pytest.mark.parametrize(
    ("content", "name", "claimed", "expected"),
    [
        (PDF_BYTES, "verklaring.pdf", "application/pdf", "application/pdf"),
        (PNG_BYTES, "scan.png", "image/png", "image/png"),
        (JPEG_BYTES, "foto.jpg", "image/jpeg", "image/jpeg"),
        # The name and the browser's type decide nothing: the content does.
        (PNG_BYTES, "verklaring.pdf", "application/pdf", "image/png"),
        (JPEG_BYTES, "zonder-extensie", "application/octet-stream", "image/jpeg"),
    ],
)
def test_accepts_real_pdf_png_jpeg_by_content(content, name, claimed, expected):
    document = upload(content, name=name, content_type=claimed)
    assert validate_document(document) == expected
    assert document.tell() == 0  # left at the start, ready to be stored


@pytest.mark.parametrize(
    ("content", "name", "claimed"),
    [
        (HTML_BYTES, "verklaring.pdf", "application/pdf"),  # HTML dressed up as a PDF
        (EXE_BYTES, "verklaring.exe", "application/x-msdownload"),
        (EXE_BYTES, "verklaring.pdf", "application/pdf"),
        (b"%PD", "kort.pdf", "application/pdf"),  # shorter than any signature
        (b" %PDF-1.7\n", "spatie.pdf", "application/pdf"),  # signature not at the start
    ],
)
def test_refuses_other_content_with_a_dutch_message(content, name, claimed):
    with pytest.raises(ValidationError) as caught:
        validate_document(upload(content, name=name, content_type=claimed))
    assert caught.value.messages == [WRONG_TYPE]
    assert caught.value.code == "type"


def test_refuses_an_empty_file():
    with pytest.raises(ValidationError) as caught:
        validate_document(upload(b"", name="leeg.pdf"))
    assert caught.value.code == "empty"
    assert caught.value.messages[0].startswith("Het bestand is leeg.")


def test_accepts_exactly_the_limit_and_refuses_one_byte_more(settings):
    limit = 10 * 1024 * 1024
    assert settings.TOOLKID_MAX_UPLOAD_BYTES == limit
    at_limit = PDF_BYTES + b"0" * (limit - len(PDF_BYTES))
    assert validate_document(upload(at_limit)) == "application/pdf"

    with pytest.raises(ValidationError) as caught:
        validate_document(upload(at_limit + b"0"))
    assert caught.value.messages == ["Het bestand is groter dan 10 MB."]
    assert caught.value.code == "too_large"

"""Private storage for signed documents: a folder outside any public URL, server-chosen names.

Files are only ever served by a view that checks permission (consent.views.document_download).
"""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage

from consent.validation import EXTENSIONS

#: Sub-folder of DOCUMENTS_DIR for consent declarations.
CONSENT_FOLDER = "consent"


class PrivateDocumentStorage(FileSystemStorage):
    """Reads DOCUMENTS_DIR on every use, so tests can point it at a temporary folder.

    Files and folders are readable by the application's own user only: these are signed
    health-care documents, not assets.
    """

    def __init__(self) -> None:
        super().__init__(
            base_url=None, file_permissions_mode=0o600, directory_permissions_mode=0o700
        )

    @property
    def base_location(self) -> str:
        return str(settings.DOCUMENTS_DIR)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("Private documents have no URL; serve them through a permission check.")


def private_storage() -> PrivateDocumentStorage:
    return PrivateDocumentStorage()


def document_upload_to(instance, filename: str) -> str:
    """``consent/<uuid4>.<ext>``: a name the server chooses, with the extension of the type
    detected from the content (consent.validation). The uploader's ``filename`` is ignored on
    purpose: it is personal data more often than not, and it decides nothing here."""
    extension = EXTENSIONS.get(instance.document_content_type)
    if extension is None:
        # Only validated content is stored; anything else is a programming error.
        raise ValueError(
            "Set document_content_type from consent.validation before storing a document."
        )
    return f"{CONSENT_FOLDER}/{uuid.uuid4()}.{extension}"

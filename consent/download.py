"""The signed document as a download: one response for the page and the API
(``consent/views.py: document``, ``consent/api.py``), so both stream it with the same headers.
The caller has read the declaration through ``consent_get_for(purpose=DOWNLOAD)``: the
permission check and the EXPORT audit event (L5)."""

from __future__ import annotations

from django.http import FileResponse

from consent.models import ConsentDeclaration


def document_response(declaration: ConsentDeclaration) -> FileResponse:
    """Streamed, as an attachment only (never shown inline), never cached."""
    response = FileResponse(
        declaration.document.open("rb"),
        as_attachment=True,
        filename=declaration.download_filename,
        content_type=declaration.document_content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    # Should a browser render it anyway: no scripts, no requests, no same-origin rights.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response

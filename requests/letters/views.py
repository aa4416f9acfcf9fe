"""Downloads of a request's letters: the request letter, the answer letter and the
consent declaration form, as PDF (``documents.py`` builds them; ``panel.py`` links to them from
the request's page).

Each download: opens the request through ``access.request_get_for`` (one READ, allowed or
denied), asks ``documents.unavailable_reason``, renders, and writes one EXPORT event
(``letter.*_downloaded``) with identifiers only — the document id printed on the letter ties
the paper to that event. A request the actor may not see, or a letter they may not have (yet),
is a 404 like any other, and the refused export is logged too (L5).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from audit.events import record, record_denied
from audit.models import AuditAction
from requests.core import access
from requests.core.models import InformationRequest
from requests.letters import documents as letters
from requests.letters.documents import LetterKind
from toolkid.actors import Actor

PURPOSE = "letter"
_OBJECT_TYPE = InformationRequest._meta.label_lower


def _record_refused(
    actor: Actor, public_id: Any, kind: LetterKind, reason: str, req: InformationRequest | None = None
) -> None:
    """The refused export, next to the refused read that ``request_get_for`` logged (or the
    allowed read of a request whose letter is not available)."""
    spec = letters.SPECS[kind]
    payload = {"letter": kind.value, "reason": reason}
    if req is not None:
        record_denied(
            actor=actor,
            event=spec.event,
            action=AuditAction.EXPORT,
            obj=req,
            parent_ref=req.audit_ref,
            payload=payload,
        )
        return
    # Not visible (or not there): name it the way request_get_for does, by key.
    found = InformationRequest.objects.filter(public_id=public_id).select_related("parent").first()
    record_denied(
        actor=actor,
        event=spec.event,
        action=AuditAction.EXPORT,
        object_type=_OBJECT_TYPE,
        object_id=str(found.pk if found is not None else public_id)[:64],
        parent_ref=found.audit_ref if found is not None else "",
        payload=payload,
    )


def _download(request: HttpRequest, public_id: uuid.UUID, kind: LetterKind) -> HttpResponse:
    actor: Actor = request.actor
    try:
        req = access.request_get_for(actor=actor, pk_or_public_id=public_id, purpose=PURPOSE)
    except Http404:
        _record_refused(actor, public_id, kind, "not_found")
        raise
    reason = letters.unavailable_reason(actor, req, kind)
    if reason is not None:
        _record_refused(actor, public_id, kind, reason, req)
        # The same 404 as for a request that does not exist: nothing about the state leaks
        # (R11: an unconfirmed refusal looks like "no answer yet").
        raise access.not_found()
    document_id = uuid.uuid4()
    pdf = letters.render_letter(actor, req, kind, document_id=document_id)
    # Logged once the file exists: a failed render exported nothing.
    record(
        actor=actor,
        event=letters.SPECS[kind].event,
        action=AuditAction.EXPORT,
        obj=req,
        parent_ref=req.audit_ref,
        payload={"letter": kind.value, "document_id": str(document_id)},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{letters.filename_for(req, kind, document_id)}"'
    # Personal data: never in a shared cache.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def request_letter(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Brief opvragen informatie (R22–R24)."""
    return _download(request, public_id, LetterKind.REQUEST)


@require_GET
def answer_letter(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The answer (R15–R21) or the confirmed refusal (R11, R2)."""
    return _download(request, public_id, LetterKind.ANSWER)


@require_GET
def consent_form(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The pre-filled consent declaration for the parent to sign (R24, L2)."""
    return _download(request, public_id, LetterKind.CONSENT_FORM)



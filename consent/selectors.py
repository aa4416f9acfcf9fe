"""Reads of consent declarations that cross a permission line.

:func:`consent_get_for` is the one access helper: it fetches, asks ``consent.permissions``,
and logs the access (L5, R41) — allowed or denied. Views never fetch a declaration themselves.
"""

from __future__ import annotations

import datetime
import uuid
from enum import StrEnum

from django.db.models import QuerySet
from django.http import Http404

from audit.events import record, record_denied
from audit.models import AuditAction
from consent import permissions
from consent.audit_codes import ConsentAuditCode
from consent.models import ConsentDeclaration, ConsentStatus
from requests.core.models import InformationRequest, Parent
from requests.core.workflow import RequestStatus
from toolkid.actors import Actor
from toolkid.models import Organisation


class ConsentPurpose(StrEnum):
    """Why a declaration is fetched; decides the permission asked and the audit event written."""

    VIEW = "view"  # the detail page: READ "consent.read"
    DOWNLOAD = "download"  # the signed document: EXPORT "consent.document_downloaded"
    REVOKE = "revoke"  # the withdrawal page: holding organisation only; READ "consent.read"
    FHIR = "fhir"  # the FHIR view (docs/adr/0007 §8): as the detail page, READ "consent.read"


_EVENTS: dict[ConsentPurpose, tuple[str, str]] = {
    ConsentPurpose.VIEW: (ConsentAuditCode.READ, AuditAction.READ),
    ConsentPurpose.DOWNLOAD: (ConsentAuditCode.DOCUMENT_DOWNLOADED, AuditAction.EXPORT),
    ConsentPurpose.REVOKE: (ConsentAuditCode.READ, AuditAction.READ),
    ConsentPurpose.FHIR: (ConsentAuditCode.READ, AuditAction.READ),
}


def _as_uuid(value: uuid.UUID | str | None) -> uuid.UUID | None:
    """Not even an id is treated as one that does not exist."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _allowed(actor: Actor, declaration: ConsentDeclaration, purpose: ConsentPurpose) -> bool:
    if purpose is ConsentPurpose.REVOKE:
        return permissions.may_revoke(actor, declaration)
    return permissions.may_view(actor, declaration)


def consent_get_for(
    *, actor: Actor, public_id: uuid.UUID | str, purpose: str
) -> ConsentDeclaration:
    """The declaration ``public_id`` if ``actor`` may use it for ``purpose``; logs the access.

    Raises ``Http404`` — the same whether it does not exist or may not be seen (UI.md) — and
    logs the denial. For ``download`` a declaration without a stored document is a plain 404
    (nothing was exported, nothing is logged as exported).
    """
    purpose = ConsentPurpose(purpose)
    event, action = _EVENTS[purpose]
    key = _as_uuid(public_id)
    declaration = (
        ConsentDeclaration.objects.select_related(
            "parent", "organisation", "recipient", "created_by"
        )
        .filter(public_id=key)
        .first()
        if key is not None
        else None
    )
    if declaration is None or not _allowed(actor, declaration, purpose):
        if declaration is None:
            record_denied(
                actor=actor,
                event=event,
                action=action,
                object_type=ConsentDeclaration._meta.label_lower,
                object_id=str(key) if key else "",
                payload={"purpose": purpose.value},
            )
        else:
            record_denied(
                actor=actor,
                event=event,
                action=action,
                obj=declaration,
                parent_ref=declaration.parent.audit_ref,
                payload={"purpose": purpose.value},
            )
        raise Http404
    if purpose is ConsentPurpose.DOWNLOAD and not (
        declaration.document and declaration.document.storage.exists(declaration.document.name)
    ):
        raise Http404
    record(
        actor=actor,
        event=event,
        action=action,
        obj=declaration,
        parent_ref=declaration.parent.audit_ref,
        payload={"consent": str(declaration.public_id), "purpose": purpose.value},
    )
    return declaration


def consents_for_parent(
    actor: Actor,
    parent: Parent,
    *,
    recipient: Organisation | None = None,
    usable_on: datetime.date | None = None,
) -> QuerySet[ConsentDeclaration]:
    """The declarations the actor's organisation holds for ``parent``, newest first — to pick
    one in the filing form. ``recipient`` narrows to one provider; ``usable_on`` (default: all)
    keeps only valid declarations within their dates on that day (R29).

    Empty for anyone who may not hold them. The caller shows a list of its own organisation's
    data within a page it already logs (the draft request), so no extra event is written here.
    """
    if (
        actor.is_system
        or actor.organisation is None
        or parent.organisation_id != actor.organisation.pk
        or not actor.has_role(*permissions.HOLDER_ROLES)
    ):
        return ConsentDeclaration.objects.none()
    declarations = ConsentDeclaration.objects.filter(
        parent=parent, organisation=actor.organisation
    ).select_related("recipient")
    if recipient is not None:
        declarations = declarations.filter(recipient=recipient)
    if usable_on is not None:
        declarations = declarations.filter(
            status=ConsentStatus.VALID, given_on__lte=usable_on, valid_until__gte=usable_on
        )
    return declarations.order_by("-given_on", "-created_at")


def requests_relying_on(
    declaration: ConsentDeclaration, *, actor: Actor | None = None
) -> QuerySet[InformationRequest]:
    """The requests that carry ``declaration`` (R29). With ``actor``: only those that actor's
    organisation may know of — all of them for the holding organisation, the received non-draft
    ones for the recipient. Without ``actor`` (services): all."""
    relying = InformationRequest.objects.filter(consent_declaration=declaration).select_related(
        "receiving_organisation"
    )
    if actor is not None:
        if permissions.is_holder(actor, declaration):
            relying = relying.filter(requesting_organisation=actor.organisation)
        elif actor.organisation is not None and actor.has_role(*permissions.RECIPIENT_ROLES):
            relying = relying.filter(receiving_organisation=actor.organisation).exclude(
                status=RequestStatus.DRAFT
            )
        else:
            relying = relying.none()
    return relying.order_by("-created_at")


def parent_for_consent(
    *, actor: Actor, public_id: uuid.UUID | str, log_read: bool = True
) -> Parent:
    """The parent a new declaration is recorded for: one of the actor's own organisation, and
    only for a jeugdhulpverlener (``permissions.may_create_for``). Otherwise ``Http404`` and a
    logged denial. ``log_read`` logs showing the parent on the form (L5: reads count)."""
    key = _as_uuid(public_id)
    parent = Parent.objects.filter(public_id=key).first() if key is not None else None
    if parent is None or not permissions.may_create_for(actor, parent):
        if parent is None:
            record_denied(
                actor=actor,
                event=ConsentAuditCode.PARENT_READ,
                action=AuditAction.READ,
                object_type=Parent._meta.label_lower,
                object_id=str(key) if key else "",
                payload={"purpose": "consent_create"},
            )
        else:
            record_denied(
                actor=actor,
                event=ConsentAuditCode.PARENT_READ,
                action=AuditAction.READ,
                obj=parent,
                parent_ref=parent.audit_ref,
                payload={"purpose": "consent_create"},
            )
        raise Http404
    if log_read:
        record(
            actor=actor,
            event=ConsentAuditCode.PARENT_READ,
            action=AuditAction.READ,
            obj=parent,
            parent_ref=parent.audit_ref,
            payload={"purpose": "consent_create"},
        )
    return parent


def draft_request_for(
    *, actor: Actor, parent: Parent, public_id: str | None
) -> InformationRequest | None:
    """The actor's organisation's draft request ``public_id`` about ``parent`` (or about no parent
    yet) — the filing wizard a new declaration returns to. ``None`` for anything else: the
    parameter only steers where to go next, so a wrong one is ignored, not an error."""
    if not public_id or actor.organisation is None:
        return None
    key = _as_uuid(public_id)
    if key is None:
        return None
    draft = InformationRequest.objects.filter(
        public_id=key, requesting_organisation=actor.organisation, status=RequestStatus.DRAFT
    ).first()
    if draft is None or (draft.parent_id is not None and draft.parent_id != parent.pk):
        return None
    return draft

"""Writes about consent declarations. Each takes ``actor=``, checks permission, and records an
audit event in the same transaction as the change.

Denials are recorded *before* the transaction opens (see ``audit.events``: a denial written
inside a transaction that then rolls back would vanish with it). So the public functions check
and log the denial, then call an ``@transaction.atomic`` worker that changes state and writes the
audit event together.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from audit.events import record, record_denied
from audit.models import AuditAction
from consent import permissions
from consent.audit_codes import ConsentAuditCode
from consent.models import ConsentDeclaration, ConsentGiver, ConsentStatus
from consent.validation import validate_document
from requests.core.models import InformationRequest, Parent, RequestEvent, Topic
from toolkid.actors import Actor
from toolkid.errors import Conflict, IllegalMove, Incomplete
from toolkid.limits import MOTIVATION, NAME, SHORT_NOTE, check_length
from toolkid.models import Organisation

#: The RequestEvent kind written on every request that relies on a revoked declaration.
EVENT_CONSENT_REVOKED = "consent_revoked"


def consent_field_errors(
    data: Mapping[str, Any],
    *,
    holding_organisation: Organisation,
    parent: Parent,
    today: datetime.date,
) -> dict[str, str | Promise]:
    """The rules a declaration must satisfy, as ``{field: Dutch message}``.

    Only the keys present in ``data`` are checked, so a form can call this with what it could
    parse (and show every problem in one go); :func:`consent_create` passes everything.
    """
    errors: dict[str, str | Promise] = {}
    errors.update(_recipient_errors(data, holding_organisation=holding_organisation))
    errors.update(_giver_errors(data, parent=parent))
    errors.update(_scope_errors(data))
    errors.update(_date_errors(data, today=today))
    return errors


def _recipient_errors(
    data: Mapping[str, Any], *, holding_organisation: Organisation
) -> dict[str, str | Promise]:
    if "recipient" not in data:
        return {}
    recipient = data["recipient"]
    if (
        not isinstance(recipient, Organisation)
        or not recipient.is_provider
        or not recipient.is_active
        or recipient.pk == holding_organisation.pk
    ):
        return {"recipient": _("Kies de organisatie voor volwassenenzorg die de informatie geeft.")}
    return {}


def _giver_errors(data: Mapping[str, Any], *, parent: Parent) -> dict[str, str | Promise]:
    """Who consented: the parent, or a named representative (L2)."""
    errors: dict[str, str | Promise] = {}
    given_by = data.get("given_by")
    if "given_by" in data:
        if given_by not in ConsentGiver.values:
            errors["given_by"] = _("Kies wie de toestemming heeft gegeven.")
        elif given_by == ConsentGiver.PARENT and parent.is_incapacitated:
            # L2: for an incapacitated adult, a representative consents.
            errors["given_by"] = _(
                "Deze ouder is vastgelegd als wilsonbekwaam. Dan geeft een vertegenwoordiger "
                "toestemming: kies wie dat is."
            )
    if isinstance(data.get("representative_name"), str):
        check_length(errors, "representative_name", data["representative_name"].strip(), NAME)
    if (
        "representative_name" in data
        and given_by in ConsentGiver.values
        and given_by != ConsentGiver.PARENT
    ):
        # L2: consent given by someone else than the parent needs that person's name.
        if not (data.get("representative_name") or "").strip():
            errors["representative_name"] = _(
                "Vul de naam in van de vertegenwoordiger die de toestemming heeft gegeven."
            )
    return errors


def _scope_errors(data: Mapping[str, Any]) -> dict[str, str | Promise]:
    """What the consent covers: the topics and the purpose."""
    errors: dict[str, str | Promise] = {}
    if "topics" in data:
        topics = list(data.get("topics") or [])
        if not topics:
            errors["topics"] = _("Kies ten minste één onderwerp waarvoor de toestemming geldt.")
        elif not set(topics) <= set(Topic.values):
            errors["topics"] = _("Kies alleen uit de onderwerpen a tot en met f.")
    if isinstance(data.get("purpose"), str):
        check_length(errors, "purpose", data["purpose"].strip(), MOTIVATION)
    if "purpose" in data and not (data.get("purpose") or "").strip():
        errors["purpose"] = _("Beschrijf het doel waarvoor de toestemming is gegeven.")
    return errors


def _date_errors(data: Mapping[str, Any], *, today: datetime.date) -> dict[str, str | Promise]:
    """When it was given and until when it holds: not in the future, in order, not expired."""
    errors: dict[str, str | Promise] = {}
    given_on = data.get("given_on")
    valid_until = data.get("valid_until")
    if "given_on" in data:
        if not isinstance(given_on, datetime.date):
            errors["given_on"] = _("Vul de datum in waarop de toestemming is gegeven.")
            given_on = None
        elif given_on > today:
            errors["given_on"] = _(
                "De datum waarop de toestemming is gegeven, kan niet in de toekomst liggen."
            )
    if "valid_until" in data:
        if not isinstance(valid_until, datetime.date):
            errors["valid_until"] = _("Vul de datum in tot wanneer de toestemming geldt.")
        elif isinstance(given_on, datetime.date) and valid_until < given_on:
            errors["valid_until"] = _(
                "De datum ‘geldig tot’ kan niet vóór de datum liggen waarop de toestemming "
                "is gegeven."
            )
        elif valid_until < today:
            errors["valid_until"] = _(
                "Deze toestemming is al verlopen. Vraag de ouder om een nieuwe toestemming."
            )
    return errors


def _normalise_topics(topics: Iterable[str]) -> list[str]:
    return sorted(set(topics))


def consent_create(
    *,
    actor: Actor,
    parent: Parent,
    recipient: Organisation,
    given_by: str,
    representative_name: str,
    topics: Iterable[str],
    purpose: str,
    given_on: datetime.date,
    valid_until: datetime.date,
    document: IO[bytes] | None = None,
) -> ConsentDeclaration:
    """Record a signed consent declaration for ``parent`` (R12, R24, L2).

    - ``actor``: a jeugdhulpverlener of a requester organisation; ``parent`` belongs to it.
      Otherwise ``PermissionDenied`` (the denial is logged).
    - Rules (:func:`consent_field_errors`) and the document (:func:`validate_document`) are
      checked together; any problem raises ``Incomplete`` with a Dutch message per field.
    - ``document`` is stored as ``consent/<uuid4>.<ext>`` in private storage; the name and the
      type come from the server (the detected content), never from the uploader.
    """
    if not permissions.may_create_for(actor, parent):
        record_denied(
            actor=actor,
            event=ConsentAuditCode.CREATED,
            action=AuditAction.CREATE,
            obj=parent,
            parent_ref=parent.audit_ref,
        )
        raise PermissionDenied

    fields = {
        "recipient": recipient,
        "given_by": given_by,
        "representative_name": representative_name,
        "topics": list(topics or []),
        "purpose": purpose,
        "given_on": given_on,
        "valid_until": valid_until,
    }
    content_type, size = _check_create(actor, parent, fields, document)
    declaration = _unsaved_declaration(actor, parent, fields, content_type=content_type)
    if document is not None:
        _attach_document(declaration, document, size)
    try:
        return _create(actor=actor, declaration=declaration)
    except BaseException:
        # Nothing in the database refers to the file: do not leave it behind. (Should a
        # caller's outer transaction roll back after we return, the file stays unreferenced
        # in private storage: harmless, and findable by comparing the folder with the table.)
        if declaration.document:
            declaration.document.storage.delete(declaration.document.name)
        raise


def _check_create(
    actor: Actor, parent: Parent, fields: dict[str, Any], document: IO[bytes] | None
) -> tuple[str, int | None]:
    """The rules and the document checked together: every problem at once as ``Incomplete``,
    else the document's detected content type and size."""
    errors = consent_field_errors(
        fields, holding_organisation=actor.organisation, parent=parent, today=timezone.localdate()
    )
    content_type, size, document_errors = _document_facts(document)
    errors.update(document_errors)
    if errors:
        raise Incomplete(errors)
    return content_type, size


def _unsaved_declaration(
    actor: Actor, parent: Parent, fields: dict[str, Any], *, content_type: str
) -> ConsentDeclaration:
    given_by = fields["given_by"]
    return ConsentDeclaration(
        parent=parent,
        organisation=actor.organisation,
        given_by=given_by,
        # The representative's name only means something when a representative consented.
        representative_name=(fields["representative_name"] or "").strip()
        if given_by != ConsentGiver.PARENT
        else "",
        topics=_normalise_topics(fields["topics"]),
        recipient=fields["recipient"],
        purpose=fields["purpose"].strip(),
        given_on=fields["given_on"],
        valid_until=fields["valid_until"],
        document_content_type=content_type,
        created_by=actor.user,
    )


def _document_facts(document: IO[bytes] | None) -> tuple[str, int | None, dict[str, str]]:
    """``(content_type, size, errors)`` of the uploaded document: the type detected from its
    content (:func:`validate_document`), or ``{"document": message}`` when it is refused."""
    if document is None:
        return "", None, {}
    try:
        content_type = validate_document(document)
    except ValidationError as exc:
        return "", None, {"document": exc.messages[0]}
    size = int(document.size) if getattr(document, "size", None) is not None else None
    return content_type, size, {}


def _attach_document(declaration: ConsentDeclaration, document: IO[bytes], size: int | None) -> None:
    """Stores the file in private storage under a name the server chooses (not yet the row)."""
    if not isinstance(document, File):
        document = File(document)
    # The name passed here is ignored by document_upload_to: the server chooses it.
    declaration.document.save("verklaring", document, save=False)
    declaration.document_size = size if size is not None else declaration.document.size


@transaction.atomic
def _create(*, actor: Actor, declaration: ConsentDeclaration) -> ConsentDeclaration:
    declaration.save()
    record(
        actor=actor,
        event=ConsentAuditCode.CREATED,
        action=AuditAction.CREATE,
        obj=declaration,
        parent_ref=declaration.parent.audit_ref,
        payload={
            "consent": str(declaration.public_id),
            "recipient_id": declaration.recipient_id,
            "given_by": declaration.given_by,
            "topics": list(declaration.topics),
            "given_on": declaration.given_on.isoformat(),
            "valid_until": declaration.valid_until.isoformat(),
            "document_content_type": declaration.document_content_type or None,
            "document_size": declaration.document_size,
        },
    )
    return declaration


def consent_revoke(
    *,
    actor: Actor,
    declaration: ConsentDeclaration,
    revoked_on: datetime.date,
    note: str = "",
) -> ConsentDeclaration:
    """Record that the parent (or representative) withdrew consent (R12, R29).

    Locks the declaration, moves it valid → revoked, writes a ``RequestEvent`` of kind
    ``consent_revoked`` on every request relying on it, and the audit event ``consent.revoked``,
    all in one transaction. Raises ``PermissionDenied`` (logged) outside the holding
    organisation, ``Incomplete`` for a wrong date or too long a note, ``IllegalMove`` when it
    was already revoked. Returns the fresh, revoked declaration.
    """
    if not permissions.may_revoke(actor, declaration):
        record_denied(
            actor=actor,
            event=ConsentAuditCode.REVOKED,
            action=AuditAction.UPDATE,
            obj=declaration,
            parent_ref=declaration.parent.audit_ref,
        )
        raise PermissionDenied

    note = (note or "").strip()
    today = timezone.localdate()
    errors: dict[str, str | Promise] = {}
    if not isinstance(revoked_on, datetime.date):
        errors["revoked_on"] = _("Vul de datum in waarop de toestemming is ingetrokken.")
    elif revoked_on > today:
        errors["revoked_on"] = _("De datum van intrekking kan niet in de toekomst liggen.")
    elif revoked_on < declaration.given_on:
        errors["revoked_on"] = _(
            "De datum van intrekking kan niet vóór de datum liggen waarop de toestemming "
            "is gegeven."
        )
    check_length(errors, "note", note, SHORT_NOTE)
    if errors:
        raise Incomplete(errors)
    return _revoke(actor=actor, declaration=declaration, revoked_on=revoked_on, note=note)


def _already_revoked(declaration: ConsentDeclaration) -> IllegalMove:
    when = declaration.revoked_on.strftime("%d-%m-%Y") if declaration.revoked_on else ""
    return IllegalMove(
        gettext("Deze toestemming is al ingetrokken (op %(date)s). Er is niets gewijzigd.")
        % {"date": when},
        code="already_revoked",
    )


@transaction.atomic
def _revoke(
    *, actor: Actor, declaration: ConsentDeclaration, revoked_on: datetime.date, note: str
) -> ConsentDeclaration:
    locked = (
        ConsentDeclaration.objects.select_for_update()
        .select_related("parent")
        .get(pk=declaration.pk)
    )
    if locked.status == ConsentStatus.REVOKED:
        raise _already_revoked(locked)
    try:
        locked.revoke()
    except TransitionNotAllowed:
        raise _already_revoked(locked) from None
    locked.revoked_on = revoked_on
    locked.revocation_note = note
    try:
        locked.save()
    except ConcurrentTransition:
        raise Conflict(
            _("Een collega heeft deze toestemming zojuist gewijzigd. Bekijk de huidige stand.")
        ) from None

    relying = list(InformationRequest.objects.filter(consent_declaration=locked).order_by("pk"))
    for information_request in relying:
        # Not a transition of the request: its status stays, its timeline shows the fact and
        # the provider has to re-decide (R29 no longer carries an answer; R30–R31).
        RequestEvent.objects.create(
            request=information_request,
            actor=actor.user,
            organisation=actor.organisation,
            kind=EVENT_CONSENT_REVOKED,
            data={"consent": str(locked.public_id), "revoked_on": revoked_on.isoformat()},
        )
    record(
        actor=actor,
        event=ConsentAuditCode.REVOKED,
        action=AuditAction.UPDATE,
        obj=locked,
        parent_ref=locked.parent.audit_ref,
        payload={
            "consent": str(locked.public_id),
            "from": ConsentStatus.VALID.value,
            "to": ConsentStatus.REVOKED.value,
            "revoked_on": revoked_on.isoformat(),
            "requests": [str(r.public_id) for r in relying],
        },
    )
    return locked

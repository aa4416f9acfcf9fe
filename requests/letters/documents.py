"""Letters as PDF: the request letter ("brief opvragen informatie", R22–R24 with the
path's explanations), the answer letter (per topic, with the careful-provision statements of
R15–R21; or a confirmed refusal with R2), and a pre-filled consent declaration form for the
parent to sign (R12, R24, L2).

Builders only: nothing here checks access or writes the audit trail. ``requests/letters/views.py``
opens the request through ``requests.core.access.request_get_for``, asks :func:`unavailable_reason`,
renders with :func:`render_letter` and logs the export.

What a letter shows does not depend on who downloads it: the request letter and the answer letter
travel between the two organisations, so they hold what the *requester side* may see — never a
provider-internal field (``access.PROVIDER_INTERNAL_FIELDS``: consultations, weighing, the
second person's note), the decision only for a confirmed refusal (R11). Rendering reuses
``audit.reports.render_pdf``: WeasyPrint, only the fonts shipped in ``static/fonts``, no network.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.reports import render_pdf
from consent.permissions import HOLDER_ROLES
from requests.core import access, basis
from requests.core.models import (
    ConsentPath,
    Decision,
    InformationRequest,
    RepresentativeKind,
    Topic,
)
from requests.core.workflow import RequestStatus
from toolkid.actors import Actor
from toolkid.models import Organisation, User

S = RequestStatus

#: The consent form proposes this term; the parent may strike it and write another date.
CONSENT_FORM_VALID_DAYS = 183

#: ``unavailable_reason`` codes (audit payloads: codes, never text).
NOT_AVAILABLE = "not_available"
NOT_PERMITTED = "not_permitted"

#: The states in which the requester side may know of a refusal (R11; ``access``).
_REFUSAL_STATES = (S.REFUSED, S.CONTESTED, S.CLOSED)
_ANSWER_STATES = (S.ANSWERED, S.CLOSED)


class LetterKind(StrEnum):
    REQUEST = "request"
    ANSWER = "answer"
    CONSENT_FORM = "consent_form"


@dataclass(frozen=True)
class LetterSpec:
    kind: LetterKind
    #: The EXPORT event written for each download (and each refused one).
    event: str
    template: str
    #: The start of the file name (Dutch: the user sees it).
    filename: str
    title: Any
    #: The link text on the request's page.
    label: Any


SPECS: dict[LetterKind, LetterSpec] = {
    LetterKind.REQUEST: LetterSpec(
        LetterKind.REQUEST,
        "letter.request_downloaded",
        "requests/letters/request_letter.html",
        "verzoek-om-informatie",
        gettext_lazy("Verzoek om informatie"),
        gettext_lazy("Brief opvragen informatie (PDF)"),
    ),
    LetterKind.ANSWER: LetterSpec(
        LetterKind.ANSWER,
        "letter.answer_downloaded",
        "requests/letters/answer_letter.html",
        "antwoord-op-verzoek",
        gettext_lazy("Antwoord op uw verzoek om informatie"),
        gettext_lazy("Antwoordbrief (PDF)"),
    ),
    LetterKind.CONSENT_FORM: LetterSpec(
        LetterKind.CONSENT_FORM,
        "letter.consent_form_downloaded",
        "requests/letters/consent_form.html",
        "toestemmingsverklaring-formulier",
        gettext_lazy("Toestemmingsverklaring"),
        gettext_lazy("Toestemmingsverklaring om te laten ondertekenen (PDF)"),
    ),
}


# --------------------------------------------------------------------------------------------
# Availability: one function, used by the views (download) and the request's page (links)
# --------------------------------------------------------------------------------------------


def answer_kind(actor: Actor, req: InformationRequest) -> str | None:
    """``"answer"`` once the answer was sent, ``"refusal"`` for a refusal confirmed by a second
    person (R11), else ``None``. A refusal still waiting for confirmation is ``None`` for
    everyone: the letter is what the requester receives, and they do not know of it yet."""
    visible = access.status_for(actor, req)
    if req.answered_at is not None and visible in _ANSWER_STATES:
        return "answer"
    if (
        req.decision == Decision.NOT_PROVIDE
        and req.refusal_confirmed_at is not None
        and visible in _REFUSAL_STATES
        and access.decision_visible_to(actor, req)
    ):
        return "refusal"
    return None


def unavailable_reason(actor: Actor, req: InformationRequest, kind: LetterKind) -> str | None:
    """Why ``actor`` cannot have this letter of a request they may see (``None``: they can).

    - request letter: once sent (a draft is not yet a letter);
    - answer letter: once answered, or a confirmed refusal (R11);
    - consent form: the requester side (the holders of declarations, ``consent.permissions``),
      not on path C (R35, R40: nothing reaches the parent) and not for a withdrawn request.
    """
    if kind is LetterKind.REQUEST:
        return NOT_AVAILABLE if req.status == S.DRAFT else None
    if kind is LetterKind.ANSWER:
        return None if answer_kind(actor, req) else NOT_AVAILABLE
    if not (
        access.is_acting(actor)
        and actor.organisation.pk == req.requesting_organisation_id
        and actor.has_role(*HOLDER_ROLES)
    ):
        return NOT_PERMITTED
    if req.consent_path == ConsentPath.C or req.status == S.WITHDRAWN:
        return NOT_AVAILABLE
    return None


def available_letters(actor: Actor, req: InformationRequest) -> list[LetterSpec]:
    """The letters ``actor`` can download now, for the request's page (writes nothing)."""
    return [spec for kind, spec in SPECS.items() if unavailable_reason(actor, req, kind) is None]


# --------------------------------------------------------------------------------------------
# Building blocks
# --------------------------------------------------------------------------------------------


def person(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _letterhead(org: Organisation | None) -> dict[str, str]:
    if org is None:
        return {"name": "", "kind": "", "municipality": ""}
    return {"name": org.name, "kind": org.get_kind_display(), "municipality": org.municipality}


def _children(req: InformationRequest, day: dt.date) -> list[dict[str, Any]]:
    return [
        {"name": child.name_or_initials, "born": child.date_of_birth, "age": age_on(child.date_of_birth, day)}
        for child in req.children.all()
    ]


def _topics(req: InformationRequest) -> list[Any]:
    return list(req.topics.all())


def _common(
    req: InformationRequest,
    spec: LetterSpec,
    letterhead: Organisation | None,
    document_id: uuid.UUID,
    generated_by: str,
) -> dict[str, Any]:
    now = timezone.localtime()
    return {
        "spec": spec,
        "title": str(spec.title),
        # audit.reports.render_pdf prints ``scope_label`` in the page header: the letterhead.
        "scope_label": letterhead.name if letterhead else "",
        "letterhead": _letterhead(letterhead),
        "document_id": document_id,
        "generated_at": now,
        "generated_by": generated_by,
        "req": req,
        "reference": req.reference or "",
        "path_c": req.consent_path == ConsentPath.C,
    }


# --------------------------------------------------------------------------------------------
# The three letters
# --------------------------------------------------------------------------------------------


def request_letter_context(req: InformationRequest, **common: Any) -> dict[str, Any]:
    """R22–R24 and the path's explanations (R30 / R32–R33, or the declaration of R24/R29)."""
    sent_on = timezone.localdate(req.submitted_at) if req.submitted_at else timezone.localdate()
    parent = req.parent
    return {
        **_common(req, SPECS[LetterKind.REQUEST], req.requesting_organisation, **common),
        "letter_date": sent_on,
        "addressee": req.receiving_organisation,
        "attention_of": person(req.intended_clinician),
        "sender": person(req.requester),
        "parent": parent,
        "children": _children(req, sent_on),
        "topics": _topics(req),
        "declaration": req.consent_declaration if req.consent_path == ConsentPath.A else None,
    }


def answer_letter_context(req: InformationRequest, kind: str, **common: Any) -> dict[str, Any]:
    """The answer per topic (R15–R18) with the fixed careful-provision paragraph (R15–R21), or
    the confirmed refusal with its motivation (R39, R4), R11, R2 and R8. Only fields the
    requester may see (``access.DECISION_FIELDS`` only for the refusal)."""
    refusal = kind == "refusal"
    if refusal:
        when = req.refusal_confirmed_at or req.decided_at
        signed_by = person(req.decided_by)
    else:
        when = req.answered_at
        signed_by = person(req.answered_by)
    return {
        **_common(req, SPECS[LetterKind.ANSWER], req.receiving_organisation, **common),
        "letter_date": timezone.localdate(when) if when else timezone.localdate(),
        "addressee": req.requesting_organisation,
        "attention_of": person(req.requester),
        "signed_by": signed_by,
        "parent": req.parent,
        "children": _children(req, timezone.localdate()),
        "topics": _topics(req),
        "refusal": refusal,
        "decision_motivation": req.decision_motivation if refusal else "",
        "ots_not_needed_motivation": req.ots_not_needed_motivation if refusal else "",
        "refusal_confirmed_on": timezone.localdate(req.refusal_confirmed_at)
        if refusal and req.refusal_confirmed_at
        else None,
        # R31b, R39: provided although the parent did not agree (handling/_answer_basis.html).
        "answer_basis": None if refusal else basis.answer_basis(req),
    }


def consent_purpose(req: InformationRequest) -> str:
    """The purpose on the form: neutral, for the parent to read and sign (R12, R13). It names no
    reason, severity or suspicion from the request: the professional explains those in the
    conversation; the form says what the exchange is for."""
    requesting = req.requesting_organisation.name
    return _(
        "Informatie uitwisselen tussen mijn zorgverlener en %(org)s, zodat %(org)s de veiligheid "
        "en de ontwikkeling van mijn kind(eren) goed kan inschatten en de juiste hulp kan bieden."
    ) % {"org": requesting}


def consent_form_context(req: InformationRequest, **common: Any) -> dict[str, Any]:
    """Whose data, which topics (R14 descriptions), which recipient, which purpose, valid until,
    signature lines; the representative's section (L2) pre-filled only when the request records
    the parent as incapacitated, else blank."""
    today = timezone.localdate()
    topics = _topics(req)
    parent = req.parent
    return {
        **_common(req, SPECS[LetterKind.CONSENT_FORM], req.requesting_organisation, **common),
        "letter_date": today,
        "parent": parent,
        "children": _children(req, today),
        "provider": req.receiving_organisation,
        "requesting": req.requesting_organisation,
        "professional": person(req.requester),
        # The requested topics; none chosen yet (a draft): all six, to tick.
        "topics": [t.get_topic_display() for t in topics],
        "all_topics": [] if topics else [label for _value, label in Topic.choices],
        "purpose": consent_purpose(req),
        "valid_until": today + dt.timedelta(days=CONSENT_FORM_VALID_DAYS),
        "representative": parent if parent is not None and parent.is_incapacitated else None,
        # L2: who may consent for an incapacitated parent, in the law's order of precedence.
        "representative_kinds": [label for _value, label in RepresentativeKind.choices],
    }


def letter_context(
    actor: Actor, req: InformationRequest, kind: LetterKind, *, document_id: uuid.UUID
) -> dict[str, Any]:
    common = {"document_id": document_id, "generated_by": person(actor.user)}
    if kind is LetterKind.REQUEST:
        return request_letter_context(req, **common)
    if kind is LetterKind.ANSWER:
        found = answer_kind(actor, req)
        if found is None:
            raise ValueError("no answer letter for this request (check unavailable_reason first)")
        return answer_letter_context(req, found, **common)
    return consent_form_context(req, **common)


def render_letter(
    actor: Actor, req: InformationRequest, kind: LetterKind, *, document_id: uuid.UUID
) -> bytes:
    """The letter as PDF bytes. Call :func:`unavailable_reason` first; this checks nothing."""
    context = letter_context(actor, req, kind, document_id=document_id)
    return render_pdf(SPECS[kind].template, context)


def filename_for(req: InformationRequest, kind: LetterKind, document_id: uuid.UUID) -> str:
    ref = req.reference or req.public_id.hex[:8]
    return f"{SPECS[kind].filename}-{ref}-{document_id.hex[:8]}.pdf"

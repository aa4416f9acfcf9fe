"""The draft: started once per start form (R6: after the phone call), saved step by step, edited
again after a return for reformulation (R7). Values are checked for type and choice here;
completeness only on submit (``requests/core/rules.py``)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.events import record
from audit.models import AuditAction
from consent.models import ConsentDeclaration
from requests.core import policy, rules
from requests.core.audit_codes import RequestAuditCode
from requests.core.bsn import is_valid_bsn, normalise_bsn
from requests.core.events import RequestEventKind
from requests.core.models import (
    Child,
    ConsentPath,
    InformationRequest,
    LegalFramework,
    Parent,
    RepresentativeKind,
    RequestedTopic,
    Severity,
    Topic,
)
from requests.core.plumbing import (
    as_date,
    blank,
    clean_text,
    enforce,
    limited_text,
    local_today,
    lock,
    log_step,
    reject_unknown,
    require_visible,
    save,
    service,
)
from requests.core.workflow import RequestStatus as S
from requests.filing import selectors as filing_selectors
from toolkid.actors import Actor
from toolkid.errors import Incomplete
from toolkid.limits import NAME, QUESTION
from toolkid.models import Organisation, User

#: What ``request_draft_update(fields=...)`` may set. Anything else is a programming error.
DRAFT_FIELDS: frozenset[str] = frozenset(
    {
        "draft_step",
        "receiving_organisation",
        "intended_clinician",
        "parent",
        "phone_contact_date",
        "phone_contact_with",
        "legal_framework",
        "framework_change_reason",
        "has_ots",
        "severity",
        "reason",
        "no_parenting_judgement_confirmed",
        "consent_path",
        "consent_declaration",
        *rules.PATH_B_EXPLANATIONS,
        "b_will_inform_parent",
        *rules.PATH_C_EXPLANATIONS,
    }
)


#: Fields that cannot change once the provider has seen the request (R7: it comes back to
#: the same organisation, about the same parent).
_FIXED_AFTER_SUBMIT: frozenset[str] = frozenset({"receiving_organisation", "parent"})


PARENT_FIELDS: frozenset[str] = frozenset(
    {
        "name",
        "date_of_birth",
        "bsn",
        "is_incapacitated",
        "representative_name",
        "representative_kind",
    }
)


CHILD_FIELDS: frozenset[str] = frozenset({"name_or_initials", "date_of_birth"})


TOPIC_FIELDS: frozenset[str] = frozenset({"topic", "question"})


BOOLEAN_FIELDS = frozenset({"has_ots", "no_parenting_judgement_confirmed", "b_will_inform_parent"})


_DATE_FIELDS = frozenset({"phone_contact_date"})


_CHOICE_FIELDS: dict[str, Iterable[str]] = {
    "legal_framework": LegalFramework.values,
    "severity": Severity.values,
    "consent_path": ConsentPath.values,
}


@service(RequestAuditCode.DRAFT_CREATED, AuditAction.CREATE)
def request_draft_create(*, actor: Actor, start_token: uuid.UUID | None = None) -> InformationRequest:
    """A new, empty draft of the actor's (youth-care) organisation; only they see it.

    ``start_token`` (the start form's) makes it idempotent: the same token gives the same draft,
    also for two posts at the same moment (a unique column; the loser finds the winner's row)."""
    enforce(policy.may_file(actor))
    if start_token is not None:
        already = InformationRequest.objects.filter(start_token=start_token, requester=actor.user).first()
        if already is not None:
            return already
    org = actor.organisation
    suggested = rules.suggest_framework(org.kind, False)
    req = InformationRequest(
        requesting_organisation=org,
        requester=actor.user,
        # L3: suggested, not chosen: the framework stays empty until the requester picks it.
        suggested_framework=suggested,
        start_token=start_token,
    )
    try:
        with transaction.atomic():  # a savepoint: the outer transaction survives a lost race
            save(actor, req)
    except IntegrityError:
        if start_token is None:
            raise
        return InformationRequest.objects.get(start_token=start_token, requester=actor.user)
    log_step(
        actor,
        req,
        kind=RequestEventKind.CREATED,
        transition=("", str(req.status)),
    )
    return req


@service(RequestAuditCode.DRAFT_UPDATED)
def request_draft_update(
    *,
    actor: Actor,
    request: InformationRequest,
    fields: dict[str, Any],
    children: list[dict[str, Any]] | None = None,
    topics: list[dict[str, Any]] | None = None,
    parent: dict[str, Any] | None = None,
) -> InformationRequest:
    """Save (part of) a draft, or edit a request returned for reformulation (R7).

    ``fields`` may hold only :data:`DRAFT_FIELDS`; ``children``/``topics`` replace the lists
    when given; ``parent`` creates or updates the parent (owned by the requesting
    organisation). Values are checked for type and choice here; completeness only on submit.
    """
    reject_unknown(fields, DRAFT_FIELDS, "fields")
    req = lock(request)
    require_visible(actor, req)
    enforce(policy.may_edit(actor, req))
    errors: dict[str, str] = {}
    if req.status == S.RETURNED:
        for name in sorted(_FIXED_AFTER_SUBMIT & set(fields)):
            errors[name] = _("Dit kan niet meer worden gewijzigd nadat het verzoek is ingediend.")

    previous_suggestion = req.suggested_framework
    for name, value in fields.items():
        if name in errors:
            continue
        _apply_draft_field(req, name, value, errors)

    _follow_the_suggestion(req, fields, previous_suggestion)

    if parent is not None:
        if req.status == S.RETURNED and req.parent_id is None:
            errors["parent_name"] = _("Dit kan niet meer worden gewijzigd nadat het verzoek is ingediend.")
        else:
            _apply_parent(actor, req, parent, errors)
    if errors:
        raise Incomplete(errors)
    save(actor, req)

    data: dict[str, Any] = {"fields": sorted(fields)}
    if children is not None:
        _replace_children(req, children, errors)
        data["children"] = len(children)
    if topics is not None:
        _replace_topics(req, topics, errors)
        data["topics"] = sorted(str(t.get("topic", "")) for t in topics)
    if parent is not None:
        data["parent_id"] = req.parent_id
    if errors:
        raise Incomplete(errors)
    log_step(actor, req, kind=RequestEventKind.DRAFT_UPDATED, data=data)
    return req


def _follow_the_suggestion(req: InformationRequest, fields: dict[str, Any], previous: str) -> None:
    """L3: keep the suggestion current (the OTS and the consent path change it). A chosen ground
    follows a changed OTS only when it was the suggestion and no ground is sent with it; an
    empty one is never filled in, and a changed consent path never switches the ground
    silently: the review step flags a contradiction instead."""
    req.suggested_framework = rules.suggest_framework(
        req.requesting_organisation.kind, req.has_ots, req.consent_path
    )
    if (
        "has_ots" in fields
        and "legal_framework" not in fields
        and req.legal_framework
        and req.legal_framework == previous
    ):
        req.legal_framework = req.suggested_framework


def _apply_draft_field(req: InformationRequest, name: str, value: Any, errors: dict[str, str]) -> None:
    org = req.requesting_organisation
    if name == "receiving_organisation":
        receiver = (
            value
            if isinstance(value, Organisation) or value is None
            else (Organisation.objects.filter(pk=value).first())
        )
        if value is not None and receiver is None:
            errors[name] = _("Onbekende organisatie.")
            return
        req.receiving_organisation = receiver
    elif name == "intended_clinician":
        clinician = (
            value if isinstance(value, User) or value is None else User.objects.filter(pk=value).first()
        )
        if value is not None and clinician is None:
            errors[name] = _("Onbekende zorgverlener.")
            return
        req.intended_clinician = clinician
    elif name == "parent":
        chosen = (
            value if isinstance(value, Parent) or value is None else Parent.objects.filter(pk=value).first()
        )
        if value is not None and (chosen is None or chosen.organisation_id != org.pk):
            errors["parent_name"] = _("Onbekende ouder.")
            return
        req.parent = chosen
    elif name == "consent_declaration":
        declaration = (
            value
            if isinstance(value, ConsentDeclaration) or value is None
            else (ConsentDeclaration.objects.filter(pk=value).first())
        )
        # Only the requesting organisation's own declarations may be attached (R24).
        if value is not None and (declaration is None or declaration.organisation_id != org.pk):
            errors[name] = _("Onbekende toestemmingsverklaring.")
            return
        req.consent_declaration = declaration
    elif name in BOOLEAN_FIELDS:
        setattr(req, name, bool(value))
    elif name in _DATE_FIELDS:
        try:
            setattr(req, name, as_date(value))
        except ValueError:
            errors[name] = _("Ongeldige datum.")
    elif name in _CHOICE_FIELDS:
        text = clean_text(value)
        if text and text not in _CHOICE_FIELDS[name]:
            errors[name] = _("Ongeldige keuze.")
            return
        setattr(req, name, text)
    else:
        setattr(req, name, limited_text(value, name, errors, text_limit_of(name)))


def text_limit_of(name: str) -> int:
    """How long a request's text field may be: the model's limit (``toolkid.limits``)."""
    return InformationRequest._meta.get_field(name).max_length


def _apply_parent(
    actor: Actor, req: InformationRequest, data: dict[str, Any], errors: dict[str, str]
) -> None:
    """Create or update the parent, owned by the requesting organisation.

    A parent is one record per person per organisation: a BSN that matches another parent of
    the organisation links that record (their consent declarations hang from it); a changed
    BSN on a parent with a BSN means another person, never an edit of the first.
    """
    reject_unknown(data, PARENT_FIELDS, "parent")
    org = req.requesting_organisation
    target = req.parent if req.parent_id and req.parent.organisation_id == org.pk else None
    bsn = normalise_bsn(data["bsn"]) if "bsn" in data and data["bsn"] else ""
    if "bsn" in data and bsn and not is_valid_bsn(bsn):
        errors["parent_bsn"] = _("Dit is geen geldig BSN (negen cijfers, elfproef).")
        return
    if bsn and (target is None or target.bsn != bsn):
        same_person = Parent.objects.filter(organisation=org, bsn=bsn).first()
        if same_person is not None:
            target = same_person
        elif target is not None and target.bsn:
            target = None  # a different person: a new record
    if target is None:
        target = Parent(organisation=org)
    for name in ("name", "representative_name"):
        if name in data:
            setattr(target, name, limited_text(data[name], f"parent_{name}", errors, NAME))
    if "bsn" in data:
        target.bsn = bsn
    if "is_incapacitated" in data:
        target.is_incapacitated = bool(data["is_incapacitated"])
    if "representative_kind" in data:
        kind = clean_text(data["representative_kind"])
        if kind and kind not in RepresentativeKind.values:
            errors["parent_representative_kind"] = _("Ongeldige keuze.")
        target.representative_kind = kind
    if "date_of_birth" in data:
        try:
            target.date_of_birth = as_date(data["date_of_birth"])
        except ValueError:
            errors["parent_date_of_birth"] = _("Ongeldige datum.")
    if blank(target.name):
        errors.setdefault("parent_name", _("Vul de naam van de ouder in."))
    if target.date_of_birth is None:
        errors.setdefault("parent_date_of_birth", _("Vul de geboortedatum van de ouder in."))
    elif target.date_of_birth > local_today():
        errors["parent_date_of_birth"] = _("De geboortedatum ligt in de toekomst.")
    if errors:
        return
    target._history_user = actor.user
    target.save()
    req.parent = target


def _replace_children(
    req: InformationRequest, children: list[dict[str, Any]], errors: dict[str, str]
) -> None:
    rows: list[Child] = []
    for index, item in enumerate(children):
        reject_unknown(item, CHILD_FIELDS, "children")
        name = limited_text(item.get("name_or_initials"), f"children-{index}-name_or_initials", errors, NAME)
        try:
            born = as_date(item.get("date_of_birth"))
        except ValueError:
            born = None
        if not name:
            errors[f"children-{index}-name_or_initials"] = _("Vul de naam of initialen van het kind in.")
        if born is None:
            errors[f"children-{index}-date_of_birth"] = _("Vul de geboortedatum van het kind in.")
        elif born > local_today():
            errors[f"children-{index}-date_of_birth"] = _(
                "De geboortedatum van het kind ligt in de toekomst."
            )
        rows.append(Child(request=req, name_or_initials=name, date_of_birth=born))
    if errors:
        return
    req.children.all().delete()
    Child.objects.bulk_create(rows)


def _replace_topics(req: InformationRequest, topics: list[dict[str, Any]], errors: dict[str, str]) -> None:
    rows: list[RequestedTopic] = []
    seen: set[str] = set()
    for item in topics:
        reject_unknown(item, TOPIC_FIELDS, "topics")
        letter = clean_text(item.get("topic"))
        if letter not in Topic.values or letter in seen:
            errors["topics"] = _("Kies elk onderwerp (a–f) hooguit één keer.")
            continue
        seen.add(letter)
        question = limited_text(item.get("question"), f"topics-{letter}-question", errors, QUESTION)
        rows.append(RequestedTopic(request=req, topic=letter, question=question))
    if errors:
        return
    req.topics.all().delete()
    RequestedTopic.objects.bulk_create(rows)


#: How long an empty draft may wait for its first save before the nightly task removes it.
EMPTY_DRAFT_GRACE = dt.timedelta(days=1)


def empty_drafts_remove(*, actor: Actor, now: dt.datetime | None = None) -> int:
    """Remove the drafts nobody typed anything in (``filing_selectors.empty_drafts``) that are
    older than :data:`EMPTY_DRAFT_GRACE`: a click on "Nieuw informatieverzoek" that led nowhere
    holds no data and should not clutter a list. Each removal is one audit event (ids only), in
    its own transaction, so a failure halfway keeps what was done. Returns how many."""
    cutoff = (now or timezone.now()) - EMPTY_DRAFT_GRACE
    removed = 0
    for pk in filing_selectors.empty_drafts().filter(created_at__lt=cutoff).values_list("pk", flat=True):
        with transaction.atomic():
            # Locked and checked again: the requester may have typed in it a moment ago.
            req = filing_selectors.empty_drafts().select_for_update().filter(pk=pk).first()
            if req is None:
                continue
            record(
                actor=actor,
                event=RequestAuditCode.EMPTY_DRAFT_REMOVED,
                action=AuditAction.DELETE,
                object_type=InformationRequest._meta.label_lower,
                object_id=str(req.pk),
                payload={"requesting_organisation_id": req.requesting_organisation_id},
            )
            req.delete()
            removed += 1
    return removed

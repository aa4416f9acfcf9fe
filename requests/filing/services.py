"""Every write of the requesting side (R6-R21, R7, R8, R29): the draft, submitting and resubmitting
it, withdrawing it, closing it after reading the answer, deciding the consent path again and
contesting a refusal. The steps every service takes are in ``requests/core/plumbing.py``; who may
do what, in ``requests/core/policy.py``."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditAction
from consent.models import ConsentDeclaration
from requests.core import clock, policy, rules
from requests.core.audit_codes import RequestAuditCode
from requests.core.bsn import is_valid_bsn, normalise_bsn
from requests.core.events import RequestEventKind
from requests.core.models import (
    Child,
    ConsentPath,
    InformationRequest,
    LegalAdvice,
    LegalAdviceOrigin,
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
    check_seen,
    clean_text,
    clear_decision,
    enforce,
    iso,
    local_today,
    lock,
    log_step,
    move,
    refer_to_legal,
    reject_unknown,
    require_visible,
    save,
    service,
)
from requests.core.workflow import RequestStatus as S
from toolkid.actors import Actor
from toolkid.errors import Incomplete
from toolkid.models import Organisation, Role, User
from toolkid.working_calendar import explain_due_date

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


#: What ``request_redecide_consent_path(fields=...)`` may set.
CONSENT_PATH_FIELDS: frozenset[str] = frozenset(
    {
        *rules.PATH_B_EXPLANATIONS,
        "b_will_inform_parent",
        *rules.PATH_C_EXPLANATIONS,
    }
)


_BOOLEAN_FIELDS = frozenset({"has_ots", "no_parenting_judgement_confirmed", "b_will_inform_parent"})


_DATE_FIELDS = frozenset({"phone_contact_date"})


_CHOICE_FIELDS: dict[str, Iterable[str]] = {
    "legal_framework": LegalFramework.values,
    "severity": Severity.values,
    "consent_path": ConsentPath.values,
}


@service(RequestAuditCode.DRAFT_CREATED, AuditAction.CREATE)
def request_draft_create(*, actor: Actor) -> InformationRequest:
    """A new, empty draft of the actor's (youth-care) organisation; only they see it."""
    enforce(policy.may_file(actor))
    org = actor.organisation
    suggested = rules.suggest_framework(org.kind, False)
    req = InformationRequest(
        requesting_organisation=org,
        requester=actor.user,
        suggested_framework=suggested,
        legal_framework=suggested,
    )
    save(actor, req)
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

    # L3: keep the suggestion current; follow it while the requester has not chosen otherwise.
    req.suggested_framework = rules.suggest_framework(req.requesting_organisation.kind, req.has_ots)
    if not req.legal_framework or (
        "legal_framework" not in fields and req.legal_framework == previous_suggestion
    ):
        req.legal_framework = req.suggested_framework

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
    elif name in _BOOLEAN_FIELDS:
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
        setattr(req, name, clean_text(value))


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
            setattr(target, name, clean_text(data[name]))
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
        errors["parent_name"] = _("Vul de naam van de ouder in.")
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
        name = clean_text(item.get("name_or_initials"))
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
        rows.append(RequestedTopic(request=req, topic=letter, question=clean_text(item.get("question"))))
    if errors:
        return
    req.topics.all().delete()
    RequestedTopic.objects.bulk_create(rows)


@service(RequestAuditCode.SUBMITTED)
def request_submit(
    *, actor: Actor, request: InformationRequest, submit_token: uuid.UUID
) -> InformationRequest:
    """Send the draft (R22). Idempotent per ``submit_token``: a double submit returns the request
    already sent with that token, unchanged (one record, one event).

    Gives it a reference ``TK-<year>-<pk, six digits>`` and the due date: five working days
    in the receiving organisation's calendar (R26, L1), stored with its explanation.
    """
    already = InformationRequest.objects.filter(submit_token=submit_token).first()
    if already is not None:
        require_visible(actor, already)
        return already
    req = lock(request)
    require_visible(actor, req)
    if req.submit_token == submit_token and policy.on_requesting_side(actor, req, (Role.JEUGDHULPVERLENER,)):
        return req  # the same token won the lock a moment ago
    enforce(policy.may_submit(actor, req))
    errors = rules.missing_for_submit(req)
    if errors:
        raise Incomplete(errors)
    today = local_today()
    explanation = explain_due_date(req.receiving_organisation, today)
    req.submit_token = submit_token
    req.reference = f"TK-{today.year}-{req.pk:06d}"
    req.submitted_at = timezone.now()
    req.due_date = explanation.due
    req.due_explanation = explanation.to_dict()
    transition = move(actor, req, "submit")
    save(actor, req)
    # R26, L1: the clock's history and its notices.
    clock.clock_started(actor=actor, request=req, explanation=explanation)
    log_step(
        actor,
        req,
        kind=RequestEventKind.SUBMITTED,
        transition=transition,
        data={
            "reference": req.reference,
            "receiving_organisation_id": req.receiving_organisation_id,
            "consent_path": req.consent_path,
            "legal_framework": req.legal_framework,
            "due_start": iso(explanation.start),
            "due_date": iso(explanation.due),
        },
    )
    return req


@service(RequestAuditCode.RESUBMITTED)
def request_resubmit(*, actor: Actor, request: InformationRequest) -> InformationRequest:
    """R7: the reformulated request goes back; R26: the five working days restart from today.
    The event keeps the old and the new due date, so the history shows both."""
    req = lock(request)
    require_visible(actor, req)
    enforce(policy.may_resubmit(actor, req))
    errors = rules.missing_for_submit(req)
    if errors:
        raise Incomplete(errors)
    old_due = req.due_date
    explanation = explain_due_date(req.receiving_organisation, local_today())
    req.due_date = explanation.due
    req.due_explanation = explanation.to_dict()
    transition = move(actor, req, "resubmit")
    save(actor, req)
    # R7, R26: the clock restarts, recorded with its explanation; notices re-planned.
    clock.clock_started(actor=actor, request=req, explanation=explanation, previous_due_date=old_due,
                        resumed=True)
    log_step(
        actor,
        req,
        kind=RequestEventKind.RESUBMITTED,
        transition=transition,
        data={
            "old_due_date": iso(old_due),
            "due_start": iso(explanation.start),
            "due_date": iso(explanation.due),
        },
    )
    return req


@service(RequestAuditCode.WITHDRAWN)
def request_withdraw(
    *, actor: Actor, request: InformationRequest, reason: str, expected_status: str | None = None
) -> InformationRequest:
    """The requester withdraws a request that is not yet answered.

    ``expected_status``: the state the requester's page showed (as they may see it, R11)."""
    req = lock(request)
    require_visible(actor, req)
    check_seen(actor, req, expected_status)
    enforce(policy.may_withdraw(actor, req))
    if blank(reason):
        raise Incomplete({"reason": _("Geef aan waarom u het verzoek intrekt.")})
    req.withdrawn_reason = reason.strip()
    transition = move(actor, req, "withdraw")
    save(actor, req)
    log_step(
        actor,
        req,
        kind=RequestEventKind.WITHDRAWN,
        transition=transition,
        motivation=req.withdrawn_reason,
    )
    return req


@service(RequestAuditCode.ACKNOWLEDGED)
def request_acknowledge(
    *, actor: Actor, request: InformationRequest, expected_status: str | None = None
) -> InformationRequest:
    """The requester read the answer or the (confirmed) refusal; the request is closed.

    ``expected_status``: the state the requester's page showed (as they may see it, R11)."""
    req = lock(request)
    require_visible(actor, req)
    check_seen(actor, req, expected_status)
    enforce(policy.may_acknowledge(actor, req))
    if errors := rules.missing_for_close(req):  # R38: path C closes only after the feedback
        raise Incomplete(errors)
    req.acknowledged_by = actor.user
    req.acknowledged_at = timezone.now()
    transition = move(actor, req, "acknowledge")
    save(actor, req)
    log_step(actor, req, kind=RequestEventKind.ACKNOWLEDGED, transition=transition)
    return req


@service(RequestAuditCode.CONSENT_PATH_REDECIDED)
def request_redecide_consent_path(
    *,
    actor: Actor,
    request: InformationRequest,
    path: str,
    fields: dict[str, Any],
    consent_declaration: ConsentDeclaration | None = None,
    expected_status: str | None = None,
) -> InformationRequest:
    """The parent revoked (or let expire) the path-A consent: the requester decides the path
    again, with what that path requires (R29 a new declaration; R30 for B; R32–R33 for C).
    Not once the request was answered (or closed, refused, withdrawn).

    A decision to provide rested on the consent (R29). So when the request was already being
    answered and the new path is B or C, it goes back to "in behandeling" and the earlier
    decision is cleared: the clinician consults the parent (B, R31) or weighs the weighty
    circumstances (C, R34) and decides again. With a new valid declaration (A) the decision
    stands and the answer can still be sent.

    ``expected_status``: the state the requester's page showed (as they may see it, R11).
    """
    reject_unknown(fields, CONSENT_PATH_FIELDS, "fields")
    req = lock(request)
    require_visible(actor, req)
    check_seen(actor, req, expected_status)
    enforce(policy.may_redecide_consent_path(actor, req))
    previous = req.consent_declaration
    _check_path_choice(req, path, consent_declaration)
    req.consent_path = path
    req.consent_declaration = consent_declaration if path == ConsentPath.A else None
    for name, value in fields.items():
        if name in _BOOLEAN_FIELDS:
            setattr(req, name, bool(value))
        else:
            setattr(req, name, clean_text(value))
    errors = rules.missing_for_consent_path(req)
    if errors:
        raise Incomplete(errors)
    transition = None
    if req.status == S.ANSWERING and path != ConsentPath.A:
        # R31 / R34: without the consent the decision to provide no longer stands.
        clear_decision(req)
        transition = move(actor, req, "consent_path_redecided")
    save(actor, req)
    log_step(
        actor,
        req,
        kind=RequestEventKind.CONSENT_PATH_REDECIDED,
        transition=transition,
        data={
            "from_path": ConsentPath.A.value,
            "to_path": path,
            "previous_consent_declaration_id": previous.pk if previous else None,
            "consent_declaration_id": req.consent_declaration_id,
        },
    )
    return req


def _check_path_choice(req: InformationRequest, path: str, declaration: ConsentDeclaration | None) -> None:
    """A known path, and for path A only a declaration of the requesting organisation."""
    if path not in ConsentPath.values:
        raise Incomplete({"consent_path": _("Geef aan of toestemming is gevraagd en gegeven.")})
    if (
        path == ConsentPath.A
        and declaration is not None
        and (declaration.organisation_id != req.requesting_organisation_id)
    ):
        raise Incomplete({"consent_declaration": _("Onbekende toestemmingsverklaring.")})


@service(RequestAuditCode.REFUSAL_CONTESTED, AuditAction.CREATE)
def request_contest_refusal(
    *, actor: Actor, request: InformationRequest, reason: str, expected_status: str | None = None
) -> LegalAdvice:
    """R8: the requester contests a confirmed refusal; the provider's legal advisors are asked.
    The clinician still decides.

    ``expected_status``: the state the requester's page showed (as they may see it, R11)."""
    req = lock(request)
    require_visible(actor, req)
    check_seen(actor, req, expected_status)
    enforce(policy.may_contest_refusal(actor, req))
    if blank(reason):
        raise Incomplete({"reason": _("Licht toe waarom u bezwaar maakt tegen de weigering.")})
    transition = move(actor, req, "contest_refusal")
    save(actor, req)
    advice = LegalAdvice.objects.create(
        request=req, origin=LegalAdviceOrigin.CONTESTED_REFUSAL, question=reason.strip(), asked_by=actor.user
    )
    refer_to_legal(req)
    log_step(
        actor,
        req,
        kind=RequestEventKind.REFUSAL_CONTESTED,
        # The step updates the request; the LegalAdvice it creates is the decorator's CREATE.
        action=AuditAction.UPDATE,
        transition=transition,
        motivation=reason.strip(),
        data={"legal_advice_id": advice.pk},
    )
    return advice

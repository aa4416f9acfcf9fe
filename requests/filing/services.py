"""Every write of the requesting side (R6-R21, R7, R8, R29): the draft, submitting and resubmitting
it, withdrawing it, closing it after reading the answer, deciding the consent path again and
contesting a refusal. The steps every service takes are in ``requests/core/plumbing.py``; who may
do what, in ``requests/core/policy.py``."""

from __future__ import annotations

import uuid
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditAction
from consent.models import ConsentDeclaration
from requests.core import clock, policy, rules
from requests.core.audit_codes import RequestAuditCode
from requests.core.events import RequestEventKind
from requests.core.models import (
    ConsentPath,
    InformationRequest,
    LegalAdvice,
    LegalAdviceOrigin,
)
from requests.core.plumbing import (
    check_seen,
    clear_decision,
    enforce,
    iso,
    limited_text,
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
from requests.filing.draft import BOOLEAN_FIELDS, text_limit_of
from toolkid.actors import Actor
from toolkid.errors import Incomplete
from toolkid.limits import MOTIVATION
from toolkid.models import Role
from toolkid.working_calendar import explain_due_date

#: What ``request_redecide_consent_path(fields=...)`` may set.
CONSENT_PATH_FIELDS: frozenset[str] = frozenset(
    {
        *rules.PATH_B_EXPLANATIONS,
        "b_will_inform_parent",
        *rules.PATH_C_EXPLANATIONS,
    }
)


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
    errors: dict[str, str] = {}
    reason = limited_text(reason, "reason", errors, MOTIVATION)
    if not reason:
        errors["reason"] = _("Geef aan waarom u het verzoek intrekt.")
    if errors:
        raise Incomplete(errors)
    req.withdrawn_reason = reason
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
    _apply_path_fields(req, fields)
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


def _apply_path_fields(req: InformationRequest, fields: dict[str, Any]) -> None:
    """The new path's explanations and commitment on ``req``; a text over its limit is
    ``Incomplete`` before anything is saved."""
    too_long: dict[str, str] = {}
    for name, value in fields.items():
        if name in BOOLEAN_FIELDS:
            setattr(req, name, bool(value))
        else:
            setattr(req, name, limited_text(value, name, too_long, text_limit_of(name)))
    if too_long:
        raise Incomplete(too_long)


def _check_path_choice(req: InformationRequest, path: str, declaration: ConsentDeclaration | None) -> None:
    """A known path, and for path A only a declaration of the requesting organisation."""
    if path not in ConsentPath.values:
        raise Incomplete({"consent_path": _("Geef aan wat de situatie rond toestemming van de ouder is.")})
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
    errors: dict[str, str] = {}
    reason = limited_text(reason, "reason", errors, MOTIVATION)
    if not reason:
        errors["reason"] = _("Licht toe waarom u bezwaar maakt tegen de weigering.")
    if errors:
        raise Incomplete(errors)
    transition = move(actor, req, "contest_refusal")
    save(actor, req)
    advice = LegalAdvice.objects.create(
        request=req, origin=LegalAdviceOrigin.CONTESTED_REFUSAL, question=reason, asked_by=actor.user
    )
    refer_to_legal(req)
    log_step(
        actor,
        req,
        kind=RequestEventKind.REFUSAL_CONTESTED,
        # The step updates the request; the LegalAdvice it creates is the decorator's CREATE.
        action=AuditAction.UPDATE,
        transition=transition,
        motivation=reason,
        data={"legal_advice_id": advice.pk},
    )
    return advice

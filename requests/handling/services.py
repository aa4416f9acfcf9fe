"""Every write of the providing side (R22-R26, R31, R39, R11, R8): taking and assigning a request,
returning it for reformulation (R7), consulting the parent (path B) and colleagues, legal advice,
the decision and the second person on every "no", reconsidering after a contest, and the
answer. The steps every service takes are in ``requests/core/plumbing.py``; who may do what, in
``requests/core/policy.py``; what is complete, in ``requests/core/rules.py``.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditAction
from requests.core import clock, policy, rules
from requests.core.audit_codes import RequestAuditCode
from requests.core.events import RequestEventKind
from requests.core.models import (
    Decision,
    InformationRequest,
    LegalAdvice,
    LegalAdviceOrigin,
    LegalAdviceStatus,
    ParentConsultationOutcome,
)
from requests.core.plumbing import (
    as_date,
    check_seen,
    clear_decision,
    enforce,
    grant_handling,
    is_active_clinician,
    iso,
    limited_text,
    local_today,
    lock,
    log_step,
    move,
    refer_to_legal,
    require_can,
    require_visible,
    save,
    service,
)
from requests.core.workflow import RequestStatus
from toolkid.actors import Actor
from toolkid.errors import Incomplete
from toolkid.limits import ANSWER, MOTIVATION, NAME, NOTE
from toolkid.models import User

S = RequestStatus


# --------------------------------------------------------------------------------------------
# Plumbing
# --------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------
# Filing (the requester side)
# --------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------
# Handling (the provider side)
# --------------------------------------------------------------------------------------------


@service(RequestAuditCode.TAKEN)
def request_take(
    *, actor: Actor, request: InformationRequest, expected_status: str | None = None
) -> InformationRequest:
    """A clinician of the receiving organisation picks up a sent request (R26).

    ``expected_status`` (every handling service takes it): the state the actor's page showed;
    when the request has moved on since, ``Conflict`` (see :func:`check_seen`)."""
    req = lock(request)
    require_visible(actor, req)
    check_seen(actor, req, expected_status)
    enforce(policy.may_take(actor, req))
    transition = move(actor, req, "start_handling")
    req.assigned_clinician = actor.user
    save(actor, req)
    grant_handling(req, actor.user, None)
    log_step(
        actor,
        req,
        kind=RequestEventKind.TAKEN,
        transition=transition,
        data={"clinician_id": actor.user.pk},
    )
    return req


#: States in which a team leader may (re)assign: before and while handling, and when the
#: clinician has to answer a contested refusal (R8) but is no longer there.


@service(RequestAuditCode.ASSIGNED)
def request_assign(
    *,
    actor: Actor,
    request: InformationRequest,
    clinician: User | None,
    expected_status: str | None = None,
) -> InformationRequest:
    """A team leader assigns (or reassigns) the request to an active clinician of the receiving
    organisation. A sent request moves to "in behandeling". Nobody chosen (``None``) is
    ``Incomplete``, like a clinician who is not (or no longer) an active zorgverlener here."""
    req = lock(request)
    require_visible(actor, req)
    check_seen(actor, req, expected_status)
    enforce(policy.may_assign(actor, req))
    if clinician is None:
        raise Incomplete({"clinician": _("Kies een zorgverlener.")})
    if not is_active_clinician(clinician, req.receiving_organisation):
        raise Incomplete({"clinician": _("Kies een actieve zorgverlener van uw organisatie.")})
    transition = move(actor, req, "start_handling") if req.status == S.SUBMITTED else None
    previous = req.assigned_clinician
    req.assigned_clinician = clinician
    save(actor, req)
    grant_handling(req, clinician, previous)
    log_step(
        actor,
        req,
        kind=RequestEventKind.ASSIGNED,
        transition=transition,
        data={
            "clinician_id": clinician.pk,
            "previous_clinician_id": previous.pk if previous else None,
        },
    )
    return req


@service(RequestAuditCode.RETURNED)
def request_return_for_reformulation(
    *,
    actor: Actor,
    request: InformationRequest,
    suggestion: str,
    expected_status: str | None = None,
) -> InformationRequest:
    """R7 "Nee… maar wat kan dan wel": send the request back with a better question. The clock
    pauses; it restarts when the requester resubmits."""
    req = lock(request)
    require_visible(actor, req)
    check_seen(actor, req, expected_status)
    enforce(policy.may_return(actor, req))
    errors: dict[str, str] = {}
    suggestion = limited_text(suggestion, "suggestion", errors, MOTIVATION)
    if not suggestion:
        errors["suggestion"] = _(
            "Geef aan welke vraag wel beantwoord kan worden (nee… maar wat kan dan wel)."
        )  # R7
    if errors:
        raise Incomplete(errors)
    req.reformulation_suggestion = suggestion
    transition = move(actor, req, "return_for_reformulation")
    save(actor, req)
    clock.clock_paused(actor=actor, request=req)  # R7, R26: the clock stands still
    log_step(
        actor,
        req,
        kind=RequestEventKind.RETURNED,
        transition=transition,
        motivation=req.reformulation_suggestion,
        data={"due_date": iso(req.due_date)},
    )
    return req


@service(RequestAuditCode.PARENT_CONSULTED)
def request_record_parent_consultation(
    *,
    actor: Actor,
    request: InformationRequest,
    date: dt.date,
    outcome: str,
    note: str = "",
    expected_status: str | None = None,
) -> InformationRequest:
    """R31: on path B the provider first consults the parent; record when and the outcome."""
    req = lock(request)
    require_visible(actor, req)
    check_seen(actor, req, expected_status)
    enforce(policy.may_record_parent_consultation(actor, req))
    errors: dict[str, str] = {}
    consulted_on = as_date(date)
    if consulted_on is None:
        errors["date"] = _("Vul de datum van het overleg met de ouder in.")
    elif consulted_on > local_today():
        errors["date"] = _("De datum ligt in de toekomst.")
    if outcome not in ParentConsultationOutcome.values:
        errors["outcome"] = _("Geef aan of de ouder akkoord is.")
    note = limited_text(note, "note", errors, NOTE)
    if errors:
        raise Incomplete(errors)
    req.parent_consultation_date = consulted_on
    req.parent_consultation_outcome = outcome
    req.parent_consultation_note = note
    save(actor, req)
    log_step(
        actor,
        req,
        kind=RequestEventKind.PARENT_CONSULTED,
        motivation=req.parent_consultation_note,
        data={"date": iso(consulted_on), "outcome": outcome},
    )
    return req


@service(RequestAuditCode.INTERNAL_CONSULTED)
def request_record_internal_consultation(
    *,
    actor: Actor,
    request: InformationRequest,
    with_whom: str,
    date: dt.date,
    conclusion: str,
    expected_status: str | None = None,
) -> InformationRequest:
    """R31b/c (and R11's learning): internal consultation, recorded with whom, when and the
    conclusion, before a decision against or without the parent's agreement."""
    req = lock(request)
    require_visible(actor, req)
    check_seen(actor, req, expected_status)
    enforce(policy.may_record_internal_consultation(actor, req))
    errors: dict[str, str] = {}
    consulted_on = as_date(date)
    with_whom = limited_text(with_whom, "with_whom", errors, NAME)
    if not with_whom:
        errors["with_whom"] = _("Vul in met wie u intern overlegde.")
    if consulted_on is None:
        errors["date"] = _("Vul de datum van het intern overleg in.")
    elif consulted_on > local_today():
        errors["date"] = _("De datum ligt in de toekomst.")
    conclusion = limited_text(conclusion, "conclusion", errors, MOTIVATION)
    if not conclusion:
        errors["conclusion"] = _("Vul de conclusie van het intern overleg in.")
    if errors:
        raise Incomplete(errors)
    req.internal_consultation_with = with_whom
    req.internal_consultation_date = consulted_on
    req.internal_consultation_conclusion = conclusion
    save(actor, req)
    log_step(
        actor,
        req,
        kind=RequestEventKind.INTERNAL_CONSULTED,
        motivation=req.internal_consultation_conclusion,
        data={"date": iso(consulted_on)},
    )
    return req


@service(RequestAuditCode.LEGAL_ADVICE_ASKED, AuditAction.CREATE)
def request_ask_legal_advice(
    *,
    actor: Actor,
    request: InformationRequest,
    question: str,
    expected_status: str | None = None,
) -> LegalAdvice:
    """R31: in doubt the clinician consults a legal advisor / care director /
    geneesheer-directeur. Advice only; the state does not change (R8)."""
    req = lock(request)
    require_visible(actor, req)
    check_seen(actor, req, expected_status)
    enforce(policy.may_ask_legal_advice(actor, req))
    errors: dict[str, str] = {}
    question = limited_text(question, "question", errors, MOTIVATION)
    if not question:
        errors["question"] = _("Stel uw vraag aan de juridisch adviseur.")
    if errors:
        raise Incomplete(errors)
    advice = LegalAdvice.objects.create(
        request=req, origin=LegalAdviceOrigin.CLINICIAN_DOUBT, question=question, asked_by=actor.user
    )
    refer_to_legal(req)
    log_step(
        actor,
        req,
        kind=RequestEventKind.LEGAL_ADVICE_ASKED,
        data={"legal_advice_id": advice.pk, "origin": advice.origin},
    )
    return advice


@service(RequestAuditCode.LEGAL_ADVICE_GIVEN)
def legal_advice_give(*, actor: Actor, advice: LegalAdvice, text: str) -> LegalAdvice:
    """The legal advisor of the receiving organisation answers a referral. Advice only: the
    request's state is unchanged and the clinician decides (R8)."""
    req = lock(advice.request_id)
    locked_advice = LegalAdvice.objects.select_for_update().get(pk=advice.pk)
    require_visible(actor, req)
    enforce(policy.may_give_legal_advice(actor, req, locked_advice))
    errors: dict[str, str] = {}
    text = limited_text(text, "advice", errors, ANSWER)
    if not text:
        errors["advice"] = _("Schrijf uw advies.")
    if errors:
        raise Incomplete(errors)
    locked_advice.advice = text
    locked_advice.advisor = actor.user
    locked_advice.status = LegalAdviceStatus.GIVEN
    locked_advice.advised_at = timezone.now()
    locked_advice._history_user = actor.user
    locked_advice.save()
    log_step(
        actor,
        req,
        kind=RequestEventKind.LEGAL_ADVICE_GIVEN,
        data={"legal_advice_id": locked_advice.pk, "origin": locked_advice.origin},
    )
    return locked_advice


@service(RequestAuditCode.DECIDED)
def request_decide(
    *,
    actor: Actor,
    request: InformationRequest,
    decision: str,
    motivation: str,
    weighing: str = "",
    ots_not_needed_motivation: str = "",
    expected_status: str | None = None,
) -> InformationRequest:
    """Decide to provide (→ answering) or not (→ waits for a second person, R11), always with
    a motivation (R39), after what the path requires (R31 path B, R34 path C) and, under an
    OTS, why a "no" is compatible with the obligation (R4)."""
    req = lock(request)
    require_visible(actor, req)
    # The state as the actor may see it (R11): the handler sees the real one, and anyone else
    # gets the policy's refusal, not a "changed" that would betray a pending refusal.
    check_seen(actor, req, expected_status)
    enforce(policy.may_decide(actor, req))
    transition_name = "decide_refuse" if decision == Decision.NOT_PROVIDE else "decide_provide"
    require_can(actor, req, transition_name)
    errors: dict[str, str] = {}
    motivation = limited_text(motivation, "decision_motivation", errors, MOTIVATION)
    weighing = limited_text(weighing, "weighing", errors, MOTIVATION)
    ots_not_needed_motivation = limited_text(
        ots_not_needed_motivation, "ots_not_needed_motivation", errors, MOTIVATION
    )
    for key, message in rules.missing_for_decision(
        req, decision, motivation, weighing=weighing, ots_not_needed_motivation=ots_not_needed_motivation
    ).items():
        errors.setdefault(key, message)
    if errors:
        raise Incomplete(errors)
    clear_decision(req)
    req.decision = decision
    req.decision_motivation = motivation
    if weighing:
        req.weighing = weighing
    if decision == Decision.NOT_PROVIDE:
        req.ots_not_needed_motivation = ots_not_needed_motivation
    req.decided_by = actor.user
    req.decided_at = timezone.now()
    transition = move(actor, req, transition_name)
    save(actor, req)
    refused = decision == Decision.NOT_PROVIDE
    kind = RequestEventKind.DECIDED_REFUSE if refused else RequestEventKind.DECIDED_PROVIDE
    log_step(
        actor,
        req,
        kind=kind,
        transition=transition,
        motivation=req.decision_motivation,
        data={"decision": decision},
    )
    return req


@service(RequestAuditCode.REFUSAL_CONFIRMED)
def request_confirm_refusal(
    *,
    actor: Actor,
    request: InformationRequest,
    note: str = "",
    without_advice_reason: str = "",
    expected_status: str | None = None,
) -> InformationRequest:
    """R11: a team leader or legal advisor other than the decider confirms the refusal; only
    now the requester sees it (with the Veilig Thuis option, R2). R8: while legal advice on it
    is open, only with ``without_advice_reason`` (why not wait); the advice stays open."""
    req = lock(request)
    require_visible(actor, req)
    check_seen(actor, req, expected_status)
    errors: dict[str, str] = {}
    reason = limited_text(without_advice_reason, "without_advice_reason", errors, NOTE)
    decision = policy.may_confirm_refusal(actor, req, without_advice_reason=reason)
    if decision.code == policy.ADVICE_OPEN:
        errors["without_advice_reason"] = decision.reason
    else:
        enforce(decision)
    note = limited_text(note, "note", errors, NOTE)
    if errors:
        raise Incomplete(errors)
    open_advice_ids = [advice.pk for advice in policy.open_refusal_advice(req)]
    req.refusal_confirmed_by = actor.user
    req.refusal_confirmed_at = timezone.now()
    req.refusal_confirmation_note = note
    transition = move(actor, req, "confirm_refusal")
    save(actor, req)
    data: dict[str, object] = {"decided_by_id": req.decided_by_id}
    if open_advice_ids:
        # R8: confirmed before the advice came in; the ids, the reason stays in the event's text.
        data["open_legal_advice_ids"] = open_advice_ids
    log_step(
        actor,
        req,
        kind=RequestEventKind.REFUSAL_CONFIRMED,
        transition=transition,
        motivation=_confirmation_text(note, reason if open_advice_ids else ""),
        data=data,
    )
    return req


def _confirmation_text(note: str, without_advice_reason: str) -> str:
    """The confirmation's text in the request's history: the note, and why the confirmer did
    not wait for the open legal advice (R8)."""
    if not without_advice_reason:
        return note
    reason = _("Bevestigd zonder het open juridisch advies af te wachten, omdat: %(reason)s") % {
        "reason": without_advice_reason
    }
    return f"{note}\n\n{reason}" if note else reason


@service(RequestAuditCode.REFUSAL_REJECTED)
def request_reject_refusal(
    *,
    actor: Actor,
    request: InformationRequest,
    note: str,
    expected_status: str | None = None,
) -> InformationRequest:
    """R11: the second person does not find it a justified "no": back to the clinician, who
    decides again. The requester never learns of the rejected refusal."""
    req = lock(request)
    require_visible(actor, req)
    check_seen(actor, req, expected_status)
    enforce(policy.may_reject_refusal(actor, req))
    errors: dict[str, str] = {}
    note = limited_text(note, "note", errors, MOTIVATION)
    if not note:
        errors["note"] = _("Licht toe waarom de weigering niet terecht is.")  # R11
    if errors:
        raise Incomplete(errors)
    decided_by_id = req.decided_by_id
    clear_decision(req)
    transition = move(actor, req, "reject_refusal")
    save(actor, req)
    log_step(
        actor,
        req,
        kind=RequestEventKind.REFUSAL_REJECTED,
        transition=transition,
        motivation=note,
        data={"decided_by_id": decided_by_id},
    )
    return req


@service(RequestAuditCode.RECONSIDERED)
def request_reconsider(
    *,
    actor: Actor,
    request: InformationRequest,
    motivation: str,
    expected_status: str | None = None,
) -> InformationRequest:
    """R8: after the contest (and the advice) the clinician takes the decision up again."""
    req = lock(request)
    require_visible(actor, req)
    check_seen(actor, req, expected_status)
    enforce(policy.may_reconsider(actor, req))
    errors: dict[str, str] = {}
    motivation = limited_text(motivation, "motivation", errors, MOTIVATION)
    if not motivation:
        errors["motivation"] = _("Licht toe waarom u het besluit heroverweegt.")  # R39
    if errors:
        raise Incomplete(errors)
    clear_decision(req)
    transition = move(actor, req, "reconsider")
    save(actor, req)
    log_step(
        actor,
        req,
        kind=RequestEventKind.RECONSIDERED,
        transition=transition,
        motivation=motivation,
    )
    return req


@service(RequestAuditCode.REFUSAL_UPHELD)
def request_uphold_refusal(
    *,
    actor: Actor,
    request: InformationRequest,
    motivation: str,
    expected_status: str | None = None,
) -> InformationRequest:
    """R8, R39: after the legal advice on the contest, the clinician keeps the refusal, with a
    motivation the requester reads once it is confirmed. R11: the upheld "no" waits for a
    second person (``request_confirm_refusal``); the upholder is the decider and cannot
    confirm it."""
    req = lock(request)
    require_visible(actor, req)
    check_seen(actor, req, expected_status)
    enforce(policy.may_uphold_refusal(actor, req))
    errors: dict[str, str] = {}
    motivation = limited_text(motivation, "motivation", errors, MOTIVATION)
    if not motivation:
        errors["motivation"] = _("Motiveer waarom de weigering blijft staan.")  # R39
    if errors:
        raise Incomplete(errors)
    # R11: the upholder is the decider now; the earlier confirmation no longer counts.
    req.decided_by = actor.user
    req.decided_at = timezone.now()
    req.refusal_confirmed_by = None
    req.refusal_confirmed_at = None
    req.refusal_confirmation_note = ""
    transition = move(actor, req, "uphold_refusal")
    save(actor, req)
    log_step(
        actor,
        req,
        kind=RequestEventKind.REFUSAL_UPHELD,
        transition=transition,
        motivation=motivation,
    )
    return req



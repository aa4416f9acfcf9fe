"""Who may do what to a request, now: one function per action, for the services and the pages.

Each ``may_<action>(actor, req)`` returns a :class:`Decision`: allowed, or refused with the Dutch
reason and whether it is the actor (wrong role or side: ``PermissionDenied``) or the moment (wrong
state: ``IllegalMove`` with a code). A service calls ``plumbing.enforce(policy.may_x(...))``
after it locked the row, checked that the actor may see it and that the page was not stale; the
request page lists exactly the actions whose decision is allowed. So the page never offers what
the service would refuse, and the REST API will ask the same functions
(``tests/requests/core/test_policy_walk.py`` walks every action x role x state to prove it).

What a decision reads is the request and the actor, nothing else: the state (as the state
machine allows it, ``can_proceed``), the organisation the actor acts for, the roles held there,
and the per-request grants (``handle_request`` for the handling clinician, R31). Rules about
*content* (is the motivation filled in, R39) stay with the services: they are not "may", they
are "is it complete".

R11: a refused move names the state as the actor may see it (``access.status_for``): a requester
never learns from an error that a refusal waits for a second person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from requests.core import access, clock
from requests.core.models import (
    ConsentPath,
    InformationRequest,
    LegalAdvice,
    LegalAdviceOrigin,
    LegalAdviceStatus,
)
from requests.core.workflow import OPEN_FOR_PROVIDER, WITHDRAWABLE, RequestStatus
from toolkid.actors import Actor
from toolkid.models import Role

S = RequestStatus

#: The code of a decision refused because of who the actor is (role, side, grant).
FORBIDDEN = "forbidden"

#: A teamleider assigns (or re-assigns) while the provider works on the request.
ASSIGNABLE = (S.SUBMITTED, S.IN_PROGRESS, S.ANSWERING, S.CONTESTED)
#: R22: the handling clinician extends while they work on it; not before taking it (nobody
#: knows yet more time is needed), not while a refusal waits for a second person (R11).
EXTENDABLE = (S.IN_PROGRESS, S.ANSWERING)


@dataclass(frozen=True)
class Decision:
    """Allowed, or not with the reason in Dutch and a code (``FORBIDDEN`` or an IllegalMove code)."""

    allowed: bool
    reason: str = ""
    code: str = ""

    def __bool__(self) -> bool:
        return self.allowed

    @property
    def forbidden(self) -> bool:
        return not self.allowed and self.code == FORBIDDEN


ALLOWED = Decision(True)


def deny(reason: str, code: str = FORBIDDEN) -> Decision:
    return Decision(False, str(reason), code)


def wrong_role() -> Decision:
    return deny(_("U hebt niet de juiste rol om dit te doen."))


def not_the_handler() -> Decision:
    return deny(_("Alleen de behandelend zorgverlener kan dit doen."))


def wrong_state(actor: Actor, req: InformationRequest) -> Decision:
    # The state as the actor may see it: a requester never learns of a pending refusal (R11).
    return deny(
        _("Dit kan niet nu het verzoek de status ‘%(status)s’ heeft.")
        % {"status": access.status_for(actor, req).label},
        "illegal_move",
    )


# --------------------------------------------------------------------------------------------
# Who the actor is for this request
# --------------------------------------------------------------------------------------------


def _org_pk(actor: Actor) -> int | None:
    return getattr(actor.organisation, "pk", None)


def on_requesting_side(
    actor: Actor, req: InformationRequest, roles: Iterable[str] = access.REQUESTER_ROLES
) -> bool:
    return req.requesting_organisation_id == _org_pk(actor) and actor.has_role(*roles)


def on_receiving_side(actor: Actor, req: InformationRequest, roles: Iterable[str]) -> bool:
    return req.receiving_organisation_id == _org_pk(actor) and actor.has_role(*roles)


def is_handler(actor: Actor, req: InformationRequest) -> bool:
    """The clinician handling the request: a zorgverlener of the receiving organisation holding
    ``handle_request`` on it (the assigned clinician, or a colleague it was delegated to; R31)."""
    return on_receiving_side(actor, req, (Role.ZORGVERLENER,)) and access.holds_handle_permission(
        actor, req
    )


def object_not_now(obj: Any) -> Decision:
    """A row beside the request (a release, a secondary use, a reverse question) is past the
    moment for this: named by its state."""
    return deny(
        _("Dit kan niet meer: de status is ‘%(status)s’.") % {"status": obj.get_status_display()},
        "illegal_move",
    )


def object_can(obj: Any, transition: str) -> Decision | None:
    """None when ``obj``'s state machine allows ``transition`` now, else why not."""
    return None if can_proceed(getattr(obj, transition)) else object_not_now(obj)


def _can(req: InformationRequest, transition: str) -> bool:
    return can_proceed(getattr(req, transition))


def first_refusal(*checks: Callable[[], Decision | None]) -> Decision:
    """The first refusal among ``checks`` (in the order a user should hear them), else allowed."""
    for check in checks:
        refused = check()
        if refused is not None:
            return refused
    return ALLOWED


def refusal(decision: Decision) -> Decision | None:
    return None if decision else decision


def _handler_in(actor: Actor, req: InformationRequest, states: Iterable[str]) -> Decision:
    return first_refusal(
        lambda: None if is_handler(actor, req) else not_the_handler(),
        lambda: None if req.status in tuple(states) else wrong_state(actor, req),
    )


def _requester_may(
    actor: Actor, req: InformationRequest, transition: str, roles: Iterable[str] = access.REQUESTER_ROLES
) -> Decision:
    return first_refusal(
        lambda: None if on_requesting_side(actor, req, roles) else wrong_role(),
        lambda: None if _can(req, transition) else wrong_state(actor, req),
    )


def open_advice(req: InformationRequest, origin: str | None = None) -> bool:
    return any(
        advice.status == LegalAdviceStatus.OPEN and (origin is None or advice.origin == origin)
        for advice in access.advices_of(req)
    )


def consent_needs_redecision(req: InformationRequest, today: dt.date | None = None) -> bool:
    """Path A whose declaration was revoked or expired: the requester decides the path again."""
    if req.consent_path != ConsentPath.A:
        return False
    declaration = req.consent_declaration
    if declaration is None:
        return True
    return declaration.is_revoked or declaration.valid_until < (today or timezone.localdate())


# --------------------------------------------------------------------------------------------
# The requesting side (R6-R21, R7, R8, R29)
# --------------------------------------------------------------------------------------------


#: The states in which the requester edits the request (a draft, or returned for reformulation, R7).
EDITABLE = (S.DRAFT, S.RETURNED)


def may_file(actor: Actor) -> Decision:
    """R1: a jeugdhulpverlener of an active organisation on the youth-care side files requests."""
    if not access.is_acting(actor) or not actor.has_role(Role.JEUGDHULPVERLENER):
        return wrong_role()
    org = actor.organisation
    if not org.is_requester or not org.is_active:
        return deny(_("Alleen organisaties aan de jeugdkant kunnen een informatieverzoek indienen."))  # R1
    return ALLOWED


def may_edit(actor: Actor, req: InformationRequest) -> Decision:
    """The jeugdhulpverlener of the requesting organisation edits a draft, or a request returned
    for reformulation (R7)."""
    return first_refusal(
        lambda: None if on_requesting_side(actor, req, (Role.JEUGDHULPVERLENER,)) else wrong_role(),
        lambda: None if req.status in EDITABLE else deny(
            _(
                "Een verzoek kan alleen worden gewijzigd als concept "
                "of als het is teruggestuurd ter herformulering."
            ),
            "illegal_move",
        ),
    )


def may_submit(actor: Actor, req: InformationRequest) -> Decision:
    return _requester_may(actor, req, "submit", (Role.JEUGDHULPVERLENER,))


def may_resubmit(actor: Actor, req: InformationRequest) -> Decision:
    """R7: the jeugdhulpverlener reformulates a returned request and sends it again."""
    return _requester_may(actor, req, "resubmit", (Role.JEUGDHULPVERLENER,))


def may_withdraw(actor: Actor, req: InformationRequest) -> Decision:
    return _requester_may(actor, req, "withdraw")


def may_acknowledge(actor: Actor, req: InformationRequest) -> Decision:
    """The requester read the answer (or the confirmed refusal) and closes the request."""
    return _requester_may(actor, req, "acknowledge")


def may_contest_refusal(actor: Actor, req: InformationRequest) -> Decision:
    """R8: the requester contests a confirmed refusal; a legal advisor advises."""
    return _requester_may(actor, req, "contest_refusal")


def may_redecide_consent_path(actor: Actor, req: InformationRequest) -> Decision:
    """R29: path A whose consent was revoked or expired: the requester decides the path again."""
    return first_refusal(
        lambda: None if on_requesting_side(actor, req) else wrong_role(),
        lambda: None if req.status in WITHDRAWABLE else deny(
            _("Het toestemmingspad kan niet meer worden gewijzigd in de status ‘%(status)s’.")
            % {"status": access.status_for(actor, req).label},
            "illegal_move",
        ),
        lambda: None if consent_needs_redecision(req) else deny(
            _(
                "Het toestemmingspad wordt alleen opnieuw bepaald "
                "als de toestemming is ingetrokken of verlopen."
            ),
            "consent_still_valid",
        ),
    )


def may_contest_extension(actor: Actor, req: InformationRequest) -> Decision:
    """R22, R8: the requester contests an extension of the current term while the clock runs,
    once (``clock.extension_to_contest``)."""
    return first_refusal(
        lambda: None if on_requesting_side(actor, req) else wrong_role(),
        lambda: None if req.status in OPEN_FOR_PROVIDER else deny(
            _("De termijn loopt niet: het verzoek heeft de status ‘%(status)s’.")
            % {"status": access.status_for(actor, req).label},
            "clock_not_running",
        ),
        lambda: None if clock.extension_to_contest(req) is not None else deny(
            _("Er is geen verlenging waartegen u bezwaar kunt maken."), "no_extension"
        ),
    )


# --------------------------------------------------------------------------------------------
# The providing side (R22-R26, R31, R39, R11, R8)
# --------------------------------------------------------------------------------------------


def may_take(actor: Actor, req: InformationRequest) -> Decision:
    """A zorgverlener of the receiving organisation picks up a submitted request (unless a
    teamleider assigned it to a colleague)."""
    return first_refusal(
        lambda: None if on_receiving_side(actor, req, (Role.ZORGVERLENER,)) else wrong_role(),
        lambda: None if _can(req, "start_handling") else wrong_state(actor, req),
        lambda: None if req.assigned_clinician_id in (None, actor.user.pk) else deny(
            _("Dit verzoek is al toegewezen aan een collega."), "assigned"
        ),
    )


def may_assign(actor: Actor, req: InformationRequest) -> Decision:
    return first_refusal(
        lambda: None if on_receiving_side(actor, req, (Role.TEAMLEIDER,)) else wrong_role(),
        lambda: None if req.status in ASSIGNABLE else wrong_state(actor, req),
    )


def may_return(actor: Actor, req: InformationRequest) -> Decision:
    """R7: "nee… maar wat kan dan wel": back to the requester for reformulation; once taken, only
    by the handling clinician or the teamleider."""
    leader = actor.has_role(Role.TEAMLEIDER)
    return first_refusal(
        lambda: None if on_receiving_side(actor, req, (Role.ZORGVERLENER, Role.TEAMLEIDER)) else wrong_role(),
        lambda: not_the_handler()
        if req.status == S.IN_PROGRESS and not (leader or is_handler(actor, req))
        else None,
        lambda: None if _can(req, "return_for_reformulation") else wrong_state(actor, req),
    )


def may_record_parent_consultation(actor: Actor, req: InformationRequest) -> Decision:
    """R31: on path B the clinician first consults the parent about providing."""
    return first_refusal(
        lambda: refusal(_handler_in(actor, req, (S.IN_PROGRESS,))),
        lambda: None if req.consent_path == ConsentPath.B else deny(
            _(
                "Overleg met de ouder over verstrekken wordt vastgelegd "
                "als de ouder geen toestemming gaf (pad B)."
            ),
            "not_path_b",
        ),
    )


def may_record_internal_consultation(actor: Actor, req: InformationRequest) -> Decision:
    return _handler_in(actor, req, (S.IN_PROGRESS, S.CONTESTED))


def may_ask_legal_advice(actor: Actor, req: InformationRequest) -> Decision:
    return _handler_in(actor, req, (S.IN_PROGRESS, S.ANSWERING))


def may_give_legal_advice(actor: Actor, req: InformationRequest, advice=None) -> Decision:
    """R8, R31: a juridisch adviseur of the receiving organisation answers an open question
    (``advice``: that one; without it: any open one on the request)."""
    is_open = advice.status == LegalAdviceStatus.OPEN if advice is not None else open_advice(req)
    return first_refusal(
        lambda: None if on_receiving_side(actor, req, (Role.JURIDISCH_ADVISEUR,)) else wrong_role(),
        lambda: None if is_open else deny(
            _("Dit advies is al gegeven.") if advice is not None
            else _("Er staat geen vraag om juridisch advies open."),
            "advice_given",
        ),
    )


def may_decide(actor: Actor, req: InformationRequest) -> Decision:
    """R39: the handling clinician decides to provide or not, with a motivation."""
    return _handler_in(actor, req, (S.IN_PROGRESS,))


def may_answer(actor: Actor, req: InformationRequest) -> Decision:
    """R25: the handling clinician writes and sends the factual answer. R29: not while path A's
    consent was revoked or expired: the requester decides the path again first."""
    return first_refusal(
        lambda: refusal(_handler_in(actor, req, (S.ANSWERING,))),
        lambda: deny(_consent_gone(req), CONSENT_NEEDS_REDECISION) if consent_needs_redecision(req) else None,
    )


#: The code of an answer refused because path A's consent was revoked or expired (R29).
CONSENT_NEEDS_REDECISION = "consent_needs_redecision"


def _consent_gone(req: InformationRequest) -> str:
    declaration = req.consent_declaration
    if declaration is None or declaration.is_revoked:
        return _(
            "U kunt nu niet antwoorden: de ouder heeft de toestemming ingetrokken. De aanvrager "
            "bepaalt eerst opnieuw hoe het verzoek verdergaat."
        )
    return _(
        "U kunt nu niet antwoorden: de toestemming van de ouder is verlopen. De aanvrager "
        "bepaalt eerst opnieuw hoe het verzoek verdergaat."
    )


def _second_person(actor: Actor, req: InformationRequest, message: str) -> Decision:
    """R11: a refusal is checked by a second person (teamleider or juridisch adviseur), never by
    the clinician who decided it."""
    return first_refusal(
        lambda: None if on_receiving_side(actor, req, access.REFUSAL_CONFIRMER_ROLES) else wrong_role(),
        lambda: None if _can(req, "confirm_refusal") else wrong_state(actor, req),
        lambda: deny(message, "second_person_required") if req.decided_by_id == actor.user.pk else None,
    )


#: The code of a confirmation refused because legal advice is open and no reason was given.
ADVICE_OPEN = "advice_open"
#: R8, R11: advice about the "no" itself (not about an extension of the term).
_REFUSAL_ADVICE = (LegalAdviceOrigin.CLINICIAN_DOUBT, LegalAdviceOrigin.CONTESTED_REFUSAL)


def open_refusal_advice(req: InformationRequest) -> list[LegalAdvice]:
    """The legal advice on the request that is still open (R8, R11), oldest first; read with
    the list when it was fetched with :func:`open_refusal_advice_prefetch`."""
    prefetched = getattr(req, _PREFETCHED_ADVICE, None)
    if prefetched is not None:
        return list(prefetched)
    return list(_open_refusal_advice(req.legal_advice.all()))


def open_refusal_advice_prefetch() -> Prefetch:
    """For a list of refusals: every row's open advice in one query, not one per row."""
    return Prefetch("legal_advice", queryset=_open_refusal_advice(LegalAdvice.objects.all()),
                    to_attr=_PREFETCHED_ADVICE)


_PREFETCHED_ADVICE = "open_refusal_advice_prefetched"


def _open_refusal_advice(qs: QuerySet[LegalAdvice]) -> QuerySet[LegalAdvice]:
    return (
        qs.filter(status=LegalAdviceStatus.OPEN, origin__in=_REFUSAL_ADVICE)
        .select_related("asked_by")
        .order_by("asked_at", "pk")
    )


def may_confirm_refusal(
    actor: Actor, req: InformationRequest, *, without_advice_reason: str | None = None
) -> Decision:
    """R11: a second person confirms the "no". R8: while legal advice on it is open, the
    confirmer waits for it or records why not (``without_advice_reason``). Without the argument
    (the page asking what to offer) the action is offered: its form then asks for the reason."""
    return first_refusal(
        lambda: refusal(
            _second_person(actor, req, _("Een weigering moet door een tweede persoon worden bevestigd."))
        ),
        lambda: deny(
            _(
                "Er staat nog een vraag om juridisch advies open. Wacht op het advies, of leg uit "
                "waarom u de weigering nu al bevestigt."
            ),
            ADVICE_OPEN,
        )
        if without_advice_reason is not None and not without_advice_reason.strip()
        and open_refusal_advice(req)
        else None,
    )


def may_reject_refusal(actor: Actor, req: InformationRequest) -> Decision:
    return _second_person(actor, req, _("Een weigering wordt door een tweede persoon beoordeeld."))


def _handler_may(actor: Actor, req: InformationRequest, transition: str) -> Decision:
    return first_refusal(
        lambda: None if is_handler(actor, req) else not_the_handler(),
        lambda: None if _can(req, transition) else wrong_state(actor, req),
    )


def may_reconsider(actor: Actor, req: InformationRequest) -> Decision:
    """R8: after a contest the clinician reconsiders (a new decision follows)."""
    return _handler_may(actor, req, "reconsider")


def may_uphold_refusal(actor: Actor, req: InformationRequest) -> Decision:
    """R8: the clinician upholds the refusal, only once the legal advice on the contest is in."""
    return first_refusal(
        lambda: refusal(_handler_may(actor, req, "uphold_refusal")),
        lambda: deny(_("Het juridisch advies over het bezwaar is nog niet gegeven."), "advice_open")  # R8
        if open_advice(req, LegalAdviceOrigin.CONTESTED_REFUSAL)
        else None,
    )


def may_extend_deadline(actor: Actor, req: InformationRequest) -> Decision:
    """R22: the handling clinician needs more time and extends the term, with a reason."""
    return first_refusal(
        lambda: None if on_receiving_side(actor, req, (Role.ZORGVERLENER,)) else wrong_role(),
        lambda: None if req.status in EXTENDABLE else deny(
            _("Verlengen kan alleen terwijl het verzoek in behandeling is; het heeft nu de status "
              "‘%(status)s’.") % {"status": access.status_for(actor, req).label},
            "not_extendable",
        ),
        lambda: None if is_handler(actor, req) and req.due_date is not None else not_the_handler(),
    )

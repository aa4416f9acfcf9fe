"""Who may do what after the exchange, now: the follow-up's part of the one policy.

Built like ``requests/core/policy.py`` (same :class:`Decision`, same order: who before when) and
used the same way: the follow-up services ``enforce`` these decisions after locking the rows,
and the request page's follow-up panel offers exactly the forms whose decision is allowed.
They live here, not in the kernel, because they read the follow-up's own rows (duties, the
path-C hold, secondary uses), which the kernel does not know.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from requests.core.models import ConsentPath, InformationRequest
from requests.core.models import Decision as Verdict
from requests.core.policy import (
    ALLOWED,
    Decision,
    deny,
    first_refusal,
    is_handler,
    not_the_handler,
    object_can,
    on_requesting_side,
    refusal,
    wrong_role,
    wrong_state,
)
from requests.core.workflow import OPEN_FOR_PROVIDER, RequestStatus
from requests.followup import selectors as followup_selectors
from requests.followup.models import Duty, DutyKind, DutyStatus, HoldRelease, SecondaryUse
from requests.followup.workflow import SecondaryUseStatus
from toolkid.actors import Actor
from toolkid.models import Role

S = RequestStatus

#: After the exchange: states in which information was provided or a refusal is known.
ANSWERED_STATES = (S.ANSWERED, S.CLOSED)
REFUSAL_KNOWN_STATES = (S.REFUSED, S.CONTESTED, S.CLOSED)


def answered(req: InformationRequest) -> bool:
    return req.status in ANSWERED_STATES and req.answered_at is not None


def _not_answered() -> Decision:
    return deny(_("Dit kan pas als de zorgverlener informatie heeft verstrekt."), "not_answered")


def _the_clinician(actor: Actor, req: InformationRequest) -> Decision | None:
    """The clinician who handled the request, or the teamleider when that clinician is gone."""
    if req.receiving_organisation_id != getattr(actor.organisation, "pk", None):
        return wrong_role()
    if not (is_handler(actor, req) or actor.has_role(Role.TEAMLEIDER)):
        return not_the_handler()
    return None


def _jeugdhulpverlener(actor: Actor, req: InformationRequest) -> Decision | None:
    return None if on_requesting_side(actor, req, (Role.JEUGDHULPVERLENER,)) else wrong_role()


# --------------------------------------------------------------------------------------------
# Duties (R27, R30, R31, R36, R37, R38)
# --------------------------------------------------------------------------------------------


def may_act_on_duty(actor: Actor, duty: Duty) -> Decision:
    """An open duty of the actor's side (``followup_selectors.may_do_duty``)."""
    return first_refusal(
        lambda: None if followup_selectors.may_do_duty(actor, duty) else deny(
            _("Deze taak is voor de andere partij.")
        ),
        lambda: None if duty.status == DutyStatus.OPEN else deny(
            _("Deze taak is al afgehandeld."), "duty_closed"
        ),
    )


def may_complete_duty(actor: Actor, duty: Duty) -> Decision:
    """The side whose task it is records it done; R38's feedback has its own form."""
    return first_refusal(
        lambda: refusal(may_act_on_duty(actor, duty)),
        lambda: deny(
            _("Geef de terugkoppeling via het formulier ‘Terugkoppeling aan de zorgverlener’."),
            "use_feedback",
        ) if duty.kind == DutyKind.REQUESTER_FEEDBACK else None,
    )


def may_skip_duty(actor: Actor, duty: Duty) -> Decision:
    """R5: a duty may be skipped with a motivation, except the feedback that closes path C (R38)."""
    return first_refusal(
        lambda: refusal(may_act_on_duty(actor, duty)),
        lambda: deny(
            # R38
            _("De terugkoppeling aan de zorgverlener is verplicht bij een verzoek zonder toestemming."),
            "feedback_required",
        ) if duty.kind == DutyKind.REQUESTER_FEEDBACK else None,
    )


# --------------------------------------------------------------------------------------------
# The path-C hold (R35-R37, R40)
# --------------------------------------------------------------------------------------------


def _hold_voice(actor: Actor, req: InformationRequest) -> Decision | None:
    """R37: who speaks for a side on the hold (``followup_selectors.may_act_on_hold``)."""
    if followup_selectors.side_of(actor, req) is None:
        return wrong_role()
    if not followup_selectors.may_act_on_hold(actor, req):
        return deny(_("Alleen de behandelend zorgverlener of de teamleider kan dit doen."))
    return None


def may_propose_release(actor: Actor, req: InformationRequest) -> Decision:
    return first_refusal(
        lambda: _hold_voice(actor, req),
        lambda: None if req.consent_path == ConsentPath.C else deny(
            _("Alleen bij een verzoek zonder toestemming (pad C) is er een afscherming."), "not_path_c"
        ),
        lambda: wrong_state(actor, req) if req.status == S.DRAFT else None,
        lambda: None if followup_selectors.hold_active(req) else deny(
            _("De afscherming is al gezamenlijk opgeheven."), "already_released"
        ),
        lambda: deny(_("Er ligt al een voorstel; de andere partij reageert daarop."), "proposal_open")
        if followup_selectors.open_release(req) is not None
        else None,
    )


def may_answer_release(actor: Actor, req: InformationRequest, release: HoldRelease) -> Decision:
    """R37: only the *other* side agrees or declines: the hold is released together."""
    return first_refusal(
        lambda: _hold_voice(actor, req),
        lambda: deny(
            _("De afscherming wordt alleen samen opgeheven: de andere partij moet akkoord geven."),  # R37
            "other_side_required",
        ) if release.proposed_by_organisation_id == actor.organisation.pk else None,
    )


def may_withdraw_release(actor: Actor, req: InformationRequest, release: HoldRelease) -> Decision:
    return first_refusal(
        lambda: _hold_voice(actor, req),
        lambda: None if release.proposed_by_organisation_id == actor.organisation.pk else deny(
            _("Alleen de partij die het voorstel deed, kan het intrekken.")
        ),
    )


# --------------------------------------------------------------------------------------------
# Feedback (R38), secondary use (R28), filing (R28), Veilig Thuis (R2), deviations (R5)
# --------------------------------------------------------------------------------------------


def may_give_feedback(actor: Actor, req: InformationRequest) -> Decision:
    """R38: the requester tells the clinician what was done with the information: only when
    information was provided (after a refusal there is none to report on)."""
    return first_refusal(
        lambda: None if on_requesting_side(actor, req) else wrong_role(),
        lambda: None if answered(req) else deny(
            _("Er is geen informatie verstrekt; er is dus niets terug te koppelen over wat ermee is gedaan."),
            "not_answered",
        ),
    )


def may_submit_secondary_use(actor: Actor, req: InformationRequest) -> Decision:
    return first_refusal(
        lambda: _jeugdhulpverlener(actor, req),
        lambda: None if answered(req) else _not_answered(),
    )


def may_reply_secondary_use(actor: Actor, req: InformationRequest, use: SecondaryUse) -> Decision:
    return first_refusal(
        lambda: _the_clinician(actor, req),
        lambda: None if use.status == SecondaryUseStatus.SUBMITTED else deny(
            _("Op dit voorstel is al gereageerd."), "replied"
        ),
    )


def may_send_secondary_use(actor: Actor, req: InformationRequest, use: SecondaryUse) -> Decision:
    """R28: sent only after the clinician's reply (despite an objection with a motivation, R5)."""
    return first_refusal(
        lambda: _jeugdhulpverlener(actor, req),
        lambda: deny(
            _("Wacht op de reactie van de zorgverlener; pas daarna kunt u de informatie versturen."),  # R28
            "reply_pending",
        ) if use.status == SecondaryUseStatus.SUBMITTED else None,
        lambda: object_can(use, "mark_sent"),
    )


def may_withdraw_secondary_use(actor: Actor, req: InformationRequest, use: SecondaryUse) -> Decision:
    return first_refusal(lambda: _jeugdhulpverlener(actor, req), lambda: object_can(use, "withdraw"))


def may_approve_filing(actor: Actor, req: InformationRequest) -> Decision:
    """R28: the clinician approves the provided information for the requester's file, once."""
    return first_refusal(
        lambda: _the_clinician(actor, req),
        lambda: None if answered(req) else _not_answered(),
        lambda: deny(_("Deze informatie is al goedgekeurd voor het dossier."), "approved")
        if followup_selectors.approved_filing(req) is not None
        else None,
    )


def veilig_thuis_possible(req: InformationRequest) -> bool:
    """R2's "could not provide": a confirmed refusal, or a request still open for the provider
    after its due date (overdue; the sweep told the requester of this option)."""
    if req.decision == Verdict.NOT_PROVIDE and req.status in REFUSAL_KNOWN_STATES:
        return True
    overdue = req.due_date is not None and req.due_date < timezone.localdate()
    return req.status in OPEN_FOR_PROVIDER and overdue


def may_record_veilig_thuis(actor: Actor, req: InformationRequest) -> Decision:
    return first_refusal(
        lambda: None if on_requesting_side(actor, req) else wrong_role(),
        lambda: None if veilig_thuis_possible(req) else deny(
            _(
                "Veilig Thuis inschakelen wordt hier vastgelegd als de zorgverlener de informatie niet "
                "kon verstrekken: na een bevestigde weigering, of als het verzoek na de uiterste datum "
                "nog niet is beantwoord."
            ),  # R2
            "not_refused",
        ),
    )


def may_record_deviation(actor: Actor, req: InformationRequest) -> Decision:
    """R5 on a request's page ("Afwijking vastleggen"): those who speak for a side — the handling
    clinician or the teamleider of the receiving organisation, the jeugdhulpverlener or the
    teamleider of the requesting one."""
    if req.status != S.DRAFT and followup_selectors.may_act_on_hold(actor, req):
        return ALLOWED
    return deny(_("Alleen de behandelend zorgverlener, de aanvrager of de teamleider kan dit doen."))

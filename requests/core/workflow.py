"""The information request's state machine: every allowed move, with the protocol rule beside it.

Transitions only move the state. What a move requires (a motivation, a confirmation, a second
person) is checked by the service that calls it (the sub-domain's ``services.py``), which locks the row,
writes the RequestEvent and the audit event in the same transaction, and schedules side effects
on commit. An illegal move raises ``django_fsm.TransitionNotAllowed``; services translate it
into ``toolkid.errors.IllegalMove`` with a Dutch message.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import transition


class RequestStatus(models.TextChoices):
    # Being filled in by the requester; only they see it.
    DRAFT = "concept", _("Concept")
    # Sent to the receiving organisation; the five-working-day clock runs (R22, R26).
    SUBMITTED = "ingediend", _("Ingediend")
    # Back with the requester to ask a better question (R7); the clock pauses.
    RETURNED = "teruggestuurd", _("Teruggestuurd ter herformulering")
    # A clinician handles it: consulting the parent, internal consultation, weighing (R31, R34).
    IN_PROGRESS = "in_behandeling", _("In behandeling")
    # Decided to provide; the clinician writes the answer (R15–R21).
    ANSWERING = "antwoord_in_voorbereiding", _("Antwoord in voorbereiding")
    # Decided not to provide; waits for a second person of the provider (R11). Invisible to the
    # requester as a refusal until confirmed.
    REFUSAL_PENDING = "weigering_ter_bevestiging", _("Weigering ter bevestiging")
    # Refusal confirmed; the requester sees it and the Veilig Thuis option (R2).
    REFUSED = "geweigerd", _("Geweigerd")
    # The requester contests the refusal; a legal advisor is asked (R8: the clinician decides).
    CONTESTED = "bezwaar", _("Bezwaar tegen weigering")
    # The answer was sent; the requester reads and acknowledges it.
    ANSWERED = "beantwoord", _("Beantwoord")
    # Done: the requester acknowledged the answer or the refusal.
    CLOSED = "afgesloten", _("Afgesloten")
    # The requester withdrew the request before it was answered.
    WITHDRAWN = "ingetrokken", _("Ingetrokken")


S = RequestStatus

#: States in which the receiving organisation has to act, and the clock runs (R26).
OPEN_FOR_PROVIDER = (S.SUBMITTED, S.IN_PROGRESS, S.ANSWERING, S.REFUSAL_PENDING)
#: States the requester may withdraw from.
WITHDRAWABLE = (S.SUBMITTED, S.RETURNED, S.IN_PROGRESS, S.ANSWERING, S.REFUSAL_PENDING)
#: States the receiving organisation sees (a draft is the requester's alone).
VISIBLE_TO_PROVIDER = tuple(s for s in S if s != S.DRAFT)

#: The transition table, for people and for the tests: (name, sources, target, rules).
TRANSITIONS: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    ("submit", (S.DRAFT,), S.SUBMITTED, "R6 R22 R23 R24 R30 R32 R33 R10"),
    ("return_for_reformulation", (S.SUBMITTED, S.IN_PROGRESS), S.RETURNED, "R7"),
    ("resubmit", (S.RETURNED,), S.SUBMITTED, "R7 R26"),
    ("start_handling", (S.SUBMITTED,), S.IN_PROGRESS, "R26"),
    ("decide_provide", (S.IN_PROGRESS,), S.ANSWERING, "R29 R31a R31b R34 R39 R4"),
    ("decide_refuse", (S.IN_PROGRESS,), S.REFUSAL_PENDING, "R31c R34 R39 R4"),
    ("confirm_refusal", (S.REFUSAL_PENDING,), S.REFUSED, "R11 R2"),
    ("reject_refusal", (S.REFUSAL_PENDING,), S.IN_PROGRESS, "R11"),
    ("contest_refusal", (S.REFUSED,), S.CONTESTED, "R8"),
    ("reconsider", (S.CONTESTED,), S.IN_PROGRESS, "R8"),
    ("uphold_refusal", (S.CONTESTED,), S.REFUSAL_PENDING, "R8 R11 R39"),
    ("consent_path_redecided", (S.ANSWERING,), S.IN_PROGRESS, "R29 R31 R34"),
    ("send_answer", (S.ANSWERING,), S.ANSWERED, "R15 R16 R17 R18 R19 R20 R21 R25 R29"),
    ("acknowledge", (S.ANSWERED, S.REFUSED), S.CLOSED, "R8"),
    ("withdraw", WITHDRAWABLE, S.WITHDRAWN, "R5"),
)


class RequestWorkflow:
    """Mixed into ``InformationRequest``; one method per row of ``TRANSITIONS``."""

    # R6 R22: in writing, after a phone call; R23 severity and reason; R24 the consent path,
    # with R30 (path B) or R32–R33 (path C) explained; R10 no judgement on fitness to parent.
    @transition(field="status", source=S.DRAFT, target=S.SUBMITTED)
    def submit(self) -> None: ...

    # R7 "Nee… maar wat kan dan wel": sent back with a suggestion instead of refused.
    @transition(field="status", source=[S.SUBMITTED, S.IN_PROGRESS], target=S.RETURNED)
    def return_for_reformulation(self) -> None: ...

    # R7: the edited request comes back; R26 the clock restarts from the resubmission.
    @transition(field="status", source=S.RETURNED, target=S.SUBMITTED)
    def resubmit(self) -> None: ...

    # R26: a clinician takes (or is assigned) the request.
    @transition(field="status", source=S.SUBMITTED, target=S.IN_PROGRESS)
    def start_handling(self) -> None: ...

    # R29 (A), R31a/R31b (B: parent agrees, or against the parent's wish after internal
    # consultation), R34 (C: weighty circumstances); R39 a written motivation.
    @transition(field="status", source=S.IN_PROGRESS, target=S.ANSWERING)
    def decide_provide(self) -> None: ...

    # R31c / R34: not to provide, with motivation (R39); under an OTS why the information is
    # not needed for it (R4). Waits for a second person (R11).
    @transition(field="status", source=S.IN_PROGRESS, target=S.REFUSAL_PENDING)
    def decide_refuse(self) -> None: ...

    # R11: a second person of the provider confirms the "no"; only now the requester sees it,
    # with the option to engage Veilig Thuis (R2).
    @transition(field="status", source=S.REFUSAL_PENDING, target=S.REFUSED)
    def confirm_refusal(self) -> None: ...

    # R11: the second person does not find it a justified "no": back to the clinician.
    @transition(field="status", source=S.REFUSAL_PENDING, target=S.IN_PROGRESS)
    def reject_refusal(self) -> None: ...

    # R8: the requester contests the refusal; legal advice is asked.
    @transition(field="status", source=S.REFUSED, target=S.CONTESTED)
    def contest_refusal(self) -> None: ...

    # R8: after advice, the clinician reconsiders the decision.
    @transition(field="status", source=S.CONTESTED, target=S.IN_PROGRESS)
    def reconsider(self) -> None: ...

    # R8, R39: after advice, the clinician keeps the refusal, with motivation; like any "no"
    # it waits for a second person (R11) before the requester learns of it.
    @transition(field="status", source=S.CONTESTED, target=S.REFUSAL_PENDING)
    def uphold_refusal(self) -> None: ...

    # R29: the decision to provide rested on a consent that was revoked or expired; the
    # requester re-decided the path as B or C, so the clinician consults the parent (R31) or
    # weighs the weighty circumstances (R34) and decides again.
    @transition(field="status", source=S.ANSWERING, target=S.IN_PROGRESS)
    def consent_path_redecided(self) -> None: ...

    # R15–R21, R25: the factual, complete answer with the checklist; R29 on valid consent.
    @transition(field="status", source=S.ANSWERING, target=S.ANSWERED)
    def send_answer(self) -> None: ...

    # The requester read the answer or the refusal.
    @transition(field="status", source=[S.ANSWERED, S.REFUSED], target=S.CLOSED)
    def acknowledge(self) -> None: ...

    # The requester withdraws a request that is not yet answered.
    @transition(field="status", source=list(WITHDRAWABLE), target=S.WITHDRAWN)
    def withdraw(self) -> None: ...

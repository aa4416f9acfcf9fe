"""The information request's state machine: every allowed move, with the protocol rule beside it.

Transitions only move the state. What a move requires (a motivation, a confirmation, a second
person) is checked by the service that calls it (``requests/services.py``), which locks the row,
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


# ============================================================================================
# Follow-up state machines (issue 4): the joint release of the path-C hold (R37), the use of
# provided information for another purpose (R28) and the reverse direction (R3). Each has its
# own table and mixin, checked against each other like the request's (tests/requests/followup).
# What a move requires is checked by ``requests/services_followup.py``.
# ============================================================================================


class ReleaseStatus(models.TextChoices):
    # One side proposes to release the path-C hold, with a reason (R37).
    PROPOSED = "voorgesteld", _("Voorgesteld")
    # The other side agreed: the hold is released; only now the parent may be informed (R40).
    AGREED = "akkoord", _("Akkoord: afscherming gezamenlijk opgeheven")
    # The other side does not (yet) judge it free of risk (R35 stays).
    DECLINED = "niet_akkoord", _("Niet akkoord")
    # The proposing side took the proposal back.
    WITHDRAWN = "ingetrokken", _("Ingetrokken")


RELEASE_TRANSITIONS: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    ("agree", (ReleaseStatus.PROPOSED,), ReleaseStatus.AGREED, "R37 R40"),
    ("decline", (ReleaseStatus.PROPOSED,), ReleaseStatus.DECLINED, "R35 R37"),
    ("withdraw", (ReleaseStatus.PROPOSED,), ReleaseStatus.WITHDRAWN, "R37"),
)


class ReleaseWorkflow:
    """Mixed into ``HoldRelease``; one method per row of ``RELEASE_TRANSITIONS``."""

    # R37, R40: the other side agrees; both judge informing the parent free of risk.
    @transition(field="status", source=ReleaseStatus.PROPOSED, target=ReleaseStatus.AGREED)
    def agree(self) -> None: ...

    # R35: the other side does not agree; the parent is still not told.
    @transition(field="status", source=ReleaseStatus.PROPOSED, target=ReleaseStatus.DECLINED)
    def decline(self) -> None: ...

    # R37: the proposing side withdraws its proposal.
    @transition(field="status", source=ReleaseStatus.PROPOSED, target=ReleaseStatus.WITHDRAWN)
    def withdraw(self) -> None: ...


class SecondaryUseStatus(models.TextChoices):
    # Put before the clinician: the intended use and the text (R28).
    SUBMITTED = "voorgelegd", _("Voorgelegd aan de zorgverlener")
    # The clinician agrees (with comments, if any).
    AGREED = "akkoord", _("Zorgverlener akkoord")
    # The clinician objects, with comments; the requester decides (R8).
    OBJECTED = "bezwaar", _("Zorgverlener heeft bezwaar")
    # Sent for the other purpose, after the clinician's reply.
    SENT = "verstuurd", _("Verstuurd")
    # The requester will not use it for that purpose.
    WITHDRAWN = "ingetrokken", _("Ingetrokken")


_SU = SecondaryUseStatus
SECONDARY_USE_TRANSITIONS: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    ("agree", (_SU.SUBMITTED,), _SU.AGREED, "R28"),
    ("object_to", (_SU.SUBMITTED,), _SU.OBJECTED, "R28 R8"),
    ("mark_sent", (_SU.AGREED, _SU.OBJECTED), _SU.SENT, "R28 R8 R5"),
    ("withdraw", (_SU.SUBMITTED, _SU.AGREED, _SU.OBJECTED), _SU.WITHDRAWN, "R28"),
)


class SecondaryUseWorkflow:
    """Mixed into ``SecondaryUse``; one method per row of ``SECONDARY_USE_TRANSITIONS``."""

    # R28: the clinician agrees with the other use.
    @transition(field="status", source=_SU.SUBMITTED, target=_SU.AGREED)
    def agree(self) -> None: ...

    # R28, R8: the clinician objects, with comments; each party keeps its own responsibility.
    @transition(field="status", source=_SU.SUBMITTED, target=_SU.OBJECTED)
    def object_to(self) -> None: ...

    # R28: sent only after the clinician's reply; despite an objection only with a motivation (R5).
    @transition(field="status", source=[_SU.AGREED, _SU.OBJECTED], target=_SU.SENT)
    def mark_sent(self) -> None: ...

    # R28: the requester does not go ahead.
    @transition(field="status", source=[_SU.SUBMITTED, _SU.AGREED, _SU.OBJECTED], target=_SU.WITHDRAWN)
    def withdraw(self) -> None: ...


class ReverseStatus(models.TextChoices):
    # Sent to youth care; five working days of the receiving organisation (R26, L1).
    SUBMITTED = "ingediend", _("Ingediend")
    # Youth care answered: interventions and/or the KOPP/KVO fit (R3, R25).
    ANSWERED = "beantwoord", _("Beantwoord")
    # Youth care does not answer, with a motivation (R39, L2).
    DECLINED = "niet_beantwoord", _("Niet beantwoord")
    # The asker withdrew the question.
    WITHDRAWN = "ingetrokken", _("Ingetrokken")
    # The asker read the answer.
    CLOSED = "afgesloten", _("Afgesloten")


_RS = ReverseStatus
REVERSE_TRANSITIONS: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    ("answer", (_RS.SUBMITTED,), _RS.ANSWERED, "R3 R25 R26"),
    ("decline", (_RS.SUBMITTED,), _RS.DECLINED, "R3 R39 L2"),
    ("withdraw", (_RS.SUBMITTED,), _RS.WITHDRAWN, "R3"),
    ("acknowledge", (_RS.ANSWERED, _RS.DECLINED), _RS.CLOSED, "R3 R8"),
)


class ReverseWorkflow:
    """Mixed into ``ReverseQuestion``; one method per row of ``REVERSE_TRANSITIONS``."""

    # R3: which interventions are deployed, and whether a KOPP/KVO offer fits; R25 factual.
    @transition(field="status", source=_RS.SUBMITTED, target=_RS.ANSWERED)
    def answer(self) -> None: ...

    # R39, L2: not answered, with a motivation (e.g. the consent the child's age requires).
    @transition(field="status", source=_RS.SUBMITTED, target=_RS.DECLINED)
    def decline(self) -> None: ...

    # R3: the asker withdraws the question before it was answered.
    @transition(field="status", source=_RS.SUBMITTED, target=_RS.WITHDRAWN)
    def withdraw(self) -> None: ...

    # The asker read the answer (or the motivated "no").
    @transition(field="status", source=[_RS.ANSWERED, _RS.DECLINED], target=_RS.CLOSED)
    def acknowledge(self) -> None: ...

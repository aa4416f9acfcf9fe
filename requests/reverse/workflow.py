"""The reverse question's state machine (R3): adult care asks youth care about a child.
What a move requires is checked by ``requests/reverse/services.py``."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import transition


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

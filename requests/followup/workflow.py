"""The follow-up state machines: the joint release of the path-C hold (R37) and the use of
provided information for another purpose (R28). What a move requires is checked by
``requests/followup/services.py``."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import transition


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

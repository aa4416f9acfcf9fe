"""The consent declaration's state machine: valid → revoked, and nothing else.

A declaration is born valid (the parent, or their representative, signed it: R24, L2) and can
only be revoked. Revocation is final: a parent who consents again signs a new declaration, so
the file shows both facts instead of a flag that flips back and forth.

Transitions only move the state. ``consent/services.py`` locks the row, calls the transition,
writes the RequestEvents and the audit event in the same transaction. An illegal move raises
``django_fsm.TransitionNotAllowed``; the service turns it into a Dutch ``IllegalMove``.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import transition


class ConsentStatus(models.TextChoices):
    # The declaration may be relied on (within its validity, see ``is_usable_on``).
    VALID = "geldig", _("Geldig")
    # The parent (or representative) withdrew consent; requests relying on it must re-decide.
    REVOKED = "ingetrokken", _("Ingetrokken")


#: The transition table, for people and for the tests: (name, sources, target, rules).
TRANSITIONS: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    ("revoke", (ConsentStatus.VALID,), ConsentStatus.REVOKED, "R12 R29 L2"),
)


class ConsentWorkflow:
    """Mixed into ``ConsentDeclaration``; one method per row of ``TRANSITIONS``."""

    # R12: consent is the parent's to give and therefore also theirs to withdraw (L2: or their
    # representative's). R29: path A rests on the declaration travelling with the request, so
    # from here on a revoked consent cannot carry an answer — the provider has to re-decide
    # (path B, R30–R31) and every request relying on it records the revocation.
    # No way back: renewed consent is a new declaration (source is VALID only).
    @transition(field="status", source=ConsentStatus.VALID, target=ConsentStatus.REVOKED)
    def revoke(self) -> None: ...

    def is_expired_on(self, day: datetime.date) -> bool:
        """Past its ``valid_until`` date (the parent consented for a limited time)."""
        return day > self.valid_until

    def is_usable_on(self, day: datetime.date) -> bool:
        """Whether the declaration can carry a request or an answer on ``day`` (R29).

        Request services call this before submitting on path A and before sending an answer
        that relies on consent: a revoked or expired declaration carries nothing.
        """
        return self.status == ConsentStatus.VALID and self.given_on <= day <= self.valid_until

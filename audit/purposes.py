"""The purpose of use on every audit line (NEN 7513 ``purposeOfUse``): why data was read or
changed, from one fixed list.

Each app gives every audit code it registers a default purpose (:func:`audit.catalogue.register`
with ``purposes=``) and may add a rule that refines it for a read by the actor's side or role
(:func:`audit.catalogue.register_purpose_rule`); :func:`audit.events.record` applies them when the
caller passes no ``purpose``. Events written before purposes were recorded have an empty purpose
and show as "onbekend (vóór registratie)", never as a guess.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["Purpose", "purpose_label", "UNKNOWN_LABEL"]


class Purpose(models.TextChoices):
    HANDLING = "behandelen", _("Behandelen informatieverzoek")
    FILING = "indienen", _("Indienen en volgen informatieverzoek")
    REFUSAL_CONFIRMATION = "bevestigen_weigering", _("Bevestigen weigering (tweede persoon)")
    LEGAL_ADVICE = "juridisch_advies", _("Juridisch advies")
    DEADLINES = "termijnbewaking", _("Termijnbewaking")
    ACCESS_MANAGEMENT = "toegangsbeheer", _("Gebruikers- en toegangsbeheer")
    AUDIT = "audit", _("Audit en bewaartermijnen")
    PARENT_ACCESS = "inzagerecht", _("Inzagerecht ouder")
    SECURITY = "beveiliging", _("Inloggen en beveiliging")
    SYSTEM = "systeem", _("Systeem")
    # Only for filtering and showing rows written before purposes were recorded (stored empty).
    UNKNOWN = "onbekend", _("onbekend (vóór registratie)")


UNKNOWN_LABEL = Purpose.UNKNOWN.label


def purpose_label(value: str) -> str:
    """The Dutch (active language's) label of a stored purpose; empty is an old row."""
    if not value:
        return str(UNKNOWN_LABEL)
    try:
        return str(Purpose(value).label)
    except ValueError:
        return value


def source_label(audit_source: str, site: str) -> str:
    """Which installation and which organisation's site wrote a line ("bron")."""
    if not audit_source:
        return str(UNKNOWN_LABEL)
    return f"{audit_source}/{site}" if site else audit_source

"""The Kindcheck (L4, meldcode step 1): an adult-care clinician records whether the client has
children and whether there are concerns about their safety, and what follows (R3)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from toolkid.limits import MOTIVATION, text_limit


class KindcheckNextStep(models.TextChoices):
    """L4, meldcode step 2 and R3: what the clinician does next when there are concerns."""

    COLLEAGUE = "collega", _("Een collega raadplegen")
    VEILIG_THUIS = "veilig_thuis", _("Veilig Thuis raadplegen")
    REVERSE_QUESTION = "vraag_jeugdhulp", _("Een vraag stellen aan de jeugdhulp over de kinderen")  # R3
    # R5: no next step despite concerns is a deviation and needs a motivation.
    NONE = "geen", _("Geen vervolgstap (met motivering)")


class KindcheckOutcome(models.TextChoices):
    NO_CHILDREN = "geen_kinderen", _("Geen minderjarige kinderen, niet zwanger")
    NO_CONCERNS = "geen_zorgen", _("Kinderen (of zwanger), geen zorgen over de veiligheid")
    CONCERNS_OPEN = "zorgen_open", _("Zorgen, nog geen vervolgstap vastgelegd")
    CONCERNS_FOLLOWED = "zorgen_vervolg", _("Zorgen, vervolgstap gekozen")
    CONCERNS_NO_STEP = "zorgen_geen_stap", _("Zorgen, bewust geen vervolgstap (gemotiveerd)")


class Kindcheck(models.Model):
    """L4 (meldcode step 1): for an adult client, does the client care for minor children (or
    is pregnant), how old are they, and are there concerns about their safety? With concerns,
    the next steps chosen."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("toolkid.Organisation", on_delete=models.PROTECT, related_name="+")
    clinician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The adult client, owned by the clinician's organisation.
    parent = models.ForeignKey("requests.Parent", on_delete=models.PROTECT, related_name="kindchecks")
    checked_on = models.DateField(_("datum Kindcheck"))
    cares_for_minors = models.BooleanField(_("zorgt voor minderjarige kinderen"), default=False)
    is_pregnant = models.BooleanField(_("zwanger"), default=False)
    children_ages = models.JSONField(_("leeftijden van de kinderen"), default=list, blank=True)
    safety_concerns = models.BooleanField(_("zorgen over de veiligheid van de kinderen"), default=False)
    concerns_note = models.TextField(_("welke zorgen"), blank=True, **text_limit(MOTIVATION))
    next_steps = models.JSONField(_("vervolgstappen"), default=list, blank=True)
    next_steps_note = models.TextField(_("toelichting vervolgstappen"), blank=True, **text_limit(MOTIVATION))
    next_steps_recorded_at = models.DateTimeField(null=True, blank=True)
    next_steps_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                               related_name="+", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-checked_on", "-pk"]
        verbose_name = _("Kindcheck")
        verbose_name_plural = _("Kindchecks")
        indexes = [models.Index(fields=["organisation", "checked_on"])]

    def __str__(self) -> str:
        return f"{_('Kindcheck')} {self.parent} {self.checked_on:%Y-%m-%d}"

    @property
    def outcome(self) -> KindcheckOutcome:
        if not (self.cares_for_minors or self.is_pregnant):
            return KindcheckOutcome.NO_CHILDREN
        if not self.safety_concerns:
            return KindcheckOutcome.NO_CONCERNS
        if not self.next_steps:
            return KindcheckOutcome.CONCERNS_OPEN
        if self.next_steps == [KindcheckNextStep.NONE]:
            return KindcheckOutcome.CONCERNS_NO_STEP
        return KindcheckOutcome.CONCERNS_FOLLOWED

    def get_next_steps_display(self) -> list[str]:
        labels = dict(KindcheckNextStep.choices)
        return [str(labels.get(code, code)) for code in self.next_steps]

"""R5: departures from the regional agreements, wherever in the protocol they happen (a duty
skipped, information used for another purpose despite an objection, a Kindcheck without a next
step), each recorded with its motivation and listed for the teamleider."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from toolkid.limits import MOTIVATION, text_limit


class DeviationKind(models.TextChoices):
    """R5: the steps the workflow allows to skip or deviate from, each only with a motivation."""

    DUTY_SKIPPED = "taak_overgeslagen", _("Taak na het antwoord overgeslagen")
    SECONDARY_USE_DESPITE_OBJECTION = "ander_doel_ondanks_bezwaar", _(
        "Informatie voor een ander doel verstuurd ondanks bezwaar van de zorgverlener"
    )  # R28
    KINDCHECK_NO_NEXT_STEP = "kindcheck_geen_vervolgstap", _(
        "Kindcheck: zorgen over de veiligheid, geen vervolgstap"
    )
    OTHER = "overig", _("Andere afwijking van de afspraken")


class Deviation(models.Model):
    """R5: a recorded departure from the regional agreements in an individual case, with its
    motivation; listed for the teamleider of the organisation that departed."""

    organisation = models.ForeignKey("toolkid.Organisation", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(_("soort afwijking"), max_length=40, choices=DeviationKind.choices)
    motivation = models.TextField(_("motivering"), **text_limit(MOTIVATION))
    # The record belongs with the case file and goes when it goes (L6, audit.retention).
    request = models.ForeignKey("requests.InformationRequest", on_delete=models.CASCADE,
                                related_name="deviations", null=True, blank=True)
    kindcheck = models.ForeignKey("requests.Kindcheck", on_delete=models.CASCADE, related_name="deviations",
                                  null=True, blank=True)
    reverse_question = models.ForeignKey("requests.ReverseQuestion", on_delete=models.CASCADE,
                                         related_name="deviations", null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("afwijking van de afspraken")
        verbose_name_plural = _("afwijkingen van de afspraken")
        indexes = [models.Index(fields=["organisation", "recorded_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.recorded_at:%Y-%m-%d})"

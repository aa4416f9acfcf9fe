"""Step 4 of the guided form, *Ernst en reden* (R23)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from requests.core.models import Severity
from requests.filing.forms import FilingStep, StepForm
from toolkid.forms import LimitedTextField, text_area
from toolkid.limits import MOTIVATION


class SeverityForm(StepForm):
    severity = forms.ChoiceField(
        label=_("Ernst van de situatie"),
        choices=Severity.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Een informatieverzoek berust op (een redelijk vermoeden van) kindermishandeling of huiselijk "
            "geweld, of op twijfel over het welzijn van het kind."
        ),
        error_messages={"required": _("Kies de ernst van de situatie."),
                        "invalid_choice": _("Kies een van de mogelijkheden in de lijst.")},
    )
    reason = LimitedTextField(
        max_length=MOTIVATION,
        label=_("Reden van het verzoek"),
        help_text=_(
            "Beschrijf wat u ziet of hoort over de situatie van het kind, en waarom u daarvoor informatie "
            "van de zorgverlener nodig hebt."
        ),
        widget=text_area(8),
        error_messages={"required": _("Beschrijf de reden van het verzoek.")},
    )


class SeverityStep(FilingStep):
    slug = "ernst-en-reden"
    title = _("Ernst en reden")
    template = "requests/filing/step_severity.html"

    def build(self) -> None:
        self.form = SeverityForm(
            self.data, lenient=self.lenient,
            initial={"severity": self.info.severity, "reason": self.info.reason},
        )

    @property
    def forms(self) -> list[Any]:
        return [self.form]

    def update(self) -> dict[str, Any]:
        cleaned = self.form.cleaned_data
        return {"fields": {"severity": cleaned.get("severity", ""), "reason": cleaned.get("reason", "")}}

    def context(self) -> dict[str, Any]:
        return {"form": self.form}

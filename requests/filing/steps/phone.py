"""Step 1 of the guided form, *Telefonisch contact* (R6, R22): spreken gaat voor schrijven."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from requests.filing.forms import PERSONAL, FilingStep, StepForm, date_field
from toolkid.forms import LimitedTextField
from toolkid.limits import NAME


class PhoneContactForm(StepForm):
    phone_contact_date = date_field(
        _("Datum van het telefonisch contact"),
        help_text=_("Een schriftelijk verzoek volgt altijd op een telefonisch gesprek met de zorgverlener."),
        required_message=_("Vul de datum van het telefonisch contact in (eerst bellen, dan schrijven)."),
    )
    phone_contact_with = LimitedTextField(
        max_length=NAME,
        label=_("Met wie had u telefonisch contact?"),
        help_text=_("Naam en functie, bijvoorbeeld: mevrouw J. Hermans, behandelaar."),
        widget=forms.TextInput(attrs=PERSONAL),
        error_messages={"required": _("Vul in met wie u telefonisch contact had.")},
    )

    def clean_phone_contact_date(self) -> dt.date | None:
        value = self.cleaned_data.get("phone_contact_date")
        if value and value > timezone.localdate():
            raise ValidationError(
                _("De datum van het telefonisch contact ligt in de toekomst."), code="future"
            )
        return value


class PhoneContactStep(FilingStep):
    slug = "telefonisch-contact"
    title = _("Telefonisch contact")
    template = "requests/filing/step_phone.html"

    def build(self) -> None:
        self.form = PhoneContactForm(
            self.data,
            lenient=self.lenient,
            initial={"phone_contact_date": self.info.phone_contact_date,
                     "phone_contact_with": self.info.phone_contact_with},
        )

    @property
    def forms(self) -> list[Any]:
        return [self.form]

    def update(self) -> dict[str, Any]:
        cleaned = self.form.cleaned_data
        return {"fields": {
            "phone_contact_date": cleaned.get("phone_contact_date"),
            "phone_contact_with": cleaned.get("phone_contact_with", ""),
        }}

    def context(self) -> dict[str, Any]:
        return {"form": self.form}

"""Forms of the Kindcheck (L4): the check itself, its next steps, and the overview's period.
Forms only parse; the services decide what is required (``requests.core.forms``).
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from requests.core.forms import PlainForm, optional_date_field
from requests.kindcheck.models import KindcheckNextStep
from toolkid.forms import LimitedTextField, text_area
from toolkid.limits import MOTIVATION, NAME

YES_NO = (("ja", _("Ja")), ("nee", _("Nee")))


def yes_no(value: str | None) -> bool | None:
    return {"ja": True, "nee": False}.get(value or "")


_AGES = re.compile(r"\d+")


class KindcheckForm(PlainForm):
    service_required = ("parent_name", "parent_date_of_birth", "checked_on", "cares_for_minors")
    parent_name = LimitedTextField(max_length=NAME, label=_("Naam van de cliënt"), required=False)
    parent_date_of_birth = optional_date_field(_("Geboortedatum van de cliënt"))
    parent_bsn = LimitedTextField(max_length=11, label=_("BSN (niet verplicht)"), required=False)
    checked_on = optional_date_field(_("Datum Kindcheck"))
    cares_for_minors = forms.ChoiceField(
        label=_("Zorgt de cliënt voor minderjarige kinderen (eigen kinderen of kinderen in het gezin)?"),
        choices=YES_NO,
        required=False,
        widget=forms.RadioSelect,
    )
    children_ages = LimitedTextField(
        max_length=100,
        label=_("Leeftijden van de kinderen"),
        required=False,
        help_text=_("Bijvoorbeeld: 3, 8, 14"),
    )
    is_pregnant = forms.BooleanField(label=_("De cliënt (of de partner) is zwanger"), required=False)
    safety_concerns = forms.ChoiceField(
        label=_("Zijn er zorgen over de veiligheid van de kinderen?"),
        choices=YES_NO,
        required=False,
        widget=forms.RadioSelect,
    )
    concerns_note = LimitedTextField(
        max_length=MOTIVATION, label=_("Welke zorgen?"), required=False, widget=text_area(4)
    )

    def clean_children_ages(self) -> list[int]:
        text = self.cleaned_data.get("children_ages") or ""
        if re.search(r"[^\d,;\s]", text):
            raise forms.ValidationError(_("Vul de leeftijden in als getallen, gescheiden door komma's."))
        return [int(part) for part in _AGES.findall(text)]

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "parent": {
                "name": data.get("parent_name") or "",
                "date_of_birth": data.get("parent_date_of_birth"),
                "bsn": data.get("parent_bsn") or "",
            },
            "checked_on": data.get("checked_on"),
            "cares_for_minors": yes_no(data.get("cares_for_minors")),
            "is_pregnant": bool(data.get("is_pregnant")),
            "children_ages": data.get("children_ages") or [],
            "safety_concerns": yes_no(data.get("safety_concerns")),
            "concerns_note": data.get("concerns_note") or "",
        }


class KindcheckNextStepsForm(PlainForm):
    service_required = ("steps")
    steps = forms.MultipleChoiceField(
        label=_("Welke vervolgstap(pen) zet u?"),
        choices=KindcheckNextStep.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = LimitedTextField(
        max_length=MOTIVATION,
        label=_("Toelichting"),
        required=False,
        widget=text_area(3),
        help_text=_("Verplicht als u geen vervolgstap zet."),  # R5
    )


class PeriodForm(forms.Form):
    van = optional_date_field(_("Van"))
    tot = optional_date_field(_("Tot en met"))

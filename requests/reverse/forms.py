"""Forms of the reverse direction (R3): a zorgverlener's question about the children of a client
to youth care, and the answers to it. Forms only parse; the services decide what is required
(``requests.core.forms``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from requests.core.forms import PlainForm, optional_date_field
from toolkid.forms import LimitedTextField, text_area
from toolkid.limits import ANSWER, MOTIVATION, NAME, NOTE, QUESTION
from toolkid.models import Organisation, OrganisationKind


class ReverseQuestionForm(PlainForm):
    service_required = (
        "receiving_organisation",
        "parent_name",
        "parent_date_of_birth",
        "child_name_or_initials",
        "child_date_of_birth",
        "phone_contact_date",
        "phone_contact_with",
        "asks_interventions",
        "consent_note",
    )
    receiving_organisation = forms.ModelChoiceField(
        label=_("Organisatie voor jeugdhulp"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Kies een organisatie"),
    )
    phone_contact_date = optional_date_field(
        _("Datum telefonisch contact"), help_text=_("Spreken gaat voor schrijven: bel eerst.")  # R6
    )
    phone_contact_with = LimitedTextField(max_length=NAME, label=_("Telefonisch contact met"), required=False)
    parent_name = LimitedTextField(max_length=NAME, label=_("Naam van uw cliënt (de ouder)"), required=False)
    parent_date_of_birth = optional_date_field(_("Geboortedatum van uw cliënt"))
    parent_bsn = LimitedTextField(
        max_length=11, label=_("BSN van uw cliënt (niet verplicht)"), required=False
    )
    child_name_or_initials = LimitedTextField(
        max_length=NAME,
        label=_("Naam of initialen van het kind"), required=False,
    )
    child_date_of_birth = optional_date_field(
        _("Geboortedatum van het kind"), help_text=_("De leeftijd bepaalt wie toestemming geeft.")  # L2
    )
    asks_interventions = forms.BooleanField(
        label=_("Welke interventies worden voor het kind ingezet?"), required=False
    )
    asks_kopp_kvo = forms.BooleanField(
        label=_("Zou het kind baat hebben bij een preventief KOPP/KVO-aanbod?"), required=False
    )
    question = LimitedTextField(
        max_length=QUESTION,
        label=_("Toelichting op uw vraag (niet verplicht)"), required=False, widget=text_area(4)
    )
    consent_parents = forms.BooleanField(label=_("De ouders met gezag gaven toestemming"), required=False)
    consent_child = forms.BooleanField(label=_("Het kind gaf toestemming"), required=False)
    consent_note = LimitedTextField(
        max_length=NOTE,
        label=_("Hoe en wanneer is de toestemming gegeven?"),
        required=False,
        widget=text_area(3),
        help_text=_(
            "Jonger dan 12: de ouders met gezag. 12 tot en met 15: het kind én de ouders. "
            "16 en ouder: het kind zelf."
        ),  # L2
    )

    def __init__(self, *args: Any, fixed_parent: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["receiving_organisation"].queryset = Organisation.objects.filter(
            is_active=True, kind__in=sorted(OrganisationKind.requester_kinds())
        ).order_by("name")
        if fixed_parent:
            for name in ("parent_name", "parent_date_of_birth", "parent_bsn"):
                del self.fields[name]

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        arguments = {
            name: data.get(name)
            for name in ("receiving_organisation", "child_date_of_birth", "phone_contact_date")
        }
        for name in ("child_name_or_initials", "phone_contact_with", "question", "consent_note"):
            arguments[name] = data.get(name) or ""
        for name in ("asks_interventions", "asks_kopp_kvo", "consent_parents", "consent_child"):
            arguments[name] = bool(data.get(name))
        if "parent_name" in self.fields:
            arguments["parent"] = {
                "name": data.get("parent_name") or "",
                "date_of_birth": data.get("parent_date_of_birth"),
                "bsn": data.get("parent_bsn") or "",
            }
        return arguments


class ReverseAnswerForm(PlainForm):
    interventions = LimitedTextField(
        max_length=ANSWER,
        label=_("Welke interventies worden ingezet?"), required=False, widget=text_area(5)
    )
    kopp_kvo = LimitedTextField(
        max_length=ANSWER,
        label=_("Past een preventief KOPP/KVO-aanbod bij het kind?"), required=False, widget=text_area(4)
    )


class ReverseDeclineForm(PlainForm):
    service_required = ("motivation")
    motivation = LimitedTextField(
        max_length=MOTIVATION,
        label=_("Waarom beantwoordt u de vraag niet?"), required=False, widget=text_area(4)
    )


class ReverseWithdrawForm(PlainForm):
    service_required = ("reason")
    reason = LimitedTextField(
        max_length=MOTIVATION, label=_("Reden van intrekken"), required=False, widget=text_area(3)
    )


class ReverseAcknowledgeForm(PlainForm):
    """A single button."""

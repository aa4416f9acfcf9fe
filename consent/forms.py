"""Forms parse and show; the rules live in ``consent.services`` / ``consent.validation``.

The declaration form asks the service's own rule function (``consent_field_errors``) in
``clean()``, so every problem shows at once, beside its field and in the summary.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consent.models import ConsentGiver
from consent.services import consent_field_errors
from consent.validation import validate_document
from requests.core.models import Parent, Topic
from toolkid.forms import DATE_INPUT_FORMATS, DateInput, LimitedTextField, text_area
from toolkid.limits import MOTIVATION, NAME, SHORT_NOTE
from toolkid.models import Organisation, OrganisationKind

#: Fields whose business rules come from the service.
RULE_FIELDS = (
    "recipient",
    "given_by",
    "representative_name",
    "topics",
    "purpose",
    "given_on",
    "valid_until",
)


class ApplyServiceErrorsMixin:
    def add_service_errors(self, errors: dict[str, Any]) -> None:
        """Show a service's ``Incomplete.errors`` beside the fields (or at the top)."""
        for name, message in errors.items():
            self.add_error(name if name in self.fields else None, message)


class ConsentDeclarationForm(ApplyServiceErrorsMixin, forms.Form):
    recipient = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label=_("Ontvangende organisatie"),
        help_text=_("De organisatie voor volwassenenzorg die informatie over de ouder mag geven."),
        empty_label=_("Kies een organisatie"),
        error_messages={
            "required": _("Kies de organisatie voor volwassenenzorg die de informatie geeft."),
            "invalid_choice": _(
                "Kies de organisatie voor volwassenenzorg die de informatie geeft."
            ),
        },
    )
    given_by = forms.ChoiceField(
        choices=ConsentGiver.choices,
        widget=forms.RadioSelect,
        label=_("Wie heeft de toestemming gegeven?"),
        help_text=_(
            "Informatie over de ouder vraagt toestemming van de ouder zelf. Is de ouder "
            "wilsonbekwaam, dan geeft een vertegenwoordiger toestemming, in deze volgorde."
        ),
        error_messages={
            "required": _("Kies wie de toestemming heeft gegeven."),
            "invalid_choice": _("Kies wie de toestemming heeft gegeven."),
        },
    )
    representative_name = LimitedTextField(
        required=False,
        max_length=NAME,
        label=_("Naam van de vertegenwoordiger"),
        help_text=_("Verplicht als iemand anders dan de ouder de toestemming heeft gegeven."),
    )
    topics = forms.MultipleChoiceField(
        choices=Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Voor welke onderwerpen geldt de toestemming?"),
        help_text=_("Kies alle onderwerpen die op de ondertekende verklaring staan."),
        error_messages={"invalid_choice": _("Kies alleen uit de onderwerpen a tot en met f.")},
    )
    purpose = LimitedTextField(
        max_length=MOTIVATION,
        widget=text_area(4),
        label=_("Doel"),
        help_text=_("Waarvoor mag de informatie worden gebruikt, zoals op de verklaring staat."),
        error_messages={"required": _("Beschrijf het doel waarvoor de toestemming is gegeven.")},
    )
    given_on = forms.DateField(
        widget=DateInput(),
        input_formats=DATE_INPUT_FORMATS,
        label=_("Datum waarop de toestemming is gegeven"),
        help_text=_("Bijvoorbeeld 15-03-2026."),
        error_messages={
            "required": _("Vul de datum in waarop de toestemming is gegeven."),
            "invalid": _("Vul een geldige datum in, bijvoorbeeld 15-03-2026."),
        },
    )
    valid_until = forms.DateField(
        widget=DateInput(),
        input_formats=DATE_INPUT_FORMATS,
        label=_("Geldig tot"),
        help_text=_("De laatste dag waarop de toestemming geldt."),
        error_messages={
            "required": _("Vul de datum in tot wanneer de toestemming geldt."),
            "invalid": _("Vul een geldige datum in, bijvoorbeeld 15-09-2026."),
        },
    )
    document = forms.FileField(
        label=_("Ondertekende toestemmingsverklaring"),
        help_text=_("Een scan of foto als PDF, PNG of JPEG, hoogstens 10 MB."),
        # validate_document gives one clear message for an empty file too.
        allow_empty_file=True,
        widget=forms.FileInput(
            attrs={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"}
        ),
        error_messages={
            "required": _("Voeg de ondertekende toestemmingsverklaring toe."),
            "invalid": _("Voeg de ondertekende toestemmingsverklaring toe."),
        },
    )

    def __init__(self, *args: Any, parent: Parent, organisation: Organisation, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.parent = parent
        self.organisation = organisation
        self.fields["recipient"].queryset = (
            Organisation.objects.filter(kind=OrganisationKind.VOLWASSENENZORG, is_active=True)
            .exclude(pk=organisation.pk)
            .order_by("name")
        )

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if document is not None:
            validate_document(document)
        return document

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        present = {name: cleaned[name] for name in RULE_FIELDS if name in cleaned}
        errors = consent_field_errors(
            present,
            holding_organisation=self.organisation,
            parent=self.parent,
            today=timezone.localdate(),
        )
        for name, message in errors.items():
            self.add_error(name, message)
        return cleaned

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "recipient": data["recipient"],
            "given_by": data["given_by"],
            "representative_name": data.get("representative_name", ""),
            "topics": data.get("topics", []),
            "purpose": data["purpose"],
            "given_on": data["given_on"],
            "valid_until": data["valid_until"],
            "document": data["document"],
        }


class ConsentRevokeForm(ApplyServiceErrorsMixin, forms.Form):
    revoked_on = forms.DateField(
        widget=DateInput(),
        input_formats=DATE_INPUT_FORMATS,
        label=_("Datum waarop de toestemming is ingetrokken"),
        help_text=_(
            "De dag waarop de ouder (of de vertegenwoordiger) liet weten "
            "de toestemming in te trekken."
        ),
        error_messages={
            "required": _("Vul de datum in waarop de toestemming is ingetrokken."),
            "invalid": _("Vul een geldige datum in, bijvoorbeeld 15-03-2026."),
        },
    )
    note = LimitedTextField(
        required=False,
        max_length=SHORT_NOTE,
        widget=text_area(3),
        label=_("Toelichting"),
        help_text=_("Bijvoorbeeld hoe de ouder het liet weten. Hoogstens 500 tekens."),
    )

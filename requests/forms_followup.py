"""Forms for the follow-up after the answer (issue 4). Like ``forms_handling``: forms only parse;
the services (``requests/services_followup.py``) decide what is required and their
``Incomplete`` messages are put beside the fields (``forms_handling.add_service_errors``), so
field names equal the services' error keys.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from requests.forms import DATE_INPUT_FORMATS, INVALID_DATE
from requests.forms_handling import ActionForm, mark_service_required
from requests.models import KindcheckNextStep, SecondaryPurpose
from toolkid.forms import DateInput, text_area
from toolkid.models import Organisation, OrganisationKind


def _date(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=DateInput(),
        error_messages={"invalid": INVALID_DATE},
        **kwargs,
    )


YES_NO = (("ja", _("Ja")), ("nee", _("Nee")))


def yes_no(value: str | None) -> bool | None:
    return {"ja": True, "nee": False}.get(value or "")


class PlainForm(forms.Form):
    """Base for the forms outside a request's page: no browser ``required`` (the server
    explains in Dutch), and the display-only "required" mark of ``ActionForm``."""

    use_required_attribute = False
    service_required: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        mark_service_required(self.fields, self.service_required)


# --------------------------------------------------------------------------------------------
# On the request's page
# --------------------------------------------------------------------------------------------


class DutyCompleteForm(ActionForm):
    service_required = ("done_on", "not_discussed_confirmed")
    done_on = _date(_("Wanneer deed u dit?"))
    note = forms.CharField(label=_("Toelichting (niet verplicht)"), required=False, widget=text_area(3))
    not_discussed_confirmed = forms.BooleanField(
        label=_("In het dossier staat de aantekening ‘nog niet besproken met de ouder’ (R36)"),
        required=False,
    )

    def __init__(self, *args: Any, needs_note: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not needs_note:
            del self.fields["not_discussed_confirmed"]


class DutySkipForm(ActionForm):
    service_required = ("motivation",)
    motivation = forms.CharField(
        label=_("Waarom voert u deze taak niet uit?"),
        required=False,
        widget=text_area(3),
        help_text=_("Afwijken van de afspraken kan alleen met een motivering (R5); de teamleider ziet dit."),
    )


class ReleaseProposeForm(ActionForm):
    service_required = ("reason",)
    reason = forms.CharField(
        label=_("Waarom geeft bespreken geen risico's meer?"),
        required=False,
        widget=text_area(4),
        help_text=_("De andere partij moet akkoord geven; pas dan wordt de afscherming opgeheven (R37)."),
    )


class ReleaseAgreeForm(ActionForm):
    note = forms.CharField(label=_("Toelichting (niet verplicht)"), required=False, widget=text_area(3))


class ReleaseDeclineForm(ActionForm):
    service_required = ("reason",)
    reason = forms.CharField(label=_("Waarom kan het nog niet?"), required=False, widget=text_area(3))


class EmptyForm(ActionForm):
    """A single button: only the rendered state travels along."""


class FeedbackForm(ActionForm):
    service_required = ("what_was_done", "what_follows")
    what_was_done = forms.CharField(
        label=_("Wat is er met de informatie gedaan?"), required=False, widget=text_area(4)
    )
    what_follows = forms.CharField(label=_("Wat volgt er?"), required=False, widget=text_area(4))


class SecondaryUseForm(ActionForm):
    service_required = ("purpose", "description")
    purpose = forms.ChoiceField(
        label=_("Waarvoor wilt u de informatie gebruiken?"),
        choices=SecondaryPurpose.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    description = forms.CharField(label=_("Beoogd gebruik"), required=False, widget=text_area(4))
    text = forms.CharField(
        label=_("De tekst die u wilt versturen (niet verplicht)"),
        required=False,
        widget=text_area(6),
        help_text=_("Zo kan de zorgverlener beoordelen hoe de informatie wordt weergegeven."),
    )


class SecondaryUseReplyForm(ActionForm):
    service_required = ("reply",)
    reply = forms.ChoiceField(
        label=_("Uw reactie"),
        required=False,
        widget=forms.RadioSelect,
        choices=(("akkoord", _("Akkoord")), ("bezwaar", _("Bezwaar"))),
    )
    comments = forms.CharField(
        label=_("Opmerkingen"),
        required=False,
        widget=text_area(4),
        help_text=_(
            "Verplicht bij bezwaar. De aanvrager blijft verantwoordelijk voor het eigen besluit (R8)."
        ),
    )


class SecondaryUseSentForm(ActionForm):
    service_required = ("sent_on",)
    sent_on = _date(_("Verstuurd op"))
    motivation = forms.CharField(
        label=_("Motivering"),
        required=False,
        widget=text_area(3),
        help_text=_("Verplicht als de zorgverlener bezwaar heeft (R5, R8)."),
    )


class FilingApproveForm(ActionForm):
    note = forms.CharField(label=_("Toelichting (niet verplicht)"), required=False, widget=text_area(2))


class VeiligThuisForm(ActionForm):
    service_required = ("engaged_on", "safety_concerns")
    engaged_on = _date(_("Ingeschakeld op"))
    safety_concerns = forms.BooleanField(
        label=_("Er zijn zorgen over de veiligheid van het kind (R2)"), required=False
    )
    reference = forms.CharField(
        label=_("Kenmerk bij Veilig Thuis (niet verplicht)"), required=False, max_length=50
    )
    note = forms.CharField(label=_("Toelichting (niet verplicht)"), required=False, widget=text_area(3))


class DeviationForm(ActionForm):
    service_required = ("motivation",)
    motivation = forms.CharField(
        label=_("Waarvan wijkt u af, en waarom?"),
        required=False,
        widget=text_area(3),
        help_text=_("Afwijken van de afspraken kan alleen met een motivering (R5); de teamleider ziet dit."),
    )


# --------------------------------------------------------------------------------------------
# The Kindcheck (L4)
# --------------------------------------------------------------------------------------------

_AGES = re.compile(r"\d+")


class KindcheckForm(PlainForm):
    service_required = ("parent_name", "parent_date_of_birth", "checked_on", "cares_for_minors")
    parent_name = forms.CharField(label=_("Naam van de cliënt"), required=False, max_length=200)
    parent_date_of_birth = _date(_("Geboortedatum van de cliënt"))
    parent_bsn = forms.CharField(label=_("BSN (niet verplicht)"), required=False, max_length=11)
    checked_on = _date(_("Datum Kindcheck"))
    cares_for_minors = forms.ChoiceField(
        label=_("Zorgt de cliënt voor minderjarige kinderen (eigen kinderen of kinderen in het gezin)?"),
        choices=YES_NO,
        required=False,
        widget=forms.RadioSelect,
    )
    children_ages = forms.CharField(
        label=_("Leeftijden van de kinderen"),
        required=False,
        max_length=100,
        help_text=_("Bijvoorbeeld: 3, 8, 14"),
    )
    is_pregnant = forms.BooleanField(label=_("De cliënt (of de partner) is zwanger"), required=False)
    safety_concerns = forms.ChoiceField(
        label=_("Zijn er zorgen over de veiligheid van de kinderen?"),
        choices=YES_NO,
        required=False,
        widget=forms.RadioSelect,
    )
    concerns_note = forms.CharField(label=_("Welke zorgen?"), required=False, widget=text_area(4))

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
    service_required = ("steps",)
    steps = forms.MultipleChoiceField(
        label=_("Welke vervolgstap(pen) zet u?"),
        choices=KindcheckNextStep.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Toelichting"),
        required=False,
        widget=text_area(3),
        help_text=_("Verplicht als u geen vervolgstap zet (R5)."),
    )


class PeriodForm(forms.Form):
    van = _date(_("Van"))
    tot = _date(_("Tot en met"))


# --------------------------------------------------------------------------------------------
# The reverse direction (R3)
# --------------------------------------------------------------------------------------------


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
    phone_contact_date = _date(
        _("Datum telefonisch contact"), help_text=_("Spreken gaat voor schrijven: bel eerst (R6).")
    )
    phone_contact_with = forms.CharField(label=_("Telefonisch contact met"), required=False, max_length=200)
    parent_name = forms.CharField(label=_("Naam van uw cliënt (de ouder)"), required=False, max_length=200)
    parent_date_of_birth = _date(_("Geboortedatum van uw cliënt"))
    parent_bsn = forms.CharField(label=_("BSN van uw cliënt (niet verplicht)"), required=False, max_length=11)
    child_name_or_initials = forms.CharField(
        label=_("Naam of initialen van het kind"), required=False, max_length=200
    )
    child_date_of_birth = _date(
        _("Geboortedatum van het kind"), help_text=_("De leeftijd bepaalt wie toestemming geeft (L2).")
    )
    asks_interventions = forms.BooleanField(
        label=_("Welke interventies worden voor het kind ingezet?"), required=False
    )
    asks_kopp_kvo = forms.BooleanField(
        label=_("Zou het kind baat hebben bij een preventief KOPP/KVO-aanbod?"), required=False
    )
    question = forms.CharField(
        label=_("Toelichting op uw vraag (niet verplicht)"), required=False, widget=text_area(4)
    )
    consent_parents = forms.BooleanField(label=_("De ouders met gezag gaven toestemming"), required=False)
    consent_child = forms.BooleanField(label=_("Het kind gaf toestemming"), required=False)
    consent_note = forms.CharField(
        label=_("Hoe en wanneer is de toestemming gegeven?"),
        required=False,
        widget=text_area(3),
        help_text=_(
            "Jonger dan 12: de ouders met gezag. 12 tot en met 15: het kind én de ouders. "
            "16 en ouder: het kind zelf (L2)."
        ),
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
    interventions = forms.CharField(
        label=_("Welke interventies worden ingezet?"), required=False, widget=text_area(5)
    )
    kopp_kvo = forms.CharField(
        label=_("Past een preventief KOPP/KVO-aanbod bij het kind?"), required=False, widget=text_area(4)
    )


class ReverseDeclineForm(PlainForm):
    service_required = ("motivation",)
    motivation = forms.CharField(
        label=_("Waarom beantwoordt u de vraag niet?"), required=False, widget=text_area(4)
    )


class ReverseWithdrawForm(PlainForm):
    service_required = ("reason",)
    reason = forms.CharField(label=_("Reden van intrekken"), required=False, widget=text_area(3))


class ReverseAcknowledgeForm(PlainForm):
    """A single button."""

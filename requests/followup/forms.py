"""Forms for the follow-up after the answer on the request's page: duties, the path-C
hold, feedback, secondary use, filing as approved information, Veilig Thuis, deviations. Forms
only parse; the services decide what is required and their ``Incomplete`` messages are put
beside the fields (``requests.core.forms.add_service_errors``), so field names equal the
services' error keys.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from requests.core.forms import ActionForm, optional_date_field
from requests.followup.models import SecondaryPurpose
from toolkid.forms import LimitedTextField, text_area
from toolkid.limits import ANSWER, MOTIVATION, NOTE, REFERENCE

# --------------------------------------------------------------------------------------------
# On the request's page
# --------------------------------------------------------------------------------------------


class DutyCompleteForm(ActionForm):
    service_required = ("done_on", "not_discussed_confirmed")
    done_on = optional_date_field(_("Wanneer deed u dit?"))
    note = LimitedTextField(
        max_length=NOTE, label=_("Toelichting (niet verplicht)"), required=False, widget=text_area(3)
    )
    not_discussed_confirmed = forms.BooleanField(
        label=_("In het dossier staat de aantekening ‘nog niet besproken met de ouder’"),  # R36
        required=False,
    )

    def __init__(self, *args: Any, needs_note: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not needs_note:
            del self.fields["not_discussed_confirmed"]


class DutySkipForm(ActionForm):
    service_required = ("motivation")
    motivation = LimitedTextField(
        max_length=MOTIVATION,
        label=_("Waarom voert u deze taak niet uit?"),
        required=False,
        widget=text_area(3),
        help_text=_("Afwijken van de afspraken kan alleen met een motivering; de teamleider ziet dit."),  # R5
    )


class ReleaseProposeForm(ActionForm):
    service_required = ("reason")
    reason = LimitedTextField(
        max_length=MOTIVATION,
        label=_("Waarom geeft bespreken geen risico's meer?"),
        required=False,
        widget=text_area(4),
        help_text=_("De andere partij moet akkoord geven; pas dan wordt de afscherming opgeheven."),  # R37
    )


class ReleaseAgreeForm(ActionForm):
    note = LimitedTextField(
        max_length=NOTE, label=_("Toelichting (niet verplicht)"), required=False, widget=text_area(3)
    )


class ReleaseDeclineForm(ActionForm):
    service_required = ("reason")
    reason = LimitedTextField(
        max_length=MOTIVATION, label=_("Waarom kan het nog niet?"), required=False, widget=text_area(3)
    )


class EmptyForm(ActionForm):
    """A single button: only the rendered state travels along."""


class FeedbackForm(ActionForm):
    service_required = ("what_was_done", "what_follows")
    what_was_done = LimitedTextField(
        max_length=MOTIVATION,
        label=_("Wat is er met de informatie gedaan?"), required=False, widget=text_area(4)
    )
    what_follows = LimitedTextField(
        max_length=MOTIVATION, label=_("Wat volgt er?"), required=False, widget=text_area(4)
    )


class SecondaryUseForm(ActionForm):
    service_required = ("purpose", "description")
    purpose = forms.ChoiceField(
        label=_("Waarvoor wilt u de informatie gebruiken?"),
        choices=SecondaryPurpose.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    description = LimitedTextField(
        max_length=MOTIVATION, label=_("Beoogd gebruik"), required=False, widget=text_area(4)
    )
    text = LimitedTextField(
        max_length=ANSWER,
        label=_("De tekst die u wilt versturen (niet verplicht)"),
        required=False,
        widget=text_area(6),
        help_text=_("Zo kan de zorgverlener beoordelen hoe de informatie wordt weergegeven."),
    )


class SecondaryUseReplyForm(ActionForm):
    service_required = ("reply")
    reply = forms.ChoiceField(
        label=_("Uw reactie"),
        required=False,
        widget=forms.RadioSelect,
        choices=(("akkoord", _("Akkoord")), ("bezwaar", _("Bezwaar"))),
    )
    comments = LimitedTextField(
        max_length=MOTIVATION,
        label=_("Opmerkingen"),
        required=False,
        widget=text_area(4),
        help_text=_(
            "Verplicht bij bezwaar. De aanvrager blijft verantwoordelijk voor het eigen besluit."
        ),  # R8
    )


class SecondaryUseSentForm(ActionForm):
    service_required = ("sent_on")
    sent_on = optional_date_field(_("Verstuurd op"))
    motivation = LimitedTextField(
        max_length=MOTIVATION,
        label=_("Motivering"),
        required=False,
        widget=text_area(3),
        help_text=_("Verplicht als de zorgverlener bezwaar heeft."),  # R5, R8
    )


class FilingApproveForm(ActionForm):
    note = LimitedTextField(
        max_length=NOTE, label=_("Toelichting (niet verplicht)"), required=False, widget=text_area(2)
    )


class VeiligThuisForm(ActionForm):
    service_required = ("engaged_on", "safety_concerns")
    engaged_on = optional_date_field(_("Ingeschakeld op"))
    safety_concerns = forms.BooleanField(
        label=_("Er zijn zorgen over de veiligheid van het kind"), required=False  # R2
    )
    reference = LimitedTextField(
        max_length=REFERENCE,
        label=_("Kenmerk bij Veilig Thuis (niet verplicht)"), required=False,
    )
    note = LimitedTextField(
        max_length=NOTE, label=_("Toelichting (niet verplicht)"), required=False, widget=text_area(3)
    )


class DeviationForm(ActionForm):
    service_required = ("motivation")
    motivation = LimitedTextField(
        max_length=MOTIVATION,
        label=_("Waarvan wijkt u af, en waarom?"),
        required=False,
        widget=text_area(3),
        help_text=_("Afwijken van de afspraken kan alleen met een motivering; de teamleider ziet dit."),  # R5
    )

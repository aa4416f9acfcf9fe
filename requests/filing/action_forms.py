"""Forms of the requester's actions on the request's page: withdraw, contest a refusal (R8),
decide the consent path again after a revocation (R24, R29, R30, R32–R33). Like every action
form they only parse; the services say what is missing (``requests.core.forms``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from consent.models import ConsentDeclaration
from requests.core import rules
from requests.core.forms import ActionForm
from requests.core.models import ConsentPath
from toolkid.forms import LimitedTextField, text_area
from toolkid.limits import MOTIVATION


class WithdrawForm(ActionForm):
    service_required = ("reason")
    reason = LimitedTextField(
        max_length=MOTIVATION,
        label=_("Reden van intrekken"), required=False, widget=text_area(3),
        help_text=_("De zorgverlener ziet deze reden."),
    )


class ContestForm(ActionForm):
    service_required = ("reason")
    reason = LimitedTextField(
        max_length=MOTIVATION,
        label=_("Waarom maakt u bezwaar tegen de weigering?"), required=False, widget=text_area(5),
        help_text=_(
            "Een juridisch adviseur van de zorgaanbieder geeft advies; het besluit blijft bij "
            "de zorgverlener."
        ),  # R8
    )


class RedecideConsentPathForm(ActionForm):
    """The parent revoked (or let expire) the consent: decide the path again (R24, R29, R30,
    R32–R33). A new declaration is picked from the organisation's valid ones."""

    service_required = ("consent_path")
    consent_path = forms.ChoiceField(
        label=_("Toestemming"), choices=ConsentPath.choices, required=False, widget=forms.RadioSelect,
    )
    consent_declaration = forms.ModelChoiceField(
        label=_("Nieuwe toestemmingsverklaring (bij toestemming gegeven)"), required=False,
        queryset=None, empty_label=_("Kies een verklaring"),
    )
    b_risk_of_serious_harm = LimitedTextField(
        max_length=MOTIVATION,
        label=_("Zonder de informatie is er kans op ernstige schade, omdat…"), required=False,
        widget=text_area(3),
    )
    b_only_source = LimitedTextField(
        max_length=MOTIVATION,
        label=_("De zorgverlener is de enige die de informatie kan geven, omdat…"), required=False,
        widget=text_area(3),
    )
    b_prevents_harm = LimitedTextField(
        max_length=MOTIVATION,
        label=_("Met de informatie kan schade aan het kind worden voorkomen, omdat…"),
        required=False, widget=text_area(3),
    )
    b_specific_information = LimitedTextField(
        max_length=MOTIVATION,
        label=_("Er wordt heel specifieke informatie gevraagd, namelijk…"), required=False,
        widget=text_area(3),
    )
    b_why_still_necessary = LimitedTextField(
        max_length=MOTIVATION,
        label=_("Waarom overleg toch noodzakelijk is"), required=False, widget=text_area(3),
    )
    b_will_inform_parent = forms.BooleanField(
        label=_(
            "Ik vertel de ouder bij het volgende contact dat er contact was met de zorgverlener."
        ),  # R30
        required=False,
    )
    c_why_not_asked = LimitedTextField(
        max_length=MOTIVATION,
        label=_("Waarom geen toestemming is gevraagd"), required=False, widget=text_area(3),  # R32
    )
    c_why_necessary = LimitedTextField(
        max_length=MOTIVATION,
        label=_("Waarom overleg zonder toestemming noodzakelijk is"), required=False,  # R33
        widget=text_area(3),
    )

    PATH_B_NAMES = (*rules.PATH_B_EXPLANATIONS, "b_will_inform_parent")
    PATH_C_NAMES = rules.PATH_C_EXPLANATIONS

    def __init__(self, *args: Any, declarations: Iterable[Any] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["consent_declaration"]
        if declarations is None:
            declarations = ConsentDeclaration.objects.none()
        field.queryset = declarations
        field.label_from_instance = lambda d: _("%(name)s, geldig tot en met %(until)s") % {
            "name": d.display_name,
            "until": formats.date_format(d.valid_until, "j F Y"),
        }

    def service_arguments(self) -> dict[str, Any]:
        """``path``, the fields of that path, and the declaration for path A."""
        data = self.cleaned_data
        path = data.get("consent_path") or ""
        names: tuple[str, ...] = ()
        if path == ConsentPath.B:
            names = self.PATH_B_NAMES
        elif path == ConsentPath.C:
            names = self.PATH_C_NAMES
        return {
            "path": path,
            "fields": {name: data.get(name) for name in names},
            "consent_declaration": data.get("consent_declaration") if path == ConsentPath.A else None,
        }

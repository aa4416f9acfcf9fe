"""Step 6 of the guided form, *Toestemming* (R24, R29, R30, R32, R33): the consent path, with a
valid declaration for path A and the explanations of path B or C."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from consent.models import ConsentDeclaration
from consent.selectors import consents_for_parent
from requests.core import rules
from requests.core.models import ConsentPath, InformationRequest
from requests.filing.forms import FilingStep, Preview, StepForm
from toolkid.forms import HintedRadioSelect, LimitedTextField, text_area
from toolkid.limits import MOTIVATION


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


class ConsentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ConsentDeclaration) -> str:
        topics = ", ".join(obj.topics or ()) or "—"
        return gettext(
            "Gegeven door %(giver)s op %(given_on)s, geldig tot en met %(valid_until)s; "
            "onderwerpen %(topics)s"
        ) % {
            "giver": _lower_first(str(obj.get_given_by_display())),
            "given_on": formats.date_format(obj.given_on, "j F Y"),
            "valid_until": formats.date_format(obj.valid_until, "j F Y"),
            "topics": topics,
        }


PATH_HINTS = {
    ConsentPath.A: _(
        "Schriftelijk, door de ouder of de vertegenwoordiger. De toestemmingsverklaring gaat mee met het "
        "verzoek."
    ),
    ConsentPath.B: _(
        "U legt uit waarom overleg toch noodzakelijk is."
    ),
    ConsentPath.C: _(
        "Alleen bij een zeer ernstige situatie, waarin vragen om toestemming acute risico's geeft voor de "
        "ouder, de professional of het kind."
    ),
}


class ConsentForm(StepForm):
    consent_path = forms.ChoiceField(
        label=_("Wat is de situatie rond toestemming van de ouder?"),
        choices=ConsentPath.choices,
        widget=HintedRadioSelect(hints=PATH_HINTS),
        error_messages={"required": _("Geef aan wat de situatie rond toestemming van de ouder is."),
                        "invalid_choice": _("Kies een van de mogelijkheden in de lijst.")},
    )
    consent_declaration = ConsentChoiceField(
        label=_("Toestemmingsverklaring"),
        queryset=ConsentDeclaration.objects.none(),
        required=False,
        empty_label=None,
        widget=forms.RadioSelect,
        help_text=_(
            "Kies de geldige verklaring voor deze ouder en de ontvangende organisatie. Zij gaat mee met het "
            "verzoek."
        ),
        error_messages={"invalid_choice": _("Kies een toestemmingsverklaring uit de lijst.")},
    )
    # Path B (R30): the protocol's own wording.
    b_risk_of_serious_harm = LimitedTextField(
        max_length=MOTIVATION,
        label=_(
            "Geef een toelichting waaruit blijkt dat, als u niet kunt beschikken over de gevraagde "
            "informatie, er kans op ernstige schade ontstaat"
        ),
        required=False, widget=text_area(4),
    )
    b_only_source = LimitedTextField(
        max_length=MOTIVATION,
        label=_(
            "Geef een toelichting waaruit blijkt dat de behandelaar de enige is die de gevraagde informatie "
            "kan verschaffen"
        ),
        required=False, widget=text_area(4),
    )
    b_prevents_harm = LimitedTextField(
        max_length=MOTIVATION,
        label=_(
            "Geef een toelichting waaruit blijkt dat met de gevraagde informatie schade aan het kind "
            "voorkomen kan worden"
        ),
        required=False, widget=text_area(4),
    )
    b_specific_information = LimitedTextField(
        max_length=MOTIVATION,
        label=_(
            "Geef een toelichting waaruit blijkt dat er heel specifieke informatie wordt gevraagd, "
            "bijvoorbeeld in relatie tot de specifieke situatie van het kind of de kinderen"
        ),
        required=False, widget=text_area(4),
    )
    b_why_still_necessary = LimitedTextField(
        max_length=MOTIVATION,
        label=_("Waarom is overleg toch noodzakelijk?"),
        required=False, widget=text_area(4),
    )
    b_will_inform_parent = forms.BooleanField(
        label=_(
            "Ik meld de ouder in het eerstvolgende cliëntcontact dat er contact met de zorgverlener is "
            "geweest"
        ),
        required=False,
    )
    # Path C (R32, R33)
    c_why_not_asked = LimitedTextField(
        max_length=MOTIVATION,
        label=_("Waarom is geen toestemming gevraagd?"),
        help_text=_(
            "Alleen bij een zeer ernstige situatie, of een zeer ernstig vermoeden van kindermishandeling of "
            "huiselijk geweld, waarin vragen om toestemming acute risico's geeft voor de ouder, de "
            "professional of het kind."
        ),
        required=False, widget=text_area(4),
    )
    c_why_necessary = LimitedTextField(
        max_length=MOTIVATION,
        label=_("Waarom is overleg zonder toestemming noodzakelijk?"),
        required=False, widget=text_area(4),
    )

    B_FIELDS: ClassVar[tuple[str, ...]] = (*rules.PATH_B_EXPLANATIONS, "b_will_inform_parent")
    C_FIELDS: ClassVar[tuple[str, ...]] = rules.PATH_C_EXPLANATIONS

    def __init__(self, *args: Any, info: InformationRequest, declarations, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.info = info
        self.fields["consent_declaration"].queryset = declarations

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        path = cleaned.get("consent_path") or ""
        if not path or "consent_declaration" in self.errors:
            return cleaned
        # Only the chosen path's fields count (and are kept); the rules say what it requires.
        declaration = cleaned.get("consent_declaration") if path == ConsentPath.A else None
        overrides: dict[str, Any] = {
            "consent_path": path,
            "consent_declaration": declaration,
            "consent_declaration_id": declaration.pk if declaration else None,
        }
        for name in rules.PATH_B_EXPLANATIONS:
            overrides[name] = cleaned.get(name, "") if path == ConsentPath.B else ""
        informs = bool(cleaned.get("b_will_inform_parent"))
        overrides["b_will_inform_parent"] = path == ConsentPath.B and informs
        for name in self.C_FIELDS:
            overrides[name] = cleaned.get(name, "") if path == ConsentPath.C else ""
        missing = rules.missing_for_consent_path(Preview(self.info, **overrides))
        for key, message in missing.items():
            self.protocol_error(key if key in self.fields else None, message)
        self.chosen = overrides
        return cleaned


class ConsentStep(FilingStep):
    slug = "toestemming"
    title = _("Toestemming")
    template = "requests/filing/step_consent.html"

    def build(self) -> None:
        info = self.info
        parent = info.parent
        receiver = info.receiving_organisation
        if parent is not None and receiver is not None:
            declarations = consents_for_parent(self.actor, parent, recipient=receiver, usable_on=self.today)
        else:
            declarations = ConsentDeclaration.objects.none()
        initial: dict[str, Any] = {
            "consent_path": info.consent_path,
            "consent_declaration": info.consent_declaration_id,
            **{name: getattr(info, name) for name in (*ConsentForm.B_FIELDS, *ConsentForm.C_FIELDS)},
        }
        # Back from "Nieuwe toestemmingsverklaring vastleggen": propose the new declaration.
        proposed = self.query.get("toestemming")
        self.proposed = None
        if proposed and self.data is None:
            self.proposed = next((d for d in declarations if str(d.public_id) == proposed), None)
            if self.proposed is not None:
                initial.update(consent_path=ConsentPath.A, consent_declaration=self.proposed.pk)
        self.form = ConsentForm(self.data, info=info, declarations=declarations, lenient=self.lenient,
                                initial=initial)
        self.declarations = declarations
        # The saved declaration is no longer usable (revoked, expired, or for another receiver).
        self.stale_declaration = bool(
            info.consent_declaration_id and not any(d.pk == info.consent_declaration_id for d in declarations)
        )

    @property
    def forms(self) -> list[Any]:
        return [self.form]

    def update(self) -> dict[str, Any]:
        cleaned = self.form.cleaned_data
        path = cleaned.get("consent_path") or ""
        chosen = getattr(self.form, "chosen", None)
        if chosen is not None:
            fields = {key: value for key, value in chosen.items() if key != "consent_declaration_id"}
        else:
            # Lenient save without a path: keep everything as typed.
            fields = {"consent_path": path, "consent_declaration": cleaned.get("consent_declaration")}
            for name in (*ConsentForm.B_FIELDS, *ConsentForm.C_FIELDS):
                fields[name] = cleaned.get(name)
        fields["b_will_inform_parent"] = bool(fields.get("b_will_inform_parent"))
        for name in (*rules.PATH_B_EXPLANATIONS, *rules.PATH_C_EXPLANATIONS):
            fields[name] = fields.get(name) or ""
        return {"fields": fields}

    def context(self) -> dict[str, Any]:
        info = self.info
        return {
            "form": self.form,
            "declarations": self.declarations,
            "proposed": self.proposed,
            "stale_declaration": self.stale_declaration,
            "has_parent": info.parent_id is not None,
            "has_receiver": info.receiving_organisation_id is not None,
        }

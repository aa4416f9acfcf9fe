"""Forms for handling an information request: one form per action on the request's page
(``requests/handling/actions.py``), and the inbox's filters.

Forms only *parse*; the services check what the protocol requires and their ``Incomplete``
messages land beside the fields (``requests.core.forms``: ``ActionForm``,
``add_service_errors``; ``requests.core.rules`` is the one source). Field names therefore equal the
services' error keys.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from requests.core import policy, rules
from requests.core.forms import ActionForm, mark_service_required
from requests.core.listing import ListFilterForm
from requests.core.models import ConsentPath, Decision, LegalFramework, ParentConsultationOutcome
from toolkid.forms import DateInput, LimitedTextField, text_area
from toolkid.limits import ANSWER, MOTIVATION, NAME, NOTE
from toolkid.models import User

# --------------------------------------------------------------------------------------------
# Provider side (the requester's actions: ``requests/filing/action_forms.py``)
# --------------------------------------------------------------------------------------------


class AssignForm(ActionForm):
    service_required = ("clinician")
    clinician = forms.ModelChoiceField(
        label=_("Zorgverlener"), queryset=None, required=False, empty_label=_("Kies een zorgverlener"),
        error_messages={"invalid_choice": _("Kies een actieve zorgverlener van uw organisatie.")},
    )

    def __init__(self, *args: Any, clinicians: Iterable[Any] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["clinician"].queryset = clinicians if clinicians is not None else User.objects.none()
        self.fields["clinician"].label_from_instance = lambda u: u.get_full_name() or u.get_username()
        # Nobody chosen is passed on as None: the service answers "Kies een zorgverlener."


class ReturnForm(ActionForm):
    service_required = ("suggestion")
    suggestion = LimitedTextField(
        max_length=MOTIVATION,
        label=_("Welke vraag kan wel beantwoord worden?"), required=False, widget=text_area(5),
        help_text=_(
            "Nee… maar wat kan dan wel: help de aanvrager een passende vraag te stellen. "
            "De termijn staat stil tot het verzoek opnieuw is ingediend."
        ),  # R7
    )


class ParentConsultationForm(ActionForm):
    service_required = ("date", "outcome")
    date = forms.DateField(label=_("Datum van het overleg met de ouder"), required=False,
                           widget=DateInput())
    outcome = forms.ChoiceField(
        label=_("Uitkomst"), choices=ParentConsultationOutcome.choices, required=False,
        widget=forms.RadioSelect,
    )
    note = LimitedTextField(max_length=NOTE, label=_("Toelichting"), required=False, widget=text_area(3))


class InternalConsultationForm(ActionForm):
    service_required = ("with_whom", "date", "conclusion")
    with_whom = LimitedTextField(
        max_length=NAME,
        label=_("Met wie overlegde u?"), required=False,
        help_text=_("Bijvoorbeeld de zorgdirecteur, de geneesheer-directeur of een collega."),
    )
    date = forms.DateField(label=_("Datum van het intern overleg"), required=False, widget=DateInput())
    conclusion = LimitedTextField(
        max_length=MOTIVATION, label=_("Conclusie"), required=False, widget=text_area(4)
    )


class AskLegalAdviceForm(ActionForm):
    service_required = ("question")
    question = LimitedTextField(
        max_length=MOTIVATION,
        label=_("Uw vraag aan de juridisch adviseur"), required=False, widget=text_area(4),
        help_text=_("Vraag advies als u twijfelt. Het besluit blijft bij u."),  # R31, R8
    )


class GiveLegalAdviceForm(ActionForm):
    service_required = ("advice")
    advice = LimitedTextField(
        max_length=ANSWER,
        label=_("Uw advies"), required=False, widget=text_area(6),
        help_text=_("Het besluit blijft bij de zorgverlener."),  # R8
    )


class DecisionForm(ActionForm):
    """R39 always a motivation; R34 the weighing on path C; R4 under an OTS why a "no" is
    compatible with the obligation. Fields that do not apply to this request are left out."""

    # ots_not_needed_motivation is required only for a "no"; its hint says so.
    service_required = ("decision", "decision_motivation", "weighing")
    decision = forms.ChoiceField(
        label=_("Besluit"), choices=Decision.choices, required=False, widget=forms.RadioSelect,
    )
    decision_motivation = LimitedTextField(
        max_length=MOTIVATION,
        label=_("Motivering van het besluit"), required=False, widget=text_area(5),  # R39
        help_text=_("Ook bij verstrekken: waarom, en op welke grond."),
    )
    weighing = LimitedTextField(
        max_length=MOTIVATION,
        label=_("Afweging zwaarwegende omstandigheden"), required=False, widget=text_area(5),  # R34
        help_text=_(
            "Er is geen toestemming gevraagd. Rechtvaardigen zwaarwegende omstandigheden dat u "
            "zonder toestemming verstrekt, of niet?"
        ),
    )
    ots_not_needed_motivation = LimitedTextField(
        max_length=MOTIVATION,
        label=_(
            "Bij niet verstrekken: waarom is de informatie niet nodig voor de uitvoering van de OTS?"
        ),  # R4
        required=False, widget=text_area(4),
        help_text=_(
            "Onder een ondertoezichtstelling is verstrekken aan de gezinsvoogd verplicht voor "
            "zover de informatie nodig is voor de OTS (Jeugdwet art. 7.3.11 lid 4)."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        req = self.information_request
        if req is not None:
            if req.consent_path != ConsentPath.C:
                del self.fields["weighing"]
            if req.legal_framework != LegalFramework.OTS:
                del self.fields["ots_not_needed_motivation"]

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "decision": data.get("decision") or "",
            "motivation": data.get("decision_motivation") or "",
            "weighing": data.get("weighing") or "",
            "ots_not_needed_motivation": data.get("ots_not_needed_motivation") or "",
        }


class RefusalConfirmForm(ActionForm):
    """R11; R8: while legal advice on the request is open, the confirmer sees it and says why
    they do not wait for it (``without_advice_reason``, only then on the form)."""

    note = LimitedTextField(
        max_length=NOTE,
        label=_("Toelichting bij de bevestiging"), required=False, widget=text_area(3),
        help_text=_("Alleen zichtbaar binnen uw organisatie."),
    )
    without_advice_reason = LimitedTextField(
        max_length=NOTE,
        label=_("Waarom bevestigt u de weigering zonder op het juridisch advies te wachten?"),
        required=False, widget=text_area(3),
        help_text=_("Het advies blijft openstaan. Alleen zichtbaar binnen uw organisatie."),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        req = self.information_request
        self.open_advice = policy.open_refusal_advice(req) if req is not None else []
        if self.open_advice:
            mark_service_required(self.fields, ("without_advice_reason",))
        else:
            del self.fields["without_advice_reason"]


class RefusalRejectForm(ActionForm):
    service_required = ("note")
    note = LimitedTextField(
        max_length=MOTIVATION,
        label=_("Waarom is deze weigering niet terecht?"), required=False, widget=text_area(3),  # R11
        help_text=_("Het verzoek gaat terug naar de zorgverlener, die opnieuw besluit."),
    )


class ReconsiderForm(ActionForm):
    service_required = ("motivation")
    motivation = LimitedTextField(
        max_length=MOTIVATION,
        label=_("Waarom heroverweegt u het besluit?"), required=False, widget=text_area(4),
        help_text=_("Het verzoek gaat terug naar ‘in behandeling’; daarna legt u een nieuw besluit vast."),
    )


class UpholdForm(ActionForm):
    service_required = ("motivation")
    motivation = LimitedTextField(
        max_length=MOTIVATION,
        label=_("Waarom blijft de weigering staan?"), required=False, widget=text_area(4),  # R39
        help_text=_("De aanvrager leest deze motivering."),
    )


# --------------------------------------------------------------------------------------------
# The answer (R15–R21, R25)
# --------------------------------------------------------------------------------------------

#: The six answer fields per topic: label and hint, each tied to its rule.
ANSWER_FIELD_TEXT: dict[str, tuple[Promise, Promise]] = {
    "own_observations": (
        _("Eigen waarneming"),  # R15
        _("Feiten, gedrag en symptomen die u zelf hebt waargenomen of vastgesteld."),
    ),
    "others_observations": (
        _("Waarneming van anderen"),  # R16
        _("Feiten die anderen hebben waargenomen."),
    ),
    "others_sources": (
        _("Bron van de waarneming van anderen"),  # R16
        _("Wie nam het waar? Verplicht als u waarnemingen van anderen noemt."),
    ),
    "strengthening_facts": (
        _("Feiten die de zorg versterken"),  # R17
        _("Wees volledig: noem ook wat de zorg versterkt."),
    ),
    "weakening_facts": (
        _("Feiten die de zorg ontkrachten"),  # R17
        _("Wees volledig: noem ook wat de zorg ontkracht."),
    ),
    "explanation": (
        _("Toelichting vanuit deskundigheid"),  # R18
        _(
            "Licht feiten toe vanuit uw deskundigheid waar dat nodig is. Het oordeel over het "
            "ouderschap laat u aan de bevoegde instanties."
        ),  # R19
    ),
}

#: R17: the explicit statement instead of facts that lessen the concern.
NO_WEAKENING_FACTS_TEXT = _("Er zijn mij geen feiten bekend die de zorg ontkrachten")

CONFIRMATION_TEXT: dict[str, Promise] = {
    "confirmed_factual": _("Ik geef feitelijke informatie, geen interpretaties."),  # R25
    "confirmed_no_parenting_judgement": _(
        "Ik geef geen oordeel over de geschiktheid als ouder of over een "
        "kinderbeschermingsmaatregel; ik beschrijf alleen, binnen mijn deskundigheid, welke "
        "gevolgen de problematiek heeft of kan hebben voor de veiligheid van het kind."
    ),  # R19, R20
    "confirmed_weighed_criteria": _(
        "Ik heb doelmatigheid, noodzakelijkheid, proportionaliteit en subsidiariteit gewogen."
    ),  # R21
    "confirmed_recorded_in_file": _(
        "Ik leg het contact en wat ik verstrek vast in het ouderdossier, met de motivering."
    ),  # R31
}
CONFIRMATION_TEXT_PATH_C = _(
    "Ik leg het contact en wat ik verstrek vast in het ouderdossier, met de aantekening dat het "
    "nog niet met de ouder is besproken."
)  # R36

#: The fields of one topic as the clinician fills them in: the R17 tick after the weakening facts.
_TOPIC_ORDER: tuple[str, ...] = (
    "own_observations", "others_observations", "others_sources", "strengthening_facts",
    "weakening_facts", rules.NO_WEAKENING_FACTS_KNOWN, "explanation",
)
SAVE = "opslaan"
SEND = "versturen"


def answer_field_name(letter: str, name: str) -> str:
    """The form field for one answer field of one topic: the service's error key."""
    return f"topics-{letter}-{name}"


class AnswerForm(ActionForm):
    """Per requested topic the six fields; then the checklist. One form, two buttons:
    "Concept opslaan" saves the text, "Antwoord versturen" saves and sends."""

    intent = forms.ChoiceField(choices=((SAVE, SAVE), (SEND, SEND)), required=False,
                               widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        req = self.information_request
        self.topic_rows = list(req.topics.all()) if req is not None else []
        for row in self.topic_rows:
            for name, (label, hint) in ANSWER_FIELD_TEXT.items():
                self.fields[answer_field_name(row.topic, name)] = LimitedTextField(
                    max_length=ANSWER,
                    label=label, help_text=hint, required=False, widget=text_area(3),
                    initial=getattr(row, name),
                )
            self.fields[answer_field_name(row.topic, rules.NO_WEAKENING_FACTS_KNOWN)] = forms.BooleanField(
                label=NO_WEAKENING_FACTS_TEXT, required=False, initial=row.no_weakening_facts_known,
            )
        for name, text in CONFIRMATION_TEXT.items():
            if name == "confirmed_recorded_in_file" and req is not None and req.consent_path == ConsentPath.C:
                text = CONFIRMATION_TEXT_PATH_C
            self.fields[name] = forms.BooleanField(label=text, required=False)
            self.fields[name].service_required = True  # for sending; not for "Concept opslaan"

    def topic_groups(self) -> list[tuple[Any, list[forms.BoundField]]]:
        """For the template: each requested topic with its six bound fields, in order, and the
        R17 tick right after the facts that lessen the concern."""
        return [(row, [self[answer_field_name(row.topic, name)] for name in _TOPIC_ORDER])
                for row in self.topic_rows]

    def confirmation_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in rules.ANSWER_CONFIRMATIONS]

    def topics_argument(self) -> dict[str, dict[str, str]]:
        data = self.cleaned_data
        return {
            row.topic: {
                **{name: data.get(answer_field_name(row.topic, name)) or "" for name in ANSWER_FIELD_TEXT},
                rules.NO_WEAKENING_FACTS_KNOWN: bool(
                    data.get(answer_field_name(row.topic, rules.NO_WEAKENING_FACTS_KNOWN))
                ),
            }
            for row in self.topic_rows
        }

    def confirmations_argument(self) -> dict[str, bool]:
        return {name: bool(self.cleaned_data.get(name)) for name in rules.ANSWER_CONFIRMATIONS}


# --------------------------------------------------------------------------------------------
# Lists
# --------------------------------------------------------------------------------------------


class InboxFilterForm(ListFilterForm):
    """GET filters of "Binnengekomen verzoeken". An invalid value is shown and ignored."""

    field_order = ("status", "path", "clinician", "due_window", "due_before", "organisation")

    clinician = forms.ModelChoiceField(
        label=_("Zorgverlener"), queryset=None, required=False, empty_label=_("Alle zorgverleners"),
    )
    due_before = forms.DateField(
        label=_("Uiterste datum op of voor"), required=False, widget=DateInput(),
    )
    organisation = forms.ModelChoiceField(
        label=_("Aanvragende organisatie"), queryset=None, required=False,
        empty_label=_("Alle organisaties"),
    )

    def __init__(self, *args: Any, clinicians: Iterable[Any] = (), states: Iterable[Any] = (),
                 organisations: Any = None, **kwargs: Any):
        super().__init__(*args, statuses=[("", _("Alle openstaande")), *((s.value, s.label) for s in states)],
                         organisations=organisations, **kwargs)
        self.fields["clinician"].queryset = clinicians
        self.fields["clinician"].label_from_instance = lambda u: u.get_full_name() or u.get_username()

    def filters(self) -> dict[str, Any]:
        """The valid filters, as ``selectors.inbox_for`` keyword arguments."""
        if not self.is_bound:
            return {}
        data = self.valid_values()
        return {
            "status": data.get("status") or None,
            "path": data.get("path") or None,
            "clinician": data.get("clinician"),
            "due_before": data.get("due_before"),
            "due_window": data.get("due_window") or None,
            "organisation": data.get("organisation"),
        }

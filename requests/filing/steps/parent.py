"""Step 2 of the guided form, *Ouder en kinderen* (L2): the parent (or their representative) and
the children, without JavaScript a row more per "Nog een kind toevoegen"."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.formsets import BaseFormSet, formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from requests.core.bsn import is_valid_bsn, normalise_bsn
from requests.core.models import InformationRequest, RepresentativeKind
from requests.filing.forms import MAX_CHILDREN, PERSONAL, PROTOCOL, FilingStep, StepForm, age_on, date_field
from toolkid.actors import Actor
from toolkid.forms import LimitedTextField
from toolkid.limits import NAME


class ParentForm(StepForm):
    parent_name = LimitedTextField(
        max_length=NAME,
        label=_("Naam van de ouder"),
        widget=forms.TextInput(attrs=PERSONAL),
        error_messages={"required": _("Vul de naam van de ouder in.")},
    )
    parent_date_of_birth = date_field(
        _("Geboortedatum van de ouder"),
        required_message=_("Vul de geboortedatum van de ouder in."),
    )
    parent_bsn = LimitedTextField(
        max_length=14,
        label=_("BSN van de ouder"),
        required=False,
        help_text=_(
            "Burgerservicenummer: negen cijfers. Niet verplicht; wel handig om de juiste ouder te vinden."
        ),
        widget=forms.TextInput(attrs={**PERSONAL, "inputmode": "numeric", "class": "input--short",
                                      "spellcheck": "false"}),
    )
    parent_is_incapacitated = forms.BooleanField(
        label=_("De ouder is wilsonbekwaam"),
        required=False,
        help_text=_(
            "Een wilsonbekwame ouder wordt vertegenwoordigd; de vertegenwoordiger geeft dan toestemming."
        ),
    )
    parent_representative_kind = forms.ChoiceField(
        label=_("Wie vertegenwoordigt de ouder?"),
        required=False,
        choices=RepresentativeKind.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Verplicht als de ouder wilsonbekwaam is. De wet noemt deze volgorde: de eerste die er is, "
            "vertegenwoordigt."
        ),
        error_messages={"invalid_choice": _("Kies een van de vertegenwoordigers in de lijst.")},
    )
    parent_representative_name = LimitedTextField(
        max_length=NAME,
        label=_("Naam van de vertegenwoordiger"),
        required=False,
        help_text=_("Verplicht als de ouder wilsonbekwaam is."),
        widget=forms.TextInput(attrs=PERSONAL),
    )

    def clean_parent_bsn(self) -> str:
        value = normalise_bsn(self.cleaned_data.get("parent_bsn", ""))
        if value and not is_valid_bsn(value):
            raise ValidationError(
                _("Dit is geen geldig BSN. Een BSN heeft negen cijfers en voldoet aan de elfproef."),
                code="invalid_bsn",
            )
        return value

    def clean_parent_date_of_birth(self) -> dt.date | None:
        value = self.cleaned_data.get("parent_date_of_birth")
        if value and value > timezone.localdate():
            raise ValidationError(_("De geboortedatum ligt in de toekomst."), code="future")
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        # L2: an incapacitated parent is represented, in the law's order of precedence.
        if cleaned.get("parent_is_incapacitated"):
            if not cleaned.get("parent_representative_name"):
                self.protocol_error("parent_representative_name",
                                    _("Vul de naam van de vertegenwoordiger van de ouder in."))
            if not cleaned.get("parent_representative_kind"):
                self.protocol_error("parent_representative_kind", _("Kies wie de ouder vertegenwoordigt."))
        # A parent cannot be stored without name and date of birth: a draft with only a BSN
        # typed cannot be saved either (not even leniently).
        complete = self.typed("parent_name") and self.typed("parent_date_of_birth")
        if self.lenient and self.has_any() and not complete:
            message = _("Vul naam en geboortedatum van de ouder in om het concept op te slaan.")
            for name in ("parent_name", "parent_date_of_birth"):
                if not self.typed(name):
                    self.add_error(name, ValidationError(message, code="parent_incomplete"))
        return cleaned

    def has_any(self) -> bool:
        return any(self.typed(name) for name in self.fields)

    def payload(self) -> dict[str, Any] | None:
        """The ``parent`` argument of ``request_draft_update``; None leaves the parent as is."""
        cleaned = self.cleaned_data
        if not (cleaned.get("parent_name") and cleaned.get("parent_date_of_birth")):
            return None  # lenient save of an untouched parent
        incapacitated = bool(cleaned.get("parent_is_incapacitated"))
        return {
            "name": cleaned["parent_name"],
            "date_of_birth": cleaned["parent_date_of_birth"],
            "bsn": cleaned.get("parent_bsn", ""),
            "is_incapacitated": incapacitated,
            # Only a represented parent has a representative: no stale data from a mis-click.
            "representative_name": cleaned.get("parent_representative_name", "") if incapacitated else "",
            "representative_kind": cleaned.get("parent_representative_kind", "") if incapacitated else "",
        }


class ChildForm(StepForm):
    name_or_initials = LimitedTextField(
        max_length=NAME,
        label=_("Naam of initialen"),
        widget=forms.TextInput(attrs=PERSONAL),
        error_messages={"required": _("Vul de naam of initialen van het kind in.")},
    )
    date_of_birth = date_field(
        _("Geboortedatum"),
        required_message=_("Vul de geboortedatum van het kind in."),
    )

    def clean_date_of_birth(self) -> dt.date | None:
        value = self.cleaned_data.get("date_of_birth")
        if value and value > timezone.localdate():
            raise ValidationError(_("De geboortedatum van het kind ligt in de toekomst."), code="future")
        return value

    @property
    def age(self) -> int | None:
        """The child's age today, from what is shown (typed or saved), if it is a real date."""
        value = self["date_of_birth"].value()
        if isinstance(value, str):
            try:
                value = self.fields["date_of_birth"].to_python(value)
            except ValidationError:
                return None
        if not isinstance(value, dt.date):
            return None
        today = timezone.localdate()
        return age_on(value, today) if value <= today else None


class BaseChildFormSet(BaseFormSet):
    """Children as rows that are all optional on their own; an empty row is ignored (that is
    also how a child is removed). "At least one" is checked over the whole set (R23, rules).

    Unbound, it shows ``initial`` plus ``extra`` rows; bound, every row counts as new
    (``initial_form_count`` is 0), so a row the user emptied simply drops out.
    """

    default_error_messages = {"too_many_forms": _("U kunt hooguit %(num)d kinderen opgeven.")}

    def __init__(self, *args: Any, lenient: bool = False, add_row: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.lenient = lenient
        if not self.is_bound:
            shown = len(self.initial or [])
            self.extra = max(shown, 1) + (1 if add_row and shown else 0)
        self.added_index = (self.extra - 1) if add_row and not self.is_bound else None

    def initial_form_count(self) -> int:
        return 0

    def _construct_form(self, i: int, **kwargs: Any) -> ChildForm:
        form = super()._construct_form(i, **kwargs)
        if self.added_index is not None and i == self.added_index:
            # "Nog een kind toevoegen": put the cursor in the new row.
            form.fields["name_or_initials"].widget.attrs["autofocus"] = True
        return form

    def filled_forms(self) -> list[ChildForm]:
        return [form for form in self.forms if form.has_changed()]

    def clean(self) -> None:
        if any(self.errors):
            return
        if not self.lenient and not self.filled_forms():
            raise ValidationError(_("Voeg ten minste één kind toe."), code=PROTOCOL)


ChildFormSet = formset_factory(
    ChildForm,
    formset=BaseChildFormSet,
    extra=0,
    max_num=MAX_CHILDREN,
    absolute_max=MAX_CHILDREN,
    validate_max=True,
)


class ParentAndChildrenStep(FilingStep):
    slug = "ouder-en-kinderen"
    title = _("Ouder en kinderen")
    template = "requests/filing/step_parent.html"

    def build(self) -> None:
        info = self.info
        parent = info.parent
        if self.data is not None:
            self.parent_form = ParentForm(self.data, lenient=self.lenient, initial=self._parent_initial())
            self.children = ChildFormSet(self.data, prefix="children", lenient=self.lenient)
        else:
            self.parent_form = ParentForm(initial=self._parent_initial() if parent else None)
            self.children = ChildFormSet(
                prefix="children",
                initial=[{"name_or_initials": c.name_or_initials, "date_of_birth": c.date_of_birth}
                         for c in info.children.all()],
            )
        self._sent: list[ChildForm] = []

    def _parent_initial(self) -> dict[str, Any]:
        parent = self.info.parent
        if parent is None:
            return {}
        return {
            "parent_name": parent.name,
            "parent_date_of_birth": parent.date_of_birth,
            "parent_bsn": parent.bsn,
            "parent_is_incapacitated": parent.is_incapacitated,
            "parent_representative_kind": parent.representative_kind,
            "parent_representative_name": parent.representative_name,
        }

    @classmethod
    def with_added_child(cls, *, actor: Actor, info: InformationRequest, data: Any) -> ParentAndChildrenStep:
        """"Nog een kind toevoegen" without JavaScript: show everything exactly as typed, plus one
        empty row, and validate nothing yet (the user is not done)."""
        step = cls(actor=actor, info=info)
        parent_values = {name: data.get(name, "") for name in ParentForm.base_fields
                         if name != "parent_is_incapacitated"}
        parent_values["parent_is_incapacitated"] = bool(data.get("parent_is_incapacitated"))
        step.parent_form = ParentForm(initial=parent_values)
        try:
            total = int(data.get("children-TOTAL_FORMS", "0"))
        except ValueError:
            total = 0
        total = max(0, min(total, MAX_CHILDREN - 1))
        rows = [
            {"name_or_initials": data.get(f"children-{i}-name_or_initials", ""),
             "date_of_birth": data.get(f"children-{i}-date_of_birth", "")}
            for i in range(total)
        ]
        step.children = ChildFormSet(prefix="children", initial=rows, add_row=True)
        return step

    @property
    def forms(self) -> list[Any]:
        return [self.parent_form, self.children]

    def update(self) -> dict[str, Any]:
        self._sent = self.children.filled_forms()
        result: dict[str, Any] = {
            "fields": {},
            "children": [
                {"name_or_initials": form.cleaned_data["name_or_initials"],
                 "date_of_birth": form.cleaned_data["date_of_birth"]}
                for form in self._sent
            ],
        }
        parent = self.parent_form.payload()
        if parent is not None:
            result["parent"] = parent
        return result

    def apply_service_errors(self, errors: dict[str, Any]) -> None:
        rest: dict[str, Any] = {}
        for key, message in errors.items():
            parts = key.split("-")
            if len(parts) == 3 and parts[0] == "children" and parts[1].isdigit():
                index = int(parts[1])
                if index < len(self._sent) and parts[2] in self._sent[index].fields:
                    self._sent[index].add_error(parts[2], message)
                    continue
            if key == "children":
                self.children._non_form_errors.append(message)
                continue
            rest[key] = message
        super().apply_service_errors(rest)

    def context(self) -> dict[str, Any]:
        return {"parent_form": self.parent_form, "children": self.children}

"""Forms of the guided filing form *Nieuw informatieverzoek* (UI.md), one bundle per step.

Forms parse and validate; the services decide and write (``requests.services``). Where a step
checks the protocol (L3 framework and receiver, R24/R30/R32–R33 consent path) it asks
``requests.rules`` about an unsaved *preview* of the request, so the step, the review page and
``request_submit`` can never disagree about what is missing, and say it in the same words.

Three ways to leave a step:

- **Opslaan en verder** validates the step completely (``lenient=False``);
- **Vorige** and **Opslaan als concept** save leniently: what is typed must be well-formed (a
  real date, a valid BSN, a child with both name and date of birth) but need not be complete —
  errors with a code in :data:`LENIENT_CODES` are let through. Completeness is checked again on
  the review page and by the service on submit.

Field names follow the keys of ``rules.missing_for_submit`` (``parent_bsn``,
``children-0-date_of_birth``, ``topics-b-question``), so a service's ``Incomplete.errors``
lands beside the right field without translation tables.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.forms.formsets import BaseFormSet, formset_factory
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from consent.models import ConsentDeclaration
from consent.selectors import consents_for_parent
from requests import rules
from requests.bsn import is_valid_bsn, normalise_bsn
from requests.models import (
    ConsentPath,
    InformationRequest,
    LegalFramework,
    RepresentativeKind,
    Severity,
    Topic,
)
from requests.workflow import RequestStatus
from toolkid.actors import Actor
from toolkid.forms import DATE_INPUT_FORMATS, DateInput, HintedRadioSelect, text_area
from toolkid.models import Membership, Organisation, OrganisationKind, Role, User

#: The code of an error that says "the protocol needs this before sending" (not "malformed").
PROTOCOL = "protocol"
#: Errors that "Vorige" and "Opslaan als concept" let pass: something is missing, not wrong.
LENIENT_CODES = frozenset({"required", PROTOCOL})
#: Personal data: browsers must not remember or suggest it.
PERSONAL = {"autocomplete": "off"}
#: Children per request; also the formset's hard ceiling (a forged TOTAL_FORMS cannot exceed it).
MAX_CHILDREN = 15

INVALID_DATE = _("Vul een geldige datum in, bijvoorbeeld 14-03-2026.")


# ============================================================================================
# Widgets and building blocks
# ============================================================================================


def date_field(label, *, required_message, help_text="", required=True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=DATE_INPUT_FORMATS,
        widget=DateInput(attrs=PERSONAL),
        error_messages={"required": required_message, "invalid": INVALID_DATE},
    )


def age_on(born: dt.date, today: dt.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


class Preview:
    """The request as it would be with one step's values, for ``requests.rules`` to read.

    Nothing is saved and the request itself is not touched: attributes given here win, the
    rest is read from the loaded request. Foreign keys need both ``x`` and ``x_id``.
    """

    def __init__(self, request: InformationRequest, **overrides: Any):
        self._request = request
        self.__dict__.update(overrides)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._request, name)


@dataclass(frozen=True)
class ErrorItem:
    """One line of the error summary: the message and the id of the field it links to."""

    message: str
    href: str


def field_anchor(bound: forms.BoundField) -> str:
    """The id the summary links to: the first option of a radio or checkbox group."""
    if isinstance(bound.field.widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
        return f"#{bound.auto_id}_0"
    return f"#{bound.id_for_label}"


def form_error_items(form: forms.BaseForm) -> list[ErrorItem]:
    """The errors of one bound form (or formset), in field order."""
    if isinstance(form, BaseFormSet):
        items: list[ErrorItem] = []
        if not form.is_bound:
            return items
        first = form.forms[0] if form.forms else None
        anchor = field_anchor(next(iter(first))) if first is not None else "#"
        items += [ErrorItem(str(message), anchor) for message in form.non_form_errors()]
        for member in form.forms:
            items += form_error_items(member)
        return items
    if not form.is_bound:
        return []
    anchor = getattr(form, "non_field_anchor", "") or (
        field_anchor(form.visible_fields()[0]) if form.visible_fields() else "#"
    )
    items = [ErrorItem(str(message), anchor) for message in form.non_field_errors()]
    for bound in form:
        items += [ErrorItem(str(message), field_anchor(bound)) for message in bound.errors]
    return items


# ============================================================================================
# The base form
# ============================================================================================


class StepForm(forms.Form):
    """Dutch messages from the server only (no browser validation bubbles, which would also
    block fields hidden by progressive enhancement), and the lenient mode described above."""

    use_required_attribute = False
    #: The id an error about the form as a whole links to; default: the first field.
    non_field_anchor: str = ""

    def __init__(self, *args: Any, lenient: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.lenient = lenient

    def full_clean(self) -> None:
        super().full_clean()
        if self.lenient and self._errors:
            for name in list(self._errors):
                errors = self._errors[name]
                errors.data = [e for e in errors.data if getattr(e, "code", None) not in LENIENT_CODES]
                if not errors.data:
                    del self._errors[name]

    def protocol_error(self, field: str | None, message: Any) -> None:
        self.add_error(field, ValidationError(message, code=PROTOCOL))

    def typed(self, name: str) -> bool:
        """Whether the user typed or chose something in ``name`` (raw data, before cleaning)."""
        value = self[name].value()
        if isinstance(value, str):
            return bool(value.strip())
        return bool(value)

    def apply_service_error(self, key: str, message: Any) -> bool:
        """Show a service's ``Incomplete.errors[key]`` beside its field; False if not ours."""
        if key in self.fields:
            self.add_error(key, message)
            return True
        return False


# ============================================================================================
# The steps
# ============================================================================================


class FilingStep(ABC):
    """One page of the guided form: its forms, how it validates, what it gives the service.

    ``data`` is the POST (None for a GET: the saved values are shown); ``lenient`` is set for
    "Vorige" and "Opslaan als concept"; ``query`` is the GET query string (``?toestemming=``).
    """

    slug: ClassVar[str]
    title: ClassVar[Any]
    template: ClassVar[str]

    def __init__(
        self,
        *,
        actor: Actor,
        info: InformationRequest,
        data: Any = None,
        lenient: bool = False,
        query: Any = None,
    ):
        self.actor = actor
        self.info = info
        self.data = data
        self.lenient = lenient
        self.query = query or {}
        self.today = timezone.localdate()
        self.build()

    # --- each step provides ------------------------------------------------------------------

    @abstractmethod
    def build(self) -> None:
        """Create the step's forms from ``data`` (a POST) or the saved draft (a GET)."""

    @property
    @abstractmethod
    def forms(self) -> list[Any]:
        """The forms (and formsets) of this step, in page order."""

    @abstractmethod
    def update(self) -> dict[str, Any]:
        """The keyword arguments for ``request_draft_update`` (without actor and request)."""

    # --- shared ------------------------------------------------------------------------------

    def validate(self) -> None:  # noqa: B027 - a hook: most steps have no cross-form checks
        """Cross-form checks, after each form validated itself (``cleaned_data`` holds the
        fields that are valid)."""

    def is_valid(self) -> bool:
        # Every form and the cross-form checks, so all errors show at once.
        for form in self.forms:
            form.is_valid()
        self.validate()
        return not any(_has_errors(form) for form in self.forms)

    def apply_service_errors(self, errors: dict[str, Any]) -> None:
        """Put ``Incomplete.errors`` beside their fields; anything else at the top."""
        for key, message in errors.items():
            if not any(form.apply_service_error(key, message) for form in self.forms
                       if hasattr(form, "apply_service_error")):
                self.forms[0].add_error(None, message)

    def error_items(self) -> list[ErrorItem]:
        items: list[ErrorItem] = []
        for form in self.forms:
            items += form_error_items(form)
        return items

    def context(self) -> dict[str, Any]:
        return {}


def _has_errors(form: Any) -> bool:
    if isinstance(form, BaseFormSet):
        return bool(form.non_form_errors()) or any(member.errors for member in form.forms)
    return bool(form.errors)


# --- 1. Telefonisch contact (R6, R22) -------------------------------------------------------


class PhoneContactForm(StepForm):
    phone_contact_date = date_field(
        _("Datum van het telefonisch contact"),
        help_text=_("Een schriftelijk verzoek volgt altijd op een telefonisch gesprek met de zorgverlener."),
        required_message=_("Vul de datum van het telefonisch contact in (eerst bellen, dan schrijven)."),
    )
    phone_contact_with = forms.CharField(
        label=_("Met wie had u telefonisch contact?"),
        help_text=_("Naam en functie, bijvoorbeeld: mevrouw J. Hermans, behandelaar."),
        max_length=200,
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


# --- 2. Ouder en kinderen (L2) --------------------------------------------------------------


class ParentForm(StepForm):
    parent_name = forms.CharField(
        label=_("Naam van de ouder"),
        max_length=200,
        widget=forms.TextInput(attrs=PERSONAL),
        error_messages={"required": _("Vul de naam van de ouder in.")},
    )
    parent_date_of_birth = date_field(
        _("Geboortedatum van de ouder"),
        required_message=_("Vul de geboortedatum van de ouder in."),
    )
    parent_bsn = forms.CharField(
        label=_("BSN van de ouder"),
        required=False,
        max_length=14,
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
    parent_representative_name = forms.CharField(
        label=_("Naam van de vertegenwoordiger"),
        required=False,
        max_length=200,
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
    name_or_initials = forms.CharField(
        label=_("Naam of initialen"),
        max_length=200,
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


# --- 3. Kader en ontvanger (L3, R1, R4) -----------------------------------------------------


class FrameworkForm(StepForm):
    has_ots = forms.BooleanField(
        label=_("Er is een ondertoezichtstelling (OTS)"),
        required=False,
        help_text=_(
            "Onder een OTS is uitwisseling met de gezinsvoogd verplicht, voor zover de informatie nodig is "
            "voor de uitvoering van de OTS."
        ),
    )
    legal_framework = forms.ChoiceField(
        label=_("Kader"),
        choices=LegalFramework.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Het voorgestelde kader volgt uit het soort organisatie waarvoor u werkt en uit de OTS. Kiest u "
            "een ander kader, licht dan toe waarom."
        ),
        error_messages={
            "required": _("Kies het kader waarbinnen u om informatie vraagt."),
            "invalid_choice": _("Kies een van de kaders in de lijst."),
        },
    )
    framework_change_reason = forms.CharField(
        label=_("Waarom kiest u een ander kader dan voorgesteld?"),
        required=False,
        help_text=_("Verplicht als u een ander kader kiest dan het voorgestelde."),
        widget=text_area(4),
    )
    receiving_organisation = forms.ModelChoiceField(
        label=_("Ontvangende organisatie"),
        queryset=Organisation.objects.none(),
        empty_label=_("Kies een organisatie"),
        help_text=_("De organisatie voor volwassenenzorg die u om informatie over de ouder vraagt."),
        error_messages={
            "required": _("Kies de organisatie voor volwassenenzorg die u om informatie vraagt."),
            "invalid_choice": _("Kies een organisatie voor volwassenenzorg uit de lijst."),
        },
    )
    intended_clinician = forms.ChoiceField(
        label=_("Zorgverlener"),
        required=False,
        help_text=_(
            "Niet verplicht. Weet u (bijvoorbeeld uit het telefonisch contact) welke zorgverlener de ouder "
            "behandelt, kies die dan. De zorgverlener werkt bij de gekozen organisatie."
        ),
        error_messages={"invalid_choice": _("Kies een zorgverlener uit de lijst.")},
    )

    def __init__(self, *args: Any, info: InformationRequest, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.info = info
        org_kind = info.requesting_organisation.kind
        if self.is_bound:
            has_ots = self.fields["has_ots"].widget.value_from_datadict(
                self.data, self.files, self.add_prefix("has_ots")
            )
        else:
            has_ots = info.has_ots
        #: L3: the ground suggested from the organisation's kind and the OTS (what is shown now).
        self.suggested = rules.suggest_framework(org_kind, bool(has_ots))
        # Offer what can apply to this organisation: the voluntary framework, the conflict of
        # duties, and the organisation's own legal ground (what it would be suggested with an
        # OTS); plus whatever is saved, so nothing disappears silently.
        offered = {
            LegalFramework.VOLUNTARY,
            LegalFramework.CONFLICT_OF_DUTIES,
            rules.suggest_framework(org_kind, True),
            self.suggested,
        }
        if info.legal_framework:
            offered.add(info.legal_framework)
        suggested_note = gettext("voorgesteld")
        self.fields["legal_framework"].choices = [
            (value, f"{label} — {suggested_note}" if value == self.suggested else label)
            for value, label in LegalFramework.choices
            if value in offered
        ]

        receivers = Organisation.objects.filter(kind=OrganisationKind.VOLWASSENENZORG, is_active=True)
        field = self.fields["receiving_organisation"]
        if info.status == RequestStatus.RETURNED and info.receiving_organisation_id:
            # R7: a returned request comes back to the same organisation.
            field.queryset = Organisation.objects.filter(pk=info.receiving_organisation_id)
            field.disabled = True
            field.help_text = _("Een teruggestuurd verzoek gaat terug naar dezelfde organisatie.")
            receivers = field.queryset
        else:
            field.queryset = receivers

        # Active clinicians of active adult-care organisations, grouped per organisation.
        memberships = (
            Membership.objects.filter(
                role=Role.ZORGVERLENER,
                is_active=True,
                user__is_active=True,
                organisation__in=receivers,
            )
            .select_related("user", "organisation")
            .order_by("organisation__name", "user__last_name", "user__first_name", "user__username")
        )
        self._members: dict[int, set[int]] = {}
        self._clinicians: dict[int, User] = {}
        groups: dict[str, list[tuple[str, str]]] = {}
        for membership in memberships:
            user = membership.user
            self._members.setdefault(membership.organisation_id, set()).add(user.pk)
            self._clinicians[user.pk] = user
            groups.setdefault(membership.organisation.name, []).append(
                (str(user.pk), user.get_full_name() or user.get_username())
            )
        self.fields["intended_clinician"].choices = [("", gettext("Geen voorkeur"))] + list(groups.items())

    def _works_at(self, clinician: User | None, organisation: Organisation) -> bool:
        return clinician is not None and clinician.pk in self._members.get(organisation.pk, ())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        receiver = cleaned.get("receiving_organisation")
        clinician = None
        clinician_id = cleaned.get("intended_clinician")
        if clinician_id:
            clinician = self._clinicians.get(int(clinician_id))
            # Server-side, whatever the browser sent: the clinician works at the chosen organisation.
            if receiver is not None and not self._works_at(clinician, receiver):
                self.add_error("intended_clinician", ValidationError(
                    _(
                        "Deze zorgverlener werkt niet bij %(organisation)s. Kies een zorgverlener van die "
                        "organisatie, of ‘Geen voorkeur’."
                    ),
                    code="wrong_organisation", params={"organisation": receiver.name},
                ))
                clinician = None
        cleaned["clinician"] = clinician
        framework = cleaned.get("legal_framework") or ""
        if framework == self.suggested:
            cleaned["framework_change_reason"] = ""  # the suggestion needs no reason
        if "legal_framework" in self.errors or "receiving_organisation" in self.errors:
            return cleaned
        preview = Preview(
            self.info,
            has_ots=bool(cleaned.get("has_ots")),
            legal_framework=framework,
            suggested_framework=self.suggested,
            framework_change_reason=cleaned.get("framework_change_reason", ""),
            receiving_organisation=receiver,
            receiving_organisation_id=receiver.pk if receiver else None,
            intended_clinician=clinician,
            intended_clinician_id=clinician.pk if clinician else None,
        )
        missing = rules.missing_for_submit(preview)
        for key in ("legal_framework", "framework_change_reason", "receiving_organisation",
                    "intended_clinician"):
            if key in missing and key not in self.errors:
                self.protocol_error(key, missing[key])
        return cleaned


class FrameworkStep(FilingStep):
    slug = "kader-en-ontvanger"
    title = _("Kader en ontvanger")
    template = "requests/filing/step_framework.html"

    def build(self) -> None:
        info = self.info
        self.form = FrameworkForm(
            self.data,
            info=info,
            lenient=self.lenient,
            initial={
                "has_ots": info.has_ots,
                "legal_framework": info.legal_framework
                or rules.suggest_framework(info.requesting_organisation.kind, info.has_ots),
                "framework_change_reason": info.framework_change_reason,
                "receiving_organisation": info.receiving_organisation_id,
                "intended_clinician": str(info.intended_clinician_id or ""),
            },
        )

    @property
    def forms(self) -> list[Any]:
        return [self.form]

    def update(self) -> dict[str, Any]:
        cleaned = self.form.cleaned_data
        fields: dict[str, Any] = {
            "has_ots": bool(cleaned.get("has_ots")),
            "legal_framework": cleaned.get("legal_framework", ""),
            "framework_change_reason": cleaned.get("framework_change_reason", ""),
            "intended_clinician": cleaned.get("clinician"),
        }
        if not self.form.fields["receiving_organisation"].disabled:
            fields["receiving_organisation"] = cleaned.get("receiving_organisation")
        return {"fields": fields}

    def context(self) -> dict[str, Any]:
        return {"form": self.form, "suggested": LegalFramework(self.form.suggested)}


# --- 4. Ernst en reden (R23) ----------------------------------------------------------------


class SeverityForm(StepForm):
    severity = forms.ChoiceField(
        label=_("Ernst van de situatie"),
        choices=Severity.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Een informatieverzoek berust op (een redelijk vermoeden van) kindermishandeling of huiselijk "
            "geweld, of op twijfel over het welzijn van het kind."
        ),
        error_messages={"required": _("Kies de ernst van de situatie."),
                        "invalid_choice": _("Kies een van de mogelijkheden in de lijst.")},
    )
    reason = forms.CharField(
        label=_("Reden van het verzoek"),
        help_text=_(
            "Beschrijf wat u ziet of hoort over de situatie van het kind, en waarom u daarvoor informatie "
            "van de zorgverlener nodig hebt."
        ),
        widget=text_area(8),
        error_messages={"required": _("Beschrijf de reden van het verzoek.")},
    )


class SeverityStep(FilingStep):
    slug = "ernst-en-reden"
    title = _("Ernst en reden")
    template = "requests/filing/step_severity.html"

    def build(self) -> None:
        self.form = SeverityForm(
            self.data, lenient=self.lenient,
            initial={"severity": self.info.severity, "reason": self.info.reason},
        )

    @property
    def forms(self) -> list[Any]:
        return [self.form]

    def update(self) -> dict[str, Any]:
        cleaned = self.form.cleaned_data
        return {"fields": {"severity": cleaned.get("severity", ""), "reason": cleaned.get("reason", "")}}

    def context(self) -> dict[str, Any]:
        return {"form": self.form}


# --- 5. Vragen (R14, R10, R19) --------------------------------------------------------------


class TopicForm(StepForm):
    """One of the six topics of R14: ticked, with the specific question(s)."""

    selected = forms.BooleanField(required=False)
    question = forms.CharField(required=False, widget=text_area(4))

    def __init__(self, *args: Any, topic: Topic, **kwargs: Any):
        super().__init__(*args, prefix=f"topics-{topic.value}", **kwargs)
        self.topic = topic
        self.fields["selected"].label = topic.label
        self.fields["question"].label = gettext("Uw vraag of vragen over onderwerp %(letter)s") % {
            "letter": topic.value
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("selected") and not cleaned.get("question"):
            self.protocol_error("question", _("Stel uw vraag bij dit onderwerp."))
        if cleaned.get("question") and not cleaned.get("selected"):
            self.add_error("selected", ValidationError(
                _("Vink dit onderwerp aan als u deze vraag wilt stellen, of maak het vraagveld leeg."),
                code="unchecked",
            ))
        return cleaned

    def apply_service_error(self, key: str, message: Any) -> bool:
        if key == f"topics-{self.topic.value}-question":
            self.add_error("question", message)
            return True
        return False


class QuestionsForm(StepForm):
    no_parenting_judgement_confirmed = forms.BooleanField(
        label=_("Geen van mijn vragen vraagt om een oordeel over de geschiktheid van de ouder als opvoeder"),
        help_text=_(
            "Het oordeel over de geschiktheid als opvoeder, en over een kinderbeschermingsmaatregel, ligt "
            "bij de bevoegde instanties, niet bij de zorgverlener. Vraag binnen uw eigen kerntaak."
        ),
        error_messages={"required": _(
            "Bevestig dat u de zorgverlener niet vraagt te oordelen over het ouderschap."
        )},
    )
    non_field_anchor = "#id_topics-a-selected"

    def apply_service_error(self, key: str, message: Any) -> bool:
        if key == "topics":
            self.add_error(None, message)
            return True
        return super().apply_service_error(key, message)


class QuestionsStep(FilingStep):
    slug = "vragen"
    title = _("Vragen")
    template = "requests/filing/step_questions.html"

    def build(self) -> None:
        saved = {t.topic: t.question for t in self.info.topics.all()}
        self.topic_forms = [
            TopicForm(
                self.data,
                topic=topic,
                lenient=self.lenient,
                initial={"selected": topic.value in saved, "question": saved.get(topic.value, "")},
            )
            for topic in Topic
        ]
        self.form = QuestionsForm(
            self.data, lenient=self.lenient,
            initial={"no_parenting_judgement_confirmed": self.info.no_parenting_judgement_confirmed},
        )

    @property
    def forms(self) -> list[Any]:
        return [*self.topic_forms, self.form]

    def validate(self) -> None:
        # R14: at least one topic, each with its question.
        if not self.lenient and not any(form.cleaned_data.get("selected") for form in self.topic_forms):
            self.form.protocol_error(None, _("Kies ten minste één onderwerp en stel uw vraag."))

    def error_items(self) -> list[ErrorItem]:
        # The summary follows the page: "at least one topic" first, then per topic, then the confirmation.
        items = [ErrorItem(str(m), self.form.non_field_anchor) for m in self.form.non_field_errors()]
        for form in self.topic_forms:
            items += form_error_items(form)
        for bound in self.form:
            items += [ErrorItem(str(m), field_anchor(bound)) for m in bound.errors]
        return items

    def update(self) -> dict[str, Any]:
        return {
            "fields": {
                "no_parenting_judgement_confirmed": bool(
                    self.form.cleaned_data.get("no_parenting_judgement_confirmed")
                ),
            },
            "topics": [
                {"topic": form.topic.value, "question": form.cleaned_data.get("question", "")}
                for form in self.topic_forms
                if form.cleaned_data.get("selected")
            ],
        }

    def context(self) -> dict[str, Any]:
        return {"form": self.form, "topic_forms": self.topic_forms}


# --- 6. Toestemming (R24, R29, R30, R32, R33) -----------------------------------------------


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
        "De ouder (of de vertegenwoordiger) gaf schriftelijk toestemming. De toestemmingsverklaring gaat mee "
        "met het verzoek."
    ),
    ConsentPath.B: _(
        "De ouder is om toestemming gevraagd en gaf die niet. U legt uit waarom overleg toch noodzakelijk "
        "is."
    ),
    ConsentPath.C: _(
        "Alleen bij een zeer ernstige situatie, waarin vragen om toestemming acute risico's geeft voor de "
        "ouder, de professional of het kind."
    ),
}


class ConsentForm(StepForm):
    consent_path = forms.ChoiceField(
        label=_("Is de ouder om toestemming gevraagd?"),
        choices=ConsentPath.choices,
        widget=HintedRadioSelect(hints=PATH_HINTS),
        error_messages={"required": _("Geef aan of toestemming is gevraagd en gegeven."),
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
    b_risk_of_serious_harm = forms.CharField(
        label=_(
            "Geef een toelichting waaruit blijkt dat, als u niet kunt beschikken over de gevraagde "
            "informatie, er kans op ernstige schade ontstaat"
        ),
        required=False, widget=text_area(4),
    )
    b_only_source = forms.CharField(
        label=_(
            "Geef een toelichting waaruit blijkt dat de behandelaar de enige is die de gevraagde informatie "
            "kan verschaffen"
        ),
        required=False, widget=text_area(4),
    )
    b_prevents_harm = forms.CharField(
        label=_(
            "Geef een toelichting waaruit blijkt dat met de gevraagde informatie schade aan het kind "
            "voorkomen kan worden"
        ),
        required=False, widget=text_area(4),
    )
    b_specific_information = forms.CharField(
        label=_(
            "Geef een toelichting waaruit blijkt dat er heel specifieke informatie wordt gevraagd, "
            "bijvoorbeeld in relatie tot de specifieke situatie van het kind of de kinderen"
        ),
        required=False, widget=text_area(4),
    )
    b_why_still_necessary = forms.CharField(
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
    c_why_not_asked = forms.CharField(
        label=_("Waarom is geen toestemming gevraagd?"),
        help_text=_(
            "Alleen bij een zeer ernstige situatie, of een zeer ernstig vermoeden van kindermishandeling of "
            "huiselijk geweld, waarin vragen om toestemming acute risico's geeft voor de ouder, de "
            "professional of het kind."
        ),
        required=False, widget=text_area(4),
    )
    c_why_necessary = forms.CharField(
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


# ============================================================================================
# The sequence, and where each missing item is fixed
# ============================================================================================

STEPS: tuple[type[FilingStep], ...] = (
    PhoneContactStep,
    ParentAndChildrenStep,
    FrameworkStep,
    SeverityStep,
    QuestionsStep,
    ConsentStep,
)
STEP_BY_SLUG: dict[str, type[FilingStep]] = {step.slug: step for step in STEPS}
REVIEW_SLUG = "controleren"
REVIEW_TITLE = _("Controleren en versturen")

#: ``rules.missing_for_submit`` key → (step slug, id of the field to link to).
_KEY_PLACES: dict[str, tuple[str, str]] = {
    "phone_contact_date": (PhoneContactStep.slug, "id_phone_contact_date"),
    "phone_contact_with": (PhoneContactStep.slug, "id_phone_contact_with"),
    "parent_name": (ParentAndChildrenStep.slug, "id_parent_name"),
    "parent_date_of_birth": (ParentAndChildrenStep.slug, "id_parent_date_of_birth"),
    "parent_bsn": (ParentAndChildrenStep.slug, "id_parent_bsn"),
    "parent_representative_name": (ParentAndChildrenStep.slug, "id_parent_representative_name"),
    "parent_representative_kind": (ParentAndChildrenStep.slug, "id_parent_representative_kind_0"),
    "children": (ParentAndChildrenStep.slug, "id_children-0-name_or_initials"),
    "receiving_organisation": (FrameworkStep.slug, "id_receiving_organisation"),
    "intended_clinician": (FrameworkStep.slug, "id_intended_clinician"),
    "legal_framework": (FrameworkStep.slug, "id_legal_framework_0"),
    "framework_change_reason": (FrameworkStep.slug, "id_framework_change_reason"),
    "severity": (SeverityStep.slug, "id_severity_0"),
    "reason": (SeverityStep.slug, "id_reason"),
    "topics": (QuestionsStep.slug, "id_topics-a-selected"),
    "no_parenting_judgement_confirmed": (QuestionsStep.slug, "id_no_parenting_judgement_confirmed"),
    "consent_path": (ConsentStep.slug, "id_consent_path_0"),
    "consent_declaration": (ConsentStep.slug, "id_consent_declaration_0"),
    **{name: (ConsentStep.slug, f"id_{name}") for name in (*ConsentForm.B_FIELDS, *ConsentForm.C_FIELDS)},
}


def place_of(key: str) -> tuple[str, str]:
    """Where the user fixes ``rules.missing_for_submit``'s ``key``: (step slug, field id)."""
    if key in _KEY_PLACES:
        return _KEY_PLACES[key]
    if key.startswith("children-"):
        return ParentAndChildrenStep.slug, f"id_{key}"
    if key.startswith("topics-"):
        return QuestionsStep.slug, f"id_{key}"
    return REVIEW_SLUG, ""


def steps_missing(missing: dict[str, Any]) -> set[str]:
    """The slugs of the steps that still miss something."""
    return {place_of(key)[0] for key in missing}


class SubmitForm(forms.Form):
    """The review page's button: the idempotency token only (the service does the rest)."""

    submit_token = forms.UUIDField(widget=forms.HiddenInput)

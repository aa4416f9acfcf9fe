"""The building blocks of the guided filing form *Nieuw informatieverzoek* (UI.md): the base form
and the base step (one bundle of forms per page; the six steps are in ``steps/``, their order
in ``sequence.py``), the error summary items, and the review page's submit form.

Forms parse and validate; the services decide and write (``requests/filing/services.py``). Where a step
checks the protocol (L3 framework and receiver, R24/R30/R32–R33 consent path) it asks
``requests.core.rules`` about an unsaved *preview* of the request, so the step, the review page and
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
from django.forms.formsets import BaseFormSet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from requests.core.forms import INVALID_DATE
from requests.core.listing import ListFilterForm
from requests.core.models import InformationRequest
from requests.core.workflow import RequestStatus
from requests.filing.selectors import EVERY, FINISHED_FILTER, OPEN, REQUESTER_STATES
from toolkid.actors import Actor
from toolkid.forms import DATE_INPUT_FORMATS, DateInput

#: The code of an error that says "the protocol needs this before sending" (not "malformed").
PROTOCOL = "protocol"
#: Errors that "Vorige" and "Opslaan als concept" let pass: something is missing, not wrong.
LENIENT_CODES = frozenset({"required", PROTOCOL})
#: Personal data: browsers must not remember or suggest it.
PERSONAL = {"autocomplete": "off"}
#: Children per request; also the formset's hard ceiling (a forged TOTAL_FORMS cannot exceed it).
MAX_CHILDREN = 15


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
    """The request as it would be with one step's values, for ``requests.core.rules`` to read.

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
# The step: one page of the guided form (``steps/``, in order in ``sequence.py``)
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


class SubmitForm(forms.Form):
    """The review page's button: the idempotency token only (the service does the rest)."""

    submit_token = forms.UUIDField(widget=forms.HiddenInput)


class OutgoingFilterForm(ListFilterForm):
    """GET filters of "Mijn verzoeken": open requests unless asked otherwise. An invalid value
    is shown and ignored."""

    organisation = forms.ModelChoiceField(
        label=_("Ontvangende organisatie"), queryset=None, required=False, empty_label=_("Alle organisaties"),
    )

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any):
        super().__init__(*args, statuses=[
            (OPEN, _("Openstaande verzoeken")),
            (FINISHED_FILTER, _("Afgeronde verzoeken")),
            (EVERY, _("Alle verzoeken")),
            *((s.value, s.label) for s in RequestStatus if s.value in REQUESTER_STATES),
        ], organisations=organisations, **kwargs)

    def filters(self) -> dict[str, Any]:
        """The valid filters, as ``selectors.outgoing_for`` keyword arguments."""
        if not self.is_bound:
            return {}
        data = self.valid_values()
        return {
            "status": data.get("status") or OPEN,
            "path": data.get("path") or None,
            "due_window": data.get("due_window") or None,
            "organisation": data.get("organisation"),
        }

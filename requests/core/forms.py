"""Form building blocks every sub-domain's forms share.

Forms only *parse* what was typed (text, dates, choices). What the protocol requires (a
motivation, the four confirmations, a second person) is checked by the services and comes back
as ``toolkid.errors.Incomplete(errors)``; :func:`add_service_errors` puts those messages
beside the fields they name, so the browser and the service never disagree. Field names
therefore equal the services' error keys.

Every form on the request's page (:class:`ActionForm`) is rendered with a prefix (its action
name), so several forms can share one page without colliding ids, and carries the hidden
``expected_status``: the state the page was rendered in, so a colleague's concurrent action
conflicts cleanly. Forms on pages of their own derive from :class:`PlainForm`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from requests.core.models import InformationRequest
from requests.core.workflow import RequestStatus
from toolkid.forms import DATE_INPUT_FORMATS, DateInput

INVALID_DATE = _("Vul een geldige datum in, bijvoorbeeld 14-03-2026.")


def optional_date_field(label: Any, **kwargs: Any) -> forms.DateField:
    """A date the service may require: optional here, so the service's Dutch message is the one
    the user reads; a malformed date is refused with :data:`INVALID_DATE`."""
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=DateInput(),
        error_messages={"invalid": INVALID_DATE},
        **kwargs,
    )


def mark_service_required(fields: Mapping[str, forms.Field], names: Iterable[str]) -> None:
    """Show ``names`` as required although the form fields are optional: display only
    (``templates/includes/field.html`` reads ``service_required``); the service checks them, so
    its Dutch message is the one the user reads."""
    for name in names:
        if name in fields:
            field = fields[name]
            field.service_required = True
            if not isinstance(field.widget, (forms.RadioSelect, forms.CheckboxInput)):
                field.widget.attrs["aria-required"] = "true"


class ActionForm(forms.Form):
    """Base: a prefix per action, no browser-side ``required`` (the server explains in Dutch,
    next to the field, what is missing), and the state the form was rendered in."""

    use_required_attribute = False
    #: Fields the service requires: marked "(verplicht)" (``mark_service_required``), checked
    #: by the service so its Dutch message is the one the user reads.
    service_required: tuple[str, ...] = ()

    expected_status = forms.ChoiceField(
        choices=RequestStatus.choices, required=False, widget=forms.HiddenInput
    )

    def __init__(
        self,
        *args: Any,
        request: InformationRequest | None = None,
        visible_status: str | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.information_request = request
        if request is not None and not self.is_bound:
            # The state as the actor may see it (``access.status_for``): a requester's page
            # must not carry a pending refusal's real state, not even in a hidden field (R11).
            self.fields["expected_status"].initial = visible_status or request.status
        mark_service_required(self.fields, self.service_required)

    @property
    def expected(self) -> str | None:
        """The state the form was rendered in (None when unknown)."""
        return (getattr(self, "cleaned_data", None) or {}).get("expected_status") or None


class EmptyActionForm(ActionForm):
    """A single button (Oppakken, Gelezen): only the rendered state travels along."""


class PlainForm(forms.Form):
    """Base for the forms outside a request's page: no browser ``required`` (the server
    explains in Dutch), and the display-only "required" mark of ``ActionForm``."""

    use_required_attribute = False
    service_required: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        mark_service_required(self.fields, self.service_required)


def add_service_errors(form: forms.Form, errors: Mapping[str, str | Promise]) -> None:
    """Show an ``Incomplete``'s messages beside the fields they name; messages about something
    the form has no field for (e.g. "leg eerst het overleg met de ouder vast") go on top."""
    for key, message in errors.items():
        if key in form.fields and not isinstance(form.fields[key].widget, forms.HiddenInput):
            form.add_error(key, str(message))
        else:
            form.add_error(None, str(message))

"""Forms for the answer clock's actions on the request's page (R26). Like handling's: the
form parses, the service says what is missing, in Dutch, beside the field
(``requests.core.forms.add_service_errors``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from requests.core.forms import ActionForm
from toolkid.forms import DateInput, LimitedTextField, text_area
from toolkid.limits import MOTIVATION


class ExtendForm(ActionForm):
    """Verlenging aanvragen: a later due date and why (the requester reads the reason)."""

    service_required = ("new_due_date", "reason")
    new_due_date = forms.DateField(
        label=_("Nieuwe uiterste datum"), required=False,
        widget=DateInput(),
        help_text=_("Een werkdag na de huidige uiterste datum."),
        error_messages={"invalid": _("Vul een geldige datum in, bijvoorbeeld 2026-05-12.")},
    )
    reason = LimitedTextField(
        max_length=MOTIVATION,
        label=_("Waarom hebt u meer tijd nodig?"), required=False, widget=text_area(3),
        help_text=_("De aanvrager leest deze reden en kan bezwaar maken. Noem geen gegevens die de "
                    "aanvrager niet mag zien."),
    )


class ContestExtensionForm(ActionForm):
    service_required = ("reason")
    reason = LimitedTextField(
        max_length=MOTIVATION,
        label=_("Waarom maakt u bezwaar tegen de verlenging?"), required=False,
        widget=text_area(4),
        help_text=_("Een juridisch adviseur van de zorgaanbieder geeft advies; het besluit blijft bij "
                    "de zorgverlener."),  # R8
    )

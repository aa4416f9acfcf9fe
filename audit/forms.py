"""The forms of the Audit page: the filters of the log, the parent's reference, and the search
for a parent by name and birth date or by BSN."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.http import QueryDict
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from audit.grounds import Sensitivity, ground_filter_choices
from audit.models import AuditAction
from audit.parents import parent_finder
from audit.purposes import Purpose
from audit.selectors import normalise_parent_ref
from toolkid.forms import DateInput
from toolkid.models import User

#: The period the page opens with.
DEFAULT_DAYS = 30


def _parent_ref_field(required: bool) -> forms.CharField:
    return forms.CharField(
        label=gettext_lazy("Ouder"),
        help_text=gettext_lazy(
            "De referentie uit de auditlog (ouder:…) of de publieke id van de ouder. Geen naam of BSN."
        ),
        required=required,
        max_length=100,
        error_messages={"required": gettext_lazy("Vul de referentie of de publieke id van de ouder in.")},
    )


class _Select(forms.Select):
    """A select of flat choices, written out directly with the markup of Django's
    ``select.html`` and ``select_option.html``: through the template engine each option is an
    include, and the Audit page's four selects cost it more than all its other fields (issue 11,
    bench key "audit")."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        choices = list(self.choices)
        if any(isinstance(label, (list, tuple)) for _value, label in choices):
            return super().render(name, value, attrs, renderer)  # option groups: Django's own
        chosen = set(self.format_value(value))
        attributes = _attributes(self.build_attrs(self.attrs, attrs))
        parts = [f'<select name="{conditional_escape(name)}"{attributes}>']
        for option_value, label in choices:
            option = "" if option_value is None else str(option_value)
            selected = " selected" if option in chosen else ""
            if selected and not self.allow_multiple_selected:
                chosen = set()  # as Select.optgroups: the first match only
            text = conditional_escape(label)
            parts.append(f'\n  <option value="{conditional_escape(option)}"{selected}>{text}</option>\n')
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every name, value and label is escaped


def _attributes(attrs: dict[str, Any]) -> str:
    """``django/forms/widgets/attrs.html``."""
    return "".join(
        f" {name}" if value is True else f' {name}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


@functools.lru_cache(maxsize=8)
def _ground_choices(language: str | None) -> list[tuple[str, str]]:
    """The "Grondslag" choices in one language, built once: the grounds and frameworks are
    fixed once the apps have loaded, and the page's form is built on every view."""
    return [("", _("Alle grondslagen")), *ground_filter_choices()]


def _clean_parent_ref(value: str) -> str:
    if not value:
        return ""
    ref = normalise_parent_ref(value)
    if ref is None:
        raise forms.ValidationError(
            _("Dit is geen ouderreferentie. Gebruik de vorm ouder:… of de publieke id van de ouder.")
        )
    return ref


class AuditFilterForm(forms.Form):
    van = forms.DateField(
        label=gettext_lazy("Van"),
        required=False,
        widget=DateInput(),
    )
    tot = forms.DateField(
        label=gettext_lazy("Tot en met"),
        required=False,
        widget=DateInput(),
    )
    gebruiker = forms.CharField(
        label=gettext_lazy("Gebruiker"),
        help_text=gettext_lazy("De gebruikersnaam, precies zoals vastgelegd."),
        required=False,
        max_length=150,
        validators=[UnicodeUsernameValidator()],
    )
    actie = forms.ChoiceField(
        label=gettext_lazy("Actie"),
        required=False,
        choices=[("", gettext_lazy("Alle acties")), *AuditAction.choices],
        widget=_Select,
    )
    doel = forms.ChoiceField(
        label=gettext_lazy("Doel"),
        required=False,
        choices=[("", gettext_lazy("Alle doelen")), *Purpose.choices],
        widget=_Select,
    )
    grondslag = forms.ChoiceField(
        label=gettext_lazy("Grondslag"),
        required=False,
        # Every ground, then every framework of a request (filled when the apps have loaded).
        choices=lambda: _ground_choices(get_language()),
        widget=_Select,
    )
    gevoeligheid = forms.ChoiceField(
        label=gettext_lazy("Gevoeligheid"),
        required=False,
        choices=[("", gettext_lazy("Alle gegevens")), *Sensitivity.choices],
        widget=_Select,
    )
    ouder = _parent_ref_field(required=False)

    @classmethod
    def from_query(cls, query: QueryDict) -> AuditFilterForm:
        """Bound to the query, with the default period filled in where none was given (so the
        page shows the period it searched)."""
        data = query.copy()
        today = timezone.localdate()
        if not data.get("van"):
            data["van"] = (today - dt.timedelta(days=DEFAULT_DAYS)).isoformat()
        if not data.get("tot"):
            data["tot"] = today.isoformat()
        return cls(data)

    def clean_ouder(self) -> str:
        return _clean_parent_ref(self.cleaned_data.get("ouder", ""))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("van"), cleaned.get("tot")
        if start and end and start > end:
            self.add_error("tot", _("De einddatum ligt vóór de begindatum."))
        return cleaned

    # What the selector gets.
    def selection(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "date_from": data["van"],
            "date_to": data["tot"],
            "user": data["gebruiker"] or None,
            "action": data["actie"] or None,
            "parent_ref": data["ouder"] or None,
            "purpose_of_use": data["doel"] or None,
            "ground": data["grondslag"] or None,
            "sensitivity": data["gevoeligheid"] or None,
        }

    # What the audit event records: identifiers only.
    def logged_filters(self) -> dict[str, Any]:
        data = self.cleaned_data
        filters: dict[str, Any] = {
            "date_from": data["van"].isoformat() if data["van"] else None,
            "date_to": data["tot"].isoformat() if data["tot"] else None,
            "action": data["actie"] or None,
            "purpose_of_use": data["doel"] or None,
            "ground": data["grondslag"] or None,
            "sensitivity": data["gevoeligheid"] or None,
        }
        if data["gebruiker"]:
            user_id = User.objects.filter(username=data["gebruiker"]).values_list("pk", flat=True).first()
            if user_id is not None:
                filters["user_id"] = user_id
            else:
                filters["user_unknown"] = True
        return filters

    # The query string of the download links.
    def query(self) -> str:
        data = self.cleaned_data
        values = {
            "van": data["van"].isoformat() if data["van"] else "",
            "tot": data["tot"].isoformat() if data["tot"] else "",
            "gebruiker": data["gebruiker"],
            "actie": data["actie"],
            "doel": data["doel"],
            "grondslag": data["grondslag"],
            "gevoeligheid": data["gevoeligheid"],
            "ouder": data["ouder"],
        }
        return urlencode({k: v for k, v in values.items() if v})

    # The filters as words, for the PDF summary.
    def described(self) -> list[tuple[str, str]]:
        data = self.cleaned_data
        everyone = _("alle")
        period = "{} {} {}".format(
            date_format(data["van"], "d-m-Y") if data["van"] else "…",
            _("t/m"),
            date_format(data["tot"], "d-m-Y") if data["tot"] else "…",
        )
        return [
            (_("Periode"), period),
            (_("Gebruiker"), data["gebruiker"] or everyone),
            (_("Actie"), AuditAction(data["actie"]).label if data["actie"] else everyone),
            (_("Doel"), Purpose(data["doel"]).label if data["doel"] else everyone),
            (_("Grondslag"), dict(ground_filter_choices()).get(data["grondslag"], everyone)),
            (
                _("Gevoeligheid"),
                Sensitivity(data["gevoeligheid"]).label if data["gevoeligheid"] else everyone,
            ),
            (_("Ouder"), data["ouder"] or everyone),
        ]


class ParentReportForm(forms.Form):
    ouder = _parent_ref_field(required=True)

    def clean_ouder(self) -> str:
        return _clean_parent_ref(self.cleaned_data.get("ouder", ""))


class ParentSearchForm(forms.Form):
    """Find a parent by name and birth date, or by BSN. Sent by POST: a name, a birth date or a
    BSN never ends up in a URL, a browser history or a server log."""

    naam = forms.CharField(
        label=gettext_lazy("Naam van de ouder"),
        help_text=gettext_lazy("De achternaam is genoeg. Vul ook de geboortedatum in."),
        required=False,
        max_length=100,
    )
    geboortedatum = forms.DateField(label=gettext_lazy("Geboortedatum"), required=False, widget=DateInput())
    bsn = forms.CharField(
        label=gettext_lazy("Of: BSN"),
        help_text=gettext_lazy(
            "Negen cijfers. Zoekt precies op dit nummer; naam en geboortedatum zijn dan niet nodig."
        ),
        required=False,
        max_length=20,
    )

    def clean_bsn(self) -> str:
        typed = self.cleaned_data.get("bsn", "")
        if not typed.strip():
            return ""
        finder = parent_finder()
        value = finder.normalise_bsn(typed)
        if not finder.is_valid_bsn(value):
            raise forms.ValidationError(
                _(
                    "Dit is geen geldig BSN. Een BSN heeft negen cijfers en klopt volgens de elfproef. "
                    "Controleer het nummer."
                )
            )
        return value

    def clean(self):
        cleaned = super().clean()
        if self.errors or cleaned.get("bsn"):
            return cleaned
        name, born = (cleaned.get("naam") or "").strip(), cleaned.get("geboortedatum")
        if not name and not born:
            self.add_error("naam", _("Vul de naam en de geboortedatum van de ouder in, of het BSN."))
        elif not name:
            self.add_error("naam", _("Vul ook de naam van de ouder in."))
        elif not born:
            self.add_error("geboortedatum", _("Vul ook de geboortedatum van de ouder in."))
        return cleaned

    @property
    def method(self) -> str:
        """How the parent was looked up, for the log (never what was typed)."""
        return "bsn" if self.cleaned_data.get("bsn") else "naam_geboortedatum"

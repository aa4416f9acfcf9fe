"""Forms of the Gebruikers page. They parse and validate; the services decide and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from toolkid.forms import HintedRadioSelect, LimitedTextField
from toolkid.models import Membership, Organisation, Role, User

#: One line per role, shown beside the choice so a beheerder knows what a role may do.
ROLE_HINTS: dict[str, str] = {
    Role.JEUGDHULPVERLENER: _("Doet informatieverzoeken bij zorgverleners."),
    Role.ZORGVERLENER: _("Beantwoordt verzoeken over de eigen cliënten (ouders)."),
    Role.JURIDISCH_ADVISEUR: _(
        "Geeft advies bij twijfel; ook zorgdirecteur of geneesheer-directeur."
    ),
    Role.TEAMLEIDER: _("Ziet het werk van het team, wijst verzoeken toe en bevestigt weigeringen."),
    Role.BEHEERDER: _("Beheert gebruikers en de auditlog; ziet geen inhoud van verzoeken."),
}


class GrantRoleForm(forms.Form):
    """Give an existing user a role in the acting organisation, found by user name."""

    username = LimitedTextField(
        label=_("Gebruikersnaam"),
        max_length=User._meta.get_field("username").max_length,
        help_text=_("De gebruikersnaam waarmee de medewerker inlogt, bijvoorbeeld j.jansen."),
        error_messages={"required": _("Vul de gebruikersnaam in.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"}
        ),
    )
    role = forms.ChoiceField(
        label=_("Rol"),
        choices=Role.choices,
        widget=HintedRadioSelect(hints=ROLE_HINTS),
        error_messages={
            "required": _("Kies een rol."),
            "invalid_choice": _("Kies een van de rollen in de lijst."),
        },
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.user: User | None = None

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        user = User.objects.filter(username=username).first()
        if user is None:
            raise forms.ValidationError(
                _(
                    "Er is geen gebruiker met gebruikersnaam ‘%(username)s’. Controleer de "
                    "schrijfwijze. Een nieuw account maakt de functioneel beheerder aan."
                ),
                code="unknown_user",
                params={"username": username},
            )
        if not user.is_active:
            raise forms.ValidationError(
                _(
                    "Het account ‘%(username)s’ is gedeactiveerd. Alleen de functioneel beheerder "
                    "kan het weer activeren."
                ),
                code="inactive_user",
                params={"username": username},
            )
        self.user = user
        return username

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        if (
            self.user is not None
            and role
            and Membership.objects.filter(
                user=self.user, organisation=self.organisation, role=role, is_active=True
            ).exists()
        ):
            self.add_error(
                "role",
                forms.ValidationError(
                    _("%(name)s heeft deze rol al bij %(organisation)s."),
                    code="already_member",
                    params={
                        "name": self.user.get_full_name() or self.user.get_username(),
                        "organisation": self.organisation.name,
                    },
                ),
            )
        return cleaned

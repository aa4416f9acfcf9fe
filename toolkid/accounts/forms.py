"""Forms of the login flow. Messages are Dutch msgids (the interface speaks Dutch)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from toolkid.accounts.services import BACKUP_CODE_LENGTH, normalise_code

#: The id of the form-level error, referenced by the inputs' aria-describedby.
FORM_ERROR_ID = "formulierfout"


class AccessibleFormMixin:
    """Marks the inputs invalid and points them to a form-level error (e.g. "wrong user name
    or password", which belongs to no single field). Field errors get ``aria-invalid`` and
    ``aria-describedby`` from Django itself. Labels have no trailing colon."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def full_clean(self):
        super().full_clean()
        if self.is_bound and self.non_field_errors():
            for name, field in self.fields.items():
                if field.widget.is_hidden:
                    continue
                described = [FORM_ERROR_ID]
                if field.help_text:
                    described.append(f"{self[name].auto_id}_helptext")
                if self.errors.get(name):
                    described.append(f"{self[name].auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
                field.widget.attrs["aria-describedby"] = " ".join(described)


class LoginForm(AccessibleFormMixin, forms.Form):
    """User name and password: the first factor. Authenticates through the configured
    backends with the request, so django-axes counts failures and refuses locked-out users."""

    username = forms.CharField(
        label=_("Gebruikersnaam"),
        max_length=254,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
        error_messages={"required": _("Vul uw gebruikersnaam in.")},
    )
    password = forms.CharField(
        label=_("Wachtwoord"),
        strip=False,
        # Never sent back to the browser, also not after an error.
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}, render_value=False),
        error_messages={"required": _("Vul uw wachtwoord in.")},
    )

    error_messages = {
        # One message for a wrong name, a wrong password and an inactive account: no hint
        # whether an account exists (no user enumeration).
        "invalid_login": _("Gebruikersnaam of wachtwoord onjuist."),
    }

    def __init__(self, request: HttpRequest, *args, **kwargs):
        self.request = request
        self.user_cache = None
        #: True when the name and password were checked and refused (wrong or locked out).
        self.credentials_refused = False
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        username = cleaned.get("username")
        password = cleaned.get("password")
        if username and password:
            # ModelBackend refuses inactive users; axes raises for locked-out ones, which
            # authenticate() turns into None (and sets request.axes_locked_out).
            self.user_cache = authenticate(self.request, username=username, password=password)
            if self.user_cache is None:
                self.credentials_refused = True
                raise forms.ValidationError(
                    self.error_messages["invalid_login"], code="invalid_login"
                )
        return cleaned

    @property
    def locked_out(self) -> bool:
        return bool(getattr(self.request, "axes_locked_out", False))

    def get_user(self):
        return self.user_cache


class SecondFactorForm(AccessibleFormMixin, forms.Form):
    """One code: six digits from the authenticator app, or a backup code (reservecode).

    ``use_backup`` only changes the labels and the keyboard (a backup code has letters);
    the service accepts either kind of code in both modes.
    """

    code = forms.CharField(label=_("Code uit uw authenticator-app"), max_length=32, strip=True)

    def __init__(self, *args, use_backup: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.use_backup = use_backup
        field = self.fields["code"]
        if use_backup:
            field.label = _("Reservecode")
            field.help_text = _(
                "Een reservecode heeft %(length)s letters en cijfers, bijvoorbeeld abcde-fghjk. "
                "Elke reservecode werkt maar één keer."
            ) % {"length": BACKUP_CODE_LENGTH}
            field.widget.attrs.update(
                {"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
            )
        else:
            field.help_text = _("De 6 cijfers die de app nu toont.")
            field.widget.attrs.update({"autocomplete": "one-time-code", "inputmode": "numeric"})
        field.error_messages["required"] = (
            _("Vul een reservecode in.")
            if use_backup
            else _("Vul de code uit uw authenticator-app in.")
        )

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if code.isdigit():
            if len(code) != 6:
                raise forms.ValidationError(
                    _("Vul de 6 cijfers uit uw authenticator-app in."), code="format"
                )
        elif len(code) != BACKUP_CODE_LENGTH or not code.isalnum():
            if self.use_backup:
                raise forms.ValidationError(
                    _("Een reservecode heeft %(length)s letters en cijfers.")
                    % {"length": BACKUP_CODE_LENGTH},
                    code="format",
                )
            raise forms.ValidationError(
                _("Vul de 6 cijfers uit uw authenticator-app in."), code="format"
            )
        return code


class EnrolmentForm(AccessibleFormMixin, forms.Form):
    """The first code from the newly added app: proves the app holds the secret."""

    code = forms.CharField(
        label=_("Code uit uw authenticator-app"),
        help_text=_("De 6 cijfers die de app toont nadat u de QR-code hebt gescand."),
        max_length=16,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        error_messages={"required": _("Vul de code uit uw authenticator-app in.")},
    )

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError(
                _("Vul de 6 cijfers uit uw authenticator-app in."), code="format"
            )
        return code

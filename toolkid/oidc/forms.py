"""The login page's second form: "Inloggen met uw organisatie-account" (home-realm discovery)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import forms
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from toolkid.accounts.forms import AccessibleFormMixin
from toolkid.oidc.client import cached_discovery
from toolkid.oidc.models import IdentityProvider

#: Prefix of the form's fields: the password form on the same page owns the plain names.
PREFIX = "organisatie"


def provider_for_email(email: str) -> IdentityProvider | None:
    """The active provider whose e-mail domains include the address's domain."""
    domain = email.rsplit("@", 1)[-1].strip().lower()
    if not domain:
        return None
    candidates = IdentityProvider.objects.select_related("organisation").filter(
        is_active=True, organisation__is_active=True, email_domains__icontains=domain
    )
    # icontains narrows in the database; the exact domain decides (mondriaan.eu is not
    # a match for ggz-mondriaan.eu).
    return next((p for p in candidates if domain in p.domain_list()), None)


class HomeRealmForm(AccessibleFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("Uw e-mailadres bij uw organisatie"),
        max_length=254,
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "autocapitalize": "none", "spellcheck": "false"}
        ),
        error_messages={
            "required": _("Vul uw e-mailadres bij uw organisatie in."),
            "invalid": _("Vul een e-mailadres in, zoals naam@organisatie.nl."),
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", PREFIX)
        super().__init__(*args, **kwargs)
        self.provider: IdentityProvider | None = None

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        self.provider = provider_for_email(email)
        if self.provider is None:
            raise forms.ValidationError(
                _(
                    "Voor dit e-mailadres kan toolKID niet inloggen met een organisatie-account. "
                    "Log in met uw gebruikersnaam en wachtwoord."
                ),
                code="no_provider",
            )
        return email


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""


def allow_provider_redirects(response: HttpResponse) -> HttpResponse:
    """The login page's CSP ``form-action`` also names the providers' origins: browsers check
    the redirect that follows a form's POST against the page's form-action, and the
    organisation-account form ends on the provider's login page. Only the issuer's origin and,
    when discovery is cached, its authorization endpoint's (no network call for a page view)."""
    origins: set[str] = set()
    for provider in IdentityProvider.objects.filter(is_active=True).only("issuer"):
        origins.add(_origin(provider.issuer_url))
        document = cached_discovery(provider)
        if document:
            origins.add(_origin(str(document.get("authorization_endpoint", ""))))
    origins.discard("")
    if origins:
        response._csp_update = {"form-action": sorted(origins)}
    return response


def sso_context() -> dict:
    """The login page's context for the second form: only when some organisation has an
    active provider (otherwise the page stays the password form alone)."""
    if IdentityProvider.objects.filter(is_active=True).exists():
        return {"realm_form": HomeRealmForm()}
    return {}

"""An organisation's identity provider, how its groups map to roles, the people it vouches for,
and the django-otp device that stands for "the provider checked the second factor"."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device

from toolkid.roles import Role


def default_scopes() -> str:
    return "openid email profile"


class IdentityProvider(models.Model):
    """The OpenID provider an organisation logs its staff in with (set in Platformbeheer)."""

    # One per organisation: home-realm discovery and role mapping both assume it (ADR §10).
    organisation = models.OneToOneField(
        "toolkid.Organisation", on_delete=models.CASCADE, related_name="identity_provider",
        verbose_name=_("organisatie"),
    )
    issuer = models.URLField(
        _("issuer"), max_length=300,
        help_text=_("De issuer-URL van de provider, precies zoals in zijn discovery-document "
                    "(zonder /.well-known/openid-configuration)."),
    )
    client_id = models.CharField(_("client-id"), max_length=200)
    # Only sent to the provider's token endpoint; the admin form never shows it back.
    client_secret = models.CharField(_("client-secret"), max_length=300, blank=True)
    scopes = models.CharField(_("scopes"), max_length=200, default=default_scopes)
    email_domains = models.CharField(
        _("e-maildomeinen"), max_length=500, blank=True,
        help_text=_("Domeinen van de e-mailadressen van medewerkers, gescheiden door spaties of "
                    "komma's (bijvoorbeeld mondriaan.eu). Daarmee vindt het inlogscherm de "
                    "juiste organisatie."),
    )
    groups_claim = models.CharField(_("claim met groepen"), max_length=100, default="groups")
    mfa_acr_values = models.CharField(
        _("acr-waarden die twee factoren betekenen"), max_length=500, blank=True,
        help_text=_("Gescheiden door spaties. Een token met een van deze acr-waarden telt als "
                    "inloggen met twee factoren."),
    )
    jit_users = models.BooleanField(
        _("gebruikers aanmaken bij eerste login"), default=False,
        help_text=_("Uit: alleen bestaande gebruikers (met hetzelfde, door de provider "
                    "bevestigde e-mailadres) kunnen inloggen."),
    )
    is_active = models.BooleanField(_("actief"), default=True)

    class Meta:
        verbose_name = _("identiteitsprovider (OpenID Connect)")
        verbose_name_plural = _("identiteitsproviders (OpenID Connect)")

    def __str__(self) -> str:
        return f"{self.organisation} ({self.issuer})"

    @property
    def issuer_url(self) -> str:
        # Issuers are compared exactly (OIDC Discovery §4.3); a trailing slash typed in the
        # admin would make every token fail, so it is dropped here and in the form.
        return self.issuer.rstrip("/")

    def domain_list(self) -> list[str]:
        return [d.strip().lower().lstrip("@") for d in self.email_domains.replace(",", " ").split()]

    def acr_list(self) -> list[str]:
        return self.mfa_acr_values.split()


class RoleMapping(models.Model):
    """A value of the provider's groups claim that gives a role in the organisation."""

    provider = models.ForeignKey(
        IdentityProvider, on_delete=models.CASCADE, related_name="role_mappings"
    )
    group = models.CharField(_("groep (waarde in de claim)"), max_length=200)
    role = models.CharField(_("rol"), max_length=30, choices=Role.choices)

    class Meta:
        verbose_name = _("groep → rol")
        verbose_name_plural = _("groepen → rollen")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "group", "role"], name="oidc_one_mapping_per_group_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} → {self.get_role_display()}"


class ExternalIdentity(models.Model):
    """A person as the provider knows them (``sub``), linked to one toolKID user. Matched on
    (provider, sub), never on e-mail alone: an address can be reused, a ``sub`` cannot."""

    provider = models.ForeignKey(
        IdentityProvider, on_delete=models.CASCADE, related_name="identities"
    )
    sub = models.CharField(max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_identities"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_login_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("externe identiteit")
        verbose_name_plural = _("externe identiteiten")
        constraints = [
            models.UniqueConstraint(fields=["provider", "sub"], name="oidc_one_identity_per_sub"),
        ]

    def __str__(self) -> str:
        return f"{self.provider_id}:{self.sub} → {self.user_id}"


class OidcMfaDevice(Device):
    """Stands for the second factor the organisation's provider checked (``amr``/``acr``).

    It verifies no token typed in toolKID: it exists so that ``django_otp.login`` can mark the
    session verified and ``is_verified()`` / TwoFactorRequiredMiddleware work unchanged.
    """

    class Meta(Device.Meta):
        verbose_name = _("tweede factor via de identiteitsprovider")
        verbose_name_plural = _("tweede factoren via de identiteitsprovider")

    def verify_token(self, token) -> bool:
        return False

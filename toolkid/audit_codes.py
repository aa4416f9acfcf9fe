"""The audit codes toolkid writes (L5): logging in and out with two factors, organisations,
memberships and user accounts. The labels are what the Audit page, the CSV and PDF reports and
the "wie heeft ingezien" overview show.

Registered from :meth:`toolkid.apps.ToolkidConfig.ready` (see :mod:`audit.catalogue`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.grounds import Sensitivity
from audit.purposes import Purpose


class ToolkidAuditCode(models.TextChoices):
    # Logging in: password first, then the second factor (toolkid.accounts).
    PASSWORD_VERIFIED = "auth.password_verified", _("Wachtwoord juist (tweede factor volgt)")
    LOGIN = "auth.login", _("Ingelogd met twee factoren")
    LOGIN_FAILED = "auth.login_failed", _("Inloggen mislukt")
    LOCKED_OUT = "auth.locked_out", _("Inloggen geblokkeerd na te veel pogingen")
    OTP_VERIFIED = "auth.otp_verified", _("Code van de authenticator-app juist")
    OTP_FAILED = "auth.otp_failed", _("Code voor de tweede factor onjuist")
    BACKUP_CODE_USED = "auth.backup_code_used", _("Ingelogd met een reservecode")
    LOGOUT = "auth.logout", _("Uitgelogd")
    # Logging in with the organisation's own account (toolkid.oidc, OpenID Connect). The login
    # itself is LOGIN above, with device_type "oidc_mfa" when the provider checked two factors.
    OIDC_VERIFIED = "auth.oidc_verified", _(
        "Identiteit bevestigd door de identiteitsprovider van de organisatie (tweede factor volgt)"
    )
    OIDC_LOGIN_FAILED = "auth.oidc_login_failed", _("Inloggen met het organisatie-account mislukt")
    OIDC_IDENTITY_LINKED = "auth.oidc_identity_linked", _("Organisatie-account gekoppeld aan een gebruiker")
    OIDC_USER_CREATED = "auth.oidc_user_created", _(
        "Gebruiker aangemaakt bij de eerste login met het organisatie-account"
    )
    OIDC_ROLES_MAPPED = "auth.oidc_roles_mapped", _(
        "Rollen overgenomen uit de groepen van de identiteitsprovider"
    )
    # Platformbeheer: an organisation's identity provider and its group → role rows.
    IDENTITY_PROVIDER_SAVED = "identity_provider.saved", _(
        "Identiteitsprovider van een organisatie vastgelegd"
    )
    IDENTITY_PROVIDER_DELETED = "identity_provider.deleted", _(
        "Identiteitsprovider van een organisatie verwijderd"
    )
    ROLE_MAPPING_SAVED = "identity_provider.role_mapping_saved", _(
        "Groep → rol van een identiteitsprovider vastgelegd"
    )
    ROLE_MAPPING_DELETED = "identity_provider.role_mapping_deleted", _(
        "Groep → rol van een identiteitsprovider verwijderd"
    )
    # Setting up the second factor.
    OTP_ENROLMENT_STARTED = "auth.otp_enrolment_started", _("Koppelen van een authenticator-app begonnen")
    OTP_ENROLLED = "auth.otp_enrolled", _("Authenticator-app gekoppeld")
    BACKUP_CODES_GENERATED = "auth.backup_codes_generated", _("Nieuwe reservecodes aangemaakt")
    # Organisations.
    ORGANISATION_CREATED = "organisation.created", _("Organisatie aangemaakt")
    ORGANISATION_ACT_FOR = "organisation.act_for", _("Werken namens een organisatie gekozen")
    # The beheerder's Gebruikers page (toolkid.members): the page, and each attempt to change a
    # membership or an account, are logged under these codes when refused.
    MEMBERS_VIEW = "members.view", _("Gebruikers van de organisatie bekeken")
    MEMBERSHIP_GRANT = "membership.grant", _("Rol toekennen")
    MEMBERSHIP_END = "membership.end", _("Rol beëindigen")
    USER_DEACTIVATE = "user.deactivate", _("Account deactiveren")
    # The working calendar (L1): days that do not count for due dates.
    CLOSURE_DAY_SAVED = "calendar.closure_day_saved", _("Sluitingsdag van een organisatie vastgelegd")
    CLOSURE_DAY_DELETED = "calendar.closure_day_deleted", _("Sluitingsdag van een organisatie verwijderd")
    DECREE_DAY_SAVED = "calendar.decree_day_saved", _("Besluitdag (Algemene termijnenwet) vastgelegd")
    DECREE_DAY_DELETED = "calendar.decree_day_deleted", _("Besluitdag (Algemene termijnenwet) verwijderd")
    # What the services did (toolkid.services).
    MEMBERSHIP_GRANTED = "membership.granted", _("Rol toegekend")
    MEMBERSHIP_ENDED = "membership.ended", _("Rol beëindigd")
    USER_DEACTIVATED = "user.deactivated", _("Account gedeactiveerd")
    # Webhooks to an organisation's own systems (toolkid.webhooks.services, ADR 0007 §9): who
    # decides which system hears of which events is access management.
    WEBHOOK_ENDPOINT_REGISTERED = "webhook.endpoint_registered", _("Webhook-adres aangemeld")
    WEBHOOK_ENDPOINT_DEACTIVATED = "webhook.endpoint_deactivated", _("Webhook-adres uitgezet")
    WEBHOOK_SECRET_ROTATED = "webhook.secret_rotated", _("Geheim van een webhook-adres vernieuwd")
    WEBHOOK_DELIVERY_RESENT = "webhook.delivery_resent", _("Webhook opnieuw verstuurd")
    # Not here: "user.created", written only by the demo loader, is the demo app's code.


def _purpose(code: str) -> str:
    if code.startswith("auth."):
        return Purpose.SECURITY
    if code.startswith("calendar."):
        # Closure and decree days move the answer terms.
        return Purpose.DEADLINES
    return Purpose.ACCESS_MANAGEMENT


#: The purpose of use of each code (audit.catalogue.register): logging in is security; the
#: organisations, roles and accounts are access management; the calendar serves the terms.
TOOLKID_PURPOSES: dict[str, str] = {code: _purpose(code) for code in ToolkidAuditCode.values}

#: Logging in, organisations, roles, accounts and the calendar concern no parent: metadata.
TOOLKID_SENSITIVITIES: dict[str, str] = {code: Sensitivity.METADATA for code in ToolkidAuditCode.values}

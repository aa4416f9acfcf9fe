"""The MFA rule (L7): when the organisation's provider says it checked two factors, toolKID
does not ask for its own code again; otherwise it does.

The token counts as two factors when its ``amr`` (RFC 8176) holds a value of
settings.TOOLKID_OIDC_MFA_AMR_VALUES, or its ``acr`` is one of the provider's
``mfa_acr_values`` (the levels differ per provider, so they are configured, not coded).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import transaction

from toolkid.oidc.models import IdentityProvider, OidcMfaDevice

#: The device's name: what the user and the audit page see, never a provider's secret.
DEVICE_NAME = "identiteitsprovider"
#: Audit payloads keep identifiers: at most this many amr values of this length.
_MAX_VALUES = 10
_MAX_LENGTH = 64
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _clean(value: object) -> str:
    return _CONTROL.sub("", str(value))[:_MAX_LENGTH]


def amr_values(claims: dict) -> list[str]:
    """The token's ``amr`` as short clean strings (a provider may send one string)."""
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    if not isinstance(amr, list):
        return []
    return [_clean(v) for v in amr[:_MAX_VALUES] if isinstance(v, str)]


def acr_value(claims: dict) -> str:
    acr = claims.get("acr")
    return _clean(acr) if isinstance(acr, str) else ""


def is_multi_factor(provider: IdentityProvider, claims: dict) -> bool:
    if set(amr_values(claims)) & set(settings.TOOLKID_OIDC_MFA_AMR_VALUES):
        return True
    acr = acr_value(claims)
    return bool(acr) and acr in provider.acr_list()


def audit_values(claims: dict) -> dict:
    """What the login's audit event records about how the provider authenticated."""
    return {"amr": amr_values(claims), "acr": acr_value(claims)}


@transaction.atomic
def mfa_device_for(user) -> OidcMfaDevice:
    """The user's one provider device (made on first use). It accepts no typed token, so it
    opens nothing by itself: only the callback, after a validated multi-factor ID token,
    passes it to ``django_otp.login``."""
    device, _ = OidcMfaDevice.objects.get_or_create(
        user=user, name=DEVICE_NAME, defaults={"confirmed": True}
    )
    return device

"""Who an API call is (docs/adr/0007 §2, §6).

A connected system sends ``Authorization: Bearer tk_<prefix>.<secret>`` and names the person it
acts for in ``Toolkid-Gebruiker``. The call then acts as that person, for the key's
organisation, with the person's roles there that the system may use: the same ``Actor`` a page
builds, plus the access point ``api:<system>`` that the audit trail records as "via".
A browser uses its session, only once verified with a second factor (L7).
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication

from audit.events import record
from audit.models import AuditAction, AuditOutcome
from toolkid.actors import Actor
from toolkid.api import keys
from toolkid.api.audit_codes import ApiAuditCode
from toolkid.api.models import ConnectedSystem, SystemKey
from toolkid.middleware import client_ip
from toolkid.models import Membership, User

PERSON_HEADER = "Toolkid-Gebruiker"
_PERSON_META = "HTTP_TOOLKID_GEBRUIKER"
#: last_used_at is written at most this often per key.
LAST_USED_RESOLUTION = 60


class NotAuthenticated(exceptions.AuthenticationFailed):
    default_detail = _("De API-sleutel ontbreekt, klopt niet of werkt niet meer.")


def refuse(request, reason: str, *, system: ConnectedSystem | None = None, prefix: str = "") -> None:
    """Log a refused call (never the key itself: its public prefix at most)."""
    actor = Actor(
        user=None,
        organisation=system.organisation if system else None,
        ip_address=client_ip(request),
        client=system.client if system else "api",
    )
    payload = {"reason": reason, "path": request.path[:200]}
    if prefix:
        payload["prefix"] = prefix
    record(actor=actor, event=ApiAuditCode.REFUSED, action=AuditAction.READ,
           outcome=AuditOutcome.DENIED, payload=payload)


def _failed_attempts_exceeded(request) -> bool:
    """Wrong keys from one address are counted in the cache and cut off before any database
    work, so guessing costs the attacker and not the log."""
    key = f"toolkid:api:failed:{client_ip(request)}"
    limit = settings.TOOLKID_API_FAILED_AUTH_PER_MINUTE
    return (cache.get(key) or 0) >= limit


def _count_failure(request) -> None:
    key = f"toolkid:api:failed:{client_ip(request)}"
    if not cache.add(key, 1, timeout=60):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=60)


class TooManyFailures(exceptions.Throttled):
    default_detail = _("Te veel mislukte aanmeldpogingen. Probeer het over een minuut opnieuw.")


class SystemKeyAuthentication(BaseAuthentication):
    def authenticate_header(self, request) -> str:
        return 'Bearer realm="toolKID"'

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header.startswith("Bearer "):
            return None
        if _failed_attempts_exceeded(request):
            raise TooManyFailures(wait=60)
        key = self._key(request, header.removeprefix("Bearer ").strip())
        system = key.system
        actor = self._actor(request, system)
        self._touch(key)
        # The Django request carries the actor, as ActingOrganisationMiddleware does for pages.
        request._request.actor = actor
        return (actor.user, key)

    def _key(self, request, value: str) -> SystemKey:
        parsed = keys.parse(value)
        key = None
        if parsed:
            key = (
                SystemKey.objects.select_related("system__organisation")
                .filter(prefix=parsed[0]).first()
            )
        prefix = parsed[0] if parsed else ""
        reason = None
        if key is None or not keys.matches(parsed[1], key.secret_hash):
            reason, key = "unknown_key", None
        elif not key.is_usable():
            reason = "key_expired"
        elif not (key.system.is_active and key.system.organisation.is_active):
            reason = "system_inactive"
        if reason:
            _count_failure(request)
            refuse(request, reason, system=key.system if key else None, prefix=prefix)
            raise NotAuthenticated()
        return key

    def _actor(self, request, system: ConnectedSystem) -> Actor:
        username = request.META.get(_PERSON_META, "").strip()
        base = Actor(user=None, organisation=system.organisation, ip_address=client_ip(request),
                     client=system.client, system_name=system.client)
        if not username:
            return base
        if not system.acts_for_people:
            refuse(request, "not_for_people", system=system)
            raise exceptions.PermissionDenied(
                _("Dit systeem mag niet namens medewerkers handelen: de verklaring over inloggen "
                  "met twee factoren ontbreekt in Platformbeheer.")
            )
        user = User.objects.filter(username=username, is_active=True).first()
        held = set()
        if user is not None:
            held = set(
                Membership.objects.filter(
                    user=user, organisation=system.organisation, is_active=True
                ).values_list("role", flat=True)
            )
        roles = frozenset(held & set(system.roles))
        if not roles:
            refuse(request, "unknown_person" if user is None else "no_role", system=system)
            raise exceptions.PermissionDenied(
                _("Deze medewerker is bij deze organisatie onbekend of heeft geen rol die dit "
                  "systeem mag gebruiken.")
            )
        return Actor(user=user, organisation=system.organisation, roles=roles,
                     ip_address=client_ip(request), client=system.client)

    def _touch(self, key: SystemKey) -> None:
        now = timezone.now()
        if key.last_used_at is None or (now - key.last_used_at).total_seconds() > LAST_USED_RESOLUTION:
            SystemKey.objects.filter(pk=key.pk).update(last_used_at=now)


class VerifiedSessionAuthentication(SessionAuthentication):
    """The browser's session, only when its second factor was verified (L7). CSRF as DRF
    enforces it for unsafe methods."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user, _auth = result
        if not getattr(user, "is_verified", lambda: False)():
            return None
        return (user, None)

"""Which calls reach a resource at all: a person acting for an organisation, within the
connected system's scopes. Whether that person may do *this* is the policy's, in the services
and access helpers, exactly as for the pages (docs/adr/0007 §2)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.permissions import BasePermission

from toolkid.api.authentication import refuse
from toolkid.api.models import SystemKey


def calling_key(request) -> SystemKey | None:
    return request.auth if isinstance(request.auth, SystemKey) else None


class ActsForPerson(BasePermission):
    """A named person with an organisation, and the scopes the view declares
    (``required_scopes``; a browser session holds every scope: the policy decides)."""

    def has_permission(self, request, view) -> bool:
        if request.successful_authenticator is None:
            return False  # DRF answers 401 with WWW-Authenticate
        actor = request.actor
        key = calling_key(request)
        if not getattr(view, "person_optional", False):
            if actor.user is None:
                refuse(request, "no_person", system=key.system if key else None)
                raise exceptions.PermissionDenied(
                    _("Noem de medewerker namens wie het systeem handelt (header Toolkid-Gebruiker).")
                )
            if actor.organisation is None:
                raise exceptions.PermissionDenied(
                    _("Kies eerst in toolKID namens welke organisatie u werkt.")
                )
        missing = set(getattr(view, "required_scopes", ())) - set(key.system.scopes if key else ())
        if key is not None and missing:
            refuse(request, "scope", system=key.system)
            raise exceptions.PermissionDenied(
                _("Dit systeem heeft geen bevoegdheid voor %(scopes)s.")
                % {"scopes": ", ".join(sorted(missing))}
            )
        return True

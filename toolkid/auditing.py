"""How toolkid's objects read in the audit reports (registered with :mod:`audit.objects` from
:meth:`toolkid.apps.ToolkidConfig.ready`): an organisation by its name, a user by their user
name, a membership by both. One query per kind of object per page."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.objects import Described, by_pk, int_ids, object_name, register_object
from toolkid.models import (
    ClosureDay,
    ConnectedSystem,
    DecreeDay,
    ExternalIdentity,
    IdentityProvider,
    Membership,
    OidcMfaDevice,
    Organisation,
    SystemKey,
    User,
)


def _organisations(ids: list[str]) -> dict[str, Described]:
    name = object_name(Organisation._meta.label_lower)
    rows = Organisation.objects.filter(pk__in=int_ids(ids)).values_list("pk", "name")
    return by_pk(rows, lambda org: Described(f"{name} {org}"))


def _users(ids: list[str]) -> dict[str, Described]:
    name = object_name(User._meta.label_lower)
    rows = User.objects.filter(pk__in=int_ids(ids)).values_list("pk", "username")
    return by_pk(rows, lambda username: Described(f"{name} {username}"))


def _memberships(ids: list[str]) -> dict[str, Described]:
    rows = Membership.objects.filter(pk__in=int_ids(ids)).values_list(
        "pk", "user__username", "organisation__name"
    )
    return by_pk(
        rows,
        lambda username, org: Described(
            _("Lidmaatschap van %(user)s bij %(organisation)s") % {"user": username, "organisation": org}
        ),
    )


def _days(model) -> Callable[[list[str]], dict[str, Described]]:
    def describe(ids: list[str]) -> dict[str, Described]:
        name = object_name(model._meta.label_lower)
        rows = model.objects.filter(pk__in=int_ids(ids)).values_list("pk", "date")
        return by_pk(rows, lambda day: Described(f"{name} {date_format(day, 'd-m-Y')}"))

    return describe


def register_objects() -> None:
    register_object(Organisation, describe=_organisations)
    register_object(User, describe=_users)
    register_object(Membership, describe=_memberships)
    register_object(ClosureDay, describe=_days(ClosureDay))
    register_object(DecreeDay, describe=_days(DecreeDay))
    # The second factor: never a secret or a device's own name, what it is is enough.
    register_object(TOTPDevice, name=gettext_lazy("authenticator-app (tweede factor)"))
    register_object(StaticDevice, name=gettext_lazy("reservecodes (tweede factor)"))
    register_object(ConnectedSystem, name=gettext_lazy("gekoppeld systeem"))
    register_object(SystemKey, name=gettext_lazy("API-sleutel"))
    # Login with the organisation's own account: what it is, never a sub or a secret.
    register_object(IdentityProvider, name=gettext_lazy("identiteitsprovider van een organisatie"))
    register_object(ExternalIdentity, name=gettext_lazy("organisatie-account (koppeling)"))
    register_object(OidcMfaDevice, name=gettext_lazy("tweede factor via de identiteitsprovider"))

"""How a consent declaration reads in the audit reports (registered with :mod:`audit.objects`
from :meth:`consent.apps.ConsentConfig.ready`): by the day it was given, never by whom; and the
legal ground of an event about it (:mod:`audit.grounds`): the parent's consent, this declaration."""

from __future__ import annotations

from django.utils.formats import date_format

from audit.grounds import Ground, GroundValue, register_ground_resolver
from audit.objects import Described, by_pk, int_ids, object_name, register_object
from consent.models import ConsentDeclaration


def _declarations(ids: list[str]) -> dict[str, Described]:
    name = object_name(ConsentDeclaration._meta.label_lower)
    rows = ConsentDeclaration.objects.filter(pk__in=int_ids(ids)).values_list("pk", "given_on")
    return by_pk(
        rows, lambda given_on: Described(f"{name} {date_format(given_on, 'd-m-Y')}" if given_on else name)
    )


def register_objects() -> None:
    register_object(ConsentDeclaration, describe=_declarations)


def _ground(obj) -> GroundValue | None:
    if isinstance(obj, ConsentDeclaration):
        return GroundValue(Ground.CONSENT, ref=f"verklaring:{obj.pk}")
    return None


def register_ground() -> None:
    register_ground_resolver(_ground)

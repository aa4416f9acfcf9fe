"""What an audit event is about, in words: "Informatieverzoek VZ-2026-0012", "Organisatie GGZ
Heerlen", "Gebruiker j.jansen" instead of ``requests.informationrequest 12``.

``audit`` imports no domain app, so each app registers its models from its ``AppConfig.ready()``
(the way it registers its codes with :mod:`audit.catalogue`)::

    from audit.objects import register_object
    register_object(InformationRequest, describe=describe_requests)

A describer gets every id of one model on a page (or a CSV chunk) at once and answers with one
query, so a page of events costs a fixed number of queries whatever its length. It returns per
id a :class:`Described`: the words, and the reference of the request the object belongs to (for
the "Verzoek" column), if any.

The words name an object by what the user knows it by (a reference, a name of an organisation,
a user name) and never hold a parent's name or BSN: the log is read by the beheerder, who does
not see case content.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.apps import apps
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _

__all__ = ["Described", "describe_objects", "object_name", "register_object"]


@dataclass(frozen=True)
class Described:
    """One object in words, and the reference of its request ("" when it has none)."""

    text: str
    reference: str = ""


#: ids (as stored in ``AuditEvent.object_id``) -> what they are. Ids that no longer exist are
#: left out; the caller shows them as removed.
Describer = Callable[[list[str]], dict[str, Described]]

_describers: dict[str, Describer] = {}
_names: dict[str, object] = {}


def register_object(
    model: type[models.Model], *, describe: Describer | None = None, name: object | None = None
) -> None:
    """Describe ``model``'s objects in the audit reports. ``name`` defaults to the model's
    verbose name; without ``describe`` an object reads as its name alone."""
    label = model._meta.label_lower
    _names[label] = name if name is not None else model._meta.verbose_name
    if describe is not None:
        _describers[label] = describe
    else:
        _describers.pop(label, None)


def object_name(object_type: str) -> str:
    """The Dutch name of a kind of object: the registered one, else the model's verbose name,
    else a plain "Object" (a type from a retired model still reads as words)."""
    if not object_type:
        return ""
    name = _names.get(object_type)
    if name is None:
        try:
            name = apps.get_model(object_type)._meta.verbose_name
        except (LookupError, ValueError):
            name = _("Object")
    return capfirst(str(name))


def _ids(values: Iterable[str]) -> list[str]:
    return sorted({value for value in values if value})


def describe_objects(pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Described]:
    """``(object_type, object_id)`` pairs in words: one describer call per type."""
    wanted: dict[str, list[str]] = {}
    for object_type, object_id in pairs:
        if object_type:
            wanted.setdefault(object_type, []).append(object_id)
    found: dict[tuple[str, str], Described] = {}
    for object_type, ids in wanted.items():
        name = object_name(object_type)
        describe = _describers.get(object_type)
        known = describe(_ids(ids)) if describe is not None else {}
        removed = _("%(name)s (verwijderd, nummer %(id)s)")
        for object_id in set(ids):
            if object_id in known:
                found[(object_type, object_id)] = known[object_id]
            elif describe is None or not object_id:
                found[(object_type, object_id)] = Described(name)
            else:
                # Removed since (retention, a discarded draft): the id is all that is left.
                found[(object_type, object_id)] = Described(removed % {"name": name, "id": object_id})
    return found


# --- helpers for describers ------------------------------------------------------------


def int_ids(ids: Iterable[str]) -> list[int]:
    """The ids that are whole numbers (an id typed into a URL may be anything)."""
    return [int(value) for value in ids if value.isdigit()]


def by_pk(rows: Iterable[tuple], describe: Callable[..., Described]) -> dict[str, Described]:
    """``{str(pk): describe(*rest)}`` for ``values_list("pk", ...)`` rows."""
    return {str(pk): describe(*rest) for pk, *rest in rows}

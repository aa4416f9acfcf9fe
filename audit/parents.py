"""Finding a parent for "Wie heeft gegevens van deze ouder ingezien?" by name and birth date or
by BSN, instead of by the opaque ``ouder:…`` reference of the log.

Parents live in the ``requests`` app, which ``audit`` does not import: that app registers a
:class:`ParentFinder` from its ``ready()``. The finder answers only with parents the
organisation has to do with (``organisation=None``: the functional administrator, all of them),
and brings its own BSN check, so the audit page validates a BSN the way the filing form does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured

from toolkid.models import Organisation

__all__ = ["ParentFinder", "ParentMatch", "parent_finder", "register_parent_finder"]


@dataclass(frozen=True)
class ParentMatch:
    """One parent found: what the beheerder needs to tell two parents apart, and the key."""

    parent_ref: str
    name: str
    date_of_birth: dt.date
    #: The references of the organisation's requests about this parent, oldest first.
    references: tuple[str, ...]


class ParentFinder(Protocol):
    def normalise_bsn(self, value: str) -> str: ...

    def is_valid_bsn(self, value: str) -> bool: ...

    def by_name(
        self, organisation: Organisation | None, *, name: str, date_of_birth: dt.date
    ) -> list[ParentMatch]: ...

    def by_bsn(self, organisation: Organisation | None, *, bsn: str) -> list[ParentMatch]: ...


_finder: list[ParentFinder] = []


def register_parent_finder(finder: ParentFinder) -> None:
    _finder[:] = [finder]


def parent_finder() -> ParentFinder:
    if not _finder:
        raise ImproperlyConfigured("no app registered a parent finder (audit.parents)")
    return _finder[0]

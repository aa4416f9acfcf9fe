"""The parent finder of the audit page (:mod:`audit.parents`): the beheerder looks a parent up
by name and birth date, or by BSN, to answer the parent's right of access (R41).

Only parents the organisation has to do with are found: the parents of the requests it can see
(its own requests as requester; as provider, those submitted to it) and the parents it keeps
itself (a Kindcheck or a reverse question). Another organisation's parent is not found at all,
alike whether it exists or not.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from audit.parents import ParentMatch, register_parent_finder
from requests.core import bsn as bsn_check
from requests.core.workflow import VISIBLE_TO_PROVIDER
from requests.models import InformationRequest, Parent
from toolkid.models import Organisation

#: More matches than this and the search is too wide to be of use: the beheerder narrows it.
MAX_MATCHES = 20


def _requests_of(organisation: Organisation | None) -> QuerySet[InformationRequest]:
    requests = InformationRequest.objects.all()
    if organisation is not None:
        requests = requests.filter(
            Q(requesting_organisation=organisation)
            | Q(receiving_organisation=organisation, status__in=VISIBLE_TO_PROVIDER)
        )
    return requests


def _parents_of(organisation: Organisation | None) -> QuerySet[Parent]:
    parents = Parent.objects.all()
    if organisation is not None:
        parents = parents.filter(
            Q(organisation=organisation) | Q(pk__in=_requests_of(organisation).values("parent_id"))
        )
    return parents


def _matches(organisation: Organisation | None, parents: QuerySet[Parent]) -> list[ParentMatch]:
    found = list(parents.order_by("name", "date_of_birth", "pk")[:MAX_MATCHES])
    references: dict[int, list[str]] = {}
    rows = (
        _requests_of(organisation)
        .filter(parent__in=[p.pk for p in found], reference__isnull=False)
        .order_by("pk")
        .values_list("parent_id", "reference")
    )
    for parent_id, reference in rows:
        references.setdefault(parent_id, []).append(reference)
    return [
        ParentMatch(
            parent_ref=parent.audit_ref,
            name=parent.name,
            date_of_birth=parent.date_of_birth,
            references=tuple(references.get(parent.pk, ())),
        )
        for parent in found
    ]


class RequestsParentFinder:
    """Registered with the audit app by ``RequestsConfig.ready()``."""

    def normalise_bsn(self, value: str) -> str:
        return bsn_check.normalise_bsn(value)

    def is_valid_bsn(self, value: str) -> bool:
        return bsn_check.is_valid_bsn(value)

    def by_name(
        self, organisation: Organisation | None, *, name: str, date_of_birth: dt.date
    ) -> list[ParentMatch]:
        # Part of the name is enough (a surname), with the exact birth date.
        words = name.split()
        parents = _parents_of(organisation).filter(date_of_birth=date_of_birth)
        for word in words:
            parents = parents.filter(name__icontains=word)
        return _matches(organisation, parents) if words else []

    def by_bsn(self, organisation: Organisation | None, *, bsn: str) -> list[ParentMatch]:
        return _matches(organisation, _parents_of(organisation).filter(bsn=bsn))


def register_finder() -> None:
    register_parent_finder(RequestsParentFinder())

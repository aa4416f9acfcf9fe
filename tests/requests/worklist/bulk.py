"""Many requests at once, straight into the tables (bulk_create): the list tests need dozens,
the PostgreSQL plan tests thousands, and filing each through the services would take minutes.
The rows carry what a list shows and filters on; nothing else."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence

from django.utils import timezone

from requests.core.workflow import RequestStatus
from requests.models import InformationRequest, Parent
from toolkid.models import Organisation, User

_numbers = itertools.count(1)
#: Invented names (DOMAIN.md: never a real person's).
NAMES = ("Jan de Boer", "Anna Jansen", "Petra Smeets", "Kees Hermans", "Lotte Vermeulen",
         "Ruud Bemelmans", "Ine Claessens", "Bart Wetzels")


def bulk_requests(
    n: int,
    *,
    requesting: Organisation,
    requester: User,
    receiving: Organisation,
    status: str = RequestStatus.SUBMITTED,
    statuses: Sequence[str] | None = None,
    clinician: User | None = None,
    path: str = "A",
    due_offsets: Sequence[int] = (-2, 0, 1, 3, 8),
    names: Sequence[str] = NAMES,
    born: dt.date = dt.date(1985, 3, 2),
    bsn: str = "",
    parents: Sequence[Parent] | None = None,
) -> list[InformationRequest]:
    """``n`` requests from ``requesting`` to ``receiving``, each about a parent of its own (or
    about ``parents`` in turn), with due dates spread around today (``due_offsets`` days),
    every other one assigned to ``clinician``. References are ``TK-2099-<number>``."""
    today = timezone.localdate()
    if parents:
        parents = [parents[i % len(parents)] for i in range(n)]
    else:
        parents = Parent.objects.bulk_create(
            Parent(organisation=requesting, name=names[i % len(names)], date_of_birth=born, bsn=bsn)
            for i in range(n)
        )
    now = timezone.now()
    rows = []
    for i, parent in enumerate(parents):
        number = next(_numbers)
        rows.append(InformationRequest(
            reference=f"TK-2099-{number:06d}",
            status=statuses[i % len(statuses)] if statuses else status,
            requesting_organisation=requesting,
            requester=requester,
            receiving_organisation=receiving,
            assigned_clinician=clinician if (clinician and i % 2) else None,
            parent=parent,
            consent_path=path,
            submitted_at=now,
            due_date=today + dt.timedelta(days=due_offsets[i % len(due_offsets)]),
        ))
    return InformationRequest.objects.bulk_create(rows)

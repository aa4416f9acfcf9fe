"""The consent app's records under the case-file retention rule (L6; :mod:`audit.retention`).

A consent declaration is kept 20 years (``TOOLKID_RETENTION_CASE_YEARS``) after its last change
(created, or its newest history row, e.g. the revocation). It goes when that term is over, no
remaining information request points at it and its parent has no remaining request; its
uploaded document goes too (after the commit), and so do its history rows.

Registered from :meth:`consent.apps.ConsentConfig.ready`. It is deleted after the requests and
Kindchecks (order 10-30, which point at declarations or their parent) and before the parents
(order 50, which a declaration protects): see :mod:`requests.retention`.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from audit.retention import RetentionScan, RetentionSource, with_history_last_change
from consent.models import ConsentDeclaration

KIND_CONSENT = "consent"
#: The requests app's kind (requests.retention): a remaining request keeps the declaration it
#: relies on, and every declaration of its parent.
KIND_REQUEST = "request"


def _expired_consents(cutoff: dt.datetime, scan: RetentionScan) -> QuerySet:
    remaining_requests = scan.kept(KIND_REQUEST)
    return (
        with_history_last_change(ConsentDeclaration.objects.all())
        .filter(last_change__lt=cutoff)
        .filter(~Exists(remaining_requests.filter(consent_declaration=OuterRef("pk"))))
        .filter(~Exists(remaining_requests.filter(parent=OuterRef("parent"))))
    )


CONSENT_SOURCE = RetentionSource(
    kind=KIND_CONSENT,
    model=ConsentDeclaration,
    label=_("toestemmingsverklaringen"),
    order=40,
    expired=_expired_consents,
)

"""The requests app's records under the case-file retention rule (L6; :mod:`audit.retention`).

Kept 20 years (``TOOLKID_RETENTION_CASE_YEARS``) after their *last change*, each deleted with
its cascade and the history rows django-simple-history keeps of all of them:

- an information request whose last change (``updated_at``, or its newest timeline event if
  later) is older than the term — with its children, topics, timeline, legal advice and
  object permissions;
- a reverse question (R3, "vraag aan de jeugdhulp") whose last change (``updated_at``, or its
  newest event if later) is older than the term — with its events and deviations;
- a Kindcheck (L4) whose last change (created, or its newest history row, e.g. the next steps
  recorded later) is older than the term, when no remaining reverse question points at it —
  with its deviations (the notes on the concerns and the children's ages go with it);
- a parent whose last change is older than the term, when no request, reverse question,
  Kindcheck or consent declaration of that parent remains (each of them protects the parent
  in the database; the consent declarations are the consent app's source).

Registered from :meth:`requests.apps.RequestsConfig.ready`. The order numbers leave room for
the consent app's declarations between the Kindchecks and the parents: a run deletes what
points at a record before the record.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import gettext_lazy as _

from audit.retention import RetentionScan, RetentionSource, with_history_last_change
from requests.core.models import InformationRequest, Parent, RequestEvent
from requests.kindcheck.models import Kindcheck
from requests.reverse.models import ReverseQuestion, ReverseQuestionEvent

KIND_REQUEST = "request"
KIND_REVERSE_QUESTION = "reverse_question"
KIND_KINDCHECK = "kindcheck"
KIND_PARENT = "parent"
#: The consent app's kind (consent.retention): a remaining declaration keeps its parent.
KIND_CONSENT = "consent"


def _newest(events: QuerySet, link: str) -> Subquery:
    newest_first = events.filter(**{link: OuterRef("pk")}).order_by("-occurred_at")
    return Subquery(newest_first.values("occurred_at")[:1])


def requests_with_last_change() -> QuerySet[InformationRequest]:
    newest_event = _newest(RequestEvent.objects.all(), "request")
    return InformationRequest.objects.annotate(
        last_change=Greatest("updated_at", Coalesce(newest_event, "updated_at"))
    )


def reverse_questions_with_last_change() -> QuerySet[ReverseQuestion]:
    newest_event = _newest(ReverseQuestionEvent.objects.all(), "question")
    return ReverseQuestion.objects.annotate(
        last_change=Greatest("updated_at", Coalesce(newest_event, "updated_at"))
    )


def _expired_requests(cutoff: dt.datetime, scan: RetentionScan) -> QuerySet:
    return requests_with_last_change().filter(last_change__lt=cutoff)


def _kept_requests(cutoff: dt.datetime, scan: RetentionScan) -> QuerySet:
    return requests_with_last_change().filter(last_change__gte=cutoff)


def _expired_reverse_questions(cutoff: dt.datetime, scan: RetentionScan) -> QuerySet:
    return reverse_questions_with_last_change().filter(last_change__lt=cutoff)


def _kept_reverse_questions(cutoff: dt.datetime, scan: RetentionScan) -> QuerySet:
    return reverse_questions_with_last_change().filter(last_change__gte=cutoff)


def _expired_kindchecks(cutoff: dt.datetime, scan: RetentionScan) -> QuerySet:
    # A question still inside its term keeps the Kindcheck it was asked from.
    return (
        with_history_last_change(Kindcheck.objects.all())
        .filter(last_change__lt=cutoff)
        .filter(~Exists(scan.kept(KIND_REVERSE_QUESTION).filter(kindcheck=OuterRef("pk"))))
    )


def _expired_parents(cutoff: dt.datetime, scan: RetentionScan) -> QuerySet:
    parents = with_history_last_change(Parent.objects.all()).filter(last_change__lt=cutoff)
    # A remaining Kindcheck: inside the term, or outside it but kept by a remaining question.
    for kind in (KIND_REQUEST, KIND_CONSENT, KIND_REVERSE_QUESTION, KIND_KINDCHECK):
        parents = parents.filter(~Exists(scan.kept(kind).filter(parent=OuterRef("pk"))))
    return parents


REQUEST_SOURCE = RetentionSource(
    kind=KIND_REQUEST,
    model=InformationRequest,
    label=_("informatieverzoeken"),
    order=10,
    expired=_expired_requests,
    kept=_kept_requests,
)
REVERSE_QUESTION_SOURCE = RetentionSource(
    kind=KIND_REVERSE_QUESTION,
    model=ReverseQuestion,
    # The model's own plural name (already in the catalog).
    label=ReverseQuestion._meta.verbose_name_plural,
    order=20,
    expired=_expired_reverse_questions,
    kept=_kept_reverse_questions,
)
KINDCHECK_SOURCE = RetentionSource(
    kind=KIND_KINDCHECK,
    model=Kindcheck,
    label=Kindcheck._meta.verbose_name_plural,
    order=30,
    expired=_expired_kindchecks,
)
PARENT_SOURCE = RetentionSource(
    kind=KIND_PARENT,
    model=Parent,
    label=_("ouders"),
    order=50,
    expired=_expired_parents,
)

SOURCES = (REQUEST_SOURCE, REVERSE_QUESTION_SOURCE, KINDCHECK_SOURCE, PARENT_SOURCE)

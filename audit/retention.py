"""Retention (DOMAIN.md L6, L5): delete what has outlived its term, deliberately and logged.

Two rules, each with a configurable term (read from settings, never below the legal floor):

``case_file`` — ``TOOLKID_RETENTION_CASE_YEARS`` (default and minimum 20)
    The medical (WGBO) and youth-care (Jeugdwet) file is kept 20 years after its *last
    change*; the records of an exchange belong with it. So:

    - an information request whose last change (``updated_at``, or its newest timeline
      event if later) is older than the term — with its cascade (children, topics,
      timeline, legal advice, object permissions) and the history rows that
      django-simple-history keeps of all of them (a deleted record whose copies remain in
      a history table is not deleted);
    - a reverse question (R3, "vraag aan de jeugdhulp") whose last change (``updated_at``,
      or its newest event if later) is older than the term — with its events and
      deviations, and their history rows;
    - a Kindcheck (L4) whose last change (created, or its newest history row, e.g. the
      next steps recorded later) is older than the term, when no remaining reverse question
      points at it — with its deviations and history rows (the notes on the concerns and
      the children's ages go with it);
    - a consent declaration whose last change (created, or its newest history row, e.g.
      the revocation) is older than the term, when no remaining request points at it and
      its parent has no remaining request; its uploaded document goes too;
    - a parent whose last change is older than the term, when no request, reverse
      question, Kindcheck or consent declaration of that parent remains (each of them
      protects the parent in the database).

``audit_log`` — ``TOOLKID_RETENTION_AUDIT_YEARS`` (default and minimum 5)
    Audit events older than the term, but only as a **prefix** of the hash chain (the
    oldest events, up to the first one still inside the term). They are removed through
    ``AuditEvent.objects._purge_prefix``; the register keeps the *anchor* (seq and hash of
    the last removed event) from which ``audit.chain.verify_chain`` verifies what remains,
    and the run's ``retention.deleted`` event repeats the anchor inside the chain.

A run (``manage.py retention``, or the daily task ``audit.tasks.retention_sweep``) has a dry
run that lists exactly what would go and changes nothing. The real run deletes in one
transaction, writes one :class:`~audit.models.RetentionRecord` per deleted case record and
one per removed audit prefix (ids, counts, rule, term, cutoff: no personal data), and one
``retention.deleted`` audit event with the counts and the anchor. Running it twice changes
nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from simple_history.exceptions import NotHistoricalModelError
from simple_history.utils import get_history_model_for_model

from audit.chain import RETENTION_EVENT
from audit.events import record
from audit.models import (
    AUDIT_MINIMUM_YEARS,
    AuditAction,
    AuditEvent,
    RetentionRecord,
    RetentionRule,
    years_before,
)
from toolkid.actors import Actor

logger = logging.getLogger(__name__)

#: WGBO art. 7:454 lid 3 and Jeugdwet art. 7.3.8: 20 years after the last change (L6).
CASE_MINIMUM_YEARS = 20

#: ``ExpiredItem.kind`` values, in the order a run deletes them (requests protect the
#: consents and parents they point at; reverse questions point at a Kindcheck and protect
#: their parent; Kindchecks protect their parent).
KIND_REQUEST = "request"
KIND_REVERSE_QUESTION = "reverse_question"
KIND_KINDCHECK = "kindcheck"
KIND_CONSENT = "consent"
KIND_PARENT = "parent"
KIND_AUDIT_PREFIX = "audit_prefix"
KIND_ORDER = (
    KIND_REQUEST,
    KIND_REVERSE_QUESTION,
    KIND_KINDCHECK,
    KIND_CONSENT,
    KIND_PARENT,
    KIND_AUDIT_PREFIX,
)

# Serialises runs on PostgreSQL (SQLite serialises writers anyway): an arbitrary constant.
_ADVISORY_LOCK_KEY = 7_513_006


@dataclass(frozen=True)
class RetentionPolicy:
    """The terms in force, from settings (``TOOLKID_RETENTION_CASE_YEARS``,
    ``TOOLKID_RETENTION_AUDIT_YEARS``). A term below the legal minimum is a configuration
    error, not something to obey."""

    case_years: int = CASE_MINIMUM_YEARS
    audit_years: int = AUDIT_MINIMUM_YEARS

    @classmethod
    def from_settings(cls) -> RetentionPolicy:
        policy = cls(
            case_years=getattr(settings, "TOOLKID_RETENTION_CASE_YEARS", CASE_MINIMUM_YEARS),
            audit_years=getattr(settings, "TOOLKID_RETENTION_AUDIT_YEARS", AUDIT_MINIMUM_YEARS),
        )
        policy.check()
        return policy

    def check(self) -> None:
        for name, value, minimum in (
            ("TOOLKID_RETENTION_CASE_YEARS", self.case_years, CASE_MINIMUM_YEARS),
            ("TOOLKID_RETENTION_AUDIT_YEARS", self.audit_years, AUDIT_MINIMUM_YEARS),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
                raise ImproperlyConfigured(
                    f"{name} must be a whole number of years, at least {minimum} (DOMAIN.md L5/L6); "
                    f"got {value!r}"
                )

    def term(self, rule: str) -> int:
        return self.case_years if rule == RetentionRule.CASE_FILE else self.audit_years

    def cutoff(self, rule: str, today: dt.date) -> dt.datetime:
        """Everything whose last change lies *before* this moment has expired: the start of
        ``today`` (local time) minus the term. A change on the cutoff day itself is kept."""
        start_of_today = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
        return years_before(start_of_today, self.term(rule))


@dataclass(frozen=True)
class ExpiredItem:
    """One thing a run would delete. Identifiers only (it is printed and registered)."""

    kind: str
    rule: str
    object_type: str
    object_id: str
    last_change: dt.datetime
    # For an audit prefix: the number of events (``object_id`` is "first-last" seq).
    count: int = 1


@dataclass
class RetentionResult:
    run_id: uuid.UUID
    today: dt.date
    dry_run: bool
    policy: RetentionPolicy
    items: list[ExpiredItem]
    # Rows removed per kind (cascades included); empty for a dry run.
    deleted: Counter = field(default_factory=Counter)
    # Items that could not be deleted (a newer record protects them): kept, reported.
    skipped: list[tuple[ExpiredItem, str]] = field(default_factory=list)
    anchor_seq: int | None = None
    anchor_hash: str = ""
    # True when another run held the lock (PostgreSQL): this one did nothing.
    busy: bool = False

    def counts(self) -> dict[tuple[str, str], int]:
        """Number of items per (rule, kind), for the summary."""
        totals: Counter = Counter()
        for item in self.items:
            totals[(item.rule, item.kind)] += item.count
        return dict(totals)


# --- what has expired --------------------------------------------------------------------


def _latest_history(model: type[models.Model]):
    history = get_history_model_for_model(model)
    return Subquery(
        history.objects.filter(id=OuterRef("pk")).order_by("-history_date").values("history_date")[:1]
    )


def _requests_with_last_change():
    from requests.models import InformationRequest, RequestEvent

    newest_event = Subquery(
        RequestEvent.objects.filter(request=OuterRef("pk")).order_by("-occurred_at").values("occurred_at")[:1]
    )
    return InformationRequest.objects.annotate(
        last_change=Greatest("updated_at", Coalesce(newest_event, "updated_at"))
    )


def _reverse_questions_with_last_change():
    from requests.models import ReverseQuestion, ReverseQuestionEvent

    newest_event = Subquery(
        ReverseQuestionEvent.objects.filter(question=OuterRef("pk"))
        .order_by("-occurred_at")
        .values("occurred_at")[:1]
    )
    return ReverseQuestion.objects.annotate(
        last_change=Greatest("updated_at", Coalesce(newest_event, "updated_at"))
    )


def _with_history_last_change(queryset: models.QuerySet) -> models.QuerySet:
    return queryset.annotate(
        last_change=Greatest("created_at", Coalesce(_latest_history(queryset.model), "created_at"))
    )


def _expired_case_records(policy: RetentionPolicy, today: dt.date) -> list[ExpiredItem]:
    from consent.models import ConsentDeclaration
    from requests.models import Kindcheck, Parent

    rule = RetentionRule.CASE_FILE
    cutoff = policy.cutoff(rule, today)
    requests = _requests_with_last_change()
    remaining_requests = requests.filter(last_change__gte=cutoff)
    expired_requests = requests.filter(last_change__lt=cutoff).order_by("last_change", "pk")

    questions = _reverse_questions_with_last_change()
    remaining_questions = questions.filter(last_change__gte=cutoff)
    expired_questions = questions.filter(last_change__lt=cutoff)

    kindchecks = _with_history_last_change(Kindcheck.objects.all())
    # A question still inside its term keeps the Kindcheck it was asked from.
    expired_kindchecks = kindchecks.filter(last_change__lt=cutoff).filter(
        ~Exists(remaining_questions.filter(kindcheck=OuterRef("pk")))
    )
    expired_kindcheck_ids = expired_kindchecks.values("pk")

    consents = _with_history_last_change(ConsentDeclaration.objects.all())
    expired_consents = (
        consents.filter(last_change__lt=cutoff)
        .filter(~Exists(remaining_requests.filter(consent_declaration=OuterRef("pk"))))
        .filter(~Exists(remaining_requests.filter(parent=OuterRef("parent"))))
    )
    expired_consent_ids = expired_consents.values("pk")
    parents = _with_history_last_change(Parent.objects.all())
    expired_parents = (
        parents.filter(last_change__lt=cutoff)
        .filter(~Exists(remaining_requests.filter(parent=OuterRef("pk"))))
        .filter(
            ~Exists(
                ConsentDeclaration.objects.filter(parent=OuterRef("pk")).exclude(pk__in=expired_consent_ids)
            )
        )
        .filter(~Exists(remaining_questions.filter(parent=OuterRef("pk"))))
        # A remaining Kindcheck: inside the term, or outside it but kept by a remaining question.
        .filter(
            ~Exists(Kindcheck.objects.filter(parent=OuterRef("pk")).exclude(pk__in=expired_kindcheck_ids))
        )
    )

    items = []
    for kind, queryset in (
        (KIND_REQUEST, expired_requests),
        (KIND_REVERSE_QUESTION, expired_questions.order_by("last_change", "pk")),
        (KIND_KINDCHECK, expired_kindchecks.order_by("last_change", "pk")),
        (KIND_CONSENT, expired_consents.order_by("last_change", "pk")),
        (KIND_PARENT, expired_parents.order_by("last_change", "pk")),
    ):
        object_type = queryset.model._meta.label_lower
        for pk, last_change in queryset.values_list("pk", "last_change"):
            items.append(ExpiredItem(kind, rule, object_type, str(pk), last_change))
    return items


def _expired_audit_prefix(policy: RetentionPolicy, today: dt.date) -> ExpiredItem | None:
    """The oldest events up to (not including) the first one inside the term."""
    rule = RetentionRule.AUDIT_LOG
    cutoff = policy.cutoff(rule, today)
    first_kept = (
        AuditEvent.objects.filter(occurred_at__gte=cutoff)
        .order_by("seq")
        .values_list("seq", flat=True)
        .first()
    )
    prefix = AuditEvent.objects.all()
    if first_kept is not None:
        prefix = prefix.filter(seq__lt=first_kept)
    else:
        prefix = prefix.filter(occurred_at__lt=cutoff)
    bounds = prefix.aggregate(first=models.Min("seq"), last=models.Max("seq"), count=models.Count("pk"))
    if not bounds["count"]:
        return None
    last_change = AuditEvent.objects.filter(seq=bounds["last"]).values_list("occurred_at", flat=True).get()
    return ExpiredItem(
        KIND_AUDIT_PREFIX,
        rule,
        AuditEvent._meta.label_lower,
        f"{bounds['first']}-{bounds['last']}",
        last_change,
        count=bounds["count"],
    )


def expired_items(
    today: dt.date | None = None, *, policy: RetentionPolicy | None = None
) -> list[ExpiredItem]:
    """Everything that has outlived its term on ``today`` (default: the local date), in the
    order a run deletes it. Reads only."""
    today = today or timezone.localdate()
    policy = policy or RetentionPolicy.from_settings()
    items = _expired_case_records(policy, today)
    prefix = _expired_audit_prefix(policy, today)
    if prefix is not None:
        items.append(prefix)
    return items


# --- the run -----------------------------------------------------------------------------


def retention_run(
    *,
    actor: Actor,
    dry_run: bool,
    today: dt.date | None = None,
    policy: RetentionPolicy | None = None,
) -> RetentionResult:
    """List (``dry_run=True``) or delete what has expired, with register and audit event.

    ``actor`` is a system actor (the command or the periodic task). ``today`` may only be
    moved for a dry run ("what would expire on …"); a real run always uses the real date.
    """
    if not actor.is_system:
        raise ValueError("retention runs as a system job (Actor.system(...)), never as a person")
    real_today = timezone.localdate()
    if today is not None and not dry_run and today != real_today:
        raise ValueError("a real retention run uses today's date; move the date only for a dry run")
    today = today or real_today
    policy = policy or RetentionPolicy.from_settings()
    run_id = uuid.uuid4()
    if dry_run:
        return RetentionResult(run_id, today, True, policy, expired_items(today, policy=policy))

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])
                (locked,) = cursor.fetchone()
            if not locked:
                logger.info("retention: another run is in progress; nothing done")
                return RetentionResult(run_id, today, False, policy, [], busy=True)
        items = expired_items(today, policy=policy)
        result = RetentionResult(run_id, today, False, policy, items)
        if not items:
            return result
        run_at = timezone.now()
        register = []
        for item in items:
            if item.kind == KIND_AUDIT_PREFIX:
                continue  # last: it takes the chain head's lock; keep that short
            deleted = _delete_case_record(item)
            if isinstance(deleted, str):
                result.skipped.append((item, deleted))
                continue
            result.deleted[item.kind] += deleted
            register.append(_register_row(result, item, run_at, actor, deleted_count=deleted))
        prefix = next((item for item in items if item.kind == KIND_AUDIT_PREFIX), None)
        if prefix is not None:
            up_to_seq = int(prefix.object_id.split("-")[1])
            purged = AuditEvent.objects._purge_prefix(up_to_seq)
            result.deleted[KIND_AUDIT_PREFIX] += purged.deleted
            result.anchor_seq, result.anchor_hash = purged.anchor_seq, purged.anchor_hash
            register.append(
                _register_row(
                    result,
                    prefix,
                    run_at,
                    actor,
                    deleted_count=purged.deleted,
                    first_seq=purged.first_seq,
                    anchor_seq=purged.anchor_seq,
                    anchor_hash=purged.anchor_hash,
                )
            )
        if not register:
            return result
        RetentionRecord.objects.bulk_create(register)
        # Last, after the purge: this event is the first link after the anchor's prefix.
        record(
            actor=actor,
            event=RETENTION_EVENT,
            action=AuditAction.DELETE,
            object_type=RetentionRecord._meta.label_lower,
            object_id=str(run_id),
            payload={
                "run_id": str(run_id),
                "case_years": policy.case_years,
                "audit_years": policy.audit_years,
                "deleted": {kind: result.deleted[kind] for kind in KIND_ORDER if result.deleted[kind]},
                "items": len(register),
                "skipped": len(result.skipped),
                "anchor_seq": result.anchor_seq,
                "anchor_hash": result.anchor_hash or None,
            },
        )
    return result


def _register_row(
    result: RetentionResult, item: ExpiredItem, run_at: dt.datetime, actor: Actor, **values
) -> RetentionRecord:
    return RetentionRecord(
        run_id=result.run_id,
        run_at=run_at,
        run_by=actor.system_name,
        rule=item.rule,
        term_years=result.policy.term(item.rule),
        cutoff=result.policy.cutoff(item.rule, result.today),
        object_type=item.object_type,
        object_id="" if item.kind == KIND_AUDIT_PREFIX else item.object_id,
        **values,
    )


def _delete_case_record(item: ExpiredItem) -> int | str:
    """Delete one case record with its cascade and its history rows; the number of rows
    removed, or the reason it could not be (a record that still needs it protects it)."""
    from django.apps import apps

    model = apps.get_model(item.object_type)
    instance = model.objects.filter(pk=item.object_id).first()
    if instance is None:
        return 0
    try:
        with transaction.atomic():
            collector = Collector(using=model.objects.db, origin=instance)
            collector.collect([instance])
            documents = _documents_of(collector)
            # Read the keys now: Collector.delete() sets them to None on the instances.
            keys = _keys_of(collector)
            deleted, _per_model = collector.delete()
            deleted += _purge_history(keys)
    except (ProtectedError, RestrictedError) as error:
        blocking = getattr(error, "protected_objects", None) or getattr(error, "restricted_objects", ())
        return "beschermd door " + ", ".join(sorted({obj._meta.label_lower for obj in blocking}))
    for storage, name in documents:
        transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
    return deleted


def _keys_of(collector: Collector) -> dict[type[models.Model], list]:
    return {
        model: [getattr(obj, model._meta.pk.attname) for obj in instances]
        for model, instances in collector.data.items()
    }


def _purge_history(keys: dict[type[models.Model], list]) -> int:
    """simple_history keeps a copy of every version, and adds one more on delete: remove
    them all for the deleted objects, or the personal data would outlive its term."""
    removed = 0
    for model, pks in keys.items():
        try:
            history = get_history_model_for_model(model)
        except NotHistoricalModelError:
            continue
        pk_name = model._meta.pk.attname
        removed += history.objects.filter(**{f"{pk_name}__in": pks}).delete()[0]
    return removed


def _documents_of(collector: Collector) -> list[tuple[object, str]]:
    """Uploaded files of the objects being deleted (removed from storage after commit)."""
    files = []
    for model, instances in collector.data.items():
        file_fields = [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        for obj in instances:
            for file_field in file_fields:
                value = getattr(obj, file_field.attname)
                if value:
                    files.append((file_field.storage, str(value)))
    return files

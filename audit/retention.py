"""Retention (DOMAIN.md L6, L5): delete what has outlived its term, deliberately and logged.

Two rules, each with a configurable term (read from settings, never below the legal floor):

``case_file`` — ``TOOLKID_RETENTION_CASE_YEARS`` (default and minimum 20)
    The medical (WGBO) and youth-care (Jeugdwet) file is kept 20 years after its *last
    change*; the records of an exchange belong with it. Which records those are, when each
    has expired and what keeps it, the apps that own them say: each registers a
    :class:`RetentionSource` from its ``AppConfig.ready()`` (:func:`register_source`). This
    module knows no domain app. A source's expiry may depend on another kind's (a record that
    is kept protects what it points at): it asks the run's :class:`RetentionScan` for the
    records of that kind still kept, by kind name, without importing the other app.

    A deleted record goes with its cascade, its uploaded files and the rows
    django-simple-history keeps of all of them (a deleted record whose copies remain in a
    history table is not deleted): :func:`delete_with_cascade`, the default for every source.

``audit_log`` — ``TOOLKID_RETENTION_AUDIT_YEARS`` (default and minimum 5)
    Audit events older than the term, but only as a **prefix** of the hash chain (the
    oldest events, up to the first one still inside the term). They are removed through
    ``AuditEvent.objects._purge_prefix``; the register keeps the *anchor* (seq and hash of
    the last removed event of the old chain, or of the last removed seal: past the old chain
    only whole seals go, ADR 0006) from which ``audit.chain.verify_chain`` verifies what remains,
    and the run's ``retention.deleted`` event repeats the anchor inside the log.

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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from django.db.models import OuterRef, Subquery
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from simple_history.exceptions import NotHistoricalModelError
from simple_history.utils import get_history_model_for_model

from audit.audit_codes import AuditLogCode
from audit.events import record
from audit.models import (
    AUDIT_MINIMUM_YEARS,
    AuditAction,
    AuditEvent,
    AuditSeal,
    RetentionRecord,
    RetentionRule,
    years_before,
)
from audit.sealing import legacy_end
from toolkid.actors import Actor

logger = logging.getLogger(__name__)

#: WGBO art. 7:454 lid 3 and Jeugdwet art. 7.3.8: 20 years after the last change (L6).
CASE_MINIMUM_YEARS = 20

#: ``ExpiredItem.kind`` of the oldest part of the audit log; always the last kind of a run (it
#: takes the chain head's lock, which serialises purges: keep that short). The case-record kinds
#: are the registered sources' (:func:`kinds`).
KIND_AUDIT_PREFIX = "audit_prefix"

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


# --- the sources: registered by the apps that own the records ----------------------------


def delete_with_cascade(item: ExpiredItem) -> int | str:
    """Delete one case record with its cascade, its history rows and (after the commit) its
    uploaded files; the number of rows removed, or the reason it could not be (a record that
    still needs it protects it). The default way a :class:`RetentionSource` deletes."""
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


@dataclass(frozen=True)
class RetentionSource:
    """One kind of case record an app keeps under a retention rule, registered by that app.

    - ``kind``: the name of the kind (``ExpiredItem.kind``, the register, the run's counts).
    - ``model``: the model whose rows are the records (what :meth:`RetentionScan.kept` returns
      rows of, unless ``kept`` says otherwise).
    - ``label``: the kind in words, plural (the command's output).
    - ``order``: when a run deletes this kind; lower first. A record that protects another
      (points at it in the database) goes before it.
    - ``expired(cutoff, scan)``: the records that have outlived their term, annotated with
      ``last_change``; ``cutoff`` is the rule's (a change before it has expired), ``scan``
      answers what other kinds keep.
    - ``kept(cutoff, scan)``: the records that stay; by default every row of ``model`` that
      ``expired`` does not list. Give it when it is cheaper to say directly.
    - ``delete(item)``: removes one expired record; rows removed, or why it could not be.
    """

    kind: str
    model: type[models.Model]
    label: object
    order: int
    expired: Callable[[dt.datetime, RetentionScan], models.QuerySet]
    kept: Callable[[dt.datetime, RetentionScan], models.QuerySet] | None = None
    delete: Callable[[ExpiredItem], int | str] = delete_with_cascade
    rule: str = RetentionRule.CASE_FILE


_sources: dict[str, RetentionSource] = {}


def register_source(source: RetentionSource) -> None:
    """Add an app's kind of record. Registering the same source again (tests, autoreload) is
    harmless; two sources claiming one kind is a configuration error."""
    if source.kind == KIND_AUDIT_PREFIX:
        raise ImproperlyConfigured(f"retention kind {KIND_AUDIT_PREFIX!r} is the audit log's own")
    known = _sources.get(source.kind)
    if known is not None and known is not source and known != source:
        raise ImproperlyConfigured(f"retention kind {source.kind!r} is registered twice")
    _sources[source.kind] = source


def sources() -> list[RetentionSource]:
    """The registered sources in the order a run deletes them."""
    return sorted(_sources.values(), key=lambda source: (source.order, source.kind))


def source_for(kind: str) -> RetentionSource:
    try:
        return _sources[kind]
    except KeyError:
        raise LookupError(f"no retention source of kind {kind!r} is registered") from None


def kinds() -> tuple[str, ...]:
    """Every kind a run deletes, in order: the registered sources', then the audit prefix."""
    return (*(source.kind for source in sources()), KIND_AUDIT_PREFIX)


class RetentionScan:
    """What has expired on one day, worked out once per run. Sources ask it about each
    other's kinds by name; the querysets are lazy, so a source's rule becomes a subquery of
    another's."""

    def __init__(self, policy: RetentionPolicy, today: dt.date):
        self.policy = policy
        self.today = today
        self._expired: dict[str, models.QuerySet] = {}
        self._kept: dict[str, models.QuerySet] = {}
        self._asked: list[str] = []

    def cutoff(self, source: RetentionSource) -> dt.datetime:
        return self.policy.cutoff(source.rule, self.today)

    def expired(self, kind: str) -> models.QuerySet:
        """The records of ``kind`` that have expired (annotated with ``last_change``)."""
        if kind not in self._expired:
            source = source_for(kind)
            with self._resolving(f"expired {kind}"):
                self._expired[kind] = source.expired(self.cutoff(source), self)
        return self._expired[kind]

    def kept(self, kind: str) -> models.QuerySet:
        """The records of ``kind`` that stay: inside their term, or kept by another record."""
        if kind not in self._kept:
            source = source_for(kind)
            if source.kept is not None:
                with self._resolving(f"kept {kind}"):
                    self._kept[kind] = source.kept(self.cutoff(source), self)
            else:
                expired = self.expired(kind)
                self._kept[kind] = source.model._default_manager.exclude(pk__in=expired.values("pk"))
        return self._kept[kind]

    @contextmanager
    def _resolving(self, question: str) -> Iterator[None]:
        """Refuse sources that (through each other) ask about themselves: no endless loop."""
        if question in self._asked:
            cycle = " -> ".join([*self._asked, question])
            raise ImproperlyConfigured(f"retention sources depend on each other in a cycle: {cycle}")
        self._asked.append(question)
        try:
            yield
        finally:
            self._asked.pop()


# Helpers for the sources: "last change" from the history simple_history keeps.


def latest_history(model: type[models.Model]) -> Subquery:
    """The time of the newest history row of the outer row (simple_history)."""
    history = get_history_model_for_model(model)
    return Subquery(
        history.objects.filter(id=OuterRef("pk")).order_by("-history_date").values("history_date")[:1]
    )


def with_history_last_change(queryset: models.QuerySet, *, changed: str = "created_at") -> models.QuerySet:
    """``queryset`` annotated with ``last_change``: ``changed``, or the newest history row if
    later (an edit, a revocation, next steps recorded afterwards)."""
    return queryset.annotate(
        last_change=Greatest(changed, Coalesce(latest_history(queryset.model), changed))
    )


# --- what has expired --------------------------------------------------------------------


def _expired_case_records(scan: RetentionScan) -> list[ExpiredItem]:
    items = []
    for source in sources():
        queryset = scan.expired(source.kind).order_by("last_change", "pk")
        object_type = queryset.model._meta.label_lower
        for pk, last_change in queryset.values_list("pk", "last_change"):
            items.append(ExpiredItem(source.kind, source.rule, object_type, str(pk), last_change))
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
    last = prefix.aggregate(last=models.Max("seq"))["last"]
    up_to = _whole_seals_up_to(last) if last is not None else None
    if up_to is None:
        return None
    bounds = AuditEvent.objects.filter(seq__lte=up_to).aggregate(
        first=models.Min("seq"), last=models.Max("seq"), count=models.Count("pk")
    )
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


def _whole_seals_up_to(last: int) -> int | None:
    """Where a prefix ending at ``last`` may end: anywhere in the old chain, but past it only at
    the end of a seal (ADR 0006), so what remains starts at a seal's boundary and verifies from
    the anchor. Unsealed events are never removed."""
    legacy = legacy_end().seq
    if last <= legacy:
        return last
    sealed = (
        AuditSeal.objects.filter(last_seq__lte=last)
        .order_by("-last_seq")
        .values_list("last_seq", flat=True)
        .first()
    )
    if sealed is not None:
        return sealed
    return legacy or None


def expired_items(
    today: dt.date | None = None, *, policy: RetentionPolicy | None = None
) -> list[ExpiredItem]:
    """Everything that has outlived its term on ``today`` (default: the local date), in the
    order a run deletes it. Reads only."""
    today = today or timezone.localdate()
    policy = policy or RetentionPolicy.from_settings()
    items = _expired_case_records(RetentionScan(policy, today))
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
    today = _run_date(actor, dry_run=dry_run, today=today)
    policy = policy or RetentionPolicy.from_settings()
    run_id = uuid.uuid4()
    if dry_run:
        return RetentionResult(run_id, today, True, policy, expired_items(today, policy=policy))

    with transaction.atomic():
        if not _run_lock():
            logger.info("retention: another run is in progress; nothing done")
            return RetentionResult(run_id, today, False, policy, [], busy=True)
        items = expired_items(today, policy=policy)
        result = RetentionResult(run_id, today, False, policy, items)
        if not items:
            return result
        run_at = timezone.now()
        register = _delete_case_records(actor, result, run_at)
        prefix = next((item for item in items if item.kind == KIND_AUDIT_PREFIX), None)
        if prefix is not None:
            register.append(_purge_audit_prefix(actor, result, prefix, run_at))
        if not register:
            return result
        RetentionRecord.objects.bulk_create(register)
        # Last, after the purge: this event is the first link after the anchor's prefix.
        _record_run(actor, result, items_registered=len(register))
    return result


def _run_date(actor: Actor, *, dry_run: bool, today: dt.date | None) -> dt.date:
    """The date a run goes by; refuses a person as actor and a moved date for a real run."""
    if not actor.is_system:
        raise ValueError("retention runs as a system job (Actor.system(...)), never as a person")
    real_today = timezone.localdate()
    if today is not None and not dry_run and today != real_today:
        raise ValueError("a real retention run uses today's date; move the date only for a dry run")
    return today or real_today


def _run_lock() -> bool:
    """Whether this run may go ahead: False when another run holds the lock (PostgreSQL)."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])
        (locked,) = cursor.fetchone()
    return locked


def _delete_case_records(actor: Actor, result: RetentionResult, run_at: dt.datetime) -> list[RetentionRecord]:
    """Deletes the expired case records through their sources; the register rows of those
    deleted (a protected one is skipped and reported in ``result.skipped``)."""
    register = []
    for item in result.items:
        if item.kind == KIND_AUDIT_PREFIX:
            continue  # last: it takes the chain head's lock; keep that short
        deleted = source_for(item.kind).delete(item)
        if isinstance(deleted, str):
            result.skipped.append((item, deleted))
            continue
        result.deleted[item.kind] += deleted
        register.append(_register_row(result, item, run_at, actor, deleted_count=deleted))
    return register


def _purge_audit_prefix(
    actor: Actor, result: RetentionResult, prefix: ExpiredItem, run_at: dt.datetime
) -> RetentionRecord:
    """Removes the oldest part of the audit chain; the register row that keeps its anchor."""
    up_to_seq = int(prefix.object_id.split("-")[1])
    purged = AuditEvent.objects._purge_prefix(up_to_seq)
    result.deleted[KIND_AUDIT_PREFIX] += purged.deleted
    result.anchor_seq, result.anchor_hash = purged.anchor_seq, purged.anchor_hash
    return _register_row(
        result,
        prefix,
        run_at,
        actor,
        deleted_count=purged.deleted,
        first_seq=purged.first_seq,
        anchor_seq=purged.anchor_seq,
        anchor_hash=purged.anchor_hash,
    )


def _record_run(actor: Actor, result: RetentionResult, *, items_registered: int) -> None:
    """The run's one audit event: counts and the anchor, which ``verify_chain`` looks for."""
    record(
        actor=actor,
        event=AuditLogCode.RETENTION_DELETED,
        action=AuditAction.DELETE,
        object_type=RetentionRecord._meta.label_lower,
        object_id=str(result.run_id),
        payload={
            "run_id": str(result.run_id),
            "case_years": result.policy.case_years,
            "audit_years": result.policy.audit_years,
            "deleted": {kind: result.deleted[kind] for kind in kinds() if result.deleted[kind]},
            "items": items_registered,
            "skipped": len(result.skipped),
            "anchor_seq": result.anchor_seq,
            "anchor_hash": result.anchor_hash or None,
        },
    )


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

"""The sealer (ADR 0006; R41, NEN 7513 L5): covers the audit events with seals, in order.

:func:`audit.events.record` numbers and hashes each event on its own, without a lock. This module
later takes the events after the last seal, in ``seq`` order, and seals them in batches: a Merkle
root over their leaf hashes, with a fixed leaf for every number no event holds (a transaction that
drew it rolled back), chained to the seal before. Only events older than the **grace period**
(``TOOLKID_AUDIT_SEAL_GRACE`` seconds) are sealed: by then every transaction that drew a lower
number has ended, so a number still missing is a rollback, not an event on its way.

One sealer at a time: on PostgreSQL a transaction-level advisory lock (a second sealer skips), on
SQLite the database write lock. Run by beat (``audit.tasks.seal``) and ``manage.py audit_seal``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from .hashing import gap_hash, gaps_as_ranges, merkle_root, seal_hash
from .models import GENESIS_HASH, AuditChainHead, AuditEvent, AuditSeal, RetentionRecord

#: The most sequence numbers one seal covers: a bounded transaction and a bounded Merkle tree.
SEAL_MAX_NUMBERS = 10_000
# Serialises sealers on PostgreSQL: an arbitrary constant (retention uses 7_513_006).
_ADVISORY_LOCK_KEY = 7_513_007


@dataclass(frozen=True)
class Start:
    """Where the next seal starts: the number after ``seq``, chained to ``hash``."""

    seq: int
    hash: str


@dataclass(frozen=True)
class SealRun:
    seals: int = 0
    events: int = 0
    busy: bool = False


@dataclass(frozen=True)
class Lag:
    """The events not yet sealed: how many (counted up to ``cap``) and the oldest one's age."""

    count: int
    oldest_age_seconds: int | None
    capped: bool = False


def grace() -> dt.timedelta:
    return dt.timedelta(seconds=int(settings.TOOLKID_AUDIT_SEAL_GRACE))


def legacy_end() -> Start:
    """The end of the old chain (``AuditChainHead``, frozen by migration 0008); (0, genesis) on a
    new installation or when the head is missing."""
    heads = AuditChainHead.objects.filter(pk=AuditChainHead.SINGLETON_PK)
    head = heads.values_list("last_seq", "last_hash").first()
    return Start(*head) if head else Start(0, GENESIS_HASH)


def retention_anchor() -> Start:
    """Where retention (L6) cut the oldest events off: the register's newest anchor."""
    anchor = (
        RetentionRecord.objects.filter(anchor_seq__isnull=False)
        .order_by("-anchor_seq")
        .values_list("anchor_seq", "anchor_hash")
        .first()
    )
    return Start(*anchor) if anchor else Start(0, GENESIS_HASH)


def next_start() -> Start:
    """After the newest seal; before any, after the old chain or retention's anchor, whichever
    is later."""
    last = AuditSeal.objects.order_by("-last_seq").values_list("last_seq", "hash").first()
    if last:
        return Start(*last)
    return max(legacy_end(), retention_anchor(), key=lambda start: start.seq)


def seal_pending(*, grace_period: dt.timedelta | None = None, max_seals: int = 100) -> SealRun:
    """Seal what is older than the grace period, one seal per transaction, at most ``max_seals``
    seals per call (beat calls again). Returns what it did; ``busy`` when another sealer runs."""
    grace_period = grace() if grace_period is None else grace_period
    seals = events = 0
    while seals < max_seals:
        with transaction.atomic():
            if not _sealer_lock():
                return SealRun(seals, events, busy=True)
            sealed = _seal_one(timezone.now() - grace_period)
        if sealed is None:
            break
        seals += 1
        events += sealed.event_count
    return SealRun(seals, events)


def _sealer_lock() -> bool:
    if connection.vendor != "postgresql":
        return True  # BEGIN IMMEDIATE already holds the write lock
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])
        (locked,) = cursor.fetchone()
    return locked


def _seal_one(cutoff: dt.datetime) -> AuditSeal | None:
    """The next seal, up to the newest event older than ``cutoff``; None when nothing is due.

    Every number below that event's was drawn before its time (``record`` takes the time after
    drawing), so older than the grace period: its transaction has ended, committed or not.
    """
    start = next_start()
    first = start.seq + 1
    bound = (
        AuditEvent.objects.filter(seq__gte=first, seq__lt=first + SEAL_MAX_NUMBERS, occurred_at__lte=cutoff)
        .aggregate(bound=Max("seq"))["bound"]
    )
    if bound is None:
        if not AuditEvent.objects.filter(seq__gte=first, seq__lt=first + SEAL_MAX_NUMBERS).exists():
            # A run of numbers all rolled back (or a sequence moved on): seal it only once a
            # later event proves those numbers are done with.
            later = AuditEvent.objects.filter(seq__gte=first + SEAL_MAX_NUMBERS, occurred_at__lte=cutoff)
            if later.exists():
                bound = first + SEAL_MAX_NUMBERS - 1
        if bound is None:
            return None
    rows = list(
        AuditEvent.objects.filter(seq__gte=first, seq__lte=bound)
        .order_by("seq")
        .values_list("seq", "hash", "occurred_at")
    )
    return _store_seal(start, first, bound, rows)


def _store_seal(start: Start, first: int, last: int, rows: list[tuple]) -> AuditSeal:
    present = [seq for seq, _, _ in rows]
    gaps = gaps_as_ranges(first, last, present)
    root = merkle_root(_leaves(first, last, rows))
    last_at = max((at for _, _, at in rows), default=None)
    values = {
        "prev_hash": start.hash,
        "first_seq": first,
        "last_seq": last,
        "event_count": len(rows),
        "gaps": gaps,
        "merkle_root": root,
        "last_at": last_at,
    }
    seal = AuditSeal(**values, hash=seal_hash(**values))
    seal.save()
    return seal


def _leaves(first: int, last: int, rows: list[tuple]):
    """Each number's leaf in order: the event's hash, or the fixed gap leaf."""
    by_seq = {seq: digest for seq, digest, _ in rows}
    for seq in range(first, last + 1):
        yield by_seq.get(seq) or gap_hash(seq)


def sealing_lag(*, now: dt.datetime | None = None, cap: int = 100_000) -> Lag:
    """The events after the newest seal: how many (up to ``cap``) and the oldest one's age."""
    now = now or timezone.now()
    after = next_start().seq
    unsealed = AuditEvent.objects.filter(seq__gt=after)
    oldest = unsealed.order_by("seq").values_list("occurred_at", flat=True).first()
    if oldest is None:
        return Lag(0, None)
    count = unsealed.order_by().values("seq")[: cap + 1].count()
    age = max(0, int((now - oldest).total_seconds()))
    return Lag(min(count, cap), age, capped=count > cap)



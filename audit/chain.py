"""Verifying the audit log (R41: who did what, reconstructable and untampered; NEN 7513, L5).

The log has up to three parts, in ``seq`` order (ADR 0006, :mod:`audit.hashing`):

1. **the old chain**: events written before the seals, each hashed over the one before, up to the
   chain head (``AuditChainHead``). Walked in order, as always.
2. **sealed events**: runs of numbers under an ``AuditSeal`` each, the seals chained to each other
   and the first to the old chain's end (or retention's anchor). Each event's leaf hash is
   recomputed from its columns (a changed row is named by its ``seq``), each seal's numbers are
   compared with its range minus its gaps (a removed row and a row slipped into a gap are named),
   and its Merkle root recomputed. Ranges of seals are independent apart from their links, so
   they are verified by several processes at once (``workers``).
3. **the unsealed tail**: events newer than the last seal, each checked on its own leaf hash and
   reported as the sealing lag.

After retention (L6) removed the oldest events, the log starts at the register's anchor; the
anchor must also be attested *inside* the log by the ``retention.deleted`` event of that run.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
from contextlib import closing
from dataclasses import dataclass, field, replace

from django.db import connection, connections, transaction
from django.db.models import Sum
from django.utils import timezone

from .audit_codes import AuditLogCode
from .hashing import (
    HASHED_FIELDS,
    LEAF_FIELDS,
    compute_hash,
    gap_hash,
    leaf_hash,
    merkle_root,
    seal_hash,
)
from .models import AuditEvent, AuditSeal
from .sealing import Start, legacy_end, retention_anchor

#: The event a retention run writes; its payload repeats the anchor (audit.retention).
RETENTION_EVENT: str = AuditLogCode.RETENTION_DELETED.value

_SEAL_FIELDS = (
    "first_seq", "last_seq", "event_count", "gaps", "merkle_root", "last_at", "prev_hash", "hash",
)


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_broken_seq: int | None = None
    reason: str = ""
    # The database id of the broken event, when there is one (not for a missing one).
    first_broken_id: int | None = None
    # Where the log starts: 0 (genesis) or the last seq removed by retention (the anchor).
    anchor_seq: int = 0
    seals: int = 0
    # Events after the newest seal: leaf-checked, not yet sealed (the sealing lag).
    unsealed: int = 0
    oldest_unsealed_seconds: int | None = None


@dataclass
class _Part:
    """What one part of the walk found: events checked, the first problem, if any."""

    checked: int = 0
    problem: tuple[int, str, int | None] | None = None  # (seq, reason, id)
    extra: dict = field(default_factory=dict)


def verify_chain(batch_size: int = 2000, workers: int = 1) -> VerifyResult:
    """Verify the whole log in constant memory; the first broken event in ``seq`` order.

    Safe while events are written and sealed: the seals are read first, and only what they
    covered at that moment is checked as sealed; newer events count as the unsealed tail.
    ``workers`` > 1 verifies ranges of seals in parallel processes (PostgreSQL, outside a
    transaction); otherwise, or when that is not possible, in this process.
    """
    anchor, legacy = retention_anchor(), legacy_end()
    seals = _check_seal_links(anchor, legacy, workers if connection.vendor == "postgresql" else 1)
    problems: list[tuple[int, str, int | None]] = []
    checked = 0
    if legacy.seq > anchor.seq:
        old = _verify_old_chain(anchor, legacy, batch_size)
        checked += old.checked
        problems += [old.problem] if old.problem else []
    problems += seals.problems
    last_sealed = seals.last_seq if seals.last_seq is not None else max(legacy.seq, anchor.seq)
    for part in _verify_sealed(seals.blocks, batch_size):
        checked += part.checked
        problems += [part.problem] if part.problem else []
    tail = _verify_tail(max(last_sealed, legacy.seq, anchor.seq), batch_size)
    checked += tail.checked
    problems += [tail.problem] if tail.problem else []
    problems += _unattested(anchor) + _before_the_start(anchor, legacy)
    result = VerifyResult(
        True, checked, anchor_seq=anchor.seq, seals=seals.count,
        unsealed=tail.extra.get("count", 0), oldest_unsealed_seconds=tail.extra.get("age"),
    )
    if problems:
        seq, reason, pk = min(problems, key=lambda problem: problem[0])
        return replace(result, ok=False, first_broken_seq=seq, reason=reason, first_broken_id=pk)
    return result


# --- the old chain --------------------------------------------------------------------------------


def _verify_old_chain(anchor: Start, legacy: Start, batch_size: int) -> _Part:
    """Each chained event against the one before it, from the anchor to the chain head."""
    rows = (
        AuditEvent.objects.filter(seq__lte=legacy.seq)
        .order_by("seq")
        .values_list("id", "hash", *HASHED_FIELDS)
    )
    part = _Part()
    expected_seq, expected_prev = anchor.seq + 1, anchor.hash
    for row in rows.iterator(chunk_size=batch_size):
        pk, stored_hash = row[0], row[1]
        fields = dict(zip(HASHED_FIELDS, row[2:], strict=True))
        problem = _chained_problem(fields, stored_hash, expected_seq, expected_prev)
        if problem:
            part.problem = (fields["seq"], problem, pk)
            return part
        part.checked += 1
        expected_seq, expected_prev = fields["seq"] + 1, stored_hash
    if expected_seq - 1 != legacy.seq or expected_prev != legacy.hash:
        part.problem = (
            expected_seq,
            f"keten eindigt bij seq={expected_seq - 1}, maar de ketenkop staat op seq={legacy.seq} "
            "(gebeurtenissen verwijderd?)",
            None,
        )
    return part


def _chained_problem(fields: dict, stored_hash: str, expected_seq: int, expected_prev: str) -> str:
    """Why one chained event breaks the chain (Dutch, for the report), or empty."""
    seq = fields["seq"]
    if seq != expected_seq:
        return f"volgnummer {expected_seq} ontbreekt (gevonden: {seq})"
    if fields["prev_hash"] != expected_prev:
        return "prev_hash verwijst niet naar de vorige gebeurtenis"
    if compute_hash(fields, fields["prev_hash"]) != stored_hash:
        return "hash klopt niet met de inhoud (gebeurtenis gewijzigd)"
    return ""


# --- seals ------------------------------------------------------------------------------------------


@dataclass
class _SealWalk:
    """The seals in order, checked link by link, as blocks of about equal events (one per
    process): memory stays constant in the number of seals."""

    count: int = 0
    last_seq: int | None = None
    blocks: list[tuple[int, int]] = field(default_factory=list)
    problems: list = field(default_factory=list)


def _check_seal_links(anchor: Start, legacy: Start, workers: int) -> _SealWalk:
    """Every seal, in order: its own hash, and its link to the one before (the first to the old
    chain's end or retention's anchor). Splits them into at most ``workers`` blocks."""
    start = max(legacy, anchor, key=lambda point: point.seq)
    walk = _SealWalk()
    total = AuditSeal.objects.aggregate(total=Sum("event_count"))["total"] or 0
    share, filled, block_first = max(1.0, total / max(1, workers)), 0, None
    expected_first, expected_prev = start.seq + 1, start.hash
    seals = AuditSeal.objects.order_by("first_seq").values_list(*_SEAL_FIELDS)
    for values in seals.iterator(chunk_size=2000):
        seal = dict(zip(_SEAL_FIELDS, values, strict=True))
        stored = seal.pop("hash")
        if seal["first_seq"] != expected_first:
            reason = f"zegel ontbreekt: de zegels gaan verder bij seq={seal['first_seq']}"
            walk.problems.append((expected_first, reason, None))
            break
        if seal["prev_hash"] != expected_prev or seal_hash(**seal) != stored:
            walk.problems.append((seal["first_seq"], "zegel gewijzigd of niet aan de vorige gekoppeld", None))
            break
        walk.count += 1
        block_first = seal["first_seq"] if block_first is None else block_first
        filled += seal["event_count"]
        if filled >= share and len(walk.blocks) < workers - 1:
            walk.blocks.append((block_first, seal["last_seq"]))
            block_first, filled = None, 0
        walk.last_seq = seal["last_seq"]
        expected_first, expected_prev = seal["last_seq"] + 1, stored
    if block_first is not None:
        walk.blocks.append((block_first, walk.last_seq))
    return walk


def _verify_sealed(blocks: list[tuple[int, int]], batch_size: int) -> list[_Part]:
    """The sealed events, block by block: in parallel processes when there are several blocks
    (PostgreSQL, outside a transaction), else here."""
    if len(blocks) <= 1 or connection.in_atomic_block or connection.vendor != "postgresql":
        return [_verify_block(block, batch_size) for block in blocks]
    # Fresh connections in every process: none may inherit this one's socket.
    connections.close_all()
    with multiprocessing.get_context("fork").Pool(len(blocks)) as pool:
        return pool.starmap(_verify_block_in_child, [(block, batch_size) for block in blocks])


def _verify_block_in_child(block: tuple[int, int], batch_size: int) -> _Part:
    try:
        return _verify_block(block, batch_size)
    finally:
        connections.close_all()


def _verify_block(block: tuple[int, int], batch_size: int) -> _Part:
    """Every seal in ``block`` against the events it covers, both streamed in ``seq`` order."""
    low, high = block
    seals = AuditSeal.objects.filter(first_seq__gte=low, last_seq__lte=high).order_by("first_seq")
    # The cursor is closed before the transaction ends, also when a problem stops the walk early.
    with transaction.atomic(), closing(_events(low, high, batch_size)) as events:
        return _check_seals(seals, events)


def _check_seals(seals, events) -> _Part:
    part = _Part()
    pending = next(events, None)
    for first, last, gaps, root in seals.values_list(
        "first_seq", "last_seq", "gaps", "merkle_root"
    ).iterator(chunk_size=500):
        leaves, pending = _seal_leaves(part, first, last, gaps, events, pending)
        if part.problem:
            return part
        if merkle_root(leaves) != root:
            part.problem = (
                first,
                f"Merkle-wortel van zegel {first}–{last} klopt niet (een gebeurtenis in dit bereik is "
                "gewijzigd en opnieuw gehasht, of de zegel is gewijzigd)",
                None,
            )
            return part
    return part


def _seal_leaves(part: _Part, first: int, last: int, gaps: list, events, pending):
    """The leaves of one seal, from its events and its gaps; records the first problem in
    ``part``. Returns the leaves and the first event past the seal."""
    gap_starts = {start: end for start, end in gaps}
    leaves: list[str] = []
    expected = first
    while expected <= last:
        if expected in gap_starts:
            end = gap_starts[expected]
            if pending is not None and pending[2] <= end:
                part.problem = (pending[2], "gebeurtenis ingevoegd in een gat van de zegel", pending[0])
                return leaves, pending
            leaves.extend(gap_hash(seq) for seq in range(expected, end + 1))
            expected = end + 1
            continue
        if pending is None or pending[2] != expected:
            part.problem = (expected, f"volgnummer {expected} ontbreekt (verwijderd na verzegeling)", None)
            return leaves, pending
        digest = leaf_hash(pending[2:])
        if digest != pending[1]:
            part.problem = (expected, "hash klopt niet met de inhoud (gebeurtenis gewijzigd)", pending[0])
            return leaves, pending
        leaves.append(digest)
        part.checked += 1
        expected += 1
        pending = next(events, None)
    return leaves, pending


def _events(low: int, high: int | None, batch_size: int):
    """``(id, hash, *LEAF_FIELDS)`` of the events numbered ``low..high``, in ``seq`` order, in
    constant memory. On PostgreSQL straight from a server-side cursor as plain tuples (the ORM's
    per-row conversions cost as much as the hashing); elsewhere through the ORM."""
    if connection.vendor != "postgresql":
        rows = AuditEvent.objects.filter(seq__gte=low).order_by("seq")
        if high is not None:
            rows = rows.filter(seq__lte=high)
        yield from rows.values_list("id", "hash", *LEAF_FIELDS).iterator(chunk_size=batch_size)
        return
    quote = connection.ops.quote_name
    # The time as the leaf's text, formatted by the server: parsing a timestamp and printing it
    # again cost more than hashing the event.
    columns = ", ".join(
        _ISO_UTC if name == "occurred_at" else quote(name) for name in ("id", "hash", *LEAF_FIELDS)
    )
    sql = f"SELECT {columns} FROM {quote(AuditEvent._meta.db_table)} WHERE seq >= %s"  # noqa: S608
    params: list = [low]
    if high is not None:
        sql += " AND seq <= %s"
        params.append(high)
    connection.ensure_connection()
    with connection.connection.cursor(name=f"audit_verify_{low}") as cursor:
        cursor.itersize = batch_size
        cursor.execute(sql + " ORDER BY seq", params)
        # Django reads jsonb as text; leaf_bytes takes the payload as text too.
        yield from cursor


#: ``occurred_at`` exactly as :func:`audit.hashing._timestamp` prints it (ISO 8601, UTC, µs).
_ISO_UTC = """to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"')"""


# --- the unsealed tail and the anchor ---------------------------------------------------------


def _verify_tail(after: int, batch_size: int) -> _Part:
    """The events after the last seal, each on its own leaf hash; their number and the oldest's age."""
    part = _Part(extra={"count": 0, "age": None})
    oldest = None
    with transaction.atomic(), closing(_events(after + 1, None, batch_size)) as rows:
        for row in rows:
            if leaf_hash(row[2:]) != row[1] and part.problem is None:
                reason = "hash klopt niet met de inhoud (gebeurtenis gewijzigd, nog niet verzegeld)"
                part.problem = (row[2], reason, row[0])
            oldest = oldest or row[3]
            part.checked += 1
    if isinstance(oldest, str):
        oldest = dt.datetime.fromisoformat(oldest)
    part.extra = {"count": part.checked, "age": _age(oldest)}
    return part


def _age(moment: dt.datetime | None) -> int | None:
    return None if moment is None else max(0, int((timezone.now() - moment).total_seconds()))


def _before_the_start(anchor: Start, legacy: Start) -> list[tuple[int, str, int | None]]:
    """Once retention removed the whole old chain, no event may be numbered at or below the
    anchor: nothing else looks there (the old chain's walk covers it while it exists)."""
    if legacy.seq > anchor.seq or anchor.seq == 0:
        return []
    stray = AuditEvent.objects.filter(seq__lte=anchor.seq).order_by("seq").values_list("seq", "id").first()
    if stray is None:
        return []
    reason = f"gebeurtenis met volgnummer {stray[0]} staat vóór het anker van de bewaartermijn"
    return [(stray[0], reason, stray[1])]


def _unattested(anchor: Start) -> list[tuple[int, str, int | None]]:
    """Retention's anchor must be repeated by a ``retention.deleted`` event inside the log, so a
    prefix removed behind retention's back with a forged register row is still found."""
    if anchor.seq == 0:
        return []
    payloads = AuditEvent.objects.filter(event=RETENTION_EVENT, seq__gt=anchor.seq).values_list(
        "payload", flat=True
    )
    for payload in payloads.iterator(chunk_size=100):
        payload = payload or {}
        if payload.get("anchor_seq") == anchor.seq and payload.get("anchor_hash") == anchor.hash:
            return []
    return [(
        anchor.seq + 1,
        f"het anker uit het bewaarregister (seq={anchor.seq}) wordt door geen "
        f"{RETENTION_EVENT}-gebeurtenis in de keten bevestigd (oudste gebeurtenissen "
        "verwijderd buiten de bewaartermijn om?)",
        None,
    )]

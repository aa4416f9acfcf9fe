"""The hash chain over audit events (R41: who did what, reconstructable and untampered).

``hash = sha256(prev_hash + canonical_json(fields))`` where ``fields`` are all stored columns
of the event except ``hash`` itself and the surrogate ``id`` (assigned by the database on
insert, so it cannot be known before; ``seq`` is the event's position instead).

The canonical form is independent of the database backend, so a chain written on one
database verifies after a dump/restore into another:
- keys sorted, no whitespace, UTF-8;
- timestamps in UTC, ISO 8601 with microseconds;
- foreign keys and ``seq`` as strings (``null`` when empty);
- IP addresses in their normalised text form (PostgreSQL's ``inet`` rewrites
  ``2001:DB8::0001`` as ``2001:db8::1``; both must hash the same);
- the fields added later (:data:`OPTIONAL_FIELDS`: purpose, audit source, site, ground and
  sensitivity) only when they
  are not empty, so an event written before they existed hashes exactly as it did then, and
  any of them set on a newer event is covered by its hash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import json
from dataclasses import dataclass

from django.db.models import Max

from .audit_codes import AuditLogCode
from .models import GENESIS_HASH, AuditChainHead, AuditEvent, RetentionRecord

#: The event a retention run writes; its payload repeats the anchor (audit.retention).
RETENTION_EVENT: str = AuditLogCode.RETENTION_DELETED.value

#: The columns covered by the hash, in the shape of ``AuditEvent.objects.values()``.
HASHED_FIELDS: tuple[str, ...] = (
    "seq",
    "occurred_at",
    "event",
    "action",
    "outcome",
    "user_id",
    "username",
    "role",
    "organisation_id",
    "on_behalf_of",
    "parent_ref",
    "object_type",
    "object_id",
    "ip_address",
    "payload",
    "prev_hash",
    "purpose",
    "audit_source",
    "site",
    "ground",
    "ground_framework",
    "ground_ref",
    "sensitivity",
)

#: Hashed only when not empty: older events lack them (see the module docs).
OPTIONAL_FIELDS: frozenset[str] = frozenset(
    {"purpose", "audit_source", "site", "ground", "ground_framework", "ground_ref", "sensitivity"}
)


def normalise_ip(value: str | None) -> str | None:
    """The one textual form of an address, as stored and as hashed."""
    if value in (None, ""):
        return None
    address = ipaddress.ip_address(str(value).strip())
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        # "::ffff:192.0.2.1" prints differently across Python versions; hash the IPv4 form.
        return str(address.ipv4_mapped)
    return str(address)


def _timestamp(value: dt.datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("audit timestamps must be timezone-aware")
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _id(value) -> str | None:
    return None if value is None else str(value)


def canonical_json(event_fields: dict) -> str:
    """The canonical serialisation of an event's hashed fields."""
    keys = set(event_fields)
    required = set(HASHED_FIELDS) - OPTIONAL_FIELDS
    if not required <= keys <= set(HASHED_FIELDS):
        raise ValueError(
            f"hashed fields mismatch: missing {sorted(required - keys)}, "
            f"unexpected {sorted(keys - set(HASHED_FIELDS))}"
        )
    data = {k: v for k, v in event_fields.items() if k not in OPTIONAL_FIELDS or v}
    data["seq"] = _id(data["seq"])
    data["occurred_at"] = _timestamp(data["occurred_at"])
    data["user_id"] = _id(data["user_id"])
    data["organisation_id"] = _id(data["organisation_id"])
    data["ip_address"] = normalise_ip(data["ip_address"])
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def compute_hash(event_fields: dict, prev_hash: str) -> str:
    """sha256 over the previous hash and the canonical JSON of the event.

    ``event_fields`` holds :data:`HASHED_FIELDS`; its ``prev_hash`` may be omitted, and is
    taken from the argument either way, so the two can never disagree.
    """
    fields = {**event_fields, "prev_hash": prev_hash}
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii"))
    digest.update(canonical_json(fields).encode("utf-8"))
    return digest.hexdigest()


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_broken_seq: int | None = None
    reason: str = ""
    # The database id of the broken event, when there is one (not for a missing tail).
    first_broken_id: int | None = None
    # Where the chain starts: 0 (genesis) or the last seq removed by retention (the anchor).
    anchor_seq: int = 0


def retention_anchor() -> tuple[int, str]:
    """``(seq, hash)`` the chain starts after: ``(0, GENESIS_HASH)``, or the newest anchor
    in the retention register when retention removed the oldest events (L6)."""
    anchor = (
        RetentionRecord.objects.filter(anchor_seq__isnull=False)
        .order_by("-anchor_seq")
        .values_list("anchor_seq", "anchor_hash")
        .first()
    )
    return anchor if anchor else (0, GENESIS_HASH)


def verify_chain(batch_size: int = 2000) -> VerifyResult:
    """Walk the whole chain in ``seq`` order, in constant memory.

    Checks that ``seq`` runs 1, 2, 3, ... without gaps, that each ``prev_hash`` is the hash
    of the event before, that each stored hash matches the recomputed one, and that the
    chain ends where the chain head says it ends (so removing the newest events shows).

    After retention (L6) removed the oldest events, the chain starts at the register's
    anchor instead: ``seq`` runs from ``anchor_seq + 1`` and the first ``prev_hash`` is the
    anchor hash. The anchor must also be attested *inside* the remaining chain, by the
    ``retention.deleted`` event of the run that removed the prefix (its payload repeats
    ``anchor_seq`` and ``anchor_hash``, and it is hash-chained like every event). So a
    removed prefix with a forged register row is still found.

    Safe to run while events are being written: the head is read first and only events up to
    its ``last_seq`` are checked (an event and the head move in one transaction).
    """
    head = AuditChainHead.objects.filter(pk=AuditChainHead.SINGLETON_PK).first()
    rows = AuditEvent.objects.order_by("seq")
    if head is not None:
        rows = rows.filter(seq__lte=head.last_seq)
    rows = rows.values_list("id", "hash", *HASHED_FIELDS)

    anchor_seq, anchor_hash = retention_anchor()
    walked = _walk(rows, anchor_seq, anchor_hash, batch_size)
    if isinstance(walked, VerifyResult):
        return walked
    broken = _unattested_anchor(walked, anchor_seq) or _end_not_at_head(head, walked, anchor_seq)
    if broken:
        return broken
    if head is None:
        return VerifyResult(True, 0, anchor_seq=anchor_seq)
    broken = _event_past_head(walked.checked, anchor_seq)
    return broken or VerifyResult(True, walked.checked, anchor_seq=anchor_seq)


@dataclass(frozen=True)
class _Walked:
    """Where an unbroken walk over the events ended."""

    checked: int
    last_seq: int
    last_hash: str
    attested: bool


def _walk(rows, anchor_seq: int, anchor_hash: str, batch_size: int) -> VerifyResult | _Walked:
    """Each event against the one before it: the first broken event, or where the walk ended."""
    attested = anchor_seq == 0
    checked = 0
    expected_seq = anchor_seq + 1
    expected_prev = anchor_hash
    for row in rows.iterator(chunk_size=batch_size):
        pk, stored_hash = row[0], row[1]
        fields = dict(zip(HASHED_FIELDS, row[2:], strict=True))
        seq = fields["seq"]
        problem = _event_problem(fields, stored_hash, expected_seq, expected_prev)
        if problem:
            return VerifyResult(False, checked, seq, problem, pk, anchor_seq)
        if not attested and fields["event"] == RETENTION_EVENT:
            payload = fields["payload"] or {}
            attested = (
                payload.get("anchor_seq") == anchor_seq and payload.get("anchor_hash") == anchor_hash
            )
        checked += 1
        expected_seq = seq + 1
        expected_prev = stored_hash
    return _Walked(checked, expected_seq - 1, expected_prev, attested)


def _event_problem(fields: dict, stored_hash: str, expected_seq: int, expected_prev: str) -> str:
    """Why one event breaks the chain (Dutch, for the report), or empty when it does not."""
    seq = fields["seq"]
    if seq != expected_seq:
        return f"volgnummer {expected_seq} ontbreekt (gevonden: {seq})"
    if fields["prev_hash"] != expected_prev:
        return "prev_hash verwijst niet naar de vorige gebeurtenis"
    if compute_hash(fields, fields["prev_hash"]) != stored_hash:
        return "hash klopt niet met de inhoud (gebeurtenis gewijzigd)"
    return ""


def _unattested_anchor(walked: _Walked, anchor_seq: int) -> VerifyResult | None:
    if walked.attested:
        return None
    return VerifyResult(
        False,
        walked.checked,
        anchor_seq + 1,
        f"het anker uit het bewaarregister (seq={anchor_seq}) wordt door geen "
        f"{RETENTION_EVENT}-gebeurtenis in de keten bevestigd (oudste gebeurtenissen "
        "verwijderd buiten de bewaartermijn om?)",
        anchor_seq=anchor_seq,
    )


def _end_not_at_head(head: AuditChainHead | None, walked: _Walked, anchor_seq: int) -> VerifyResult | None:
    """The walk must end where the chain head says the chain ends (removed newest events)."""
    checked, last_seq = walked.checked, walked.last_seq
    if head is None:
        if checked:
            return VerifyResult(
                False, checked, last_seq, "ketenkop ontbreekt terwijl er gebeurtenissen zijn",
                anchor_seq=anchor_seq,
            )
        return None
    if head.last_seq != last_seq or head.last_hash != walked.last_hash:
        return VerifyResult(
            False,
            checked,
            last_seq + 1,
            f"keten eindigt bij seq={last_seq}, maar de ketenkop staat op seq={head.last_seq} "
            "(gebeurtenissen verwijderd?)",
            anchor_seq=anchor_seq,
        )
    return None


def _event_past_head(checked: int, anchor_seq: int) -> VerifyResult | None:
    # An event past the head was not appended by audit.events.record (the head moves in the
    # same transaction as every legitimate event). Read the maximum first, then the head:
    # a legitimate event seen by the first query is then always covered by the second.
    max_seq = AuditEvent.objects.aggregate(max_seq=Max("seq"))["max_seq"] or 0
    head_seq = (
        AuditChainHead.objects.filter(pk=AuditChainHead.SINGLETON_PK)
        .values_list("last_seq", flat=True)
        .first()
    ) or 0
    if max_seq > head_seq:
        return VerifyResult(
            False,
            checked,
            head_seq + 1,
            f"gebeurtenis buiten de keten: seq={max_seq} staat na de ketenkop (seq={head_seq})",
            anchor_seq=anchor_seq,
        )
    return None

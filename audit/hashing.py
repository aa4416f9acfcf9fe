"""The byte formats the audit log is hashed in (R41; NEN 7513, DOMAIN.md L5).

Two generations of events live in one table:

- **Chained events** (written before ADR 0006): ``hash = sha256(prev_hash + canonical_json)``,
  each event over the one before it (:func:`compute_hash`). They are verified by walking them in
  order, as they always were.
- **Sealed events** (ADR 0006): each event carries only its own **leaf hash** (:func:`leaf_hash`,
  a compact encoding of its columns, ``seq`` included), written without reading or locking any
  other row. A sealer later covers runs of sequence numbers with an ``AuditSeal``: a Merkle root
  over the leaves in ``seq`` order, with a fixed leaf for every number that holds no event (a
  rolled-back transaction), chained to the previous seal (:func:`seal_hash`).

Both encodings are independent of the database backend, so a log written on one database verifies
after a dump and restore into another: timestamps in UTC with microseconds, foreign keys as
numbers, IP addresses in one normalised text form.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import json
from collections.abc import Iterable, Sequence

#: ``prev_hash`` of the first chained event.
GENESIS_HASH = "0" * 64

#: The columns covered by the (chained) hash, in the shape of ``AuditEvent.objects.values()``.
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

#: Hashed only when not empty in the chained format: older events lack them.
OPTIONAL_FIELDS: frozenset[str] = frozenset(
    {"purpose", "audit_source", "site", "ground", "ground_framework", "ground_ref", "sensitivity"}
)

#: The columns of a sealed event's leaf, in this order. Every one always, empty or not.
LEAF_FIELDS: tuple[str, ...] = tuple(name for name in HASHED_FIELDS if name != "prev_hash")
_OCCURRED_AT = LEAF_FIELDS.index("occurred_at")
_IP_ADDRESS = LEAF_FIELDS.index("ip_address")
_PAYLOAD = LEAF_FIELDS.index("payload")

# Domain separation: a leaf can never be read as a gap, a node or a seal, nor the other way round.
_LEAF_PREFIX = b"toolkid.audit.leaf.v2\x00"
_GAP_PREFIX = b"toolkid.audit.gap.v2\x00"
_SEAL_PREFIX = b"toolkid.audit.seal.v2\x00"
_NODE_PREFIX = b"\x01"

# Key-sorted JSON: the leaf is a JSON list, so no separator can be smuggled into a value.
_encoder = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, sort_keys=True)
_encode = _encoder.encode
if json.encoder.c_make_encoder is not None:
    # The same C encoder JSONEncoder.encode builds on every call, built once: verifying hashes
    # hundreds of thousands of leaves a second, and building it cost as much as using it.
    _c_encode = json.encoder.c_make_encoder(
        None, _encoder.default, json.encoder.encode_basestring, None, ":", ",", True, False, True
    )

    def _encode(value) -> str:  # noqa: F811 - the faster twin of the line above
        return "".join(_c_encode(value, 0))


# The database prints jsonb without surrounding blanks: skip json.loads' whitespace handling.
_decode = json.JSONDecoder().raw_decode


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
    if value.utcoffset():
        value = value.astimezone(dt.UTC)
    return value.isoformat(timespec="microseconds")


def _id(value) -> str | None:
    return None if value is None else str(value)


# --- chained events (before ADR 0006) -----------------------------------------------------------


def canonical_json(event_fields: dict) -> str:
    """The canonical serialisation of a chained event's hashed fields."""
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
    """sha256 over the previous hash and the canonical JSON of a chained event.

    ``event_fields`` holds :data:`HASHED_FIELDS`; its ``prev_hash`` may be omitted, and is
    taken from the argument either way, so the two can never disagree.
    """
    fields = {**event_fields, "prev_hash": prev_hash}
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii"))
    digest.update(canonical_json(fields).encode("utf-8"))
    return digest.hexdigest()


# --- sealed events (ADR 0006) ---------------------------------------------------------------------


def leaf_bytes(values: Sequence) -> bytes:
    """The compact encoding of one event: its :data:`LEAF_FIELDS` values, in that order, as
    one JSON list (timestamps in UTC, addresses normalised, payload keys sorted).

    For speed the verifier may pass the time already as its ISO text in UTC with microseconds
    (formatted by the database) and the payload as JSON text; both end up as the same bytes."""
    row = list(values)
    if len(row) != len(LEAF_FIELDS):
        raise ValueError(f"a leaf has {len(LEAF_FIELDS)} values, got {len(row)}")
    moment = row[_OCCURRED_AT]
    if not isinstance(moment, str):
        row[_OCCURRED_AT] = _timestamp(moment)
    if isinstance(row[_PAYLOAD], str):
        row[_PAYLOAD] = _decode(row[_PAYLOAD])[0]
    address = row[_IP_ADDRESS]
    if address and ":" in address:
        # PostgreSQL's inet prints IPv6 in its own way; IPv4 text is already canonical.
        row[_IP_ADDRESS] = normalise_ip(address)
    elif not address:
        row[_IP_ADDRESS] = None
    return _LEAF_PREFIX + _encode(row).encode("utf-8")


def leaf_hash(values: Sequence) -> str:
    """The hex leaf hash of one sealed event (stored in ``AuditEvent.hash``)."""
    return hashlib.sha256(leaf_bytes(values)).hexdigest()


def leaf_hash_of(fields: dict) -> str:
    """:func:`leaf_hash` of a dict holding (at least) :data:`LEAF_FIELDS`."""
    return leaf_hash([fields[name] for name in LEAF_FIELDS])


def gap_hash(seq: int) -> str:
    """The leaf that stands for a sequence number with no event in a seal's range."""
    return hashlib.sha256(_GAP_PREFIX + str(seq).encode("ascii")).hexdigest()


def merkle_root(leaves: Iterable[str]) -> str:
    """The Merkle root over hex leaf hashes, in order: pairs hashed level by level
    (``sha256(0x01 ‖ left ‖ right)``), an odd last node carried up unchanged. Empty: 64 zeros."""
    level = [bytes.fromhex(leaf) for leaf in leaves]
    if not level:
        return GENESIS_HASH
    sha256 = hashlib.sha256
    while len(level) > 1:
        paired = [
            sha256(_NODE_PREFIX + level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)
        ]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0].hex()


def seal_hash(
    *,
    prev_hash: str,
    first_seq: int,
    last_seq: int,
    event_count: int,
    gaps: list[list[int]],
    merkle_root: str,
    last_at: dt.datetime | None,
) -> str:
    """The hash of one seal, over everything it says and the seal before it."""
    body = [
        prev_hash,
        first_seq,
        last_seq,
        event_count,
        gaps,
        merkle_root,
        _timestamp(last_at) if last_at is not None else None,
    ]
    return hashlib.sha256(_SEAL_PREFIX + _encode(body).encode("ascii")).hexdigest()


def gaps_as_ranges(first_seq: int, last_seq: int, present: Iterable[int]) -> list[list[int]]:
    """The numbers in ``first_seq..last_seq`` missing from ``present`` (ascending), as
    ``[start, end]`` ranges: a seal stays small even where a whole run was rolled back."""
    gaps: list[list[int]] = []
    expected = first_seq
    for seq in present:
        if seq > expected:
            gaps.append([expected, seq - 1])
        expected = seq + 1
    if expected <= last_seq:
        gaps.append([expected, last_seq])
    return gaps


def numbers_in(gaps: list[list[int]]) -> Iterable[int]:
    for start, end in gaps:
        yield from range(start, end + 1)

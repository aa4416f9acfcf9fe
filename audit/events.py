"""The one way to write the audit trail (NEN 7513, DOMAIN.md L5; R41).

Services and access helpers call :func:`record` (or :func:`record_denied`) **inside their own
transaction**, so the event and the change it describes commit or roll back together.

Two things callers should know:

- :func:`record` reads and locks no other row (ADR 0006): it draws the next number from a
  database sequence, hashes the event on its own (its leaf hash) and inserts it. Concurrent
  page views do not wait on each other. A sealer (:mod:`audit.sealing`) covers the events with
  seals once every transaction that drew a number has ended (a grace period), so keep audited
  transactions short: a number drawn and committed after that grace period shows up as an
  event slipped into a sealed gap.
- A denial recorded inside a transaction that is then rolled back (e.g. by raising
  ``PermissionDenied`` out of an ``@transaction.atomic`` service) is rolled back with it.
  Decide and record denials outside such a block, or catch the error at the boundary and
  record the denial after the rollback. Denied access must be logged too.

Payloads carry identifiers, never free text: :func:`record` refuses long strings,
control characters and anything that is not plain JSON of str/int/bool/None.

Event codes come from the apps' catalogues (:mod:`audit.catalogue`): :func:`record` refuses a
code no app registered, so a typo fails loudly instead of leaving an event nobody finds.
"""

from __future__ import annotations

import json
import re
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from .catalogue import default_ground, is_registered, purpose_for, sensitivity_for
from .grounds import (
    NOT_APPLICABLE,
    GroundValue,
    as_ground,
    checked_ground,
    checked_sensitivity,
    resolve_ground,
)
from .hashing import LEAF_FIELDS, leaf_hash, normalise_ip
from .models import AuditAction, AuditEvent, AuditOutcome
from .purposes import Purpose

if TYPE_CHECKING:
    from toolkid.actors import Actor

__all__ = [
    "AuditAction",
    "AuditOutcome",
    "MAX_PAYLOAD_STRING",
    "parent_ref_for",
    "record",
    "record_denied",
    "record_many",
]

#: The longest string a payload may hold: room for identifiers, not for free text.
MAX_PAYLOAD_STRING = 200
_MAX_PAYLOAD_DEPTH = 4
_MAX_PAYLOAD_INT = 2**63

_EVENT_CODE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
_PARENT_REF = re.compile(r"^[a-z][a-z_]*:[A-Za-z0-9-]{1,64}$")
_PAYLOAD_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}$")
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")

PARENT_REF_PREFIX = "ouder"


def parent_ref_for(parent_pk: Any) -> str:
    """The opaque reference to a parent (ouder) for ``AuditEvent.parent_ref``: ``"ouder:<pk>"``.

    Only the key goes into the log, never a name or BSN; the reference is resolved through
    the application, under its access rules.
    """
    if parent_pk is None or str(parent_pk) == "":
        raise ValueError("parent_ref_for needs the primary key of a saved parent")
    ref = f"{PARENT_REF_PREFIX}:{parent_pk}"
    if not _PARENT_REF.match(ref):
        raise ValueError(f"not a usable parent key: {parent_pk!r}")
    return ref


def record(
    *,
    actor: Actor | None,
    event: str,
    action: str,
    outcome: str = AuditOutcome.ALLOWED,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    parent_ref: str = "",
    payload: dict | None = None,
    username: str = "",
    ip_address: str | None = None,
    on_behalf_of: str = "",
    purpose: str = "",
    ground: GroundValue | str | None = None,
) -> AuditEvent:
    """Append one event to the audit trail, in the caller's transaction.

    - ``actor``: who acts (user, role, organisation, address). ``None`` only where nobody is
      known yet, e.g. a failed login of an unknown name: pass ``username`` and ``ip_address``.
      For a system actor, ``on_behalf_of`` defaults to its job name.
    - ``event``: a registered dotted code (a member of an app's catalogue, e.g.
      ``ConsentAuditCode.CREATED``; see :mod:`audit.catalogue`). An unknown code is refused.
    - ``action``/``outcome``: :class:`AuditAction` / :class:`AuditOutcome` values.
    - ``obj``: the object concerned; or ``object_type`` (``app_label.modelname``) and
      ``object_id`` for one that is not at hand (or no longer exists).
    - ``parent_ref``: the parent concerned, from :func:`parent_ref_for`.
    - ``payload``: identifiers only (see :data:`MAX_PAYLOAD_STRING`).
    - ``ip_address``: overrides the actor's address when given.
    - ``purpose``: a :class:`audit.purposes.Purpose`; by default the code's (see :func:`_provenance`).
    - ``ground``: an :class:`audit.grounds.GroundValue` (or a bare ``Ground``); by default the
      object's as it stands now (the apps' resolvers), else the code's (see :func:`_ground`).

    Raises ``ValueError`` for anything malformed; nothing is written then.
    """
    values = _event_values(
        actor=actor,
        event=event,
        action=action,
        outcome=outcome,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        parent_ref=parent_ref,
        payload=payload,
        username=username,
        ip_address=ip_address,
        on_behalf_of=on_behalf_of,
    )
    values.update(_provenance(values, purpose, actor=actor, obj=obj))
    values.update(_ground(values, ground, obj=obj).columns())
    values["sensitivity"] = _sensitivity(values["event"])
    return _append([values])[0]


def record_many(entries: list[dict[str, Any]]) -> list[AuditEvent]:
    """Several events at once, e.g. one READ per parent a list shows (NEN 7513: a list is a read
    of everyone on it): each entry holds :func:`record`'s keyword arguments. Every entry is checked
    as :func:`record` checks it, and nothing is written when one is malformed; then all are numbered
    in one round trip and stored in one INSERT."""
    values = []
    for entry in entries:
        entry = dict(entry)
        purpose, ground = entry.pop("purpose", ""), entry.pop("ground", None)
        entry.setdefault("outcome", AuditOutcome.ALLOWED)
        for name in ("object_type", "object_id", "parent_ref", "username", "on_behalf_of"):
            entry.setdefault(name, "")
        for name in ("obj", "payload", "ip_address"):
            entry.setdefault(name, None)
        one = _event_values(**entry)
        one.update(_provenance(one, purpose, actor=entry["actor"], obj=entry["obj"]))
        one.update(_ground(one, ground, obj=entry["obj"]).columns())
        one["sensitivity"] = _sensitivity(one["event"])
        values.append(one)
    return _append(values) if values else []


def _append(values: list[dict[str, Any]]) -> list[AuditEvent]:
    """Number the checked values, hash each on its own and store them: no lock, no other row read.

    The time is taken after the numbers are drawn, which is what the sealer's grace period relies
    on: a number below a sealed event's was drawn before that event's time (ADR 0006).
    """
    with _numbering() as draw:
        numbers = draw(len(values))
        occurred_at = timezone.now()
        events = []
        for seq, one in zip(numbers, values, strict=True):
            fields = {**one, "seq": seq, "occurred_at": occurred_at, "prev_hash": ""}
            digest = leaf_hash([fields[name] for name in LEAF_FIELDS])
            events.append(AuditEvent(**fields, hash=digest))
        if len(events) == 1:
            events[0].save()
        else:
            # The queryset refuses bulk_create to everyone else, because it would skip the
            # numbering and hashing done here.
            models.QuerySet(AuditEvent).bulk_create(events)
    return events


@contextmanager
def _numbering():
    """Yields ``draw(n)``: the next ``n`` sequence numbers.

    PostgreSQL: ``nextval`` on ``audit_event_seq`` (migration 0008), outside any lock; a number
    drawn by a transaction that rolls back stays unused (a gap, recorded by the seal). SQLite (the
    embedded default): the settings open every transaction with BEGIN IMMEDIATE, so writers are
    serialised and the next number after the highest is free until this transaction ends.
    """
    if connection.vendor == "postgresql":
        yield _draw_from_sequence
        return
    # Nests in the caller's transaction (a savepoint) or opens one when there is none.
    with transaction.atomic():
        yield _draw_after_highest


def _draw_from_sequence(n: int) -> list[int]:
    with connection.cursor() as cursor:
        if n == 1:
            cursor.execute("SELECT nextval('audit_event_seq')")
            return [cursor.fetchone()[0]]
        cursor.execute("SELECT nextval('audit_event_seq') FROM generate_series(1, %s)", [n])
        return sorted(row[0] for row in cursor.fetchall())


def _draw_after_highest(n: int) -> list[int]:
    highest = AuditEvent.objects.aggregate(highest=Max("seq"))["highest"] or 0
    return list(range(highest + 1, highest + 1 + n))


def record_denied(
    *,
    actor: Actor | None,
    event: str,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    parent_ref: str = "",
    payload: dict | None = None,
    username: str = "",
    ip_address: str | None = None,
    on_behalf_of: str = "",
    purpose: str = "",
    ground: GroundValue | str | None = None,
) -> AuditEvent:
    """:func:`record` with outcome *geweigerd*. Mind the rollback note in the module docs."""
    return record(
        actor=actor,
        event=event,
        action=action,
        outcome=AuditOutcome.DENIED,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        parent_ref=parent_ref,
        payload=payload,
        username=username,
        ip_address=ip_address,
        on_behalf_of=on_behalf_of,
        purpose=purpose,
        ground=ground,
    )


def _ground(values: dict, ground: GroundValue | str | None, *, obj) -> GroundValue:
    """The legal ground of a new event (:mod:`audit.grounds`): as passed; else what the object
    says now (a request's consent path and framework); else the code's own. An allowed event
    about a parent or a request without one is refused: every access to a parent's data has a
    ground (NEN 7513 consent profile). Refused access and events that concern no parent get
    "niet van toepassing"."""
    found = as_ground(ground)
    if found is None and values["outcome"] == AuditOutcome.DENIED:
        # A refused access had no ground; and the object's ground (say, a path-C request of
        # another organisation) must not show in the log of the one who was refused.
        found = NOT_APPLICABLE
    found = found or resolve_ground(obj) or default_ground(values["event"])
    if found is None:
        if values["parent_ref"]:
            raise ValueError(
                f"audit event {values['event']!r} concerns a parent but has no legal ground: pass "
                "ground=, pass the request as obj, or register a ground with the code"
            )
        found = NOT_APPLICABLE
    return checked_ground(found, values["event"])


def _sensitivity(event: str) -> str:
    value = sensitivity_for(event)
    if not value:
        raise ValueError(
            f"audit code {event!r} has no object sensitivity: register one with the app's codes "
            "(audit.catalogue.register(..., sensitivities=...))"
        )
    return checked_sensitivity(value, event)


def _provenance(values: dict, purpose: str, *, actor, obj) -> dict[str, str]:
    """Why (the purpose of use), which installation (``settings.TOOLKID_AUDIT_SOURCE``) and which
    organisation's site (the acting organisation; empty for anonymous and system actors)."""
    return {
        "purpose": _purpose(values["event"], purpose, actor=actor, obj=obj, payload=values["payload"]),
        "audit_source": _audit_source(),
        "site": str(actor.organisation.pk) if actor is not None and actor.organisation else "",
    }


def _purpose(event: str, purpose: str, *, actor, obj, payload: dict) -> str:
    """The purpose of use of a new event: as passed, or derived from the code's registration.
    Never empty and never "onbekend": that is for events written before purposes existed."""
    if not purpose:
        purpose = purpose_for(event, actor=actor, obj=obj, payload=payload)
    if not purpose:
        raise ValueError(
            f"audit code {event!r} has no purpose of use: register one with the app's codes "
            "(audit.catalogue.register(..., purposes=...))"
        )
    if purpose not in Purpose.values or purpose == Purpose.UNKNOWN:
        raise ValueError(f"{purpose!r} is not a purpose of use; use audit.purposes.Purpose")
    return str(purpose)


def _audit_source() -> str:
    source = str(getattr(settings, "TOOLKID_AUDIT_SOURCE", "") or "")
    if not source or len(source) > 100 or _CONTROL_CHARS.search(source):
        raise ValueError("settings.TOOLKID_AUDIT_SOURCE must name this installation (≤ 100 characters)")
    return source


def _event_values(
    *,
    actor: Actor | None,
    event: str,
    action: str,
    outcome: str,
    obj: models.Model | None,
    object_type: str,
    object_id: str,
    parent_ref: str,
    payload: dict | None,
    username: str,
    ip_address: str | None,
    on_behalf_of: str,
) -> dict[str, Any]:
    """Validate the caller's input and turn it into column values (all but seq/time/hashes)."""
    event = _checked_code(event, action, outcome)
    object_type, object_id = _object_columns(obj, object_type, object_id)
    if parent_ref and not _PARENT_REF.match(parent_ref):
        raise ValueError(
            f"parent_ref must be an opaque reference like 'ouder:42' (use parent_ref_for), "
            f"got {parent_ref!r}"
        )
    who = _actor_columns(actor, username=username, ip_address=ip_address, on_behalf_of=on_behalf_of)
    values: dict[str, Any] = {
        "event": event,
        "action": str(action),
        "outcome": str(outcome),
        **who,
        "parent_ref": parent_ref or "",
        "object_type": object_type or "",
        "object_id": object_id,
        "payload": _clean_payload(payload if payload is not None else {}),
    }
    client = getattr(actor, "client", "") if actor is not None else ""
    if client:
        # The access point besides the address (L5, NEN 7513): the connected system an API call
        # came through, e.g. "api:epd-mondriaan" (docs/adr/0007 §2).
        values["payload"]["via"] = client
    for name in ("event", "username", "role", "on_behalf_of", "object_type", "object_id"):
        max_length = AuditEvent._meta.get_field(name).max_length
        if len(values[name]) > max_length:
            raise ValueError(f"{name} is longer than {max_length} characters")
        if _CONTROL_CHARS.search(values[name]):
            raise ValueError(f"{name} contains control characters")
    return values


def _checked_code(event: str, action: str, outcome: str) -> str:
    """The event code as a plain string, once it, the action and the outcome are known."""
    if not isinstance(event, str) or not _EVENT_CODE.match(event):
        raise ValueError(f"event must be a dotted code like 'request.read', got {event!r}")
    # A code nobody registered (a typo, a code left out of its catalogue) would be a silent
    # hole in the trail: nobody searching for the real code finds the event, and the reports
    # could not say what it means.
    if not is_registered(event):
        raise ValueError(
            f"unknown audit code {event!r}: add it to the app's catalogue of audit codes "
            "(a TextChoices registered from AppConfig.ready(), see audit.catalogue)"
        )
    if action not in AuditAction.values:
        raise ValueError(f"unknown audit action {action!r}; use AuditAction")
    if outcome not in AuditOutcome.values:
        raise ValueError(f"unknown audit outcome {outcome!r}; use AuditOutcome")
    # The plain value, also when a TextChoices member is passed.
    return str(event)


def _object_columns(obj: models.Model | None, object_type: str, object_id: str) -> tuple[str, str]:
    """``(object_type, object_id)`` from the object, or as passed when there is none."""
    if obj is not None:
        if object_type or object_id:
            raise ValueError("pass obj, or object_type and object_id, not both")
        if obj.pk is None:
            raise ValueError("obj must be saved before it can be audited")
        object_type = obj._meta.label_lower
        object_id = str(obj.pk)
    object_id = "" if object_id is None else str(object_id)
    if object_id and not object_type:
        raise ValueError("object_id needs an object_type")
    return object_type, object_id


def _actor_columns(
    actor: Actor | None, *, username: str, ip_address: str | None, on_behalf_of: str
) -> dict[str, Any]:
    """Who acted, from where, as column values (user, name, role, organisation, address)."""
    user = None
    organisation = None
    role = ""
    address = None
    if actor is not None:
        user = actor.user
        organisation = actor.organisation
        # An actor without user or job name is an anonymous visitor (a failed login), not
        # the system.
        role = actor.role_label if (user is not None or actor.system_name) else ""
        address = actor.ip_address
        if actor.is_system and not on_behalf_of:
            on_behalf_of = actor.system_name
    if user is not None:
        if user.pk is None:
            raise ValueError("the actor's user must be saved")
        actual = user.get_username()
        if username and username != actual:
            raise ValueError("username is taken from the actor's user; do not pass another")
        username = actual
    if organisation is not None and organisation.pk is None:
        raise ValueError("the actor's organisation must be saved")
    if ip_address:
        address = ip_address
    try:
        address = normalise_ip(address)
    except ValueError:
        raise ValueError(f"not an IP address: {address!r}") from None
    return {
        "user_id": user.pk if user is not None else None,
        "username": username or "",
        "role": role,
        "organisation_id": organisation.pk if organisation is not None else None,
        "on_behalf_of": on_behalf_of or "",
        "ip_address": address,
    }


def _clean_payload(payload: dict) -> dict:
    if not isinstance(payload, dict):
        raise ValueError("payload must be a dict")
    _check_payload_value(payload, path="payload", depth=0)
    # A plain copy: what is hashed is exactly what is stored, whatever the caller does next.
    return json.loads(json.dumps(payload))


def _check_payload_value(value: Any, *, path: str, depth: int) -> None:
    """Identifiers only: str (short, one line), int, bool, None, and lists/dicts of those."""
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, int):
        if abs(value) >= _MAX_PAYLOAD_INT:
            raise ValueError(f"{path}: integer out of range")
        return
    if isinstance(value, str):
        if len(value) > MAX_PAYLOAD_STRING:
            raise ValueError(
                f"{path}: string of {len(value)} characters; payloads hold identifiers "
                f"(at most {MAX_PAYLOAD_STRING}), not free text"
            )
        if _CONTROL_CHARS.search(value):
            raise ValueError(f"{path}: control characters (line breaks) are not allowed")
        return
    if isinstance(value, (list, dict)):
        if depth >= _MAX_PAYLOAD_DEPTH:
            raise ValueError(f"{path}: nested too deeply")
        if isinstance(value, list):
            for index, item in enumerate(value):
                _check_payload_value(item, path=f"{path}[{index}]", depth=depth + 1)
            return
        for key, item in value.items():
            if not isinstance(key, str) or not _PAYLOAD_KEY.match(key):
                raise ValueError(f"{path}: key {key!r} is not an identifier")
            _check_payload_value(item, path=f"{path}.{key}", depth=depth + 1)
        return
    raise ValueError(
        f"{path}: {type(value).__name__} is not allowed; use str, int, bool, None, list or dict"
    )

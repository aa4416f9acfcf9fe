"""The event types the apps register, and :func:`emit`: the one way an app announces an event.

An app registers its types in ``AppConfig.ready()`` (the kernel knows none, as with
``audit.catalogue``)::

    register("nl.toolkid.verzoek.beantwoord", _("Verzoek beantwoord"))

and emits in the transaction of the step that caused it::

    emit("nl.toolkid.verzoek.beantwoord", organisation=req.requesting_organisation_id,
         subject=str(req.public_id), data={...}, source_key=f"request_event:{event.pk}")

``emit`` writes one :class:`~toolkid.webhooks.models.WebhookDelivery` per active endpoint of that
organisation that chose the type (an outbox: the rows commit or roll back with the step), then
asks for a delivery run once the transaction has committed. The body is built here, once:
CloudEvents 1.0 structured JSON, compact with sorted keys, holding identifiers and a link only
(``data`` is checked: short one-line strings, numbers, booleans). Names, a BSN or a question can
never be in it: the apps pass a request's public id and the API link to it.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise

from toolkid.celery_beat import broker_error, one_line
from toolkid.webhooks.models import BODY_LIMIT, WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)

_types: dict[str, str | Promise] = {}

#: A data value longer than this is not an identifier or a link.
MAX_VALUE_LENGTH = 300


def register(event_type: str, label: str | Promise) -> None:
    """Add an event type (reverse-DNS, ``nl.toolkid.…``) with its Dutch label. Registering the
    same type again (tests, autoreload) is harmless."""
    _types[event_type] = label


def registered() -> dict[str, str | Promise]:
    return dict(_types)


def choices() -> list[tuple[str, str | Promise]]:
    """For forms: every registered type with its label, in a stable order."""
    return sorted(_types.items())


def label(event_type: str) -> str:
    return str(_types.get(event_type, event_type))


def source() -> str:
    """The CloudEvents ``source`` of every event: this installation's API."""
    return f"{settings.SITE_URL}/api/v1"


def _check_data(data: dict[str, Any]) -> dict[str, Any]:
    for key, value in data.items():
        if value is None or isinstance(value, bool | int):
            continue
        if isinstance(value, str) and len(value) <= MAX_VALUE_LENGTH and "\n" not in value:
            continue
        raise ValueError(f"webhook data holds identifiers and links only, not {key}={value!r}")
    return data


def _time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def body(*, event_id: uuid.UUID, event_type: str, subject: str, data: dict[str, Any], time: datetime) -> str:
    """The CloudEvents 1.0 structured-mode JSON of one event, serialised once: the signature is
    over exactly these bytes, on every attempt."""
    event = {
        "specversion": "1.0",
        "id": str(event_id),
        "type": event_type,
        "source": source(),
        "subject": subject,
        "time": _time(time),
        "datacontenttype": "application/json",
        "data": data,
    }
    text = json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    if len(text) > BODY_LIMIT:
        raise ValueError(f"webhook body of {len(text)} characters: ids and a link only")
    return text


@dataclass(frozen=True)
class Event:
    """One :func:`emit` call, for :func:`emit_many`."""

    event_type: str
    organisation_id: int
    subject: str
    data: dict[str, Any]
    source_key: str


def emit(
    event_type: str, *, organisation: Any, subject: str, data: dict[str, Any], source_key: str
) -> int:
    """Announce one event to ``organisation`` (an Organisation or its id), in the caller's
    transaction. Idempotent per (endpoint, ``source_key``): a cause emitted twice is one row.
    Returns the rows offered (a duplicate is skipped by the unique constraint)."""
    organisation_id = getattr(organisation, "pk", organisation)
    return emit_many([Event(event_type, organisation_id, subject, data, source_key)])


def emit_many(events: Iterable[Event]) -> int:
    """:func:`emit` for many events at once (the deadline sweep): one query for the endpoints,
    one INSERT for the rows, one delivery run asked for."""
    events = list(events)
    for event in events:
        if event.event_type not in _types:
            raise ValueError(f"unknown webhook event type {event.event_type!r}")
        _check_data(event.data)
    if not events:
        return 0
    endpoints: dict[int, list[WebhookEndpoint]] = {}
    for endpoint in WebhookEndpoint.objects.filter(
        organisation_id__in={e.organisation_id for e in events}, is_active=True
    ).only("pk", "organisation_id", "event_types"):
        endpoints.setdefault(endpoint.organisation_id, []).append(endpoint)
    now = timezone.now()
    rows = []
    for event in events:
        for endpoint in endpoints.get(event.organisation_id, ()):
            if event.event_type not in endpoint.event_types:
                continue
            event_id = uuid.uuid4()
            rows.append(WebhookDelivery(
                endpoint=endpoint, event_type=event.event_type, source_key=event.source_key,
                event_id=event_id, next_attempt_at=now, created_at=now,
                body=body(event_id=event_id, event_type=event.event_type, subject=event.subject,
                          data=event.data, time=now),
            ))
    if not rows:
        return 0
    WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    request_delivery_run()
    return len(rows)


def request_delivery_run() -> None:
    """Ask a worker for a delivery run once the current transaction commits (at once when
    there is none), so an event goes out in seconds rather than at the next beat tick."""
    transaction.on_commit(_kick)


def _kick() -> None:
    # The rows are committed already: when Redis is away the beat entry (every 30 s) delivers
    # them once it is back. One line, as beat logs an unreachable broker (toolkid.celery_beat),
    # and the page that caused the event does not fail.
    from toolkid.webhooks.tasks import deliver_webhooks

    try:
        deliver_webhooks.delay()
    except Exception as exc:
        cause = broker_error(exc)
        if cause is None:
            raise
        logger.warning("webhooks: could not ask for a delivery run: %s", one_line(cause))

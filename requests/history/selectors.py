"""The earlier versions of a request's edited fields (django-simple-history), for the timeline on
the request's page (R41; ARCHITECTURE "Audit": history keeps what a form looked like before
an edit, the audit trail is ``audit``).

:func:`history_for` lists, oldest first, each change of the request, its parent, its children
and its topics: who, when, for which organisation, and per field the value before and after.

What each side sees (the same lines as ``requests.core.access``):

- the **requester side** never sees a provider-internal field (``PROVIDER_INTERNAL_FIELDS``);
  a decision field (``DECISION_FIELDS``) only where both versions were visible to them under
  :func:`access.decision_visible_to` (R11: an unconfirmed, later rejected refusal never
  shows); the answer per topic only for changes after the answer was sent;
- the **provider side** sees changes from the first submission on: the requester's drafting
  before that stays theirs, as the provider's internal work stays the provider's.

Only *edits* are listed: a field filled for the first time (empty before) has no earlier
version. Fields are shown from an allow-list; bookkeeping (status, clock, tokens, timestamps)
is on the timeline and the clock instead.

Children and topics are replaced as a whole when a draft is saved (``requests.filing.services._replace_*``:
delete, then ``bulk_create``, which simple-history does not see). Their earlier versions are
the deleted rows; each replacement is the ``draft_updated`` event that carries ``children`` or
``topics`` in its data, and the version after one replacement is the version deleted by the next
(or the rows as they are now).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.events import record_denied
from audit.models import AuditAction
from consent.models import ConsentDeclaration
from requests.core import access
from requests.core.audit_codes import RequestAuditCode
from requests.core.events import RequestEventKind
from requests.core.models import (
    Child,
    InformationRequest,
    Parent,
    RequestedTopic,
    RequestEvent,
    Topic,
)
from requests.core.workflow import RequestStatus
from requests.history.timeline import events_of
from toolkid.actors import Actor
from toolkid.models import User

S = RequestStatus

#: The request's fields whose earlier versions are shown, in the order of the filing form and
#: the handling page. Anything else (status, clock, tokens, timestamps, the answer checklist)
#: is bookkeeping, shown on the timeline or the clock.
REQUEST_FIELDS: tuple[str, ...] = (
    "receiving_organisation",
    "intended_clinician",
    "phone_contact_date",
    "phone_contact_with",
    "parent",
    "legal_framework",
    "framework_change_reason",
    "has_ots",
    "severity",
    "reason",
    "no_parenting_judgement_confirmed",
    "consent_path",
    "consent_declaration",
    "b_risk_of_serious_harm",
    "b_only_source",
    "b_prevents_harm",
    "b_specific_information",
    "b_why_still_necessary",
    "b_will_inform_parent",
    "c_why_not_asked",
    "c_why_necessary",
    "assigned_clinician",
    "reformulation_suggestion",
    "parent_consultation_date",
    "parent_consultation_outcome",
    "parent_consultation_note",
    "internal_consultation_with",
    "internal_consultation_date",
    "internal_consultation_conclusion",
    "weighing",
    "decision",
    "decision_motivation",
    "ots_not_needed_motivation",
    "decided_by",
    "refusal_confirmed_by",
    "refusal_confirmation_note",
    "withdrawn_reason",
)
PARENT_FIELDS: tuple[str, ...] = (
    "name",
    "date_of_birth",
    "bsn",
    "is_incapacitated",
    "representative_name",
    "representative_kind",
)
#: The answer per topic (R15–R18): the provider's text until it is sent.
TOPIC_ANSWER_FIELDS: tuple[str, ...] = (
    "own_observations",
    "others_observations",
    "others_sources",
    "strengthening_facts",
    "weakening_facts",
    "no_weakening_facts_known",  # R17: the explicit "none known"
    "explanation",
)

#: Labels for fields whose model has no (Dutch) verbose name.
_LABELS: dict[str, Any] = {
    "parent": gettext_lazy("Ouder"),
    "consent_declaration": gettext_lazy("Toestemmingsverklaring"),
    "no_parenting_judgement_confirmed": gettext_lazy(
        "Geen vraag naar een oordeel over ouderschap"
    ),  # R10, R19
    "b_will_inform_parent": gettext_lazy("De ouder wordt geïnformeerd"),  # R30
    "parent_consultation_outcome": gettext_lazy("Uitkomst overleg met ouder"),
    "decided_by": gettext_lazy("Besloten door"),
    "refusal_confirmed_by": gettext_lazy("Weigering bevestigd door"),
    "refusal_confirmation_note": gettext_lazy("Toelichting bevestiging"),
    "withdrawn_reason": gettext_lazy("Reden van intrekken"),
}

#: How far after a version its RequestEvent may be written (same transaction: milliseconds).
_EVENT_WINDOW = dt.timedelta(seconds=60)


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryEntry:
    """One edit: what was changed (``subject``), when, by whom, for which organisation."""

    occurred_at: dt.datetime
    subject: str
    who: str
    organisation_name: str
    changes: tuple[FieldChange, ...]


# --------------------------------------------------------------------------------------------
# Values in words
# --------------------------------------------------------------------------------------------


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _person(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


class _Words:
    """Field values as text, related rows fetched once each."""

    def __init__(self) -> None:
        self._cache: dict[tuple[type, Any], str] = {}

    def related(self, model: type[models.Model], pk: Any) -> str:
        key = (model, pk)
        if key not in self._cache:
            obj = model._default_manager.filter(pk=pk).first()
            if obj is None:
                text = _("(verwijderd)")
            elif isinstance(obj, User):
                text = _person(obj)
            elif isinstance(obj, ConsentDeclaration):
                text = obj.display_name
            else:
                text = str(obj)
            self._cache[key] = text
        return self._cache[key]

    def value(self, field: models.Field, value: Any) -> str:
        if _is_empty(value):
            return ""
        if isinstance(field, models.ForeignKey):
            return self.related(field.related_model, value)
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return _("Ja") if value else _("Nee")
        if isinstance(value, dt.datetime):
            return date_format(timezone.localtime(value), "j F Y, H:i")
        if isinstance(value, dt.date):
            return date_format(value, "j F Y")
        return str(value)


def _label(model: type[models.Model], name: str) -> str:
    if name in _LABELS:
        return str(_LABELS[name])
    text = str(model._meta.get_field(name).verbose_name)
    return text[:1].upper() + text[1:]


# --------------------------------------------------------------------------------------------
# Who did it: the RequestEvent written in the same transaction
# --------------------------------------------------------------------------------------------


class _Events:
    def __init__(self, events: Sequence[RequestEvent]):
        self.events = list(events)
        self.times = [event.occurred_at for event in self.events]

    def after(
        self, moment: dt.datetime, user_id: int | None = None, kind: str | None = None
    ) -> RequestEvent | None:
        """The first event at or after ``moment`` (within the window), by ``user_id`` if known."""
        start = bisect.bisect_left(self.times, moment)
        for event in self.events[start:]:
            if event.occurred_at - moment > _EVENT_WINDOW:
                return None
            if kind is not None and event.kind != kind:
                continue
            if user_id is not None and event.actor_id is not None and event.actor_id != user_id:
                continue
            return event
        return None


def _who(record: Any, event: RequestEvent | None) -> tuple[str, str]:
    user = record.history_user if record is not None else None
    if user is None and event is not None:
        user = event.actor
    who = _person(user) or _("systeem")
    organisation = event.organisation.name if event is not None and event.organisation else ""
    return who, organisation


# --------------------------------------------------------------------------------------------
# The selector
# --------------------------------------------------------------------------------------------


def _first_submission(events: Iterable[RequestEvent]) -> dt.datetime | None:
    return next((e.occurred_at for e in events if e.kind == RequestEventKind.SUBMITTED), None)


#: Which versions exist beside the request's own, read with the row on the request's page
#: (``access.request_get_for(annotate=…)``): without a deleted child or an edited parent there
#: is nothing to compare, so no query.
PAGE_FLAGS: dict[str, Any] = {
    "has_child_deletions": Exists(
        Child.history.filter(request_id=OuterRef("pk"), history_type="-")
    ),
    "has_parent_edits": Exists(
        Parent.history.filter(id=OuterRef("parent_id"), history_type="~",
                              history_date__gte=OuterRef("created_at"))
    ),
}


def history_for(actor: Actor, request: InformationRequest) -> list[HistoryEntry]:
    """The earlier versions of the request's edited fields, oldest first, as ``actor`` may see
    them. Call it for a request from :func:`access.request_get_for` (which logged the read);
    like :func:`timeline.timeline_for` it checks visibility again (404, logged)."""
    if not access.is_visible_to(actor, request):
        record_denied(
            actor=actor,
            event=RequestAuditCode.HISTORY_READ,
            action=AuditAction.READ,
            object_type=InformationRequest._meta.label_lower,
            object_id=str(request.pk),
            parent_ref=request.audit_ref,
        )
        raise access.not_found()
    provider = access.is_provider_side(actor, request)
    events = _Events(events_of(request))
    since = None
    if provider:
        since = _first_submission(events.events)
        if since is None:  # the provider never sees a draft; a safe default nonetheless
            return []
    words = _Words()
    entries: list[HistoryEntry] = []
    entries += _request_entries(actor, request, provider, since, events, words)
    entries += _parent_entries(request, since, events, words)
    entries += _children_entries(request, since, events, words)
    entries += _topic_entries(request, provider, since, events, words)
    entries.sort(key=lambda entry: entry.occurred_at)
    return entries


def _visible_request_fields(actor: Actor, provider: bool, old: Any, new: Any) -> set[str]:
    if provider:
        return set(REQUEST_FIELDS)
    fields = set(REQUEST_FIELDS) - set(access.PROVIDER_INTERNAL_FIELDS)
    # The versions carry the columns the rule reads (decision, status, organisations); a
    # historical row stands in for the request (``.instance`` would cost a query per version).
    if not (access.decision_visible_to(actor, old) and access.decision_visible_to(actor, new)):
        fields -= set(access.DECISION_FIELDS)
    return fields


class _Held:
    """The fields that held a value (not empty, not their default) in a version seen so far. A
    change from an unset value is an edit only for those; otherwise it is a first fill-in (a
    checkbox ticked while drafting included), which has no earlier version to show."""

    def __init__(self, model: type[models.Model], fields: Iterable[str]):
        self.attnames = {name: model._meta.get_field(name).attname for name in fields}
        self.defaults = {name: model._meta.get_field(name).get_default() for name in fields}
        self.names: set[str] = set()

    def unset(self, name: str, value: Any) -> bool:
        return _is_empty(value) or value == self.defaults.get(name)

    def see(self, record: Any) -> None:
        for name, attname in self.attnames.items():
            if not self.unset(name, getattr(record, attname)):
                self.names.add(name)


def _changes(
    model: type[models.Model],
    new: Any,
    old: Any,
    fields: Iterable[str],
    words: _Words,
    order: Sequence[str],
    held: _Held,
) -> tuple[FieldChange, ...]:
    """``new`` against ``old`` for ``fields`` (in ``order``), in words. Call before
    ``held.see(new)``: ``held`` has seen every version up to ``old``."""
    delta = new.diff_against(old, included_fields=list(fields))
    by_field = {change.field: change for change in delta.changes}
    result = []
    for name in order:
        change = by_field.get(name)
        if change is None or (held.unset(name, change.old) and name not in held.names):
            continue  # filled in for the first time: no earlier version
        field = model._meta.get_field(name)
        result.append(
            FieldChange(_label(model, name), words.value(field, change.old), words.value(field, change.new))
        )
    return tuple(result)


def _request_entries(
    actor: Actor,
    request: InformationRequest,
    provider: bool,
    since: dt.datetime | None,
    events: _Events,
    words: _Words,
) -> list[HistoryEntry]:
    records = list(
        InformationRequest.history.filter(id=request.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    entries = []
    held = _Held(InformationRequest, REQUEST_FIELDS)
    for old, new in zip(records, records[1:], strict=False):
        held.see(old)
        if since is not None and new.history_date < since:
            continue
        fields = _visible_request_fields(actor, provider, old, new)
        changes = _changes(InformationRequest, new, old, fields, words, REQUEST_FIELDS, held)
        if not changes:
            continue
        who, organisation = _who(new, events.after(new.history_date, new.history_user_id))
        entries.append(HistoryEntry(new.history_date, str(_("Verzoek")), who, organisation, changes))
    return entries


def _parent_entries(
    request: InformationRequest, since: dt.datetime | None, events: _Events, words: _Words
) -> list[HistoryEntry]:
    """The current parent's record, edited while this request existed (the record is the
    requesting organisation's and may serve several requests)."""
    if request.parent_id is None or not getattr(request, "has_parent_edits", True):
        return []
    start = max(request.created_at, since) if since is not None else request.created_at
    records = list(
        Parent.history.filter(id=request.parent_id)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    entries = []
    held = _Held(Parent, PARENT_FIELDS)
    for old, new in zip(records, records[1:], strict=False):
        held.see(old)
        if new.history_date < start or new.history_type != "~":
            continue
        changes = _changes(Parent, new, old, PARENT_FIELDS, words, PARENT_FIELDS, held)
        if changes:
            who, organisation = _who(new, events.after(new.history_date, new.history_user_id))
            entries.append(HistoryEntry(new.history_date, str(_("Ouder")), who, organisation, changes))
    return entries


def _replacements(events: _Events, key: str) -> list[RequestEvent]:
    return [e for e in events.events if e.kind == RequestEventKind.DRAFT_UPDATED and key in (e.data or {})]


def _batches(deleted: Sequence[Any], replacements: Sequence[RequestEvent]) -> list[list[Any]]:
    """The deleted rows per replacement: each belongs to the first replacement at or after it."""
    times = [e.occurred_at for e in replacements]
    batches: list[list[Any]] = [[] for _ in replacements]
    for row in deleted:
        index = bisect.bisect_left(times, row.history_date)
        if index < len(replacements) and replacements[index].occurred_at - row.history_date <= _EVENT_WINDOW:
            batches[index].append(row)
    return batches


def _child_text(name: str, born: dt.date | None) -> str:
    return f"{name} ({date_format(born, 'j-n-Y')})" if born else name


def _children_entries(
    request: InformationRequest, since: dt.datetime | None, events: _Events, words: _Words
) -> list[HistoryEntry]:
    replacements = _replacements(events, "children")
    if not replacements or not getattr(request, "has_child_deletions", True):
        return []  # without a deleted row every list is the first one entered
    deleted = Child.history.filter(request_id=request.pk, history_type="-").order_by(
        "history_date", "history_id"
    )
    batches = _batches(list(deleted), replacements)
    current = [_child_text(c.name_or_initials, c.date_of_birth) for c in request.children.all()]
    entries = []
    held = False  # the list had children in an earlier version
    for index, event in enumerate(replacements):
        before = sorted(_child_text(r.name_or_initials, r.date_of_birth) for r in batches[index])
        if not (before or held):
            continue  # the first children entered: no earlier version
        held = True
        after = (
            sorted(_child_text(r.name_or_initials, r.date_of_birth) for r in batches[index + 1])
            if index + 1 < len(replacements)
            else sorted(current)
        )
        if before == after or (since is not None and event.occurred_at < since):
            continue
        who, organisation = _who(None, event)
        change = FieldChange(str(_("Kinderen")), "; ".join(before), "; ".join(after))
        entries.append(HistoryEntry(event.occurred_at, str(_("Kinderen")), who, organisation, (change,)))
    return entries


def _topic_entries(
    request: InformationRequest, provider: bool, since: dt.datetime | None, events: _Events, words: _Words
) -> list[HistoryEntry]:
    history = list(
        RequestedTopic.history.filter(request_id=request.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    labels = dict(Topic.choices)
    return [
        *_question_entries(request, history, since, events, labels),
        *_answer_entries(request, history, provider, since, events, words, labels),
    ]


def _question_entries(
    request: InformationRequest,
    history: list[Any],
    since: dt.datetime | None,
    events: _Events,
    labels: dict[str, Any],
) -> list[HistoryEntry]:
    """The questions: replaced as a whole in a draft (or a request returned for reformulation)."""
    entries: list[HistoryEntry] = []
    replacements = _replacements(events, "topics")
    batches = _batches([r for r in history if r.history_type == "-"], replacements)
    current = {t.topic: t.question for t in request.topics.all()}
    held: set[str] = set()  # the topics asked about in an earlier version
    for index, event in enumerate(replacements):
        before = {r.topic: r.question for r in batches[index]}
        asked_before = set(held)
        held |= set(before)
        if since is not None and event.occurred_at < since:
            continue
        after = (
            {r.topic: r.question for r in batches[index + 1]} if index + 1 < len(replacements) else current
        )
        who, organisation = _who(None, event)
        for letter in sorted(set(before) | set(after)):
            old, new = before.get(letter, ""), after.get(letter, "")
            if old == new or not (old or letter in asked_before):
                continue  # unchanged, or a topic asked for the first time
            change = FieldChange(
                str(_("Vraag")),
                old or str(_("(onderwerp niet gevraagd)")),
                new or str(_("(onderwerp niet meer gevraagd)")),
            )
            entries.append(
                HistoryEntry(event.occurred_at, str(labels.get(letter, letter)), who, organisation, (change,))
            )
    return entries


def _answer_entries(
    request: InformationRequest,
    history: list[Any],
    provider: bool,
    since: dt.datetime | None,
    events: _Events,
    words: _Words,
    labels: dict[str, Any],
) -> list[HistoryEntry]:
    """The answer per topic (R15–R18): edits of the saved text."""
    entries: list[HistoryEntry] = []
    answered_at = request.answered_at
    previous: dict[int, Any] = {}
    held_per_row: dict[int, _Held] = {}
    for row in history:
        old = previous.get(row.id)
        previous[row.id] = row
        held = held_per_row.setdefault(row.id, _Held(RequestedTopic, TOPIC_ANSWER_FIELDS))
        if old is None or row.history_type != "~":
            continue
        held.see(old)
        if since is not None and row.history_date < since:
            continue
        if not provider and (answered_at is None or row.history_date <= answered_at):
            continue  # the requester sees the answer as sent, not its drafts
        changes = _changes(RequestedTopic, row, old, TOPIC_ANSWER_FIELDS, words, TOPIC_ANSWER_FIELDS, held)
        if changes:
            who, organisation = _who(row, events.after(row.history_date, row.history_user_id))
            entries.append(
                HistoryEntry(
                    row.history_date, str(labels.get(row.topic, row.topic)), who, organisation, changes
                )
            )
    return entries

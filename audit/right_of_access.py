"""The parent's right of access (AVG art. 15, R41): the overview a beheerder hands to a parent
who asks who used their data. Written for the parent: per organisation and role, when, what,
for which purpose and on which ground, and what was provided to whom; no names of
professionals unless the organisation chose so (``Organisation.access_report_names_professionals``).

Parents, requests and the path-C hold live in the ``requests`` app, which ``audit`` does not
import: that app registers a :class:`RightOfAccessSource` from its ``ready()`` (like
:mod:`audit.parents`). While a request about the parent is on path C and its hold is not
released (R35, R40), the overview lists nothing: it only says that it cannot be given yet.

This module reads and arranges; the view checks access (:mod:`audit.selectors`) and logs the
export.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import catalogue
from audit.grounds import ground_label
from audit.models import AuditAction, AuditEvent, AuditOutcome
from audit.parents import ParentMatch
from audit.purposes import purpose_label
from toolkid.models import Organisation, Role

__all__ = [
    "AccessLetter",
    "LetterGroup",
    "LetterLine",
    "RightOfAccessSource",
    "Transfer",
    "TransferLine",
    "access_letter",
    "register_right_of_access",
    "right_of_access",
]

#: The overview lists at most this many lines (after reads on one day are taken together); a
#: note says so. The beheerder's own overview and its CSV hold every event.
LETTER_MAX_LINES = 400
#: The overview lists at most this many provisions (transfers).
LETTER_MAX_TRANSFERS = 200
#: How long the parent should wait before asking again while the overview is deferred.
DEFER_ASK_AGAIN_WEEKS = 6


@dataclass(frozen=True)
class Transfer:
    """What was provided to whom, in words, for one TRANSFER event: never the content."""

    #: To whom: an organisation's name, or a kind of recipient ("de kinderrechter").
    recipient: str
    #: What kind of provision: "Antwoord op een informatieverzoek".
    kind: str
    #: The Dutch names of the topics provided, if the event names them.
    topics: tuple[str, ...] = ()


class RightOfAccessSource(Protocol):
    def parent(self, organisation: Organisation | None, parent_ref: str) -> ParentMatch | None:
        """The parent behind ``parent_ref``, only if the organisation has to do with them
        (``None``: the functional administrator, any parent)."""
        ...

    def hold_active(self, organisation: Organisation | None, parent_ref: str) -> bool:
        """R35, R40: is any request about this parent that the organisation has to do with on
        path C, with its hold not (yet) jointly released?"""
        ...

    def transfers(self, events: list[tuple[str, str, str, dict]]) -> list[Transfer | None]:
        """For ``(event, object_type, object_id, payload)`` of TRANSFER events, in order: what
        was provided to whom, or ``None`` for an event the app does not know."""
        ...


_source: list[RightOfAccessSource] = []


def register_right_of_access(source: RightOfAccessSource) -> None:
    _source[:] = [source]


def right_of_access() -> RightOfAccessSource:
    if not _source:
        raise ImproperlyConfigured("no app registered a right-of-access source (audit.right_of_access)")
    return _source[0]


# --- the overview --------------------------------------------------------------------------


@dataclass
class LetterLine:
    """One line in a group: one event, or several of the same kind on one day."""

    day: dt.date
    #: The time, for a single event; ``None`` when ``count`` events of one day are taken together.
    time: dt.time | None
    what: str
    purpose: str
    ground: str
    #: The professional, only when their organisation chose to name them.
    person: str = ""
    count: int = 1


@dataclass
class LetterGroup:
    """Everything one organisation did in one role ("Mondriaan — zorgverlener")."""

    organisation: str
    role: str
    lines: list[LetterLine] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return f"{self.organisation} — {self.role}" if self.role else self.organisation


@dataclass(frozen=True)
class TransferLine:
    day: dt.date
    sender: str
    recipient: str
    kind: str
    topics: tuple[str, ...] = ()


@dataclass
class AccessLetter:
    parent: ParentMatch
    #: R35, R40: a request about the parent is under the path-C hold; nothing is listed.
    deferred: bool
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    groups: list[LetterGroup] = field(default_factory=list)
    transfers: list[TransferLine] = field(default_factory=list)
    events: int = 0
    lines: int = 0
    truncated: bool = False
    transfers_truncated: bool = False

    @property
    def ask_again_after(self) -> dt.date:
        return timezone.localdate() + dt.timedelta(weeks=DEFER_ASK_AGAIN_WEEKS)


_FIELDS = (
    "occurred_at",
    "event",
    "action",
    "role",
    "organisation__name",
    "organisation__access_report_names_professionals",
    "username",
    "user__first_name",
    "user__last_name",
    "purpose",
    "ground",
    "ground_framework",
    "ground_ref",
    "object_type",
    "object_id",
    "payload",
)


def _role_labels() -> dict[str, str]:
    labels = {value: str(label).lower() for value, label in Role.choices}
    labels["functioneel_beheerder"] = _("functioneel beheerder")
    labels["systeem"] = _("automatische verwerking")
    return labels


def _role(value: str, labels: dict[str, str]) -> str:
    return ", ".join(labels.get(code, code) for code in value.split(",") if code)


def access_letter(
    events: QuerySet[AuditEvent], *, parent: ParentMatch, deferred: bool
) -> AccessLetter:
    """The parent's overview from their events in the actor's scope (oldest first).

    Denied attempts are left out: nobody saw anything then. Events of one kind by the same
    organisation and role for the same purpose and ground on one day become one line with a
    count, so a day of many reads does not bury the rest."""
    letter = AccessLetter(parent=parent, deferred=deferred)
    if deferred:
        # R35, R40: not even the period or the number of events, which could give it away.
        return letter
    roles = _role_labels()
    labels = catalogue.codes()
    groups: dict[tuple[str, str], LetterGroup] = {}
    last: dict[tuple[str, str], LetterLine] = {}
    pending_transfers: list[tuple] = []
    allowed = events.filter(outcome=AuditOutcome.ALLOWED).order_by("seq")
    for values in allowed.values_list(*_FIELDS).iterator(chunk_size=2000):
        (occurred_at, event, action, role, organisation, names, username, first, last_name, purpose,
         ground, framework, ground_ref, object_type, object_id, payload) = values
        moment = timezone.localtime(occurred_at)
        letter.events += 1
        letter.period_start = letter.period_start or moment.date()
        letter.period_end = moment.date()
        organisation = organisation or _("toolKID (automatisch)")
        key = (organisation, _role(role, roles))
        group = groups.get(key)
        if group is None:
            group = groups[key] = LetterGroup(organisation=key[0], role=key[1])
        person = (f"{first} {last_name}".strip() or username) if names else ""
        line = LetterLine(
            day=moment.date(),
            time=moment.time().replace(microsecond=0),
            what=labels.get(event, event),
            purpose=purpose_label(purpose),
            ground=ground_label(ground, framework, ground_ref),
            person=person,
        )
        previous = last.get(key)
        if previous is not None and (previous.day, previous.what, previous.purpose, previous.ground,
                                     previous.person) == (line.day, line.what, line.purpose,
                                                          line.ground, line.person):
            previous.count += 1
            previous.time = None
        elif letter.lines < LETTER_MAX_LINES:
            group.lines.append(line)
            last[key] = line
            letter.lines += 1
        else:
            letter.truncated = True
        if action == AuditAction.TRANSFER:
            pending_transfers.append(
                (moment.date(), organisation, event, object_type, object_id, payload or {})
            )
    letter.groups = [group for group in groups.values() if group.lines]
    letter.transfers, letter.transfers_truncated = _transfers(pending_transfers, labels)
    return letter


def _transfers(rows: Iterable[tuple], labels: dict[str, str]) -> tuple[list[TransferLine], bool]:
    rows = list(rows)
    shown = rows[:LETTER_MAX_TRANSFERS]
    described = right_of_access().transfers(
        [(event, object_type, object_id, payload) for _d, _o, event, object_type, object_id, payload in shown]
    )
    lines = []
    for (day, sender, event, *_rest), transfer in zip(shown, described, strict=True):
        if transfer is None:
            transfer = Transfer(recipient="—", kind=labels.get(event, event))
        lines.append(TransferLine(day, sender, transfer.recipient, transfer.kind, transfer.topics))
    return lines, len(rows) > len(shown)

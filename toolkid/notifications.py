"""The notification centre (UI.md "Meldingen"): who may be notified of what, the text of each
kind, the neutral e-mail, and reading and marking notifications.

Privacy by design (Open Zaak style, ARCHITECTURE "Style to borrow"):

- a :class:`~toolkid.models.Notification` row holds identifiers only (``params``: a request's
  reference and ISO dates). Its text is made from the kind when it is shown, behind the login;
- the e-mail carries **only** a link to the notification and a neutral sentence: no name, no
  date of birth, no organisation, no case content, no consent path, not even the reference
  (:func:`email_for`). Whoever reads the mailbox learns only that there is something to see;
- every kind is meant for professionals (:data:`KIND_AUDIENCE`); a notification goes only to a
  user with an active membership of the organisation it names (:func:`notify`). Parents (ouders)
  have no account, so nothing here can reach a parent (R40; tests/toolkid/test_notifications.py
  keeps it that way).

E-mail is sent after commit, never inside the transaction that created the notification: rows
wait with ``email_status = "wacht"`` and :func:`deliver_pending_emails` (run by the periodic
sweep, ``requests.tasks.deadline_sweep``) claims them with ``select_for_update(skip_locked=True)``,
sends, and marks them. A crash after sending but before the mark commits can repeat one e-mail
(at least once); the notification itself exists exactly once.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from toolkid import workdays
from toolkid.models import (
    EmailStatus,
    Membership,
    Notification,
    NotificationKind,
    NotificationPreference,
    Organisation,
    User,
)

logger = logging.getLogger(__name__)

K = NotificationKind

#: Reminders: the user may switch e-mail for these off. Everything else always goes by e-mail
#: (escalations, and messages from the other side about the clock).
REMINDER_KINDS: frozenset[str] = frozenset({K.DEADLINE_REMINDER, K.DEADLINE_DUE})
ESCALATION_KINDS: frozenset[str] = frozenset(
    {K.DEADLINE_OVERDUE, K.DEADLINE_OVERDUE_REQUESTER, K.DEADLINE_ESCALATION}
)

#: Who each kind is for. There is no parent-facing kind, and there must not be one until R37's
#: joint release is recorded for a path C request (R40); a test asserts this mapping.
PROFESSIONAL = "professional"
KIND_AUDIENCE: dict[str, str] = {kind: PROFESSIONAL for kind in K.values}

#: An e-mail attempt that fails this often is no longer retried (the notification stays).
MAX_EMAIL_ATTEMPTS = 5
_MAX_PARAM_LENGTH = 64


# --------------------------------------------------------------------------------------------
# Creating notifications
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    user: User
    organisation: Organisation
    #: Where the link leads (a path on this site); the notification page links on to it.
    target_url: str = ""


def _check_params(params: dict[str, Any]) -> dict[str, Any]:
    """Identifiers, codes and ISO dates only: short strings, ints, booleans."""
    clean: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, bool) or value is None or isinstance(value, int):
            clean[key] = value
        elif isinstance(value, str) and len(value) <= _MAX_PARAM_LENGTH and "\n" not in value:
            clean[key] = value
        else:
            raise ValueError(f"notification params hold identifiers only, not {key}={value!r}")
    return clean


def _is_active_member(user: User, organisation: Organisation) -> bool:
    return bool(
        user.is_active
        and organisation.is_active
        and Membership.objects.filter(user=user, organisation=organisation, is_active=True).exists()
    )


def notify(
    *,
    kind: str,
    recipients: Iterable[Recipient],
    source_key: str,
    params: dict[str, Any] | None = None,
) -> int:
    """Create one notification of ``kind`` per recipient, in the caller's transaction.

    Idempotent per ``(recipient, source_key)``: a source processed twice notifies nobody twice.
    Recipients without an active membership of their organisation are left out (a parent can
    never be one: parents have no account). Returns the number of notifications created.
    """
    if kind not in K.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    if KIND_AUDIENCE.get(kind) != PROFESSIONAL:
        raise ValueError(f"notification kind {kind!r} is not for professionals")
    clean = _check_params(params or {})
    rows: dict[int, Notification] = {}
    for recipient in recipients:
        if recipient.user.pk in rows or not _is_active_member(recipient.user, recipient.organisation):
            continue
        rows[recipient.user.pk] = Notification(
            recipient=recipient.user,
            organisation=recipient.organisation,
            kind=kind,
            target_url=recipient.target_url,
            params=clean,
            source_key=source_key,
        )
    if not rows:
        return 0
    before = Notification.objects.filter(source_key=source_key).count()
    Notification.objects.bulk_create(list(rows.values()), ignore_conflicts=True)
    return Notification.objects.filter(source_key=source_key).count() - before


@dataclass(frozen=True)
class Message:
    """One :func:`notify` call, for :func:`notify_many`."""

    kind: str
    recipients: list[Recipient]
    source_key: str
    params: dict[str, Any]


def notify_many(messages: Iterable[Message]) -> dict[str, int]:
    """:func:`notify` for many sources at once, in the caller's transaction, in a constant
    number of queries (the deadline sweep sends thousands): the same checks, the same
    idempotence per ``(recipient, source_key)``. Returns the number created per source key.

    The counts assume no one else writes the same source keys meanwhile (the caller holds the
    rows its keys name locked, as the sweep holds its notices)."""
    messages = list(messages)
    kinds = frozenset(K.values)  # the enum rebuilds its list on every access
    for message in messages:
        if message.kind not in kinds:
            raise ValueError(f"unknown notification kind {message.kind!r}")
        if KIND_AUDIENCE.get(message.kind) != PROFESSIONAL:
            raise ValueError(f"notification kind {message.kind!r} is not for professionals")
    pairs = {(r.user.pk, r.organisation.pk) for m in messages for r in m.recipients}
    active = set(
        Membership.objects.filter(
            user_id__in={user for user, _ in pairs},
            organisation_id__in={org for _, org in pairs},
            is_active=True,
            user__is_active=True,
            organisation__is_active=True,
        ).values_list("user_id", "organisation_id")
    ) if pairs else set()
    keys = [m.source_key for m in messages]
    # By recipient and key: a range of the (recipient, source_key) unique index, not a scan of
    # every notification ever made.
    existing = set(
        Notification.objects.filter(
            recipient_id__in={user for user, _ in pairs}, source_key__in=keys
        ).values_list("source_key", "recipient_id")
    ) if keys and pairs else set()
    created: dict[str, int] = dict.fromkeys(keys, 0)
    rows: list[Notification] = []
    for message in messages:
        clean = _check_params(message.params or {})
        seen: set[int] = set()
        for recipient in message.recipients:
            user_id = recipient.user.pk
            if user_id in seen or (user_id, recipient.organisation.pk) not in active:
                continue
            seen.add(user_id)
            if (message.source_key, user_id) in existing:
                continue
            rows.append(Notification(
                recipient=recipient.user,
                organisation=recipient.organisation,
                kind=message.kind,
                target_url=recipient.target_url,
                params=clean,
                source_key=message.source_key,
            ))
            created[message.source_key] += 1
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return created


# --------------------------------------------------------------------------------------------
# The text of a notification (shown behind the login only)
# --------------------------------------------------------------------------------------------


def _long_date(value: str | None) -> str:
    if not value:
        return ""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return ""
    return workdays._long_date_nl(day)  # the calendar's own Dutch date words


def text_for(notification: Notification) -> str:
    """The sentence the notification centre shows. Identifiers and dates only."""
    p = notification.params
    values = {"ref": p.get("reference", ""), "due": _long_date(p.get("due_date")),
              "old": _long_date(p.get("previous_due_date"))}
    kind = notification.kind
    if kind == K.DEADLINE_REMINDER:
        return _("Verzoek %(ref)s moet uiterlijk %(due)s beantwoord zijn: nog twee werkdagen.") % values
    if kind == K.DEADLINE_DUE:
        return _("Verzoek %(ref)s: de uiterste datum (%(due)s) is bereikt.") % values
    if kind == K.DEADLINE_OVERDUE:
        return _(
            "Verzoek %(ref)s is niet binnen de termijn beantwoord (uiterste datum %(due)s). "
            "Als teamleider wordt u gevraagd dit op te pakken."
        ) % values
    if kind == K.DEADLINE_OVERDUE_REQUESTER:
        text = _(
            "De zorgaanbieder heeft uw verzoek %(ref)s nog niet beantwoord; de uiterste datum was "
            "%(due)s. De zorgaanbieder is hierop aangesproken."
        ) % values
        if p.get("veilig_thuis"):
            text += " " + _(
                "Zijn er zorgen over de veiligheid van het kind? Dan kunt u Veilig Thuis "
                "inschakelen en dat vastleggen bij het verzoek, onder ‘Veilig Thuis’."
            )  # R2
        return text
    if kind == K.DEADLINE_ESCALATION:
        return _(
            "Verzoek %(ref)s is drie werkdagen na de uiterste datum (%(due)s) nog niet "
            "beantwoord. Dit is de tweede escalatie."
        ) % values
    if kind == K.DEADLINE_EXTENDED:
        return _(
            "De termijn van verzoek %(ref)s is verlengd van %(old)s tot %(due)s. U leest de reden "
            "bij het verzoek; u kunt bezwaar maken."
        ) % values
    if kind == K.EXTENSION_CONTESTED:
        return _(
            "De aanvrager maakt bezwaar tegen de verlenging van de termijn van verzoek %(ref)s. "
            "Een juridisch adviseur geeft advies."
        ) % values
    return notification.get_kind_display()


def category_label(notification: Notification) -> str:
    if notification.kind in REMINDER_KINDS:
        return _("Herinnering")
    if notification.kind in ESCALATION_KINDS:
        return _("Escalatie")
    return _("Bericht")


# --------------------------------------------------------------------------------------------
# Reading and marking
# --------------------------------------------------------------------------------------------


#: The notification centre's order, newest first, unique (toolkid/pagination.py).
NOTIFICATION_ORDER = ("-created_at", "-pk")


def notifications_for(user: User, *, organisation: Organisation | None = None) -> QuerySet[Notification]:
    """The user's own notifications, newest first (nobody sees another's). ``organisation``:
    only those about that organisation's work (and the ones about none): what a connected system
    of that organisation may read (docs/adr/0007 §3), never the person's other employers'."""
    found = Notification.objects.filter(recipient=user)
    if organisation is not None:
        found = found.filter(Q(organisation=organisation) | Q(organisation__isnull=True))
    return found.select_related("organisation")


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_get_for(user: User, public_id: Any) -> Notification | None:
    return notifications_for(user).filter(public_id=public_id).first()


@transaction.atomic
def notification_mark_read(*, user: User, notification: Notification) -> Notification:
    """Mark one of the user's own notifications read (again: nothing changes)."""
    if notification.recipient_id != user.pk:
        raise PermissionError("not the recipient")
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
    notification.refresh_from_db(fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def wants_reminder_email(user: User) -> bool:
    preference = NotificationPreference.objects.filter(user=user).first()
    return True if preference is None else preference.email_reminders


@transaction.atomic
def notification_preference_set(*, user: User, email_reminders: bool) -> NotificationPreference:
    """The user's own choice: e-mail for reminders on or off. Escalations always go."""
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"email_reminders": bool(email_reminders)}
    )
    return preference


# --------------------------------------------------------------------------------------------
# E-mail: a link and a neutral sentence, after commit
# --------------------------------------------------------------------------------------------


def link_for(notification: Notification) -> str:
    return settings.SITE_URL + reverse("notification", kwargs={"public_id": notification.public_id})


def email_for(notification: Notification) -> tuple[str, str]:
    """(subject, body). The same neutral words for every kind and every recipient: only the
    link differs, and it names the notification, not the request."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("toolKID: er staat een melding voor u klaar")
        body = "\n".join(
            [
                _("Er staat een nieuwe melding voor u klaar in toolKID."),
                _("Om privacyredenen staat de inhoud niet in deze e-mail."),
                "",
                _("Bekijk de melding na inloggen:"),
                link_for(notification),
                "",
                _("Dit is een automatisch bericht. Op de pagina Meldingen in toolKID zet u e-mail "
                  "bij herinneringen aan of uit."),
            ]
        )
    return subject, body


def deliver_pending_emails(*, batch_size: int | None = None) -> dict[str, int]:
    """Send the e-mail of every committed notification that waits for it, one at a time:

    1. claim one row in its own short transaction (``select_for_update(skip_locked=True)``, so
       two runs never take the same row) and commit it as *being sent*;
    2. send it, outside any transaction, with a ``Message-ID`` that belongs to the notification
       (a mail server or client that sees it twice can tell);
    3. commit it as *sent*.

    A run that dies between 2 and 3 leaves one row claimed; it is sent again after
    ``TOOLKID_EMAIL_CLAIM_TIMEOUT`` seconds. So a crash doubles at most the one e-mail in flight, never a
    batch. Stops at the first failing send (the mail server is down: the next run retries).
    ``batch_size`` caps how many are sent in this run (default: all that wait). Counts only."""
    limit = batch_size or None
    counts = {"sent": 0, "skipped": 0, "failed": 0}
    while limit is None or sum(counts.values()) < limit:
        notification = _claim_one()
        if notification is None:
            break
        outcome = _deliver_one(notification)
        counts[outcome] += 1
        if outcome == "failed":
            break
    return counts


def emails_waiting(*, cap: int, before: dt.datetime | None = None) -> int:
    """How many e-mails wait to be sent (of notifications made ``before``, when given), counted up
    to ``cap`` (a range of the ``(email_status, created_at)`` index): for fanning the sending out
    over workers."""
    waiting = Notification.objects.filter(email_status=EmailStatus.PENDING)
    if before is not None:
        waiting = waiting.filter(created_at__lt=before)
    return waiting.values("pk")[:cap].count()


def pending_email_ids(*, recipient_ids: Iterable[int], source_keys: Iterable[str]) -> list[int]:
    """The notifications of these recipients and sources whose e-mail waits (a range of the
    ``(recipient, source_key)`` unique index): what a sweep hands to its delivery tasks."""
    return list(
        Notification.objects.filter(
            recipient_id__in=set(recipient_ids), source_key__in=set(source_keys),
            email_status=EmailStatus.PENDING,
        ).order_by("pk").values_list("pk", flat=True)
    )


#: E-mails claimed at a time by :func:`deliver_emails_by_id`: small enough that the last of them
#: is sent long before ``TOOLKID_EMAIL_CLAIM_TIMEOUT`` makes its claim look abandoned (even at a
#: few seconds per message), so no other run picks it up and sends it twice.
EMAIL_CLAIM_BATCH = 50


def deliver_emails_by_id(ids: Iterable[int]) -> dict[str, int]:
    """:func:`deliver_pending_emails` for these notifications only. Those still waiting are
    claimed :data:`EMAIL_CLAIM_BATCH` at a time in one short transaction each (``skip_locked``:
    another task's rows are passed by; sent ones are no longer waiting), then sent and settled one
    at a time as there — a crash doubles at most the e-mail in flight; the rest of a claim is
    taken up again after ``TOOLKID_EMAIL_CLAIM_TIMEOUT`` seconds by any run. Counts only."""
    counts = {"sent": 0, "skipped": 0, "failed": 0}
    ids = list(ids)
    for start in range(0, len(ids), EMAIL_CLAIM_BATCH):
        if not _deliver_claimed(_claim_ids(ids[start:start + EMAIL_CLAIM_BATCH]), counts):
            break  # the mail server is down: the rest waits for the next run
    return counts


def _deliver_claimed(claimed: list[Notification], counts: dict[str, int]) -> bool:
    """Send a claim's e-mails; False when the mail server failed (the rest is released)."""
    wants = _reminder_choices({n.recipient_id for n in claimed if n.kind in REMINDER_KINDS})
    for index, notification in enumerate(claimed):
        outcome = _deliver_one(notification, wants_reminders=wants.get(notification.recipient_id, True))
        counts[outcome] += 1
        if outcome == "failed":
            # The rest waits again for the next run, attempt not spent.
            rest = [n.pk for n in claimed[index + 1:]]
            Notification.objects.filter(pk__in=rest, email_status=EmailStatus.SENDING).update(
                email_status=EmailStatus.PENDING, email_claimed_at=None,
                email_attempts=F("email_attempts") - 1,
            )
            return False
    return True


def _waiting(now: dt.datetime) -> Q:
    # A claim older than TOOLKID_EMAIL_CLAIM_TIMEOUT seconds belongs to a run that died mid-send.
    stale = now - dt.timedelta(seconds=settings.TOOLKID_EMAIL_CLAIM_TIMEOUT)
    return Q(email_status=EmailStatus.PENDING) | Q(
        email_status=EmailStatus.SENDING, email_claimed_at__lt=stale
    )


def _claim_ids(ids: list[int]) -> list[Notification]:
    if not ids:
        return []
    now = timezone.now()
    with transaction.atomic():
        claimed = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(_waiting(now), pk__in=ids, email_attempts__lt=MAX_EMAIL_ATTEMPTS)
            .select_related("recipient")
            .order_by("created_at", "pk")
        )
        Notification.objects.filter(pk__in=[n.pk for n in claimed]).update(
            email_status=EmailStatus.SENDING, email_claimed_at=now, email_attempts=F("email_attempts") + 1
        )
    for notification in claimed:
        notification.email_status, notification.email_claimed_at = EmailStatus.SENDING, now
        notification.email_attempts += 1
    return claimed


def _reminder_choices(user_ids: set[int]) -> dict[int, bool]:
    """Each user's choice about reminder e-mails (:func:`wants_reminder_email`), in one query."""
    if not user_ids:
        return {}
    return dict(
        NotificationPreference.objects.filter(user_id__in=user_ids).values_list("user_id", "email_reminders")
    )


def _claim_one() -> Notification | None:
    now = timezone.now()
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(_waiting(now), email_attempts__lt=MAX_EMAIL_ATTEMPTS)
            .select_related("recipient")
            .order_by("created_at", "pk")
            .first()
        )
        if notification is None:
            return None
        notification.email_status = EmailStatus.SENDING
        notification.email_claimed_at = now
        notification.email_attempts += 1
        notification.save(update_fields=["email_status", "email_claimed_at", "email_attempts"])
    return notification


def message_id_for(notification: Notification) -> str:
    """The same Message-ID each time this notification's e-mail is sent."""
    domain = urlsplit(settings.SITE_URL).hostname or "toolkid.invalid"
    return f"<melding-{notification.public_id}@{domain}>"


def _deliver_one(notification: Notification, *, wants_reminders: bool | None = None) -> str:
    user = notification.recipient
    reminder = notification.kind in REMINDER_KINDS
    if reminder and wants_reminders is None:
        wants_reminders = wants_reminder_email(user)
    if not user.is_active or not user.email or (reminder and not wants_reminders):
        _settle(notification, EmailStatus.SKIPPED)
        return "skipped"
    subject, body = email_for(notification)
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email],
                           headers={"Message-ID": message_id_for(notification)})
    try:
        message.send(fail_silently=False)
    except Exception as error:  # the mail server: retried by the next run, at most MAX_EMAIL_ATTEMPTS
        # Only the error's class: SMTP errors quote the recipient's address, which stays out of logs.
        logger.warning("e-mail for notification %s failed: %s", notification.pk, type(error).__name__)
        _settle(notification, EmailStatus.PENDING)
        return "failed"
    _settle(notification, EmailStatus.SENT)
    return "sent"


def _settle(notification: Notification, status: str) -> None:
    """The outcome of a claimed e-mail, committed at once (autocommit: one UPDATE)."""
    Notification.objects.filter(pk=notification.pk, email_status=EmailStatus.SENDING).update(
        email_status=status,
        emailed_at=timezone.now() if status == EmailStatus.SENT else None,
        email_claimed_at=None,
    )


# --------------------------------------------------------------------------------------------
# The header's unread count
# --------------------------------------------------------------------------------------------


def context(request: HttpRequest) -> dict[str, Any]:
    """Template context: ``notifications_unread``, counted only when a template uses it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notifications_unread": SimpleLazyObject(lambda: unread_count(user))}

"""Deadlines that enforce themselves (R26, L1): extending the term, contesting an
extension, and the periodic sweep that sends reminders and escalations.

The clock's rows are written by ``requests/core/clock.py`` (also from ``request_submit``,
``request_resubmit`` and ``request_return_for_reformulation``). Services here follow the request
services (``requests/handling/services.py``, on ``requests/core/plumbing.py``): keyword-only,
``actor=`` first, one transaction, the request row locked, access checked, a ``RequestEvent``
and an audit event in the same transaction.

The sweep (:func:`deadline_sweep`, run by Celery beat as ``requests.tasks.deadline_sweep``)
works on rows, never on "this minute":

1. **plan** — every open request whose current due date has no notice rows gets them (a
   request whose due date was set some other way is covered too);
2. **claim** — planned notices whose ``send_at`` has passed are taken in small batches with
   ``select_for_update(skip_locked=True)`` and marked in the same transaction: sent (with the
   notifications), cancelled (the clock stopped, paused or moved) or superseded. A second
   sweep at the same time skips the locked rows; one that runs later finds them marked. The
   unique key (request, kind, due date) and one notification per (recipient, notice) make
   every notice happen once. A sweep that was missed (beat or Redis down) is caught up by the
   next one, since it takes everything due *as of now*;
3. **mail** — the e-mails of committed notifications (``toolkid.notifications``).

Who hears what (recipients are computed when the notice goes, so a reassignment counts):

- reminder (two working days before) and due-day notice: the assigned clinician; when the
  request is unassigned (or the clinician is no longer an active zorgverlener there), the
  receiving organisation's **intake**: its active teamleiders and zorgverleners;
- overdue (the first working day after the due date): the receiving organisation's
  teamleiders (none: its beheerders), and the requester (no longer active: the requesting
  organisation's teamleiders), told of the Veilig Thuis option (R2) unless the requester *is*
  Veilig Thuis — their link then leads to the place on the request's page where the engagement
  is recorded (``requests.followup.services.veilig_thuis_record`` accepts an overdue request);
- second escalation (three working days after): the receiving organisation's beheerders
  (none: its teamleiders again). A beheerder sees no case content, so their link leads to the
  deadline overview (counts and references), not to the request.

Nothing the sweep sends is parent-facing (R40): every notification kind is for professionals
and goes to a member of one of the request's two organisations; on path C the requester and
provider get exactly the same notices as on A and B.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from audit.events import record_many
from audit.models import AuditAction
from requests.core import access, clock, policy
from requests.core.audit_codes import RequestAuditCode
from requests.core.events import RequestEventKind
from requests.core.models import (
    NOTICES_TO_PLAN,
    DeadlineNotice,
    DeadlineNoticeKind,
    DeadlineNoticeStatus,
    DueDateChange,
    InformationRequest,
    LegalAdvice,
    LegalAdviceOrigin,
)
from requests.core.plumbing import (
    ADVISE_PERM,
    check_seen,
    enforce,
    iso,
    limited_text,
    lock,
    log_step,
    require_visible,
    save,
    service,
)
from requests.core.webhooks import WebhookType, request_data
from requests.core.workflow import OPEN_FOR_PROVIDER, RequestStatus
from toolkid import notifications
from toolkid.actors import Actor
from toolkid.errors import Incomplete
from toolkid.limits import MOTIVATION
from toolkid.models import Membership, NotificationKind, Organisation, OrganisationKind, Role, User
from toolkid.notifications import Recipient
from toolkid.services import role_group
from toolkid.webhooks import events as webhooks

N = DeadlineNoticeKind
NS = DeadlineNoticeStatus
S = RequestStatus

#: The system actor the sweep records its audit events as.
SWEEP_ACTOR = Actor.system("deadline_sweep")


#: Where on the request's page the requester records a Veilig Thuis engagement (R2;
#: ``templates/requests/followup/_on_detail.html``).
VEILIG_THUIS_ANCHOR = "#veilig-thuis-ingeschakeld"


#: Stands in for a request's id in a reversed URL (``_send_batch``).
_PLACEHOLDER = uuid.UUID(int=0)


def _detail_url(req: InformationRequest) -> str:
    return reverse("requests:detail", kwargs={"public_id": req.public_id})


# --------------------------------------------------------------------------------------------
# Extension (the clinician) and contesting it (the requester)
# --------------------------------------------------------------------------------------------


@service(RequestAuditCode.DEADLINE_EXTENDED)
def request_extend_deadline(
    *,
    actor: Actor,
    request: InformationRequest,
    new_due_date: dt.date | None,
    reason: str,
    expected_status: str | None = None,
) -> DueDateChange:
    """The handling clinician needs more time ("Verlenging aanvragen", UI.md): a later due date
    (a working day of the receiving organisation), with a reason the requester reads. It takes
    effect at once; the requester is notified and may contest it
    (:func:`request_contest_extension`)."""
    req = lock(request)
    require_visible(actor, req)
    check_seen(actor, req, expected_status)
    enforce(policy.may_extend_deadline(actor, req))
    calendar = clock.Calendar(req.receiving_organisation)
    errors: dict[str, str] = {}
    if new_due_date is None:
        errors["new_due_date"] = _("Kies de nieuwe uiterste datum.")
    elif isinstance(new_due_date, dt.datetime) or not isinstance(new_due_date, dt.date):
        raise TypeError("new_due_date must be a date")
    elif new_due_date <= req.due_date:
        errors["new_due_date"] = _("Kies een datum na de huidige uiterste datum (%(due)s).") % {
            "due": req.due_date.strftime("%d-%m-%Y")
        }
    elif not calendar.is_working_day(new_due_date):
        errors["new_due_date"] = _("Kies een werkdag van uw organisatie.")
    reason = limited_text(reason, "reason", errors, MOTIVATION)
    if not reason:
        errors["reason"] = _("Geef aan waarom u meer tijd nodig hebt. De aanvrager leest deze reden.")
    if errors:
        raise Incomplete(errors)
    previous = req.due_date
    req.due_date = new_due_date
    save(actor, req, fields=["due_date"])
    change = clock.clock_extended(
        actor=actor, request=req, previous_due_date=previous, reason=reason, calendar=calendar
    )
    log_step(
        actor,
        req,
        kind=RequestEventKind.DEADLINE_EXTENDED,
        motivation=change.reason,
        data={
            "due_date_change_id": change.pk,
            "previous_due_date": iso(previous),
            "due_date": iso(new_due_date),
            "working_days_added": change.working_days,
        },
    )
    notifications.notify(
        kind=NotificationKind.DEADLINE_EXTENDED,
        recipients=_requester_recipients(req, _Directory([req.requesting_organisation_id])),
        source_key=f"due_date_change:{change.pk}",
        params={"reference": req.reference or "", "due_date": iso(new_due_date),
                "previous_due_date": iso(previous)},
    )
    return change


@service(RequestAuditCode.EXTENSION_CONTESTED, AuditAction.CREATE)
def request_contest_extension(
    *,
    actor: Actor,
    request: InformationRequest,
    reason: str,
    expected_status: str | None = None,
) -> LegalAdvice:
    """The requester contests the extension: a question in the receiving organisation's
    legal-review queue (origin "bezwaar_verlenging"). The legal advisor advises; the
    clinician decides (R8) — the due date does not change by the contest itself."""
    req = lock(request)
    require_visible(actor, req)
    check_seen(actor, req, expected_status)
    enforce(policy.may_contest_extension(actor, req))
    extension = clock.extension_to_contest(req)
    errors: dict[str, str] = {}
    reason = limited_text(reason, "reason", errors, MOTIVATION)
    if not reason:
        errors["reason"] = _("Licht toe waarom u bezwaar maakt tegen de verlenging.")
    if errors:
        raise Incomplete(errors)
    advice = LegalAdvice.objects.create(
        request=req,
        origin=LegalAdviceOrigin.CONTESTED_EXTENSION,
        question=reason,
        asked_by=actor.user,
    )
    # R31, R8: the receiving organisation's legal advisors may now see and advise on it.
    assign_perm(ADVISE_PERM, role_group(req.receiving_organisation, Role.JURIDISCH_ADVISEUR), req)
    log_step(
        actor,
        req,
        kind=RequestEventKind.EXTENSION_CONTESTED,
        motivation=advice.question,
        data={"legal_advice_id": advice.pk, "due_date_change_id": extension.pk},
    )
    receiving = req.receiving_organisation
    url = _detail_url(req)
    directory = _Directory([receiving.pk])
    people = [*_handler_or_intake(req, directory), *directory.members(receiving, Role.JURIDISCH_ADVISEUR)]
    notifications.notify(
        kind=NotificationKind.EXTENSION_CONTESTED,
        recipients=[Recipient(user, receiving, url) for user in people],
        source_key=f"legal_advice:{advice.pk}",
        params={"reference": req.reference or "", "due_date": iso(req.due_date)},
    )
    return advice


# --------------------------------------------------------------------------------------------
# Recipients
# --------------------------------------------------------------------------------------------


class _Directory:
    """The active members of the organisations of one batch of notices, by role: one query for
    the batch instead of several per notice (issue 11: 10,000 notices in seconds)."""

    def __init__(self, organisation_ids: Iterable[int]):
        self.by_role: dict[tuple[int, str], dict[int, User]] = defaultdict(dict)
        memberships = (
            Membership.objects.filter(
                organisation_id__in=set(organisation_ids), is_active=True, user__is_active=True
            )
            .select_related("user")
            .order_by("user_id", "pk")
        )
        for membership in memberships:
            self.by_role[(membership.organisation_id, membership.role)][membership.user_id] = membership.user

    def members(self, organisation: Organisation, *roles: str) -> list[User]:
        """Per role in the order given, each ordered by id; everyone once."""
        users: dict[int, User] = {}
        for role in roles:
            for pk, user in self.by_role[(organisation.pk, role)].items():
                users.setdefault(pk, user)
        return list(users.values())

    def has_role(self, user: User | None, organisation: Organisation, *roles: str) -> bool:
        return user is not None and any(user.pk in self.by_role[(organisation.pk, role)] for role in roles)


def _handler_or_intake(req: InformationRequest, people: _Directory) -> list[User]:
    """The assigned clinician; unassigned (or no longer an active zorgverlener there): the
    receiving organisation's intake, its teamleiders and zorgverleners."""
    receiving = req.receiving_organisation
    clinician = req.assigned_clinician
    if people.has_role(clinician, receiving, Role.ZORGVERLENER):
        return [clinician]
    return people.members(receiving, Role.TEAMLEIDER, Role.ZORGVERLENER)


def _requester_recipients(
    req: InformationRequest, people: _Directory, url: str | None = None
) -> list[Recipient]:
    requesting = req.requesting_organisation
    url = url or _detail_url(req)
    if people.has_role(req.requester, requesting, *access.REQUESTER_ROLES):
        return [Recipient(req.requester, requesting, url)]
    return [Recipient(user, requesting, url) for user in people.members(requesting, Role.TEAMLEIDER)]


@dataclass(frozen=True)
class _Message:
    kind: str
    recipients: list[Recipient]
    audience: str  # part of the source key: one notification per notice, audience and person
    params: dict[str, Any] = field(default_factory=dict)


def _messages_for(
    notice: DeadlineNotice, req: InformationRequest, people: _Directory, *, url: str
) -> list[_Message]:
    receiving = req.receiving_organisation
    base = {"reference": req.reference or "", "due_date": iso(notice.due_date)}
    if notice.kind in (N.REMINDER, N.DUE):
        kind = NotificationKind.DEADLINE_DUE
        if notice.kind == N.REMINDER:
            kind = NotificationKind.DEADLINE_REMINDER
        handlers = _handler_or_intake(req, people)
        return [_Message(kind, [Recipient(u, receiving, url) for u in handlers], "zorgverlener", base)]
    if notice.kind == N.OVERDUE:
        leaders = people.members(receiving, Role.TEAMLEIDER)
        if leaders:
            provider = [Recipient(u, receiving, url) for u in leaders]
        else:
            overview = reverse("requests:overview")
            provider = [Recipient(u, receiving, overview) for u in people.members(receiving, Role.BEHEERDER)]
        veilig_thuis = req.requesting_organisation.kind != OrganisationKind.VEILIG_THUIS
        requester = _requester_recipients(req, people, url)
        if veilig_thuis:
            # R2: the link leads to where the requester records that Veilig Thuis was engaged
            # (the request's page offers it once the request is overdue).
            requester = [Recipient(r.user, r.organisation, r.target_url + VEILIG_THUIS_ANCHOR)
                         for r in requester]
        return [
            _Message(NotificationKind.DEADLINE_OVERDUE, provider, "teamleider", base),
            _Message(NotificationKind.DEADLINE_OVERDUE_REQUESTER, requester, "aanvrager",
                     {**base, "veilig_thuis": veilig_thuis}),
        ]
    if notice.kind == N.ESCALATION:
        admins = people.members(receiving, Role.BEHEERDER)
        if admins:
            overview = reverse("requests:overview")
            to = [Recipient(u, receiving, overview) for u in admins]
        else:
            to = [Recipient(u, receiving, url) for u in people.members(receiving, Role.TEAMLEIDER)]
        return [_Message(NotificationKind.DEADLINE_ESCALATION, to, "beheerder", base)]
    raise ValueError(f"unknown notice kind {notice.kind!r}")


# --------------------------------------------------------------------------------------------
# The sweep
# --------------------------------------------------------------------------------------------


@dataclass
class SweepResult:
    planned: int = 0
    sent: int = 0
    cancelled: int = 0
    superseded: int = 0
    notifications: int = 0
    emails: dict[str, int] = field(default_factory=dict)
    #: The notifications created whose e-mail waits, for the delivery tasks (not in as_dict()).
    notification_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"planned": self.planned, "sent": self.sent, "cancelled": self.cancelled,
                "superseded": self.superseded, "notifications": self.notifications,
                "emails": dict(self.emails)}


def to_plan() -> QuerySet:
    """The ids of the requests whose notices are not planned for their due date: a read of the
    partial index ``request_notices_to_plan`` (``tests/requests/deadlines/test_sweep_postgres.py``
    EXPLAINs it)."""
    return InformationRequest.objects.filter(NOTICES_TO_PLAN).values_list("pk", flat=True)


def due_notices(now: dt.datetime) -> QuerySet[DeadlineNotice]:
    """The planned notices whose moment has passed, oldest first, to claim (inside a
    transaction): a range of the ``(status, send_at)`` index. No joins: with nothing due the
    sweep's only work is this one small query (planning a seven-table join cost more than
    running it); :func:`_claimed` reads the rest of a batch that was claimed."""
    return (
        DeadlineNotice.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(status=NS.PLANNED, send_at__lte=now)
        .order_by("send_at", "pk")
    )


def _claimed(pks: list[int]) -> list[DeadlineNotice]:
    """The claimed notices (locked by this transaction) with their requests and the people and
    organisations the messages need, in claim order."""
    return list(
        DeadlineNotice.objects.filter(pk__in=pks)
        .select_related(
            "request",
            "request__receiving_organisation",
            "request__requesting_organisation",
            "request__requester",
            "request__assigned_clinician",
            "request__parent",
        )
        .order_by("send_at", "pk")
    )


def plan_missing_notices() -> int:
    """Every open request whose notices are not planned for its current due date gets them.

    Reads the partial index of exactly those requests (``NOTICES_TO_PLAN``): with nothing to
    plan the sweep reads an empty index, however many requests are open (issue 11)."""
    count = 0
    for pk in list(to_plan()):
        with transaction.atomic():
            # Under the request's lock, as the services that move the clock hold it: the due
            # date read here is the one that stays.
            req = InformationRequest.objects.select_for_update(of=("self",)).select_related(
                "receiving_organisation"
            ).get(pk=pk)
            if req.due_date is None or req.notices_planned_for == req.due_date:
                continue  # planned meanwhile
            if req.status in OPEN_FOR_PROVIDER and req.receiving_organisation_id is not None:
                clock.plan_notices(req)
                count += 1
            else:
                # Not open: nothing to plan for this due date; off the index.
                InformationRequest.objects.filter(pk=pk).update(notices_planned_for=req.due_date)
    return count


def _send_batch(batch: list[DeadlineNotice], now: dt.datetime, result: SweepResult) -> None:
    """One claimed batch, in its transaction: each notice cancelled (the clock stopped, paused
    or moved), superseded (a reminder caught up after the due moment) or sent — the recipients
    of the whole batch read at once, the notifications created at once, the notices marked at
    once. One audit event per notice sent (ids only)."""
    sending: list[DeadlineNotice] = []
    for notice in batch:
        req = notice.request
        notice.processed_at = now
        if req.status not in OPEN_FOR_PROVIDER or req.due_date != notice.due_date:
            notice.status = NS.CANCELLED
            result.cancelled += 1
        elif notice.kind == N.REMINDER and now >= clock.moment(notice.due_date):
            # Caught up late: the due-day notice goes to the same people; one message is enough.
            notice.status = NS.SUPERSEDED
            result.superseded += 1
        else:
            sending.append(notice)
    people = _Directory(
        org_id
        for notice in sending
        for org_id in (notice.request.receiving_organisation_id, notice.request.requesting_organisation_id)
    ) if sending else None
    # One reverse() per batch: the request's page differs only in its id.
    page = reverse("requests:detail", kwargs={"public_id": _PLACEHOLDER})
    messages = [
        notifications.Message(
            kind=message.kind,
            recipients=message.recipients,
            source_key=f"deadline_notice:{notice.pk}:{message.audience}",
            params=message.params,
        )
        for notice in sending
        for message in _messages_for(
            notice, notice.request, people,  # type: ignore[arg-type]
            url=page.replace(str(_PLACEHOLDER), str(notice.request.public_id)),
        )
    ]
    created = notifications.notify_many(messages)
    _announce(sending)
    per_notice: dict[int, int] = defaultdict(int)
    for key, count in created.items():  # "deadline_notice:<pk>:<audience>"
        per_notice[int(key.split(":")[1])] += count
    for notice in sending:
        notice.status = NS.SENT
        notice.recipients = per_notice[notice.pk]
    _mark(batch, now)
    _record_sent(sending)
    result.sent += len(sending)
    result.notifications += sum(notice.recipients for notice in sending)
    result.notification_ids += _waiting_email_ids(messages, created)


#: The notices the receiving organisation's own systems hear of (ADR 0007 §9). Not the second
#: escalation: it goes to the organisation's beheerders about a term that already passed.
NOTICE_WEBHOOKS: dict[str, str] = {
    N.REMINDER: WebhookType.DEADLINE_NEAR,
    N.DUE: WebhookType.DEADLINE_NEAR,
    N.OVERDUE: WebhookType.DEADLINE_PASSED,
}


def _announce(sending: list[DeadlineNotice]) -> None:
    """The batch's webhook events, beside its notifications: one query for the endpoints of
    all receiving organisations, one INSERT (``emit_many``)."""
    webhooks.emit_many(
        webhooks.Event(
            NOTICE_WEBHOOKS[notice.kind],
            notice.request.receiving_organisation_id,
            str(notice.request.public_id),
            request_data(notice.request),
            f"deadline_notice:{notice.pk}",
        )
        for notice in sending
        if notice.kind in NOTICE_WEBHOOKS
    )


def _record_sent(sending: list[DeadlineNotice]) -> None:
    """One audit event per notice sent, all of the batch in one call (its numbers in one round
    trip and one INSERT, instead of both per notice). Each event still gets its
    ground from the request as it stands (R24: the consent path; L3: the framework) and the
    sweep's purpose, as record() gives them."""
    record_many([
        {
            "actor": SWEEP_ACTOR,
            "event": RequestAuditCode.DEADLINE_NOTICE_SENT,
            "action": AuditAction.CREATE,
            "obj": notice.request,
            "parent_ref": notice.request.audit_ref,
            "payload": {"deadline_notice_id": notice.pk, "kind": notice.kind,
                        "due_date": iso(notice.due_date), "notifications": notice.recipients},
        }
        for notice in sending
    ])


def _waiting_email_ids(messages: list[notifications.Message], created: dict[str, int]) -> list[int]:
    """The notifications this batch created whose e-mail waits: handed to the delivery tasks by
    id (``requests.tasks``), so a later sweep does not enqueue them again."""
    keys = {key for key, count in created.items() if count}
    if not keys:
        return []
    users = {r.user.pk for m in messages if m.source_key in keys for r in m.recipients}
    return notifications.pending_email_ids(recipient_ids=users, source_keys=keys)


def _mark(batch: list[DeadlineNotice], now: dt.datetime) -> None:
    """One UPDATE per outcome (and per number of recipients): a CASE per row (``bulk_update``)
    costs more to build than the whole batch's notifications."""
    groups: dict[tuple[str, int | None], list[int]] = defaultdict(list)
    for notice in batch:
        groups[(notice.status, notice.recipients if notice.status == NS.SENT else None)].append(notice.pk)
    for (status, recipients), pks in groups.items():
        fields: dict[str, Any] = {"status": status, "processed_at": now}
        if recipients is not None:
            fields["recipients"] = recipients
        DeadlineNotice.objects.filter(pk__in=pks).update(**fields)


def claim_and_send(*, now: dt.datetime, batch_size: int, result: SweepResult) -> None:
    """Claim due notices batch by batch, each batch in its own short transaction. Another sweep
    at the same time skips the locked rows; one that runs later finds them marked."""
    while True:
        with transaction.atomic():
            pks = list(due_notices(now).values_list("pk", flat=True)[:batch_size])
            if not pks:
                return
            _send_batch(_claimed(pks), now, result)


def deadline_sweep(
    *, now: dt.datetime | None = None, batch_size: int | None = None, deliver_emails: bool = True
) -> SweepResult:
    """Plan, claim and send what is due as of ``now``; then mail what was committed (unless
    ``deliver_emails`` is off: the Celery task fans the mail out over workers instead). Safe to
    run twice, and in several workers at once."""
    now = now or timezone.now()
    size = batch_size or settings.TOOLKID_SWEEP_BATCH_SIZE
    result = SweepResult()
    result.planned = plan_missing_notices()
    claim_and_send(now=now, batch_size=size, result=result)
    # Every committed e-mail, one claimed and confirmed at a time (at most one doubled by a crash).
    if deliver_emails:
        result.emails = notifications.deliver_pending_emails()
    return result

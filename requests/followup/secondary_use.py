"""Using provided information for another purpose (R28): the requester puts the intended use and
the text before the clinician, who agrees or objects with comments; the requester decides and
sends (despite an objection only with a motivation, R5, R8), or withdraws."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditAction
from requests.core.audit_codes import RequestAuditCode
from requests.core.deviations import DeviationKind
from requests.core.events import RequestEventKind
from requests.core.models import InformationRequest
from requests.core.objects import move_object, parse_date, record_deviation, save_version
from requests.core.plumbing import (
    enforce,
    limited_text,
    log_step,
    service,
)
from requests.followup import policy as followup_policy
from requests.followup.models import SecondaryPurpose, SecondaryUse
from requests.followup.services import _locked_request
from requests.followup.workflow import SecondaryUseStatus
from toolkid.actors import Actor
from toolkid.errors import Incomplete
from toolkid.limits import ANSWER, MOTIVATION


@service(RequestAuditCode.SECONDARY_USE_SUBMITTED, AuditAction.CREATE)
def secondary_use_submit(
    *, actor: Actor, request: InformationRequest, purpose: str, description: str, text: str = ""
) -> SecondaryUse:
    """R28: before the provided information is used for another purpose (e.g. a request to the
    juvenile court), the intended use (and the text, if any) is put before the clinician."""
    req = _locked_request(request, actor)
    enforce(followup_policy.may_submit_secondary_use(actor, req))
    errors: dict[str, str] = {}
    if purpose not in SecondaryPurpose.values:
        errors["purpose"] = _("Kies waarvoor u de informatie wilt gebruiken.")
    description = limited_text(description, "description", errors, MOTIVATION)
    if not description:
        errors["description"] = _("Beschrijf hoe u de informatie wilt gebruiken.")
    text = limited_text(text, "text", errors, ANSWER)
    if errors:
        raise Incomplete(errors)
    use = SecondaryUse.objects.create(
        request=req,
        purpose=purpose,
        description=description,
        text=text,
        submitted_by=actor.user,
        organisation=actor.organisation,
    )
    log_step(
        actor,
        req,
        kind=RequestEventKind.SECONDARY_USE_SUBMITTED,
        data={"secondary_use_id": use.pk, "purpose": purpose},
    )
    return use


@service(RequestAuditCode.SECONDARY_USE_REPLIED)
def secondary_use_reply(*, actor: Actor, use: SecondaryUse, agree: bool, comments: str = "") -> SecondaryUse:
    """R28: the clinician agrees or objects, with comments (required with an objection)."""
    req = _locked_request(use.request_id, actor)
    locked = SecondaryUse.objects.select_for_update().get(pk=use.pk)
    enforce(followup_policy.may_reply_secondary_use(actor, req, locked))
    errors: dict[str, str] = {}
    comments = limited_text(comments, "comments", errors, MOTIVATION)
    if not agree and not comments:
        errors["comments"] = _("Licht uw bezwaar toe.")  # R28
    if errors:
        raise Incomplete(errors)
    transition = move_object(actor, locked, "agree" if agree else "object_to")
    locked.replied_by = actor.user
    locked.replied_at = timezone.now()
    locked.reply_comments = comments
    save_version(actor, locked)
    log_step(
        actor,
        req,
        kind=RequestEventKind.SECONDARY_USE_AGREED if agree else RequestEventKind.SECONDARY_USE_OBJECTED,
        motivation=locked.reply_comments,
        data={"secondary_use_id": locked.pk, "to": transition[1]},
    )
    return locked


@service(RequestAuditCode.SECONDARY_USE_SENT, AuditAction.TRANSFER)
def secondary_use_mark_sent(
    *, actor: Actor, use: SecondaryUse, sent_on: dt.date | str | None, motivation: str = ""
) -> SecondaryUse:
    """R28: marked sent only after the clinician's reply. Despite an objection the requester may
    still decide to send (R8), with a recorded motivation (R5)."""
    req = _locked_request(use.request_id, actor)
    locked = SecondaryUse.objects.select_for_update().get(pk=use.pk)
    enforce(followup_policy.may_send_secondary_use(actor, req, locked))
    errors: dict[str, str] = {}
    day = parse_date(sent_on, "sent_on", errors, label=_("Vul in wanneer u de informatie verstuurde."))
    objected = locked.status == SecondaryUseStatus.OBJECTED
    motivation = limited_text(motivation, "motivation", errors, MOTIVATION)
    if objected and not motivation:
        errors["motivation"] = _(
            "De zorgverlener heeft bezwaar. Motiveer waarom u de informatie toch verstuurt."
        )  # R5, R8
    if errors:
        raise Incomplete(errors)
    move_object(actor, locked, "mark_sent")
    locked.sent_by = actor.user
    locked.sent_at = timezone.now()
    locked.sent_on = day
    locked.sent_motivation = motivation
    save_version(actor, locked)
    if objected:
        record_deviation(
            actor,
            kind=DeviationKind.SECONDARY_USE_DESPITE_OBJECTION,
            motivation=locked.sent_motivation,
            request=req,
            data={"secondary_use_id": locked.pk},
        )
    log_step(
        actor,
        req,
        kind=RequestEventKind.SECONDARY_USE_SENT,
        motivation=locked.sent_motivation,
        data={
            "secondary_use_id": locked.pk,
            "purpose": locked.purpose,
            "sent_on": day.isoformat(),
            "despite_objection": objected,
        },
    )
    return locked


@service(RequestAuditCode.SECONDARY_USE_WITHDRAWN)
def secondary_use_withdraw(*, actor: Actor, use: SecondaryUse) -> SecondaryUse:
    req = _locked_request(use.request_id, actor)
    locked = SecondaryUse.objects.select_for_update().get(pk=use.pk)
    enforce(followup_policy.may_withdraw_secondary_use(actor, req, locked))
    move_object(actor, locked, "withdraw")
    save_version(actor, locked)
    log_step(
        actor,
        req,
        kind=RequestEventKind.SECONDARY_USE_WITHDRAWN,
        data={"secondary_use_id": locked.pk},
    )
    return locked

"""The joint release of the path-C hold (R35-R37, R40): one side proposes, with a reason; the
other side agrees or declines; the proposing side may withdraw. Only after the release may the
parent be informed (the duties that prompt contact with the parent open then)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditAction
from requests.core.audit_codes import RequestAuditCode
from requests.core.events import RequestEventKind
from requests.core.models import InformationRequest
from requests.core.objects import move_object, require_object_can, save_version
from requests.core.plumbing import (
    enforce,
    limited_text,
    log_step,
    service,
)
from requests.followup import policy as followup_policy
from requests.followup import selectors as followup_selectors
from requests.followup.models import DutyKind, HoldRelease
from requests.followup.services import _locked_request, _open_duty
from toolkid.actors import Actor
from toolkid.errors import Incomplete
from toolkid.limits import MOTIVATION, NOTE


def _locked_release(actor: Actor, release: HoldRelease) -> tuple[InformationRequest, HoldRelease]:
    req = _locked_request(release.request_id, actor)
    return req, HoldRelease.objects.select_for_update().get(pk=release.pk)


@service(RequestAuditCode.HOLD_RELEASE_PROPOSED, AuditAction.CREATE)
def hold_release_propose(*, actor: Actor, request: InformationRequest, reason: str) -> HoldRelease:
    """R37: one side proposes to release the path-C hold, with the reason both can weigh. The
    other side agrees or not; until then nothing changes for the parent (R35)."""
    req = _locked_request(request, actor)
    enforce(followup_policy.may_propose_release(actor, req))
    side = followup_selectors.side_of(actor, req)
    errors: dict[str, str] = {}
    reason = limited_text(reason, "reason", errors, MOTIVATION)
    if not reason:
        errors["reason"] = _(
            "Licht toe waarom u vindt dat het contact met de ouder besproken kan worden zonder "
            "risico's voor de ouder, de professional of het kind."
        )  # R37
    if errors:
        raise Incomplete(errors)
    release = HoldRelease.objects.create(
        request=req,
        proposed_by=actor.user,
        proposed_by_organisation=actor.organisation,
        reason=reason,
    )
    log_step(
        actor,
        req,
        kind=RequestEventKind.HOLD_RELEASE_PROPOSED,
        motivation=release.reason,
        data={"release_id": release.pk, "side": side},
    )
    return release


def _answered_by_other_side(actor: Actor, req: InformationRequest, release: HoldRelease) -> str:
    enforce(followup_policy.may_answer_release(actor, req, release))
    return followup_selectors.side_of(actor, req)


@service(RequestAuditCode.HOLD_RELEASED)
def hold_release_agree(*, actor: Actor, release: HoldRelease, note: str = "") -> HoldRelease:
    """R37: the *other* side agrees; the hold is released (both recorded). Only now the task
    "Ouder informeren" appears, for the provider (R37, R40)."""
    req, locked = _locked_release(actor, release)
    side = _answered_by_other_side(actor, req, locked)
    require_object_can(actor, locked, "agree")
    errors: dict[str, str] = {}
    note = limited_text(note, "note", errors, NOTE)
    if errors:
        raise Incomplete(errors)
    transition = move_object(actor, locked, "agree")
    locked.responded_by = actor.user
    locked.responded_by_organisation = actor.organisation
    locked.responded_at = timezone.now()
    locked.response_note = note
    save_version(actor, locked)
    event = log_step(
        actor,
        req,
        kind=RequestEventKind.HOLD_RELEASE_AGREED,
        motivation=locked.response_note,
        data={
            "release_id": locked.pk,
            "side": side,
            "proposed_by_id": locked.proposed_by_id,
            "release_from": transition[0],
            "release_to": transition[1],
        },
    )
    _open_duty(req, DutyKind.INFORM_PARENT, event)
    return locked


@service(RequestAuditCode.HOLD_RELEASE_DECLINED)
def hold_release_decline(*, actor: Actor, release: HoldRelease, reason: str) -> HoldRelease:
    """R35: the other side does not (yet) judge it free of risk; the hold stays."""
    req, locked = _locked_release(actor, release)
    side = _answered_by_other_side(actor, req, locked)
    require_object_can(actor, locked, "decline")
    errors: dict[str, str] = {}
    reason = limited_text(reason, "reason", errors, MOTIVATION)
    if not reason:
        errors["reason"] = _("Licht toe waarom het nog niet kan.")  # R35
    if errors:
        raise Incomplete(errors)
    move_object(actor, locked, "decline")
    locked.responded_by = actor.user
    locked.responded_by_organisation = actor.organisation
    locked.responded_at = timezone.now()
    locked.response_note = reason
    save_version(actor, locked)
    log_step(
        actor,
        req,
        kind=RequestEventKind.HOLD_RELEASE_DECLINED,
        motivation=locked.response_note,
        data={"release_id": locked.pk, "side": side},
    )
    return locked


@service(RequestAuditCode.HOLD_RELEASE_WITHDRAWN)
def hold_release_withdraw(*, actor: Actor, release: HoldRelease) -> HoldRelease:
    """The proposing side takes its proposal back."""
    req, locked = _locked_release(actor, release)
    enforce(followup_policy.may_withdraw_release(actor, req, locked))
    move_object(actor, locked, "withdraw")
    save_version(actor, locked)
    log_step(
        actor,
        req,
        kind=RequestEventKind.HOLD_RELEASE_WITHDRAWN,
        data={"release_id": locked.pk},
    )
    return locked

"""Every write of the follow-up after the answer: duties towards the parent and the
own file (R27, R30, R31, R36, R37, R38), the path-C hold and its joint release (R35, R37, R40),
feedback (R38), secondary use (R28), filing as approved information (R28), Veilig Thuis (R2),
deviations (R5), the reverse direction (R3) and the Kindcheck (L4).

The style of the request services (``requests/handling/services.py``; the helpers this module
reuses are in ``requests/core/plumbing.py`` and ``requests/core/objects.py``): keyword-only,
``actor=`` first, one transaction per call (:func:`service`), the request row locked first,
access checked (``Http404`` for what the actor may not see, ``PermissionDenied`` for the wrong
role or side, ``IllegalMove`` for the wrong moment, ``Incomplete`` for what is missing — nothing
changes then), and a ``RequestEvent`` plus an audit event in the same transaction. Denials are
logged after the rollback.

**The path-C hold** (R35, R40). While :func:`requests.followup.selectors.hold_active` holds,
no duty that prompts contact with the parent may exist (``PARENT_FACING_DUTIES``): the duties
opened after the answer leave them out on path C, and :func:`_open_duty` refuses them as a
last line. Only the joint release — a proposal by one side, agreed by the *other* side
(:func:`requests.followup.hold.hold_release_agree`) — opens the duty "Ouder informeren" (R37).

**Which duties a step opens** (:func:`open_duties_after`, called by ``core.plumbing.log_step`` for every
request event, in the same transaction; idempotent: one duty per kind per request):

- submitted (or re-decided) on path B → the requester tells the parent about the contact (R30);
- answer sent → both sides record the contact in their own file (R31, R36; on path C with the
  note "nog niet besproken met de ouder"); path A/B: the clinician gives feedback to the parent
  at the next contact (R27); path C: the requester reports back to the provider (R38);
- refusal confirmed (or upheld) → nothing was provided: both sides record the decision not to
  provide (R31, R36, R39: with its motivation), the requester decides on the follow-up (R2, R8);
  path A/B: feedback to the parent (R27, R12: the parent hears the decision). No feedback to the
  provider about "what was done with the information" (R38): there was none.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditAction
from requests.core import access
from requests.core.audit_codes import RequestAuditCode
from requests.core.deviations import Deviation, DeviationKind
from requests.core.events import RequestEventKind
from requests.core.models import (
    ConsentPath,
    InformationRequest,
    RequestEvent,
)
from requests.core.objects import parse_date, record_deviation, save_version
from requests.core.plumbing import (
    enforce,
    forbidden,
    limited_text,
    local_today,
    lock,
    log_step,
    require_visible,
    service,
)
from requests.core.workflow import RequestStatus
from requests.followup import policy as followup_policy
from requests.followup import selectors as followup_selectors
from requests.followup.models import (
    DUTY_SIDES,
    PARENT_FACING_DUTIES,
    RECORD_DUTIES,
    ApprovedFiling,
    Duty,
    DutyKind,
    DutySide,
    DutyStatus,
    Feedback,
    VeiligThuisEngagement,
)
from toolkid.actors import Actor
from toolkid.errors import Incomplete
from toolkid.limits import MOTIVATION, NOTE, REFERENCE

S = RequestStatus



# --------------------------------------------------------------------------------------------
# Plumbing
# --------------------------------------------------------------------------------------------


def _locked_request(request_or_pk: InformationRequest | int, actor: Actor) -> InformationRequest:
    req = lock(request_or_pk)
    require_visible(actor, req)
    return req







@service(RequestAuditCode.DEVIATION_RECORDED, AuditAction.CREATE)
def deviation_record(
    *,
    actor: Actor,
    kind: str,
    motivation: str,
    request: InformationRequest | None = None,
) -> Deviation:
    """R5: record a departure from the agreements (a step the workflow allows to skip or
    deviate from), with its motivation; the teamleider of the actor's organisation lists it
    (``requests.followup.selectors.deviations_for``). On a request's page ("Afwijking vastleggen") only
    for ``followup.policy.may_record_deviation``."""
    if not access.is_acting(actor):
        raise forbidden()
    if kind not in DeviationKind.values:
        raise ValueError(f"unknown deviation kind {kind!r}")
    if request is not None:
        request = _locked_request(request, actor)
        enforce(followup_policy.may_record_deviation(actor, request))
    errors: dict[str, str] = {}
    motivation = limited_text(motivation, "motivation", errors, MOTIVATION)
    if not motivation:
        errors["motivation"] = _("Motiveer waarom u afwijkt van de afspraken.")  # R5
    if errors:
        raise Incomplete(errors)
    return record_deviation(actor, kind=kind, motivation=motivation, request=request)


# --------------------------------------------------------------------------------------------
# Duties: opened by the request's steps, done (or skipped, R5) by the right side
# --------------------------------------------------------------------------------------------


def _duties_for_step(req: InformationRequest, kind: str) -> list[str]:
    path = req.consent_path
    if kind in (RequestEventKind.SUBMITTED, RequestEventKind.CONSENT_PATH_REDECIDED):
        return [DutyKind.TELL_PARENT_CONTACT] if path == ConsentPath.B else []  # R30
    if kind == RequestEventKind.ANSWER_SENT:
        after = [DutyKind.PROVIDER_RECORD, DutyKind.REQUESTER_RECORD]  # R31, R36
        # R27 — not on path C (R40); there R38 instead.
        after.append(DutyKind.REQUESTER_FEEDBACK if path == ConsentPath.C else DutyKind.PARENT_FEEDBACK)
        return after
    # An upheld refusal (R8) opens them on its confirmation (R11), like any other "no".
    if kind == RequestEventKind.REFUSAL_CONFIRMED:
        # Nothing was provided: record the "no" and its motivation (R31, R39), and decide what now.
        after = [DutyKind.PROVIDER_RECORD_REFUSAL, DutyKind.REQUESTER_RECORD_REFUSAL,
                 DutyKind.REFUSAL_FOLLOW_UP]
        if path != ConsentPath.C:
            after.append(DutyKind.PARENT_FEEDBACK)  # R27, R12: the parent hears the decision
        return after
    return []


def open_duties_after(actor: Actor, req: InformationRequest, event: RequestEvent) -> list[Duty]:
    """The duties a request step brings (see the module docs). Called by ``core.plumbing.log_step``
    inside the step's transaction; writes nothing for other steps."""
    kinds = _duties_for_step(req, event.kind)
    return [duty for kind in kinds if (duty := _open_duty(req, kind, event)) is not None]


def _open_duty(req: InformationRequest, kind: str, event: RequestEvent | None) -> Duty | None:
    """Open one duty (once per kind). R40: never a parent-facing duty while the hold holds."""
    if kind in PARENT_FACING_DUTIES and followup_selectors.hold_active(req):
        # A programming error, not a user's: nothing may prompt contact with the parent.
        raise RuntimeError(f"R40: duty {kind!r} must not exist while the path-C hold holds")
    side = DUTY_SIDES[kind]
    if side == DutySide.PROVIDER:
        organisation = req.receiving_organisation
        assignee = req.assigned_clinician or req.answered_by or req.decided_by
    else:
        organisation = req.requesting_organisation
        assignee = req.requester
    duty, created = Duty.objects.get_or_create(
        request=req,
        kind=kind,
        defaults={"side": side, "organisation": organisation, "assignee": assignee, "opened_by_event": event},
    )
    return duty if created else None


def _locked_duty(actor: Actor, duty: Duty) -> tuple[InformationRequest, Duty]:
    req = _locked_request(duty.request_id, actor)
    return req, Duty.objects.select_for_update().get(pk=duty.pk)


@service(RequestAuditCode.DUTY_DONE)
def duty_complete(
    *,
    actor: Actor,
    duty: Duty,
    done_on: dt.date | str | None,
    note: str = "",
    not_discussed_confirmed: bool = False,
) -> Duty:
    """Record that a duty was done outside the system: when, by whom, with a note. A file entry
    on path C before the joint release carries the note "nog niet besproken met de ouder"
    (R36), which the actor confirms."""
    req, locked = _locked_duty(actor, duty)
    enforce(followup_policy.may_complete_duty(actor, locked))
    errors: dict[str, str] = {}
    day = parse_date(done_on, "done_on", errors, label=_("Vul in wanneer u dit deed."))
    on_hold_record = locked.kind in RECORD_DUTIES and followup_selectors.hold_active(req)
    if on_hold_record and not not_discussed_confirmed:
        errors["not_discussed_confirmed"] = _(
            "Bevestig dat u in het dossier hebt genoteerd dat het contact nog niet met de ouder is "
            "besproken."
        )  # R36
    note = limited_text(note, "note", errors, NOTE)
    if errors:
        raise Incomplete(errors)
    locked.status = DutyStatus.DONE
    locked.done_by = actor.user
    locked.done_at = timezone.now()
    locked.done_on = day
    locked.note = note
    locked.not_discussed_with_parent = on_hold_record
    save_version(actor, locked)
    log_step(
        actor,
        req,
        kind=RequestEventKind.duty_done(locked.kind),
        motivation=locked.note,
        data={
            "duty_id": locked.pk,
            "duty_kind": locked.kind,
            "done_on": day.isoformat(),
            "not_discussed_with_parent": on_hold_record,
        },
    )
    return locked


@service(RequestAuditCode.DUTY_SKIPPED)
def duty_skip(*, actor: Actor, duty: Duty, motivation: str) -> Duty:
    """R5: depart from the agreements for this duty, with a recorded motivation (listed for the
    teamleider). The feedback that closes a path-C request (R38) cannot be skipped."""
    req, locked = _locked_duty(actor, duty)
    enforce(followup_policy.may_skip_duty(actor, locked))
    errors: dict[str, str] = {}
    motivation = limited_text(motivation, "motivation", errors, MOTIVATION)
    if not motivation:
        errors["motivation"] = _("Motiveer waarom u deze taak niet uitvoert.")  # R5
    if errors:
        raise Incomplete(errors)
    locked.status = DutyStatus.SKIPPED
    locked.done_by = actor.user
    locked.done_at = timezone.now()
    locked.note = motivation
    save_version(actor, locked)
    record_deviation(
        actor,
        kind=DeviationKind.DUTY_SKIPPED,
        motivation=locked.note,
        request=req,
        data={"duty_id": locked.pk, "duty_kind": locked.kind},
    )
    log_step(
        actor,
        req,
        kind=RequestEventKind.duty_skipped(locked.kind),
        motivation=locked.note,
        data={"duty_id": locked.pk, "duty_kind": locked.kind},
    )
    return locked


# --------------------------------------------------------------------------------------------
# The path-C hold: released only jointly (R35, R37, R40)
# --------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------
# Feedback from the requester (R38)
# --------------------------------------------------------------------------------------------


@service(RequestAuditCode.FEEDBACK_GIVEN, AuditAction.CREATE)
def feedback_give(
    *, actor: Actor, request: InformationRequest, what_was_done: str, what_follows: str
) -> Feedback:
    """R38: what was done with the information and what follows. Required before a path-C
    request with an answer is closed (``rules.missing_for_close``); offered on the others."""
    req = _locked_request(request, actor)
    enforce(followup_policy.may_give_feedback(actor, req))
    errors: dict[str, str] = {}
    what_was_done = limited_text(what_was_done, "what_was_done", errors, MOTIVATION)
    if not what_was_done:
        errors["what_was_done"] = _("Beschrijf wat er met de informatie is gedaan.")  # R38
    what_follows = limited_text(what_follows, "what_follows", errors, MOTIVATION)
    if not what_follows:
        errors["what_follows"] = _("Beschrijf wat er verder gebeurt.")  # R38
    if errors:
        raise Incomplete(errors)
    feedback = Feedback.objects.create(
        request=req,
        given_by=actor.user,
        organisation=actor.organisation,
        what_was_done=what_was_done,
        what_follows=what_follows,
    )
    event = log_step(
        actor,
        req,
        kind=RequestEventKind.FEEDBACK_GIVEN,
        data={"feedback_id": feedback.pk},
    )
    open_duty = (
        Duty.objects.select_for_update()
        .filter(request=req, kind=DutyKind.REQUESTER_FEEDBACK, status=DutyStatus.OPEN)
        .first()
    )
    if open_duty is not None:
        open_duty.status = DutyStatus.DONE
        open_duty.done_by = actor.user
        open_duty.done_at = event.occurred_at
        open_duty.done_on = local_today()
        save_version(actor, open_duty)
    return feedback


# --------------------------------------------------------------------------------------------
# Secondary use and filing as approved information (R28)
# --------------------------------------------------------------------------------------------


@service(RequestAuditCode.FILING_APPROVED, AuditAction.CREATE)
def filing_approve(*, actor: Actor, request: InformationRequest, note: str = "") -> ApprovedFiling:
    """R28: the clinician marks the provided text as approved information for the file; the
    requester sees the mark."""
    req = _locked_request(request, actor)
    enforce(followup_policy.may_approve_filing(actor, req))
    errors: dict[str, str] = {}
    note = limited_text(note, "note", errors, NOTE)
    if errors:
        raise Incomplete(errors)
    approval = ApprovedFiling.objects.create(request=req, approved_by=actor.user, note=note)
    log_step(
        actor,
        req,
        kind=RequestEventKind.FILING_APPROVED,
        motivation=approval.note,
        data={"approved_filing_id": approval.pk},
    )
    return approval


# --------------------------------------------------------------------------------------------
# Veilig Thuis (R2)
# --------------------------------------------------------------------------------------------



@service(RequestAuditCode.VEILIG_THUIS_ENGAGED, AuditAction.CREATE)
def veilig_thuis_record(
    *,
    actor: Actor,
    request: InformationRequest,
    engaged_on: dt.date | str | None,
    safety_concerns: bool,
    reference: str = "",
    note: str = "",
) -> VeiligThuisEngagement:
    """R2: the provider could not provide (``followup.policy.veilig_thuis_possible``) and there are concerns
    about the child's safety: the requester records that Veilig Thuis was engaged, and when."""
    req = _locked_request(request, actor)
    enforce(followup_policy.may_record_veilig_thuis(actor, req))
    errors: dict[str, str] = {}
    day = parse_date(
        engaged_on, "engaged_on", errors, label=_("Vul in wanneer Veilig Thuis is ingeschakeld.")
    )
    if not safety_concerns:
        errors["safety_concerns"] = _(
            "Veilig Thuis wordt ingeschakeld bij zorgen over de veiligheid van het kind."
        )  # R2
    reference = limited_text(reference, "reference", errors, REFERENCE)
    note = limited_text(note, "note", errors, NOTE)
    if errors:
        raise Incomplete(errors)
    engagement = VeiligThuisEngagement.objects.create(
        request=req,
        recorded_by=actor.user,
        organisation=actor.organisation,
        engaged_on=day,
        safety_concerns=True,
        reference=reference,
        note=note,
    )
    log_step(
        actor,
        req,
        kind=RequestEventKind.VEILIG_THUIS_ENGAGED,
        motivation=engagement.note,
        data={"veilig_thuis_engagement_id": engagement.pk, "engaged_on": day.isoformat()},
    )
    return engagement


# --------------------------------------------------------------------------------------------
# The adult client of a Kindcheck or a reverse question
# --------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------
# The Kindcheck (L4)
# --------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------
# The reverse direction (R3)
# --------------------------------------------------------------------------------------------



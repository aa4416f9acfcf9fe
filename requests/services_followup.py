"""Every write of the follow-up after the answer (issue 4): duties towards the parent and the
own file (R27, R30, R31, R36, R37, R38), the path-C hold and its joint release (R35, R37, R40),
feedback (R38), secondary use (R28), filing as approved information (R28), Veilig Thuis (R2),
deviations (R5), the reverse direction (R3) and the Kindcheck (L4).

The style of ``requests/services.py`` (whose helpers this module reuses): keyword-only, ``actor=``
first, one transaction per call (:func:`_service`), the request row locked first, access
checked (``Http404`` for what the actor may not see, ``PermissionDenied`` for the wrong role or
side, ``IllegalMove`` for the wrong moment, ``Incomplete`` for what is missing — nothing changes
then), and a ``RequestEvent`` plus an audit event in the same transaction. Denials are logged
after the rollback.

**The path-C hold** (R35, R40). While :func:`requests.selectors_followup.hold_active` holds,
no duty that prompts contact with the parent may exist (``PARENT_FACING_DUTIES``): the duties
opened after the answer leave them out on path C, and :func:`_open_duty` refuses them as a
last line. Only the joint release — a proposal by one side, agreed by the *other* side
(:func:`hold_release_agree`) — opens the duty "Ouder informeren" (R37).

**Which duties a step opens** (:func:`open_duties_after`, called by ``services._log`` for every
request event, in the same transaction; idempotent: one duty per kind per request):

- submitted (or re-decided) on path B → the requester tells the parent about the contact (R30);
- answer sent → both sides record the contact in their own file (R31, R36; on path C with the
  note "nog niet besproken met de ouder"); path A/B: the clinician gives feedback to the parent
  at the next contact (R27); path C: the requester reports back to the provider (R38);
- refusal confirmed (or upheld) → both sides record (R31: with the motivation not to provide);
  path A/B: feedback to the parent (R27, R12: the parent hears the decision).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed, can_proceed

from audit.events import record, record_denied
from audit.models import AuditAction
from requests import rules_followup, selectors
from requests import selectors_followup as fsel
from requests import services as base
from requests.bsn import is_valid_bsn, normalise_bsn
from requests.models import (
    DUTY_SIDES,
    PARENT_FACING_DUTIES,
    RECORD_DUTIES,
    ApprovedFiling,
    ConsentPath,
    Decision,
    Deviation,
    DeviationKind,
    Duty,
    DutyKind,
    DutySide,
    DutyStatus,
    Feedback,
    HoldRelease,
    InformationRequest,
    Kindcheck,
    KindcheckNextStep,
    Parent,
    RequestEvent,
    ReverseQuestion,
    ReverseQuestionEvent,
    SecondaryPurpose,
    SecondaryUse,
    VeiligThuisEngagement,
)
from requests.workflow import OPEN_FOR_PROVIDER, ReleaseStatus, RequestStatus, SecondaryUseStatus
from toolkid.actors import Actor
from toolkid.errors import IllegalMove, Incomplete
from toolkid.models import Organisation, OrganisationKind, Role
from toolkid.working_calendar import explain_due_date

S = RequestStatus

#: After the exchange: states in which information was provided or a refusal is known.
ANSWERED_STATES = (S.ANSWERED, S.CLOSED)
REFUSAL_KNOWN_STATES = (S.REFUSED, S.CONTESTED, S.CLOSED)


# --------------------------------------------------------------------------------------------
# Plumbing
# --------------------------------------------------------------------------------------------


def _record_denial(event: str, action: str, kwargs: dict[str, Any]) -> None:
    actor = kwargs.get("actor")
    object_type, object_id, parent_ref = "", "", ""
    target = next(
        (
            kwargs[k]
            for k in ("request", "duty", "release", "use", "question", "kindcheck")
            if k in kwargs and kwargs[k] is not None
        ),
        None,
    )
    if isinstance(target, (ReverseQuestion, Kindcheck)):
        found = type(target).objects.select_related("parent").filter(pk=target.pk).first()
        object_type, object_id = type(target)._meta.label_lower, str(target.pk)
        parent_ref = found.parent.audit_ref if found is not None else ""
    elif target is not None:
        request_pk = (
            target.pk if isinstance(target, InformationRequest) else getattr(target, "request_id", None)
        )
        found = InformationRequest.objects.select_related("parent").filter(pk=request_pk).first()
        object_type, object_id = InformationRequest._meta.label_lower, str(request_pk)
        parent_ref = found.audit_ref if found is not None else ""
    record_denied(
        actor=actor if isinstance(actor, Actor) else None,
        event=event,
        action=action,
        object_type=object_type,
        object_id=object_id,
        parent_ref=parent_ref,
    )


_service = base.service_decorator(_record_denial)


def _locked_request(request_or_pk: InformationRequest | int, actor: Actor) -> InformationRequest:
    req = base._lock(request_or_pk)
    base._require_visible(actor, req)
    return req


def _require_side(actor: Actor, req: InformationRequest, side: str | None = None) -> str:
    """The actor's side on the request (``DutySide``); ``side`` demands a particular one."""
    actual = fsel.side_of(actor, req)
    if actual is None or (side is not None and actual != side):
        raise base._forbidden()
    return actual


def _require_hold_side(actor: Actor, req: InformationRequest) -> str:
    """R37: the side's voice on the hold (``selectors_followup.may_act_on_hold``)."""
    side = _require_side(actor, req)
    if not fsel.may_act_on_hold(actor, req):
        raise PermissionDenied(_("Alleen de behandelend zorgverlener of de teamleider kan dit doen."))
    return side


def _require_requester(
    actor: Actor, req: InformationRequest, roles: Iterable[str] = (Role.JEUGDHULPVERLENER,)
) -> None:
    if req.requesting_organisation_id != actor.organisation.pk or not actor.has_role(*roles):
        raise base._forbidden()


def _require_clinician(actor: Actor, req: InformationRequest) -> None:
    """The clinician of the receiving organisation who handled the request (or the teamleider,
    when the clinician is no longer there)."""
    if req.receiving_organisation_id != actor.organisation.pk:
        raise base._forbidden()
    if not (base._is_handler(actor, req) or actor.has_role(Role.TEAMLEIDER)):
        raise PermissionDenied(_("Alleen de behandelend zorgverlener kan dit doen."))


def _require_answered(actor: Actor, req: InformationRequest) -> None:
    if req.status not in ANSWERED_STATES or req.answered_at is None:
        raise IllegalMove(
            _("Dit kan pas als de zorgverlener informatie heeft verstrekt."), code="not_answered"
        )


def _save_version(actor: Actor, obj: Any) -> None:
    """Save a follow-up row; django-simple-history records who made this version."""
    obj._history_user = actor.user
    obj.save()


def _move(actor: Actor, obj: Any, transition_name: str) -> tuple[str, str]:
    before = obj.status
    try:
        getattr(obj, transition_name)()
    except TransitionNotAllowed:
        raise IllegalMove(
            _("Dit kan niet meer: de status is ‘%(status)s’.") % {"status": obj.get_status_display()},
            code="illegal_move",
        ) from None
    return str(before), str(obj.status)


def _require_can(actor: Actor, obj: Any, transition_name: str) -> None:
    """The state before the rules: "not now" is said before "incomplete"."""
    if not can_proceed(getattr(obj, transition_name)):
        _move(actor, obj, transition_name)  # raises IllegalMove with the current state


def _as_date(
    value: object, key: str, errors: dict[str, str], *, required: bool = True, label: str | None = None
) -> dt.date | None:
    try:
        day = base._as_date(value)
    except (TypeError, ValueError):
        errors[key] = _("Ongeldige datum.")
        return None
    if day is None:
        if required:
            errors[key] = label or _("Vul de datum in.")
        return None
    if day > base._today():
        errors[key] = _("De datum ligt in de toekomst.")
    return day


def _deviation(
    actor: Actor,
    *,
    kind: str,
    motivation: str,
    request: InformationRequest | None = None,
    kindcheck: Kindcheck | None = None,
    question: ReverseQuestion | None = None,
    data: dict[str, Any] | None = None,
) -> Deviation:
    """R5: a recorded motivation for departing from the agreements, in the caller's transaction."""
    row = Deviation.objects.create(
        organisation=actor.organisation,
        recorded_by=actor.user,
        kind=kind,
        motivation=motivation.strip(),
        request=request,
        kindcheck=kindcheck,
        reverse_question=question,
        data=dict(data or {}),
    )
    parent_ref = ""
    if request is not None:
        parent_ref = request.audit_ref
    elif kindcheck is not None:
        parent_ref = kindcheck.parent.audit_ref
    elif question is not None:
        parent_ref = question.audit_ref
    record(
        actor=actor,
        event="deviation.recorded",
        action=AuditAction.CREATE,
        obj=row,
        parent_ref=parent_ref,
        payload={
            "kind": kind,
            "request_id": request.pk if request else None,
            "kindcheck_id": kindcheck.pk if kindcheck else None,
            "reverse_question_id": question.pk if question else None,
            **(data or {}),
        },
    )
    return row


def may_record_deviation(actor: Actor, req: InformationRequest) -> bool:
    """Who records a departure from the agreements on a request (R5, "Afwijking vastleggen"):
    those who speak for a side — the handling clinician or the teamleider of the receiving
    organisation, the jeugdhulpverlener or the teamleider of the requesting one."""
    return req.status != S.DRAFT and fsel.may_act_on_hold(actor, req)


@_service("deviation.recorded", AuditAction.CREATE)
def deviation_record(
    *,
    actor: Actor,
    kind: str,
    motivation: str,
    request: InformationRequest | None = None,
) -> Deviation:
    """R5: record a departure from the agreements (a step the workflow allows to skip or
    deviate from), with its motivation; the teamleider of the actor's organisation lists it
    (``selectors_followup.deviations_for``). On a request's page ("Afwijking vastleggen") only
    for :func:`may_record_deviation`."""
    if not selectors.is_acting(actor):
        raise base._forbidden()
    if kind not in DeviationKind.values:
        raise ValueError(f"unknown deviation kind {kind!r}")
    if request is not None:
        request = _locked_request(request, actor)
        if not may_record_deviation(actor, request):
            raise PermissionDenied(
                _("Alleen de behandelend zorgverlener, de aanvrager of de teamleider kan dit doen.")
            )
    if base._blank(motivation):
        raise Incomplete({"motivation": _("Motiveer waarom u afwijkt van de afspraken (R5).")})
    return _deviation(actor, kind=kind, motivation=motivation, request=request)


# --------------------------------------------------------------------------------------------
# Duties: opened by the request's steps, done (or skipped, R5) by the right side
# --------------------------------------------------------------------------------------------


def _duties_for_step(req: InformationRequest, kind: str) -> list[str]:
    path = req.consent_path
    if kind in ("submitted", "consent_path_redecided"):
        return [DutyKind.TELL_PARENT_CONTACT] if path == ConsentPath.B else []  # R30
    if kind == "answer_sent":
        after = [DutyKind.PROVIDER_RECORD, DutyKind.REQUESTER_RECORD]  # R31, R36
        # R27 — not on path C (R40); there R38 instead.
        after.append(DutyKind.REQUESTER_FEEDBACK if path == ConsentPath.C else DutyKind.PARENT_FEEDBACK)
        return after
    # An upheld refusal (R8) opens them on its confirmation (R11), like any other "no".
    if kind == "refusal_confirmed":
        after = [DutyKind.PROVIDER_RECORD, DutyKind.REQUESTER_RECORD]  # R31: with the motivation
        if path != ConsentPath.C:
            after.append(DutyKind.PARENT_FEEDBACK)  # R27, R12: the parent hears the decision
        return after
    return []


def open_duties_after(actor: Actor, req: InformationRequest, event: RequestEvent) -> list[Duty]:
    """The duties a request step brings (see the module docs). Called by ``services._log``
    inside the step's transaction; writes nothing for other steps."""
    kinds = _duties_for_step(req, event.kind)
    return [duty for kind in kinds if (duty := _open_duty(req, kind, event)) is not None]


def _open_duty(req: InformationRequest, kind: str, event: RequestEvent | None) -> Duty | None:
    """Open one duty (once per kind). R40: never a parent-facing duty while the hold holds."""
    if kind in PARENT_FACING_DUTIES and fsel.hold_active(req):
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
    locked = Duty.objects.select_for_update().get(pk=duty.pk)
    if not fsel.may_do_duty(actor, locked):
        raise PermissionDenied(_("Deze taak is voor de andere partij."))
    if locked.status != DutyStatus.OPEN:
        raise IllegalMove(_("Deze taak is al afgehandeld."), code="duty_closed")
    return req, locked


@_service("request.duty_done")
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
    if locked.kind == DutyKind.REQUESTER_FEEDBACK:
        raise IllegalMove(
            _("Geef de terugkoppeling via het formulier ‘Terugkoppeling aan de zorgverlener’."),
            code="use_feedback",
        )
    errors: dict[str, str] = {}
    day = _as_date(done_on, "done_on", errors, label=_("Vul in wanneer u dit deed."))
    on_hold_record = locked.kind in RECORD_DUTIES and fsel.hold_active(req)
    if on_hold_record and not not_discussed_confirmed:
        errors["not_discussed_confirmed"] = _(
            "Bevestig dat u in het dossier hebt genoteerd dat het contact nog niet met de ouder is "
            "besproken (R36)."
        )
    if errors:
        raise Incomplete(errors)
    locked.status = DutyStatus.DONE
    locked.done_by = actor.user
    locked.done_at = timezone.now()
    locked.done_on = day
    locked.note = base._clean_text(note)
    locked.not_discussed_with_parent = on_hold_record
    _save_version(actor, locked)
    base._log(
        actor,
        req,
        kind=f"duty_done.{locked.kind}",
        event="request.duty_done",
        motivation=locked.note,
        data={
            "duty_id": locked.pk,
            "duty_kind": locked.kind,
            "done_on": day.isoformat(),
            "not_discussed_with_parent": on_hold_record,
        },
    )
    return locked


@_service("request.duty_skipped")
def duty_skip(*, actor: Actor, duty: Duty, motivation: str) -> Duty:
    """R5: depart from the agreements for this duty, with a recorded motivation (listed for the
    teamleider). The feedback that closes a path-C request (R38) cannot be skipped."""
    req, locked = _locked_duty(actor, duty)
    if locked.kind == DutyKind.REQUESTER_FEEDBACK:
        raise IllegalMove(
            _("De terugkoppeling aan de zorgverlener is verplicht bij een verzoek zonder toestemming (R38)."),
            code="feedback_required",
        )
    if base._blank(motivation):
        raise Incomplete({"motivation": _("Motiveer waarom u deze taak niet uitvoert (R5).")})
    locked.status = DutyStatus.SKIPPED
    locked.done_by = actor.user
    locked.done_at = timezone.now()
    locked.note = motivation.strip()
    _save_version(actor, locked)
    _deviation(
        actor,
        kind=DeviationKind.DUTY_SKIPPED,
        motivation=locked.note,
        request=req,
        data={"duty_id": locked.pk, "duty_kind": locked.kind},
    )
    base._log(
        actor,
        req,
        kind=f"duty_skipped.{locked.kind}",
        event="request.duty_skipped",
        motivation=locked.note,
        data={"duty_id": locked.pk, "duty_kind": locked.kind},
    )
    return locked


# --------------------------------------------------------------------------------------------
# The path-C hold: released only jointly (R35, R37, R40)
# --------------------------------------------------------------------------------------------


def _locked_release(actor: Actor, release: HoldRelease) -> tuple[InformationRequest, HoldRelease]:
    req = _locked_request(release.request_id, actor)
    return req, HoldRelease.objects.select_for_update().get(pk=release.pk)


@_service("request.hold_release_proposed", AuditAction.CREATE)
def hold_release_propose(*, actor: Actor, request: InformationRequest, reason: str) -> HoldRelease:
    """R37: one side proposes to release the path-C hold, with the reason both can weigh. The
    other side agrees or not; until then nothing changes for the parent (R35)."""
    req = _locked_request(request, actor)
    side = _require_hold_side(actor, req)
    if req.consent_path != ConsentPath.C:
        raise IllegalMove(
            _("Alleen bij een verzoek zonder toestemming (pad C) is er een afscherming."), code="not_path_c"
        )
    if req.status == S.DRAFT:
        raise base._illegal(actor, req)
    if not fsel.hold_active(req):
        raise IllegalMove(_("De afscherming is al gezamenlijk opgeheven."), code="already_released")
    if HoldRelease.objects.filter(request=req, status=ReleaseStatus.PROPOSED).exists():
        raise IllegalMove(
            _("Er ligt al een voorstel; de andere partij reageert daarop."), code="proposal_open"
        )
    if base._blank(reason):
        raise Incomplete(
            {
                "reason": _(
                    "Licht toe waarom u vindt dat het contact met de ouder besproken kan worden zonder "
                    "risico's voor de ouder, de professional of het kind (R37)."
                )
            }
        )
    release = HoldRelease.objects.create(
        request=req,
        proposed_by=actor.user,
        proposed_by_organisation=actor.organisation,
        reason=reason.strip(),
    )
    base._log(
        actor,
        req,
        kind="hold_release_proposed",
        event="request.hold_release_proposed",
        action=AuditAction.CREATE,
        motivation=release.reason,
        data={"release_id": release.pk, "side": side},
    )
    return release


def _require_other_side(actor: Actor, req: InformationRequest, release: HoldRelease) -> str:
    side = _require_hold_side(actor, req)
    if release.proposed_by_organisation_id == actor.organisation.pk:
        raise IllegalMove(
            _("De afscherming wordt alleen samen opgeheven: de andere partij moet akkoord geven (R37)."),
            code="other_side_required",
        )
    return side


@_service("request.hold_released")
def hold_release_agree(*, actor: Actor, release: HoldRelease, note: str = "") -> HoldRelease:
    """R37: the *other* side agrees; the hold is released (both recorded). Only now the task
    "Ouder informeren" appears, for the provider (R37, R40)."""
    req, locked = _locked_release(actor, release)
    side = _require_other_side(actor, req, locked)
    transition = _move(actor, locked, "agree")
    locked.responded_by = actor.user
    locked.responded_by_organisation = actor.organisation
    locked.responded_at = timezone.now()
    locked.response_note = base._clean_text(note)
    _save_version(actor, locked)
    event = base._log(
        actor,
        req,
        kind="hold_release_agreed",
        event="request.hold_released",
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


@_service("request.hold_release_declined")
def hold_release_decline(*, actor: Actor, release: HoldRelease, reason: str) -> HoldRelease:
    """R35: the other side does not (yet) judge it free of risk; the hold stays."""
    req, locked = _locked_release(actor, release)
    side = _require_other_side(actor, req, locked)
    _require_can(actor, locked, "decline")
    if base._blank(reason):
        raise Incomplete({"reason": _("Licht toe waarom het nog niet kan (R35).")})
    _move(actor, locked, "decline")
    locked.responded_by = actor.user
    locked.responded_by_organisation = actor.organisation
    locked.responded_at = timezone.now()
    locked.response_note = reason.strip()
    _save_version(actor, locked)
    base._log(
        actor,
        req,
        kind="hold_release_declined",
        event="request.hold_release_declined",
        motivation=locked.response_note,
        data={"release_id": locked.pk, "side": side},
    )
    return locked


@_service("request.hold_release_withdrawn")
def hold_release_withdraw(*, actor: Actor, release: HoldRelease) -> HoldRelease:
    """The proposing side takes its proposal back."""
    req, locked = _locked_release(actor, release)
    _require_hold_side(actor, req)
    if locked.proposed_by_organisation_id != actor.organisation.pk:
        raise PermissionDenied(_("Alleen de partij die het voorstel deed, kan het intrekken."))
    _move(actor, locked, "withdraw")
    _save_version(actor, locked)
    base._log(
        actor,
        req,
        kind="hold_release_withdrawn",
        event="request.hold_release_withdrawn",
        data={"release_id": locked.pk},
    )
    return locked


# --------------------------------------------------------------------------------------------
# Feedback from the requester (R38)
# --------------------------------------------------------------------------------------------


@_service("request.feedback_given", AuditAction.CREATE)
def feedback_give(
    *, actor: Actor, request: InformationRequest, what_was_done: str, what_follows: str
) -> Feedback:
    """R38: what was done with the information and what follows. Required before a path-C
    request with an answer is closed (``rules.missing_for_close``); offered on the others."""
    req = _locked_request(request, actor)
    _require_requester(actor, req, selectors.REQUESTER_ROLES)
    if req.status not in (*ANSWERED_STATES, S.REFUSED, S.CONTESTED):
        raise base._illegal(actor, req)
    errors: dict[str, str] = {}
    if base._blank(what_was_done):
        errors["what_was_done"] = _("Beschrijf wat er met de informatie is gedaan (R38).")
    if base._blank(what_follows):
        errors["what_follows"] = _("Beschrijf wat er verder gebeurt (R38).")
    if errors:
        raise Incomplete(errors)
    feedback = Feedback.objects.create(
        request=req,
        given_by=actor.user,
        organisation=actor.organisation,
        what_was_done=what_was_done.strip(),
        what_follows=what_follows.strip(),
    )
    event = base._log(
        actor,
        req,
        kind="feedback_given",
        event="request.feedback_given",
        action=AuditAction.CREATE,
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
        open_duty.done_on = base._today()
        _save_version(actor, open_duty)
    return feedback


# --------------------------------------------------------------------------------------------
# Secondary use and filing as approved information (R28)
# --------------------------------------------------------------------------------------------


@_service("request.secondary_use_submitted", AuditAction.CREATE)
def secondary_use_submit(
    *, actor: Actor, request: InformationRequest, purpose: str, description: str, text: str = ""
) -> SecondaryUse:
    """R28: before the provided information is used for another purpose (e.g. a request to the
    juvenile court), the intended use (and the text, if any) is put before the clinician."""
    req = _locked_request(request, actor)
    _require_requester(actor, req)
    _require_answered(actor, req)
    errors: dict[str, str] = {}
    if purpose not in SecondaryPurpose.values:
        errors["purpose"] = _("Kies waarvoor u de informatie wilt gebruiken.")
    if base._blank(description):
        errors["description"] = _("Beschrijf hoe u de informatie wilt gebruiken.")
    if errors:
        raise Incomplete(errors)
    use = SecondaryUse.objects.create(
        request=req,
        purpose=purpose,
        description=description.strip(),
        text=base._clean_text(text),
        submitted_by=actor.user,
        organisation=actor.organisation,
    )
    base._log(
        actor,
        req,
        kind="secondary_use_submitted",
        event="request.secondary_use_submitted",
        action=AuditAction.CREATE,
        data={"secondary_use_id": use.pk, "purpose": purpose},
    )
    return use


@_service("request.secondary_use_replied")
def secondary_use_reply(*, actor: Actor, use: SecondaryUse, agree: bool, comments: str = "") -> SecondaryUse:
    """R28: the clinician agrees or objects, with comments (required with an objection)."""
    req = _locked_request(use.request_id, actor)
    locked = SecondaryUse.objects.select_for_update().get(pk=use.pk)
    _require_clinician(actor, req)
    if locked.status != SecondaryUseStatus.SUBMITTED:
        raise IllegalMove(_("Op dit voorstel is al gereageerd."), code="replied")
    if not agree and base._blank(comments):
        raise Incomplete({"comments": _("Licht uw bezwaar toe (R28).")})
    transition = _move(actor, locked, "agree" if agree else "object_to")
    locked.replied_by = actor.user
    locked.replied_at = timezone.now()
    locked.reply_comments = base._clean_text(comments)
    _save_version(actor, locked)
    base._log(
        actor,
        req,
        kind="secondary_use_agreed" if agree else "secondary_use_objected",
        event="request.secondary_use_replied",
        motivation=locked.reply_comments,
        data={"secondary_use_id": locked.pk, "to": transition[1]},
    )
    return locked


@_service("request.secondary_use_sent", AuditAction.TRANSFER)
def secondary_use_mark_sent(
    *, actor: Actor, use: SecondaryUse, sent_on: dt.date | str | None, motivation: str = ""
) -> SecondaryUse:
    """R28: marked sent only after the clinician's reply. Despite an objection the requester may
    still decide to send (R8), with a recorded motivation (R5)."""
    req = _locked_request(use.request_id, actor)
    locked = SecondaryUse.objects.select_for_update().get(pk=use.pk)
    _require_requester(actor, req)
    if locked.status == SecondaryUseStatus.SUBMITTED:
        raise IllegalMove(
            _("Wacht op de reactie van de zorgverlener; pas daarna kunt u de informatie versturen (R28)."),
            code="reply_pending",
        )
    _require_can(actor, locked, "mark_sent")
    errors: dict[str, str] = {}
    day = _as_date(sent_on, "sent_on", errors, label=_("Vul in wanneer u de informatie verstuurde."))
    objected = locked.status == SecondaryUseStatus.OBJECTED
    if objected and base._blank(motivation):
        errors["motivation"] = _(
            "De zorgverlener heeft bezwaar. Motiveer waarom u de informatie toch verstuurt (R5, R8)."
        )
    if errors:
        raise Incomplete(errors)
    _move(actor, locked, "mark_sent")
    locked.sent_by = actor.user
    locked.sent_at = timezone.now()
    locked.sent_on = day
    locked.sent_motivation = base._clean_text(motivation)
    _save_version(actor, locked)
    if objected:
        _deviation(
            actor,
            kind=DeviationKind.SECONDARY_USE_DESPITE_OBJECTION,
            motivation=locked.sent_motivation,
            request=req,
            data={"secondary_use_id": locked.pk},
        )
    base._log(
        actor,
        req,
        kind="secondary_use_sent",
        event="request.secondary_use_sent",
        action=AuditAction.TRANSFER,
        motivation=locked.sent_motivation,
        data={
            "secondary_use_id": locked.pk,
            "purpose": locked.purpose,
            "sent_on": day.isoformat(),
            "despite_objection": objected,
        },
    )
    return locked


@_service("request.secondary_use_withdrawn")
def secondary_use_withdraw(*, actor: Actor, use: SecondaryUse) -> SecondaryUse:
    req = _locked_request(use.request_id, actor)
    locked = SecondaryUse.objects.select_for_update().get(pk=use.pk)
    _require_requester(actor, req)
    _move(actor, locked, "withdraw")
    _save_version(actor, locked)
    base._log(
        actor,
        req,
        kind="secondary_use_withdrawn",
        event="request.secondary_use_withdrawn",
        data={"secondary_use_id": locked.pk},
    )
    return locked


@_service("request.filing_approved", AuditAction.CREATE)
def filing_approve(*, actor: Actor, request: InformationRequest, note: str = "") -> ApprovedFiling:
    """R28: the clinician marks the provided text as approved information for the file; the
    requester sees the mark."""
    req = _locked_request(request, actor)
    _require_clinician(actor, req)
    _require_answered(actor, req)
    if ApprovedFiling.objects.filter(request=req).exists():
        raise IllegalMove(_("Deze informatie is al goedgekeurd voor het dossier."), code="approved")
    approval = ApprovedFiling.objects.create(request=req, approved_by=actor.user, note=base._clean_text(note))
    base._log(
        actor,
        req,
        kind="filing_approved",
        event="request.filing_approved",
        action=AuditAction.CREATE,
        motivation=approval.note,
        data={"approved_filing_id": approval.pk},
    )
    return approval


# --------------------------------------------------------------------------------------------
# Veilig Thuis (R2)
# --------------------------------------------------------------------------------------------


def veilig_thuis_possible(req: InformationRequest) -> bool:
    """R2's "could not provide": a confirmed refusal, or a request still open for the provider
    after its due date (overdue; the sweep told the requester of this option, issue 5)."""
    if req.decision == Decision.NOT_PROVIDE and req.status in REFUSAL_KNOWN_STATES:
        return True
    return req.status in OPEN_FOR_PROVIDER and req.due_date is not None and req.due_date < base._today()


@_service("request.veilig_thuis_engaged", AuditAction.CREATE)
def veilig_thuis_record(
    *,
    actor: Actor,
    request: InformationRequest,
    engaged_on: dt.date | str | None,
    safety_concerns: bool,
    reference: str = "",
    note: str = "",
) -> VeiligThuisEngagement:
    """R2: the provider could not provide (:func:`veilig_thuis_possible`) and there are concerns
    about the child's safety: the requester records that Veilig Thuis was engaged, and when."""
    req = _locked_request(request, actor)
    _require_requester(actor, req, selectors.REQUESTER_ROLES)
    if not veilig_thuis_possible(req):
        raise IllegalMove(
            _(
                "Veilig Thuis inschakelen wordt hier vastgelegd als de zorgverlener de informatie niet "
                "kon verstrekken: na een bevestigde weigering, of als het verzoek na de uiterste datum "
                "nog niet is beantwoord (R2)."
            ),
            code="not_refused",
        )
    errors: dict[str, str] = {}
    day = _as_date(engaged_on, "engaged_on", errors, label=_("Vul in wanneer Veilig Thuis is ingeschakeld."))
    if not safety_concerns:
        errors["safety_concerns"] = _(
            "Veilig Thuis wordt ingeschakeld bij zorgen over de veiligheid van het kind (R2)."
        )
    if errors:
        raise Incomplete(errors)
    engagement = VeiligThuisEngagement.objects.create(
        request=req,
        recorded_by=actor.user,
        organisation=actor.organisation,
        engaged_on=day,
        safety_concerns=True,
        reference=base._clean_text(reference)[:50],
        note=base._clean_text(note),
    )
    base._log(
        actor,
        req,
        kind="veilig_thuis_engaged",
        event="request.veilig_thuis_engaged",
        action=AuditAction.CREATE,
        motivation=engagement.note,
        data={"veilig_thuis_engagement_id": engagement.pk, "engaged_on": day.isoformat()},
    )
    return engagement


# --------------------------------------------------------------------------------------------
# The adult client of a Kindcheck or a reverse question
# --------------------------------------------------------------------------------------------


def _client_errors(actor: Actor, data: Parent | dict[str, Any]) -> dict[str, str]:
    """What is wrong with the adult client as given (nothing is written)."""
    errors: dict[str, str] = {}
    if isinstance(data, Parent):
        if data.organisation_id != actor.organisation.pk:
            errors["parent_name"] = _("Onbekende cliënt.")
        return errors
    if not base._clean_text(data.get("name")):
        errors["parent_name"] = _("Vul de naam van de cliënt in.")
    try:
        born = base._as_date(data.get("date_of_birth"))
    except (TypeError, ValueError):
        errors["parent_date_of_birth"] = _("Ongeldige datum.")
        born = None
    if born is None:
        errors.setdefault("parent_date_of_birth", _("Vul de geboortedatum van de cliënt in."))
    elif born > base._today():
        errors["parent_date_of_birth"] = _("De geboortedatum ligt in de toekomst.")
    bsn = normalise_bsn(str(data.get("bsn") or "")) if data.get("bsn") else ""
    if bsn and not is_valid_bsn(bsn):
        errors["parent_bsn"] = _("Dit is geen geldig BSN (negen cijfers, elfproef).")
    return errors


def _client(actor: Actor, data: Parent | dict[str, Any]) -> Parent:
    """The adult client, owned by the actor's organisation: the one given, or one made (a BSN
    that matches a client of the organisation links that record). Check
    :func:`_client_errors` first."""
    if isinstance(data, Parent):
        return data
    org = actor.organisation
    bsn = normalise_bsn(str(data.get("bsn") or "")) if data.get("bsn") else ""
    if bsn:
        existing = Parent.objects.filter(organisation=org, bsn=bsn).first()
        if existing is not None:
            return existing
    client = Parent(
        organisation=org,
        name=base._clean_text(data.get("name")),
        date_of_birth=base._as_date(data.get("date_of_birth")),
        bsn=bsn,
    )
    _save_version(actor, client)
    return client


# --------------------------------------------------------------------------------------------
# The Kindcheck (L4)
# --------------------------------------------------------------------------------------------


@_service("kindcheck.recorded", AuditAction.CREATE)
def kindcheck_record(
    *,
    actor: Actor,
    parent: Parent | dict[str, Any],
    checked_on: dt.date | str | None,
    cares_for_minors: bool | None,
    is_pregnant: bool = False,
    children_ages: Iterable[int] = (),
    safety_concerns: bool | None = None,
    concerns_note: str = "",
) -> Kindcheck:
    """L4, meldcode step 1: does the adult client care for minor children (or is pregnant), how
    old are they, are there concerns about their safety? With concerns, the next steps follow
    (:func:`kindcheck_choose_next_steps`)."""
    if not selectors.is_acting(actor) or not actor.has_role(Role.ZORGVERLENER):
        raise base._forbidden()
    ages = sorted(children_ages)
    errors: dict[str, str] = {}
    try:
        day = base._as_date(checked_on)
    except (TypeError, ValueError):
        day = None
    errors.update(
        rules_followup.missing_for_kindcheck(
            checked_on=day,
            cares_for_minors=cares_for_minors,
            is_pregnant=bool(is_pregnant),
            children_ages=ages,
            safety_concerns=safety_concerns,
            concerns_note=concerns_note,
            today=base._today(),
        )
    )
    errors.update(_client_errors(actor, parent))
    if errors:
        raise Incomplete(errors)
    client = _client(actor, parent)
    check = Kindcheck(
        organisation=actor.organisation,
        clinician=actor.user,
        parent=client,
        checked_on=day,
        cares_for_minors=bool(cares_for_minors),
        is_pregnant=bool(is_pregnant),
        children_ages=ages,
        safety_concerns=bool(safety_concerns),
        concerns_note=base._clean_text(concerns_note),
    )
    _save_version(actor, check)
    record(
        actor=actor,
        event="kindcheck.recorded",
        action=AuditAction.CREATE,
        obj=check,
        parent_ref=client.audit_ref,
        # Identifiers only: whether the client has children, is pregnant or worries us stays in
        # the Kindcheck itself (audit payloads hold no health data).
        payload={"kindcheck_id": check.pk},
    )
    return check


@_service("kindcheck.next_steps_recorded")
def kindcheck_choose_next_steps(
    *, actor: Actor, kindcheck: Kindcheck, steps: Iterable[str], note: str = ""
) -> Kindcheck:
    """L4, meldcode step 2: with concerns, what the clinician does next — consult a colleague,
    consult Veilig Thuis, ask youth care (R3). No step despite concerns departs from the
    agreements and needs a motivation (R5)."""
    locked = Kindcheck.objects.select_for_update().select_related("parent").filter(pk=kindcheck.pk).first()
    if locked is None or not fsel.kindcheck_is_visible_to(actor, locked):
        raise fsel.kindcheck_not_found()
    if not locked.safety_concerns:
        raise IllegalMove(
            _("Vervolgstappen horen bij een Kindcheck met zorgen over de veiligheid."), code="no_concerns"
        )
    chosen = list(dict.fromkeys(steps))
    errors = rules_followup.missing_for_next_steps(steps=chosen, note=note)
    if errors:
        raise Incomplete(errors)
    locked.next_steps = chosen
    locked.next_steps_note = base._clean_text(note)
    locked.next_steps_recorded_at = timezone.now()
    locked.next_steps_recorded_by = actor.user
    _save_version(actor, locked)
    if chosen == [KindcheckNextStep.NONE]:
        _deviation(
            actor,
            kind=DeviationKind.KINDCHECK_NO_NEXT_STEP,
            motivation=locked.next_steps_note,
            kindcheck=locked,
        )
    record(
        actor=actor,
        event="kindcheck.next_steps_recorded",
        action=AuditAction.UPDATE,
        obj=locked,
        parent_ref=locked.parent.audit_ref,
        payload={"kindcheck_id": locked.pk, "next_steps": chosen},
    )
    return locked


# --------------------------------------------------------------------------------------------
# The reverse direction (R3)
# --------------------------------------------------------------------------------------------


def _question_log(
    actor: Actor,
    question: ReverseQuestion,
    *,
    kind: str,
    event: str,
    action: str = AuditAction.UPDATE,
    transition: tuple[str, str] | None = None,
    motivation: str = "",
    data: dict[str, Any] | None = None,
) -> ReverseQuestionEvent:
    """The question's own event row and the audit event, together (as ``services._log``)."""
    from_status, to_status = transition or ("", "")
    data = dict(data or {})
    row = ReverseQuestionEvent.objects.create(
        question=question,
        actor=actor.user,
        organisation=actor.organisation,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        motivation=motivation,
        data=data,
    )
    payload: dict[str, Any] = {"kind": kind, "reverse_question_event_id": row.pk, **data}
    if transition:
        payload.update(from_status=from_status, to_status=to_status)
    record(
        actor=actor, event=event, action=action, obj=question, parent_ref=question.audit_ref, payload=payload
    )
    return row


def _locked_question(actor: Actor, question: ReverseQuestion) -> ReverseQuestion:
    locked = ReverseQuestion.objects.select_for_update().filter(pk=question.pk).first()
    if locked is None or not fsel.reverse_is_visible_to(actor, locked):
        raise fsel.reverse_not_found()
    return locked


@_service("reverse_question.submitted", AuditAction.CREATE)
def reverse_question_submit(
    *,
    actor: Actor,
    receiving_organisation: Organisation | None,
    parent: Parent | dict[str, Any],
    child_name_or_initials: str,
    child_date_of_birth: dt.date | str | None,
    phone_contact_date: dt.date | str | None,
    phone_contact_with: str,
    asks_interventions: bool,
    asks_kopp_kvo: bool,
    question: str = "",
    consent_parents: bool = False,
    consent_child: bool = False,
    consent_note: str = "",
    kindcheck: Kindcheck | None = None,
) -> ReverseQuestion:
    """R3: an adult-care clinician asks youth care which interventions are deployed for a child
    and whether a preventive KOPP/KVO offer fits. A shorter form than a request; the consent the
    child's age requires (L2); five working days of the receiving organisation (R26, L1)."""
    if not selectors.is_acting(actor) or not actor.has_role(Role.ZORGVERLENER):
        raise base._forbidden()
    if actor.organisation.kind != OrganisationKind.VOLWASSENENZORG:
        raise PermissionDenied(
            _("Deze vraag stelt een zorgverlener van de volwassenenzorg aan de jeugdhulp (R3).")
        )
    if kindcheck is not None and not fsel.kindcheck_is_visible_to(actor, kindcheck):
        raise fsel.kindcheck_not_found()
    today = base._today()
    errors: dict[str, str] = {}
    if (
        receiving_organisation is None
        or not receiving_organisation.is_active
        or receiving_organisation.kind not in OrganisationKind.requester_kinds()
    ):
        errors["receiving_organisation"] = _("Kies de organisatie voor jeugdhulp die u de vraag stelt.")
    if base._blank(child_name_or_initials):
        errors["child_name_or_initials"] = _("Vul de naam of initialen van het kind in.")
    dates: dict[str, dt.date | None] = {}
    for key, value in (
        ("child_date_of_birth", child_date_of_birth),
        ("phone_contact_date", phone_contact_date),
    ):
        try:
            dates[key] = base._as_date(value)
        except (TypeError, ValueError):
            dates[key] = None
            errors[key] = _("Ongeldige datum.")
    for key, message in rules_followup.missing_for_reverse_question(
        child_date_of_birth=dates["child_date_of_birth"],
        phone_contact_date=dates["phone_contact_date"],
        phone_contact_with=phone_contact_with,
        asks_interventions=asks_interventions,
        asks_kopp_kvo=asks_kopp_kvo,
        consent_parents=consent_parents,
        consent_child=consent_child,
        consent_note=consent_note,
        today=today,
    ).items():
        errors.setdefault(key, message)
    for key, message in _client_errors(actor, parent).items():
        errors.setdefault(key, message)
    if errors:
        raise Incomplete(errors)
    client = _client(actor, parent)
    explanation = explain_due_date(receiving_organisation, today)
    born = dates["child_date_of_birth"]
    row = ReverseQuestion(
        asking_organisation=actor.organisation,
        asker=actor.user,
        receiving_organisation=receiving_organisation,
        parent=client,
        child_name_or_initials=child_name_or_initials.strip(),
        child_date_of_birth=born,
        child_age=rules_followup.age_on(born, today),
        phone_contact_date=dates["phone_contact_date"],
        phone_contact_with=phone_contact_with.strip(),
        asks_interventions=bool(asks_interventions),
        asks_kopp_kvo=bool(asks_kopp_kvo),
        question=base._clean_text(question),
        consent_parents=bool(consent_parents),
        consent_child=bool(consent_child),
        consent_note=consent_note.strip(),
        kindcheck=kindcheck,
        submitted_at=timezone.now(),
        due_date=explanation.due,
        due_explanation=explanation.to_dict(),
    )
    _save_version(actor, row)
    row.reference = f"TKJ-{today.year}-{row.pk:06d}"
    _save_version(actor, row)
    _question_log(
        actor,
        row,
        kind="submitted",
        event="reverse_question.submitted",
        action=AuditAction.CREATE,
        transition=("", str(row.status)),
        data={
            "reference": row.reference,
            "receiving_organisation_id": receiving_organisation.pk,
            "due_date": explanation.due.isoformat(),
            "kindcheck_id": kindcheck.pk if kindcheck else None,
        },
    )
    return row


@_service("reverse_question.answered", AuditAction.TRANSFER)
def reverse_question_answer(
    *, actor: Actor, question: ReverseQuestion, interventions: str = "", kopp_kvo: str = ""
) -> ReverseQuestion:
    """R3, R25: youth care answers what was asked, factually."""
    locked = _locked_question(actor, question)
    if not (fsel.reverse_is_receiver(actor, locked) and actor.has_role(Role.JEUGDHULPVERLENER)):
        raise base._forbidden()
    _require_can(actor, locked, "answer")
    errors = rules_followup.missing_for_reverse_answer(
        asks_interventions=locked.asks_interventions,
        asks_kopp_kvo=locked.asks_kopp_kvo,
        interventions=interventions,
        kopp_kvo=kopp_kvo,
    )
    if errors:
        raise Incomplete(errors)
    transition = _move(actor, locked, "answer")
    locked.answer_interventions = base._clean_text(interventions)
    locked.answer_kopp_kvo = base._clean_text(kopp_kvo)
    locked.answered_by = actor.user
    locked.answered_at = timezone.now()
    _save_version(actor, locked)
    _question_log(
        actor,
        locked,
        kind="answered",
        event="reverse_question.answered",
        action=AuditAction.TRANSFER,
        transition=transition,
        data={"asking_organisation_id": locked.asking_organisation_id},
    )
    return locked


@_service("reverse_question.declined")
def reverse_question_decline(*, actor: Actor, question: ReverseQuestion, motivation: str) -> ReverseQuestion:
    """R39, L2: youth care does not answer, with a motivation."""
    locked = _locked_question(actor, question)
    if not (fsel.reverse_is_receiver(actor, locked) and actor.has_role(Role.JEUGDHULPVERLENER)):
        raise base._forbidden()
    _require_can(actor, locked, "decline")
    if base._blank(motivation):
        raise Incomplete({"motivation": _("Motiveer waarom u de vraag niet beantwoordt (R39).")})
    transition = _move(actor, locked, "decline")
    locked.decline_motivation = motivation.strip()
    locked.answered_by = actor.user
    locked.answered_at = timezone.now()
    _save_version(actor, locked)
    _question_log(
        actor,
        locked,
        kind="declined",
        event="reverse_question.declined",
        transition=transition,
        motivation=locked.decline_motivation,
    )
    return locked


@_service("reverse_question.withdrawn")
def reverse_question_withdraw(*, actor: Actor, question: ReverseQuestion, reason: str) -> ReverseQuestion:
    locked = _locked_question(actor, question)
    if not (fsel.reverse_is_asker(actor, locked) and actor.has_role(Role.ZORGVERLENER)):
        raise base._forbidden()
    _require_can(actor, locked, "withdraw")
    if base._blank(reason):
        raise Incomplete({"reason": _("Geef aan waarom u de vraag intrekt.")})
    transition = _move(actor, locked, "withdraw")
    locked.withdrawn_reason = reason.strip()
    _save_version(actor, locked)
    _question_log(
        actor,
        locked,
        kind="withdrawn",
        event="reverse_question.withdrawn",
        transition=transition,
        motivation=locked.withdrawn_reason,
    )
    return locked


@_service("reverse_question.acknowledged")
def reverse_question_acknowledge(*, actor: Actor, question: ReverseQuestion) -> ReverseQuestion:
    locked = _locked_question(actor, question)
    if not (fsel.reverse_is_asker(actor, locked) and actor.has_role(Role.ZORGVERLENER)):
        raise base._forbidden()
    transition = _move(actor, locked, "acknowledge")
    _save_version(actor, locked)
    _question_log(
        actor, locked, kind="acknowledged", event="reverse_question.acknowledged", transition=transition
    )
    return locked

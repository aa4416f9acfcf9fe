"""What every write to a request does, in the same order (ARCHITECTURE "Where logic lives").

Each service is keyword-only, takes ``actor=`` first and runs in one transaction (the
``@service(code)`` decorator). Inside it:

1. :func:`lock` re-fetches the row under ``select_for_update()``, so two people acting at once
   queue instead of both winning;
2. :func:`require_visible`: a request the actor may not see is a 404, exactly like the pages;
   :func:`check_seen`: the page was rendered for a state the row is no longer in: ``Conflict``;
3. ``requests.core.policy``: the one decision whether this actor may do this now, raised by
   :func:`enforce` as ``PermissionDenied`` (wrong role or side) or ``IllegalMove`` (wrong state,
   named as the actor may see it, R11);
4. the rules of the protocol (``Incomplete(errors)``: nothing changed);
5. :func:`move` through the django-fsm transition, :func:`save`, and :func:`log_step`: the
   ``RequestEvent`` (the request's own timeline) and the audit event (NEN 7513, L5) in the same
   transaction, under the code the service was decorated with (named once).

Denied access is logged with ``record_denied`` *after* the service's transaction rolled back, so
the denial survives (see ``audit.events``). Side effects leave as rows written in the same
transaction (notifications, deadline notices, duties); the sweep sends their e-mail after commit.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed, can_proceed
from guardian.shortcuts import assign_perm, remove_perm

from audit.events import record, record_denied
from audit.models import AuditAction
from requests.core import access
from requests.core.models import InformationRequest, RequestEvent
from requests.core.policy import Decision
from toolkid.actors import Actor
from toolkid.errors import Conflict, IllegalMove
from toolkid.limits import check_length
from toolkid.models import Organisation, Role, User
from toolkid.services import role_group

P = ParamSpec("P")
R = TypeVar("R")

HANDLE_PERM = f"requests.{access.HANDLE_PERMISSION}"
ADVISE_PERM = f"requests.{access.ADVISE_PERMISSION}"

#: The audit code and action of the service running now, so a service names its code once (in
#: its decorator) and :func:`log_step` writes under it.
_running: ContextVar[tuple[str, str] | None] = ContextVar("requests_service_code", default=None)

#: Called by :func:`log_step` with every step, inside the service's transaction. The follow-up
#: registers the duties a step opens (R27, R30, R31, R36, R38) here, so the kernel does not
#: import the sub-domain that builds on it.
StepListener = Callable[[Actor, InformationRequest, RequestEvent], object]
_step_listeners: list[StepListener] = []


def on_step(listener: StepListener) -> StepListener:
    """Register ``listener`` (idempotent; usable as a decorator)."""
    if listener not in _step_listeners:
        _step_listeners.append(listener)
    return listener


def running_code() -> tuple[str, str]:
    """The (audit code, action) of the service running now."""
    running = _running.get()
    if running is None:
        raise RuntimeError("log_step outside a @service: name the audit code")
    return running


#: How a services module logs a refused call: (event, action, the service's keyword arguments).
DenialRecorder = Callable[[str, str, dict[str, Any]], None]


def service_decorator(
    record_denial: DenialRecorder,
) -> Callable[..., Callable[[Callable[P, R]], Callable[P, R]]]:
    """Make a services module's ``@service(event, action)``: the service runs in one
    transaction; a denial (``Http404``/``PermissionDenied``) is logged by ``record_denial``
    after that transaction rolled back, so the denial survives.

    The body sees ``transaction.atomic`` exactly as with ``@transaction.atomic``.
    """

    def service(event: str, action: str = AuditAction.UPDATE) -> Callable[[Callable[P, R]], Callable[P, R]]:
        def decorate(fn: Callable[P, R]) -> Callable[P, R]:
            @functools.wraps(fn)
            def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
                token = _running.set((str(event), str(action)))
                try:
                    with transaction.atomic():
                        return fn(*args, **kwargs)
                except (Http404, PermissionDenied):
                    record_denial(event, action, kwargs)
                    raise
                finally:
                    _running.reset(token)

            return wrapper

        return decorate

    return service


#: The keyword arguments a service names its subject by, in the order they are looked at.
_SUBJECTS = ("request", "advice", "duty", "release", "use", "question", "kindcheck")


def record_denial(event: str, action: str, kwargs: dict[str, Any]) -> None:
    """Log a refused service call against its subject (L5, R41): the request it concerns (also
    for a row beside a request: advice, duty, release, use), or the parent a Kindcheck or a
    reverse question is about. Re-read from the database: the caller's object may be stale."""
    actor = kwargs.get("actor")
    target = next((kwargs[k] for k in _SUBJECTS if kwargs.get(k) is not None), None)
    object_type, object_id, parent_ref = "", "", ""
    about_parent = target is not None and hasattr(target, "parent_id") and not hasattr(target, "request_id")
    if about_parent and not isinstance(target, InformationRequest):
        model = type(target)
        found = model.objects.select_related("parent").filter(pk=target.pk).first()
        object_type, object_id = model._meta.label_lower, str(target.pk)
        parent_ref = found.parent.audit_ref if found is not None else ""
    elif target is not None:
        request_pk = getattr(target, "request_id", None)
        if isinstance(target, InformationRequest):
            request_pk = target.pk
        if request_pk is not None:
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


#: ``@service(code, action)``: every service of the app, one transaction, its audit code named once.
service = service_decorator(record_denial)


def lock(request: InformationRequest | int) -> InformationRequest:
    """Re-fetch the row under ``SELECT ... FOR UPDATE`` (on SQLite the BEGIN IMMEDIATE of every
    transaction gives the same exclusion)."""
    pk = request if isinstance(request, int) else request.pk
    try:
        return InformationRequest.objects.select_for_update().get(pk=pk)
    except InformationRequest.DoesNotExist:
        raise access.not_found() from None


def enforce(decision: Decision) -> None:
    """Raise what a refused :class:`~requests.core.policy.Decision` means: ``PermissionDenied``
    for the wrong actor, ``IllegalMove`` (with its code) for the wrong moment."""
    if decision:
        return
    if decision.forbidden:
        raise PermissionDenied(decision.reason)
    raise IllegalMove(decision.reason, code=decision.code)


def require_visible(actor: Actor, req: InformationRequest) -> None:
    if not access.is_visible_to(actor, req):
        raise access.not_found()


def forbidden() -> PermissionDenied:
    """For a caller that is no actor at all (no acting organisation); who may do what is the
    policy's (:func:`enforce`)."""
    return PermissionDenied(_("U hebt niet de juiste rol om dit te doen."))










def illegal(actor: Actor, req: InformationRequest) -> IllegalMove:
    # The state as the actor may see it: a requester never learns of a pending refusal (R11).
    return IllegalMove(
        _("Dit kan niet nu het verzoek de status ‘%(status)s’ heeft.")
        % {"status": access.status_for(actor, req).label},
        code="illegal_move",
    )


def require_can(actor: Actor, req: InformationRequest, transition: str) -> None:
    """Check the state before the rules, so the user hears "wrong state" before "incomplete"."""
    if not can_proceed(getattr(req, transition)):
        raise illegal(actor, req)




def move(actor: Actor, req: InformationRequest, transition: str) -> tuple[str, str]:
    before = req.status
    try:
        getattr(req, transition)()
    except TransitionNotAllowed:
        raise illegal(actor, req) from None
    return str(before), str(req.status)


def save(actor: Actor, req: InformationRequest, fields: Iterable[str] | None = None) -> None:
    # django-simple-history: who made this version (the middleware does it for web requests).
    req._history_user = actor.user
    if fields is None:
        req.save()
    else:
        req.save(update_fields=[*fields, "updated_at"])


def log_step(
    actor: Actor,
    req: InformationRequest,
    *,
    kind: str,
    event: str | None = None,
    action: str | None = None,
    transition: tuple[str, str] | None = None,
    motivation: str = "",
    data: dict[str, Any] | None = None,
) -> RequestEvent:
    """The RequestEvent (the request's own history) and the audit event (NEN 7513), together.

    ``data`` holds identifiers, codes and ISO dates only; free text goes in ``motivation``,
    which stays in the RequestEvent and never reaches the audit trail. ``event`` and ``action``
    default to the running service's (its decorator names them); the action of a step is an
    update unless the service says otherwise.
    """
    if event is None:
        event, running_action = running_code()
        action = action or running_action
    action = action or AuditAction.UPDATE
    from_status, to_status = transition or ("", "")
    data = dict(data or {})
    request_event = RequestEvent.objects.create(
        request=req,
        actor=actor.user,
        organisation=actor.organisation,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        motivation=motivation,
        data=data,
    )
    payload: dict[str, Any] = {"kind": kind, "request_event_id": request_event.pk, **data}
    if transition:
        payload["from_status"] = from_status
        payload["to_status"] = to_status
    record(actor=actor, event=event, action=action, obj=req, parent_ref=req.audit_ref, payload=payload)
    for listener in _step_listeners:
        listener(actor, req, request_event)
    return request_event


def iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def clean_text(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {type(value).__name__}")
    return value.strip()


def limited_text(value: object, key: str, errors: dict[str, Any], limit: int) -> str:
    """:func:`clean_text`, and ``errors[key]`` says so in Dutch when the text is longer than
    ``limit`` (a kind from ``toolkid.limits``). Every service checks the text it takes here,
    before it writes anything, and raises ``Incomplete(errors)``: a service is also called
    without a form (demo data, tests, later an API)."""
    text = clean_text(value)
    check_length(errors, key, text, limit)
    return text


def as_date(value: object) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        raise TypeError("expected a date, not a datetime")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    raise TypeError(f"expected a date, got {type(value).__name__}")


def reject_unknown(given: Iterable[str], allowed: frozenset[str], what: str) -> None:
    unknown = sorted(set(given) - allowed)
    if unknown:
        raise ValueError(f"{what}: not allowed: {', '.join(unknown)}")


def conflict() -> Conflict:
    return Conflict(_("Een collega heeft dit verzoek zojuist behandeld."), code="conflict")


def check_expected(req: InformationRequest, expected_status: str | None) -> None:
    """Optimistic concurrency on top of the row lock: the form was rendered for a state; if
    the locked row is no longer in it, someone else acted first."""
    if expected_status is not None and req.status != expected_status:
        raise conflict()


def check_seen(actor: Actor, req: InformationRequest, expected_status: str | None) -> None:
    """Optimistic concurrency against the state *as the actor may see it*
    (``access.status_for``), which is what a page's hidden ``expected_status`` carries.

    The provider side sees the real state. The requester side never sees a refusal that waits
    for a second person (R11): its page says "in behandeling", so that is what it is compared
    with, and neither a conflict nor its absence reveals the pending refusal.
    """
    if expected_status is not None and access.status_for(actor, req) != expected_status:
        raise conflict()


def local_today() -> dt.date:
    return timezone.localdate()


def is_active_clinician(user: User, organisation: Organisation) -> bool:
    return (
        user.is_active
        and user.memberships.filter(
            organisation=organisation, role=Role.ZORGVERLENER, is_active=True
        ).exists()
    )


def grant_handling(req: InformationRequest, clinician: User, previous: User | None) -> None:
    if previous is not None and previous.pk != clinician.pk:
        remove_perm(HANDLE_PERM, previous, req)
    assign_perm(HANDLE_PERM, clinician, req)


def refer_to_legal(req: InformationRequest) -> None:
    """R31, R8: the receiving organisation's legal advisors may see and advise on this request."""
    assign_perm(ADVISE_PERM, role_group(req.receiving_organisation, Role.JURIDISCH_ADVISEUR), req)


def clear_decision(req: InformationRequest) -> None:
    req.decision = ""
    req.decision_motivation = ""
    req.ots_not_needed_motivation = ""
    req.decided_by = None
    req.decided_at = None
    req.refusal_confirmed_by = None
    req.refusal_confirmed_at = None
    req.refusal_confirmation_note = ""

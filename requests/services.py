"""Every write to an information request (ARCHITECTURE "Where logic lives").

Each service is keyword-only, takes ``actor=`` first and runs in one transaction
(:func:`_service` wraps the body in ``transaction.atomic``). Inside it:

1. locks the request row (``select_for_update()``, re-fetched by pk), so two people acting at
   once queue instead of both winning;
2. checks access: a request the actor may not see raises ``Http404``, exactly like
   ``requests.selectors.request_get_for``; a visible request but the wrong role raises
   ``PermissionDenied``; the wrong state raises ``IllegalMove`` with a Dutch message naming the
   state (as the actor may see it, R11);
3. checks the protocol (``requests.rules``) and raises ``Incomplete(errors)`` — nothing changed;
4. moves the state through the django-fsm transition, saves, writes a ``RequestEvent``
   (kind, from/to, motivation; data with identifiers only) and an audit event
   (``request.<verb>``, with the parent reference) in the same transaction.

Denied access (``Http404``/``PermissionDenied``) is logged with ``record_denied`` *after* the
service's transaction rolled back, so the denial survives (see ``audit.events``).

Side effects leave as rows written in the same transaction (notifications, deadline notices,
duties); the periodic sweep sends their e-mail after the commit.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Callable, Iterable
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
from consent.models import ConsentDeclaration
from requests import clock, rules, selectors
from requests.bsn import is_valid_bsn, normalise_bsn
from requests.models import (
    Child,
    ConsentPath,
    Decision,
    InformationRequest,
    LegalAdvice,
    LegalAdviceOrigin,
    LegalAdviceStatus,
    LegalFramework,
    Parent,
    ParentConsultationOutcome,
    RepresentativeKind,
    RequestedTopic,
    RequestEvent,
    Severity,
    Topic,
)
from requests.workflow import WITHDRAWABLE, RequestStatus
from toolkid.actors import Actor
from toolkid.errors import Conflict, IllegalMove, Incomplete
from toolkid.models import Organisation, Role, User
from toolkid.services import role_group
from toolkid.working_calendar import explain_due_date

S = RequestStatus
P = ParamSpec("P")
R = TypeVar("R")

HANDLE_PERM = f"requests.{selectors.HANDLE_PERMISSION}"
ADVISE_PERM = f"requests.{selectors.ADVISE_PERMISSION}"

#: What ``request_draft_update(fields=...)`` may set. Anything else is a programming error.
DRAFT_FIELDS: frozenset[str] = frozenset(
    {
        "draft_step",
        "receiving_organisation",
        "intended_clinician",
        "parent",
        "phone_contact_date",
        "phone_contact_with",
        "legal_framework",
        "framework_change_reason",
        "has_ots",
        "severity",
        "reason",
        "no_parenting_judgement_confirmed",
        "consent_path",
        "consent_declaration",
        *rules.PATH_B_EXPLANATIONS,
        "b_will_inform_parent",
        *rules.PATH_C_EXPLANATIONS,
    }
)
#: Fields that cannot change once the provider has seen the request (R7: it comes back to
#: the same organisation, about the same parent).
_FIXED_AFTER_SUBMIT: frozenset[str] = frozenset({"receiving_organisation", "parent"})
PARENT_FIELDS: frozenset[str] = frozenset(
    {
        "name",
        "date_of_birth",
        "bsn",
        "is_incapacitated",
        "representative_name",
        "representative_kind",
    }
)
CHILD_FIELDS: frozenset[str] = frozenset({"name_or_initials", "date_of_birth"})
TOPIC_FIELDS: frozenset[str] = frozenset({"topic", "question"})
#: What ``request_redecide_consent_path(fields=...)`` may set.
CONSENT_PATH_FIELDS: frozenset[str] = frozenset(
    {
        *rules.PATH_B_EXPLANATIONS,
        "b_will_inform_parent",
        *rules.PATH_C_EXPLANATIONS,
    }
)
_BOOLEAN_FIELDS = frozenset({"has_ots", "no_parenting_judgement_confirmed", "b_will_inform_parent"})
_DATE_FIELDS = frozenset({"phone_contact_date"})
_CHOICE_FIELDS: dict[str, Iterable[str]] = {
    "legal_framework": LegalFramework.values,
    "severity": Severity.values,
    "consent_path": ConsentPath.values,
}


# --------------------------------------------------------------------------------------------
# Plumbing
# --------------------------------------------------------------------------------------------


#: How a services module logs a refused call: (event, action, the service's keyword arguments).
DenialRecorder = Callable[[str, str, dict[str, Any]], None]


def service_decorator(
    record_denial: DenialRecorder,
) -> Callable[..., Callable[[Callable[P, R]], Callable[P, R]]]:
    """Make a services module's ``@_service(event, action)``: the service runs in one
    transaction; a denial (``Http404``/``PermissionDenied``) is logged by ``record_denial``
    after that transaction rolled back, so the denial survives.

    The body sees ``transaction.atomic`` exactly as with ``@transaction.atomic``.
    """

    def service(event: str, action: str = AuditAction.UPDATE) -> Callable[[Callable[P, R]], Callable[P, R]]:
        def decorate(fn: Callable[P, R]) -> Callable[P, R]:
            @functools.wraps(fn)
            def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
                try:
                    with transaction.atomic():
                        return fn(*args, **kwargs)
                except (Http404, PermissionDenied):
                    record_denial(event, action, kwargs)
                    raise

            return wrapper

        return decorate

    return service


def _record_denial(event: str, action: str, kwargs: dict[str, Any]) -> None:
    actor = kwargs.get("actor")
    target = kwargs.get("request")
    advice = kwargs.get("advice")
    request_pk = getattr(target, "pk", None)
    if request_pk is None and isinstance(advice, LegalAdvice):
        request_pk = advice.request_id
    found = (
        InformationRequest.objects.select_related("parent").filter(pk=request_pk).first()
        if request_pk is not None
        else None
    )
    record_denied(
        actor=actor if isinstance(actor, Actor) else None,
        event=event,
        action=action,
        object_type=InformationRequest._meta.label_lower if request_pk is not None else "",
        object_id=str(request_pk) if request_pk is not None else "",
        parent_ref=found.audit_ref if found is not None else "",
    )


_service = service_decorator(_record_denial)


def _lock(request: InformationRequest | int) -> InformationRequest:
    """Re-fetch the row under ``SELECT ... FOR UPDATE`` (on SQLite the BEGIN IMMEDIATE of every
    transaction gives the same exclusion)."""
    pk = request if isinstance(request, int) else request.pk
    try:
        return InformationRequest.objects.select_for_update().get(pk=pk)
    except InformationRequest.DoesNotExist:
        raise selectors.not_found() from None


def _require_visible(actor: Actor, req: InformationRequest) -> None:
    if not selectors.is_visible_to(actor, req):
        raise selectors.not_found()


def _forbidden() -> PermissionDenied:
    return PermissionDenied(_("U hebt niet de juiste rol om dit te doen."))


def _require_requester_side(actor: Actor, req: InformationRequest, roles: Iterable[str]) -> None:
    if req.requesting_organisation_id != actor.organisation.pk or not actor.has_role(*roles):
        raise _forbidden()


def _require_receiver_role(actor: Actor, req: InformationRequest, roles: Iterable[str]) -> None:
    if req.receiving_organisation_id != actor.organisation.pk or not actor.has_role(*roles):
        raise _forbidden()


def _is_handler(actor: Actor, req: InformationRequest) -> bool:
    """The clinician handling the request: a zorgverlener of the receiving organisation holding
    ``handle_request`` on it (the assigned clinician, or a colleague it was delegated to)."""
    return (
        req.receiving_organisation_id == actor.organisation.pk
        and actor.has_role(Role.ZORGVERLENER)
        and actor.user.has_perm(HANDLE_PERM, req)
    )


def _require_handler(actor: Actor, req: InformationRequest) -> None:
    if not _is_handler(actor, req):
        raise PermissionDenied(_("Alleen de behandelend zorgverlener kan dit doen."))


def _illegal(actor: Actor, req: InformationRequest) -> IllegalMove:
    # The state as the actor may see it: a requester never learns of a pending refusal (R11).
    return IllegalMove(
        _("Dit kan niet nu het verzoek de status ‘%(status)s’ heeft.")
        % {"status": selectors.status_for(actor, req).label},
        code="illegal_move",
    )


def _require_can(actor: Actor, req: InformationRequest, transition: str) -> None:
    """Check the state before the rules, so the user hears "wrong state" before "incomplete"."""
    if not can_proceed(getattr(req, transition)):
        raise _illegal(actor, req)


def _require_state(actor: Actor, req: InformationRequest, states: Iterable[str]) -> None:
    if req.status not in tuple(states):
        raise _illegal(actor, req)


def _move(actor: Actor, req: InformationRequest, transition: str) -> tuple[str, str]:
    before = req.status
    try:
        getattr(req, transition)()
    except TransitionNotAllowed:
        raise _illegal(actor, req) from None
    return str(before), str(req.status)


def _save(actor: Actor, req: InformationRequest, fields: Iterable[str] | None = None) -> None:
    # django-simple-history: who made this version (the middleware does it for web requests).
    req._history_user = actor.user
    if fields is None:
        req.save()
    else:
        req.save(update_fields=[*fields, "updated_at"])


def _log(
    actor: Actor,
    req: InformationRequest,
    *,
    kind: str,
    event: str,
    action: str = AuditAction.UPDATE,
    transition: tuple[str, str] | None = None,
    motivation: str = "",
    data: dict[str, Any] | None = None,
) -> RequestEvent:
    """The RequestEvent (the request's own history) and the audit event (NEN 7513), together.

    ``data`` holds identifiers, codes and ISO dates only; free text goes in ``motivation``,
    which stays in the RequestEvent and never reaches the audit trail.
    """
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
    # Follow-up (issue 4): the duties this step opens (R27, R30, R31, R36, R38), same transaction.
    from requests.services_followup import open_duties_after  # imported here: services_followup imports us

    open_duties_after(actor, req, request_event)
    return request_event


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _clean_text(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {type(value).__name__}")
    return value.strip()


def _as_date(value: object) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        raise TypeError("expected a date, not a datetime")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    raise TypeError(f"expected a date, got {type(value).__name__}")


def _reject_unknown(given: Iterable[str], allowed: frozenset[str], what: str) -> None:
    unknown = sorted(set(given) - allowed)
    if unknown:
        raise ValueError(f"{what}: not allowed: {', '.join(unknown)}")


def _conflict() -> Conflict:
    return Conflict(_("Een collega heeft dit verzoek zojuist behandeld."), code="conflict")


def _check_expected(req: InformationRequest, expected_status: str | None) -> None:
    """Optimistic concurrency on top of the row lock: the form was rendered for a state; if
    the locked row is no longer in it, someone else acted first."""
    if expected_status is not None and req.status != expected_status:
        raise _conflict()


def _check_seen(actor: Actor, req: InformationRequest, expected_status: str | None) -> None:
    """Optimistic concurrency against the state *as the actor may see it*
    (``selectors.status_for``), which is what a page's hidden ``expected_status`` carries.

    The provider side sees the real state. The requester side never sees a refusal that waits
    for a second person (R11): its page says "in behandeling", so that is what it is compared
    with, and neither a conflict nor its absence reveals the pending refusal.
    """
    if expected_status is not None and selectors.status_for(actor, req) != expected_status:
        raise _conflict()


def _today() -> dt.date:
    return timezone.localdate()


def _is_active_clinician(user: User, organisation: Organisation) -> bool:
    return (
        user.is_active
        and user.memberships.filter(
            organisation=organisation, role=Role.ZORGVERLENER, is_active=True
        ).exists()
    )


def _grant_handling(req: InformationRequest, clinician: User, previous: User | None) -> None:
    if previous is not None and previous.pk != clinician.pk:
        remove_perm(HANDLE_PERM, previous, req)
    assign_perm(HANDLE_PERM, clinician, req)


def _refer_to_legal(req: InformationRequest) -> None:
    """R31, R8: the receiving organisation's legal advisors may see and advise on this request."""
    assign_perm(ADVISE_PERM, role_group(req.receiving_organisation, Role.JURIDISCH_ADVISEUR), req)


def _clear_decision(req: InformationRequest) -> None:
    req.decision = ""
    req.decision_motivation = ""
    req.ots_not_needed_motivation = ""
    req.decided_by = None
    req.decided_at = None
    req.refusal_confirmed_by = None
    req.refusal_confirmed_at = None
    req.refusal_confirmation_note = ""


# --------------------------------------------------------------------------------------------
# Filing (the requester side)
# --------------------------------------------------------------------------------------------


@_service("request.draft_created", AuditAction.CREATE)
def request_draft_create(*, actor: Actor) -> InformationRequest:
    """A new, empty draft of the actor's (youth-care) organisation; only they see it."""
    if not selectors.is_acting(actor) or not actor.has_role(Role.JEUGDHULPVERLENER):
        raise _forbidden()
    org = actor.organisation
    if not org.is_requester or not org.is_active:
        raise PermissionDenied(
            _("Alleen organisaties aan de jeugdkant kunnen een informatieverzoek indienen (R1).")
        )
    suggested = rules.suggest_framework(org.kind, False)
    req = InformationRequest(
        requesting_organisation=org,
        requester=actor.user,
        suggested_framework=suggested,
        legal_framework=suggested,
    )
    _save(actor, req)
    _log(
        actor,
        req,
        kind="created",
        event="request.draft_created",
        action=AuditAction.CREATE,
        transition=("", str(req.status)),
    )
    return req


@_service("request.draft_updated")
def request_draft_update(
    *,
    actor: Actor,
    request: InformationRequest,
    fields: dict[str, Any],
    children: list[dict[str, Any]] | None = None,
    topics: list[dict[str, Any]] | None = None,
    parent: dict[str, Any] | None = None,
) -> InformationRequest:
    """Save (part of) a draft, or edit a request returned for reformulation (R7).

    ``fields`` may hold only :data:`DRAFT_FIELDS`; ``children``/``topics`` replace the lists
    when given; ``parent`` creates or updates the parent (owned by the requesting
    organisation). Values are checked for type and choice here; completeness only on submit.
    """
    _reject_unknown(fields, DRAFT_FIELDS, "fields")
    req = _lock(request)
    _require_visible(actor, req)
    _require_requester_side(actor, req, (Role.JEUGDHULPVERLENER,))
    if req.status not in (S.DRAFT, S.RETURNED):
        raise IllegalMove(
            _(
                "Een verzoek kan alleen worden gewijzigd als concept "
                "of als het is teruggestuurd ter herformulering."
            ),
            code="illegal_move",
        )
    errors: dict[str, str] = {}
    if req.status == S.RETURNED:
        for name in sorted(_FIXED_AFTER_SUBMIT & set(fields)):
            errors[name] = _("Dit kan niet meer worden gewijzigd nadat het verzoek is ingediend.")

    previous_suggestion = req.suggested_framework
    for name, value in fields.items():
        if name in errors:
            continue
        _apply_draft_field(req, name, value, errors)

    # L3: keep the suggestion current; follow it while the requester has not chosen otherwise.
    req.suggested_framework = rules.suggest_framework(req.requesting_organisation.kind, req.has_ots)
    if not req.legal_framework or (
        "legal_framework" not in fields and req.legal_framework == previous_suggestion
    ):
        req.legal_framework = req.suggested_framework

    if parent is not None:
        if req.status == S.RETURNED and req.parent_id is None:
            errors["parent_name"] = _("Dit kan niet meer worden gewijzigd nadat het verzoek is ingediend.")
        else:
            _apply_parent(actor, req, parent, errors)
    if errors:
        raise Incomplete(errors)
    _save(actor, req)

    data: dict[str, Any] = {"fields": sorted(fields)}
    if children is not None:
        _replace_children(req, children, errors)
        data["children"] = len(children)
    if topics is not None:
        _replace_topics(req, topics, errors)
        data["topics"] = sorted(str(t.get("topic", "")) for t in topics)
    if parent is not None:
        data["parent_id"] = req.parent_id
    if errors:
        raise Incomplete(errors)
    _log(actor, req, kind="draft_updated", event="request.draft_updated", data=data)
    return req


def _apply_draft_field(req: InformationRequest, name: str, value: Any, errors: dict[str, str]) -> None:
    org = req.requesting_organisation
    if name == "receiving_organisation":
        receiver = (
            value
            if isinstance(value, Organisation) or value is None
            else (Organisation.objects.filter(pk=value).first())
        )
        if value is not None and receiver is None:
            errors[name] = _("Onbekende organisatie.")
            return
        req.receiving_organisation = receiver
    elif name == "intended_clinician":
        clinician = (
            value if isinstance(value, User) or value is None else User.objects.filter(pk=value).first()
        )
        if value is not None and clinician is None:
            errors[name] = _("Onbekende zorgverlener.")
            return
        req.intended_clinician = clinician
    elif name == "parent":
        chosen = (
            value if isinstance(value, Parent) or value is None else Parent.objects.filter(pk=value).first()
        )
        if value is not None and (chosen is None or chosen.organisation_id != org.pk):
            errors["parent_name"] = _("Onbekende ouder.")
            return
        req.parent = chosen
    elif name == "consent_declaration":
        declaration = (
            value
            if isinstance(value, ConsentDeclaration) or value is None
            else (ConsentDeclaration.objects.filter(pk=value).first())
        )
        # Only the requesting organisation's own declarations may be attached (R24).
        if value is not None and (declaration is None or declaration.organisation_id != org.pk):
            errors[name] = _("Onbekende toestemmingsverklaring.")
            return
        req.consent_declaration = declaration
    elif name in _BOOLEAN_FIELDS:
        setattr(req, name, bool(value))
    elif name in _DATE_FIELDS:
        try:
            setattr(req, name, _as_date(value))
        except ValueError:
            errors[name] = _("Ongeldige datum.")
    elif name in _CHOICE_FIELDS:
        text = _clean_text(value)
        if text and text not in _CHOICE_FIELDS[name]:
            errors[name] = _("Ongeldige keuze.")
            return
        setattr(req, name, text)
    else:
        setattr(req, name, _clean_text(value))


def _apply_parent(
    actor: Actor, req: InformationRequest, data: dict[str, Any], errors: dict[str, str]
) -> None:
    """Create or update the parent, owned by the requesting organisation.

    A parent is one record per person per organisation: a BSN that matches another parent of
    the organisation links that record (their consent declarations hang from it); a changed
    BSN on a parent with a BSN means another person, never an edit of the first.
    """
    _reject_unknown(data, PARENT_FIELDS, "parent")
    org = req.requesting_organisation
    target = req.parent if req.parent_id and req.parent.organisation_id == org.pk else None
    bsn = normalise_bsn(data["bsn"]) if "bsn" in data and data["bsn"] else ""
    if "bsn" in data and bsn and not is_valid_bsn(bsn):
        errors["parent_bsn"] = _("Dit is geen geldig BSN (negen cijfers, elfproef).")
        return
    if bsn and (target is None or target.bsn != bsn):
        same_person = Parent.objects.filter(organisation=org, bsn=bsn).first()
        if same_person is not None:
            target = same_person
        elif target is not None and target.bsn:
            target = None  # a different person: a new record
    if target is None:
        target = Parent(organisation=org)
    for name in ("name", "representative_name"):
        if name in data:
            setattr(target, name, _clean_text(data[name]))
    if "bsn" in data:
        target.bsn = bsn
    if "is_incapacitated" in data:
        target.is_incapacitated = bool(data["is_incapacitated"])
    if "representative_kind" in data:
        kind = _clean_text(data["representative_kind"])
        if kind and kind not in RepresentativeKind.values:
            errors["parent_representative_kind"] = _("Ongeldige keuze.")
        target.representative_kind = kind
    if "date_of_birth" in data:
        try:
            target.date_of_birth = _as_date(data["date_of_birth"])
        except ValueError:
            errors["parent_date_of_birth"] = _("Ongeldige datum.")
    if _blank(target.name):
        errors["parent_name"] = _("Vul de naam van de ouder in.")
    if target.date_of_birth is None:
        errors.setdefault("parent_date_of_birth", _("Vul de geboortedatum van de ouder in."))
    elif target.date_of_birth > _today():
        errors["parent_date_of_birth"] = _("De geboortedatum ligt in de toekomst.")
    if errors:
        return
    target._history_user = actor.user
    target.save()
    req.parent = target


def _replace_children(
    req: InformationRequest, children: list[dict[str, Any]], errors: dict[str, str]
) -> None:
    rows: list[Child] = []
    for index, item in enumerate(children):
        _reject_unknown(item, CHILD_FIELDS, "children")
        name = _clean_text(item.get("name_or_initials"))
        try:
            born = _as_date(item.get("date_of_birth"))
        except ValueError:
            born = None
        if not name:
            errors[f"children-{index}-name_or_initials"] = _("Vul de naam of initialen van het kind in.")
        if born is None:
            errors[f"children-{index}-date_of_birth"] = _("Vul de geboortedatum van het kind in.")
        elif born > _today():
            errors[f"children-{index}-date_of_birth"] = _(
                "De geboortedatum van het kind ligt in de toekomst."
            )
        rows.append(Child(request=req, name_or_initials=name, date_of_birth=born))
    if errors:
        return
    req.children.all().delete()
    Child.objects.bulk_create(rows)


def _replace_topics(req: InformationRequest, topics: list[dict[str, Any]], errors: dict[str, str]) -> None:
    rows: list[RequestedTopic] = []
    seen: set[str] = set()
    for item in topics:
        _reject_unknown(item, TOPIC_FIELDS, "topics")
        letter = _clean_text(item.get("topic"))
        if letter not in Topic.values or letter in seen:
            errors["topics"] = _("Kies elk onderwerp (a–f) hooguit één keer.")
            continue
        seen.add(letter)
        rows.append(RequestedTopic(request=req, topic=letter, question=_clean_text(item.get("question"))))
    if errors:
        return
    req.topics.all().delete()
    RequestedTopic.objects.bulk_create(rows)


@_service("request.submitted")
def request_submit(
    *, actor: Actor, request: InformationRequest, submit_token: uuid.UUID
) -> InformationRequest:
    """Send the draft (R22). Idempotent per ``submit_token``: a double submit returns the request
    already sent with that token, unchanged (one record, one event).

    Gives it a reference ``TK-<year>-<pk, six digits>`` and the due date: five working days
    in the receiving organisation's calendar (R26, L1), stored with its explanation.
    """
    already = InformationRequest.objects.filter(submit_token=submit_token).first()
    if already is not None:
        _require_visible(actor, already)
        return already
    req = _lock(request)
    _require_visible(actor, req)
    _require_requester_side(actor, req, (Role.JEUGDHULPVERLENER,))
    if req.submit_token == submit_token:  # the same token won the lock a moment ago
        return req
    _require_can(actor, req, "submit")
    errors = rules.missing_for_submit(req)
    if errors:
        raise Incomplete(errors)
    today = _today()
    explanation = explain_due_date(req.receiving_organisation, today)
    req.submit_token = submit_token
    req.reference = f"TK-{today.year}-{req.pk:06d}"
    req.submitted_at = timezone.now()
    req.due_date = explanation.due
    req.due_explanation = explanation.to_dict()
    transition = _move(actor, req, "submit")
    _save(actor, req)
    clock.clock_started(actor=actor, request=req, explanation=explanation)  # issue 5: history, notices
    _log(
        actor,
        req,
        kind="submitted",
        event="request.submitted",
        transition=transition,
        data={
            "reference": req.reference,
            "receiving_organisation_id": req.receiving_organisation_id,
            "consent_path": req.consent_path,
            "legal_framework": req.legal_framework,
            "due_start": _iso(explanation.start),
            "due_date": _iso(explanation.due),
        },
    )
    return req


@_service("request.resubmitted")
def request_resubmit(*, actor: Actor, request: InformationRequest) -> InformationRequest:
    """R7: the reformulated request goes back; R26: the five working days restart from today.
    The event keeps the old and the new due date, so the history shows both."""
    req = _lock(request)
    _require_visible(actor, req)
    _require_requester_side(actor, req, (Role.JEUGDHULPVERLENER,))
    _require_can(actor, req, "resubmit")
    errors = rules.missing_for_submit(req)
    if errors:
        raise Incomplete(errors)
    old_due = req.due_date
    explanation = explain_due_date(req.receiving_organisation, _today())
    req.due_date = explanation.due
    req.due_explanation = explanation.to_dict()
    transition = _move(actor, req, "resubmit")
    _save(actor, req)
    # Issue 5: the clock restarts (R7, R26), recorded with its explanation; notices re-planned.
    clock.clock_started(actor=actor, request=req, explanation=explanation, previous_due_date=old_due,
                        resumed=True)
    _log(
        actor,
        req,
        kind="resubmitted",
        event="request.resubmitted",
        transition=transition,
        data={
            "old_due_date": _iso(old_due),
            "due_start": _iso(explanation.start),
            "due_date": _iso(explanation.due),
        },
    )
    return req


@_service("request.withdrawn")
def request_withdraw(
    *, actor: Actor, request: InformationRequest, reason: str, expected_status: str | None = None
) -> InformationRequest:
    """The requester withdraws a request that is not yet answered.

    ``expected_status``: the state the requester's page showed (as they may see it, R11)."""
    req = _lock(request)
    _require_visible(actor, req)
    _check_seen(actor, req, expected_status)
    _require_requester_side(actor, req, selectors.REQUESTER_ROLES)
    _require_can(actor, req, "withdraw")
    if _blank(reason):
        raise Incomplete({"reason": _("Geef aan waarom u het verzoek intrekt.")})
    req.withdrawn_reason = reason.strip()
    transition = _move(actor, req, "withdraw")
    _save(actor, req)
    _log(
        actor,
        req,
        kind="withdrawn",
        event="request.withdrawn",
        transition=transition,
        motivation=req.withdrawn_reason,
    )
    return req


@_service("request.acknowledged")
def request_acknowledge(
    *, actor: Actor, request: InformationRequest, expected_status: str | None = None
) -> InformationRequest:
    """The requester read the answer or the (confirmed) refusal; the request is closed.

    ``expected_status``: the state the requester's page showed (as they may see it, R11)."""
    req = _lock(request)
    _require_visible(actor, req)
    _check_seen(actor, req, expected_status)
    _require_requester_side(actor, req, selectors.REQUESTER_ROLES)
    _require_can(actor, req, "acknowledge")
    if errors := rules.missing_for_close(req):  # R38: path C closes only after the feedback
        raise Incomplete(errors)
    req.acknowledged_by = actor.user
    req.acknowledged_at = timezone.now()
    transition = _move(actor, req, "acknowledge")
    _save(actor, req)
    _log(actor, req, kind="acknowledged", event="request.acknowledged", transition=transition)
    return req


@_service("request.consent_path_redecided")
def request_redecide_consent_path(
    *,
    actor: Actor,
    request: InformationRequest,
    path: str,
    fields: dict[str, Any],
    consent_declaration: ConsentDeclaration | None = None,
    expected_status: str | None = None,
) -> InformationRequest:
    """The parent revoked (or let expire) the path-A consent: the requester decides the path
    again, with what that path requires (R29 a new declaration; R30 for B; R32–R33 for C).
    Not once the request was answered (or closed, refused, withdrawn).

    A decision to provide rested on the consent (R29). So when the request was already being
    answered and the new path is B or C, it goes back to "in behandeling" and the earlier
    decision is cleared: the clinician consults the parent (B, R31) or weighs the weighty
    circumstances (C, R34) and decides again. With a new valid declaration (A) the decision
    stands and the answer can still be sent.

    ``expected_status``: the state the requester's page showed (as they may see it, R11).
    """
    _reject_unknown(fields, CONSENT_PATH_FIELDS, "fields")
    req = _lock(request)
    _require_visible(actor, req)
    _check_seen(actor, req, expected_status)
    _require_requester_side(actor, req, selectors.REQUESTER_ROLES)
    if req.status not in WITHDRAWABLE:
        raise IllegalMove(
            _("Het toestemmingspad kan niet meer worden gewijzigd in de status ‘%(status)s’.")
            % {"status": selectors.status_for(actor, req).label},
            code="illegal_move",
        )
    previous = req.consent_declaration
    if req.consent_path != ConsentPath.A or (
        previous is not None and not previous.is_revoked and previous.valid_until >= _today()
    ):
        raise IllegalMove(
            _(
                "Het toestemmingspad wordt alleen opnieuw bepaald "
                "als de toestemming is ingetrokken of verlopen."
            ),
            code="consent_still_valid",
        )
    if path not in ConsentPath.values:
        raise Incomplete({"consent_path": _("Geef aan of toestemming is gevraagd en gegeven.")})
    if (
        path == ConsentPath.A
        and consent_declaration is not None
        and (consent_declaration.organisation_id != req.requesting_organisation_id)
    ):
        raise Incomplete({"consent_declaration": _("Onbekende toestemmingsverklaring.")})
    req.consent_path = path
    req.consent_declaration = consent_declaration if path == ConsentPath.A else None
    for name, value in fields.items():
        if name in _BOOLEAN_FIELDS:
            setattr(req, name, bool(value))
        else:
            setattr(req, name, _clean_text(value))
    errors = rules.missing_for_consent_path(req)
    if errors:
        raise Incomplete(errors)
    transition = None
    if req.status == S.ANSWERING and path != ConsentPath.A:
        # R31 / R34: without the consent the decision to provide no longer stands.
        _clear_decision(req)
        transition = _move(actor, req, "consent_path_redecided")
    _save(actor, req)
    _log(
        actor,
        req,
        kind="consent_path_redecided",
        event="request.consent_path_redecided",
        transition=transition,
        data={
            "from_path": ConsentPath.A.value,
            "to_path": path,
            "previous_consent_declaration_id": previous.pk if previous else None,
            "consent_declaration_id": req.consent_declaration_id,
        },
    )
    return req


@_service("request.refusal_contested", AuditAction.CREATE)
def request_contest_refusal(
    *, actor: Actor, request: InformationRequest, reason: str, expected_status: str | None = None
) -> LegalAdvice:
    """R8: the requester contests a confirmed refusal; the provider's legal advisors are asked.
    The clinician still decides.

    ``expected_status``: the state the requester's page showed (as they may see it, R11)."""
    req = _lock(request)
    _require_visible(actor, req)
    _check_seen(actor, req, expected_status)
    _require_requester_side(actor, req, selectors.REQUESTER_ROLES)
    _require_can(actor, req, "contest_refusal")
    if _blank(reason):
        raise Incomplete({"reason": _("Licht toe waarom u bezwaar maakt tegen de weigering.")})
    transition = _move(actor, req, "contest_refusal")
    _save(actor, req)
    advice = LegalAdvice.objects.create(
        request=req, origin=LegalAdviceOrigin.CONTESTED_REFUSAL, question=reason.strip(), asked_by=actor.user
    )
    _refer_to_legal(req)
    _log(
        actor,
        req,
        kind="refusal_contested",
        event="request.refusal_contested",
        transition=transition,
        motivation=reason.strip(),
        data={"legal_advice_id": advice.pk},
    )
    return advice


# --------------------------------------------------------------------------------------------
# Handling (the provider side)
# --------------------------------------------------------------------------------------------


@_service("request.taken")
def request_take(
    *, actor: Actor, request: InformationRequest, expected_status: str | None = None
) -> InformationRequest:
    """A clinician of the receiving organisation picks up a sent request (R26).

    ``expected_status`` (every handling service takes it): the state the actor's page showed;
    when the request has moved on since, ``Conflict`` (see :func:`_check_seen`)."""
    req = _lock(request)
    _require_visible(actor, req)
    _check_seen(actor, req, expected_status)
    _require_receiver_role(actor, req, (Role.ZORGVERLENER,))
    _require_can(actor, req, "start_handling")
    if req.assigned_clinician_id not in (None, actor.user.pk):
        raise IllegalMove(_("Dit verzoek is al toegewezen aan een collega."), code="assigned")
    transition = _move(actor, req, "start_handling")
    req.assigned_clinician = actor.user
    _save(actor, req)
    _grant_handling(req, actor.user, None)
    _log(
        actor,
        req,
        kind="taken",
        event="request.taken",
        transition=transition,
        data={"clinician_id": actor.user.pk},
    )
    return req


#: States in which a team leader may (re)assign: before and while handling, and when the
#: clinician has to answer a contested refusal (R8) but is no longer there.
ASSIGNABLE = (S.SUBMITTED, S.IN_PROGRESS, S.ANSWERING, S.CONTESTED)


@_service("request.assigned")
def request_assign(
    *,
    actor: Actor,
    request: InformationRequest,
    clinician: User | None,
    expected_status: str | None = None,
) -> InformationRequest:
    """A team leader assigns (or reassigns) the request to an active clinician of the receiving
    organisation. A sent request moves to "in behandeling". Nobody chosen (``None``) is
    ``Incomplete``, like a clinician who is not (or no longer) an active zorgverlener here."""
    req = _lock(request)
    _require_visible(actor, req)
    _check_seen(actor, req, expected_status)
    _require_receiver_role(actor, req, (Role.TEAMLEIDER,))
    _require_state(actor, req, ASSIGNABLE)
    if clinician is None:
        raise Incomplete({"clinician": _("Kies een zorgverlener.")})
    if not _is_active_clinician(clinician, req.receiving_organisation):
        raise Incomplete({"clinician": _("Kies een actieve zorgverlener van uw organisatie.")})
    transition = _move(actor, req, "start_handling") if req.status == S.SUBMITTED else None
    previous = req.assigned_clinician
    req.assigned_clinician = clinician
    _save(actor, req)
    _grant_handling(req, clinician, previous)
    _log(
        actor,
        req,
        kind="assigned",
        event="request.assigned",
        transition=transition,
        data={
            "clinician_id": clinician.pk,
            "previous_clinician_id": previous.pk if previous else None,
        },
    )
    return req


@_service("request.returned")
def request_return_for_reformulation(
    *,
    actor: Actor,
    request: InformationRequest,
    suggestion: str,
    expected_status: str | None = None,
) -> InformationRequest:
    """R7 "Nee… maar wat kan dan wel": send the request back with a better question. The clock
    pauses; it restarts when the requester resubmits."""
    req = _lock(request)
    _require_visible(actor, req)
    _check_seen(actor, req, expected_status)
    _require_receiver_role(actor, req, (Role.ZORGVERLENER, Role.TEAMLEIDER))
    if req.status == S.IN_PROGRESS and not (actor.has_role(Role.TEAMLEIDER) or _is_handler(actor, req)):
        raise PermissionDenied(_("Alleen de behandelend zorgverlener kan dit doen."))
    _require_can(actor, req, "return_for_reformulation")
    if _blank(suggestion):
        raise Incomplete(
            {
                "suggestion": _(
                    "Geef aan welke vraag wel beantwoord kan worden (R7: nee… maar wat kan dan wel)."
                )
            }
        )
    req.reformulation_suggestion = suggestion.strip()
    transition = _move(actor, req, "return_for_reformulation")
    _save(actor, req)
    clock.clock_paused(actor=actor, request=req)  # issue 5: R7 the clock stands still
    _log(
        actor,
        req,
        kind="returned",
        event="request.returned",
        transition=transition,
        motivation=req.reformulation_suggestion,
        data={"due_date": _iso(req.due_date)},
    )
    return req


@_service("request.parent_consulted")
def request_record_parent_consultation(
    *,
    actor: Actor,
    request: InformationRequest,
    date: dt.date,
    outcome: str,
    note: str = "",
    expected_status: str | None = None,
) -> InformationRequest:
    """R31: on path B the provider first consults the parent; record when and the outcome."""
    req = _lock(request)
    _require_visible(actor, req)
    _check_seen(actor, req, expected_status)
    _require_handler(actor, req)
    _require_state(actor, req, (S.IN_PROGRESS,))
    if req.consent_path != ConsentPath.B:
        raise IllegalMove(
            _(
                "Overleg met de ouder over verstrekken wordt vastgelegd "
                "als de ouder geen toestemming gaf (pad B)."
            ),
            code="not_path_b",
        )
    errors: dict[str, str] = {}
    consulted_on = _as_date(date)
    if consulted_on is None:
        errors["date"] = _("Vul de datum van het overleg met de ouder in.")
    elif consulted_on > _today():
        errors["date"] = _("De datum ligt in de toekomst.")
    if outcome not in ParentConsultationOutcome.values:
        errors["outcome"] = _("Geef aan of de ouder akkoord is.")
    if errors:
        raise Incomplete(errors)
    req.parent_consultation_date = consulted_on
    req.parent_consultation_outcome = outcome
    req.parent_consultation_note = _clean_text(note)
    _save(actor, req)
    _log(
        actor,
        req,
        kind="parent_consulted",
        event="request.parent_consulted",
        motivation=req.parent_consultation_note,
        data={"date": _iso(consulted_on), "outcome": outcome},
    )
    return req


@_service("request.internal_consulted")
def request_record_internal_consultation(
    *,
    actor: Actor,
    request: InformationRequest,
    with_whom: str,
    date: dt.date,
    conclusion: str,
    expected_status: str | None = None,
) -> InformationRequest:
    """R31b/c (and R11's learning): internal consultation, recorded with whom, when and the
    conclusion, before a decision against or without the parent's agreement."""
    req = _lock(request)
    _require_visible(actor, req)
    _check_seen(actor, req, expected_status)
    _require_handler(actor, req)
    _require_state(actor, req, (S.IN_PROGRESS, S.CONTESTED))
    errors: dict[str, str] = {}
    consulted_on = _as_date(date)
    if _blank(with_whom):
        errors["with_whom"] = _("Vul in met wie u intern overlegde.")
    if consulted_on is None:
        errors["date"] = _("Vul de datum van het intern overleg in.")
    elif consulted_on > _today():
        errors["date"] = _("De datum ligt in de toekomst.")
    if _blank(conclusion):
        errors["conclusion"] = _("Vul de conclusie van het intern overleg in.")
    if errors:
        raise Incomplete(errors)
    req.internal_consultation_with = with_whom.strip()
    req.internal_consultation_date = consulted_on
    req.internal_consultation_conclusion = conclusion.strip()
    _save(actor, req)
    _log(
        actor,
        req,
        kind="internal_consulted",
        event="request.internal_consulted",
        motivation=req.internal_consultation_conclusion,
        data={"date": _iso(consulted_on)},
    )
    return req


@_service("request.legal_advice_asked", AuditAction.CREATE)
def request_ask_legal_advice(
    *,
    actor: Actor,
    request: InformationRequest,
    question: str,
    expected_status: str | None = None,
) -> LegalAdvice:
    """R31: in doubt the clinician consults a legal advisor / care director /
    geneesheer-directeur. Advice only; the state does not change (R8)."""
    req = _lock(request)
    _require_visible(actor, req)
    _check_seen(actor, req, expected_status)
    _require_handler(actor, req)
    _require_state(actor, req, (S.IN_PROGRESS, S.ANSWERING))
    if _blank(question):
        raise Incomplete({"question": _("Stel uw vraag aan de juridisch adviseur.")})
    advice = LegalAdvice.objects.create(
        request=req, origin=LegalAdviceOrigin.CLINICIAN_DOUBT, question=question.strip(), asked_by=actor.user
    )
    _refer_to_legal(req)
    _log(
        actor,
        req,
        kind="legal_advice_asked",
        event="request.legal_advice_asked",
        action=AuditAction.CREATE,
        data={"legal_advice_id": advice.pk, "origin": advice.origin},
    )
    return advice


@_service("request.legal_advice_given")
def legal_advice_give(*, actor: Actor, advice: LegalAdvice, text: str) -> LegalAdvice:
    """The legal advisor of the receiving organisation answers a referral. Advice only: the
    request's state is unchanged and the clinician decides (R8)."""
    req = _lock(advice.request_id)
    locked_advice = LegalAdvice.objects.select_for_update().get(pk=advice.pk)
    _require_visible(actor, req)
    _require_receiver_role(actor, req, (Role.JURIDISCH_ADVISEUR,))
    if locked_advice.status != LegalAdviceStatus.OPEN:
        raise IllegalMove(_("Dit advies is al gegeven."), code="advice_given")
    if _blank(text):
        raise Incomplete({"advice": _("Schrijf uw advies.")})
    locked_advice.advice = text.strip()
    locked_advice.advisor = actor.user
    locked_advice.status = LegalAdviceStatus.GIVEN
    locked_advice.advised_at = timezone.now()
    locked_advice._history_user = actor.user
    locked_advice.save()
    _log(
        actor,
        req,
        kind="legal_advice_given",
        event="request.legal_advice_given",
        data={"legal_advice_id": locked_advice.pk, "origin": locked_advice.origin},
    )
    return locked_advice


@_service("request.decided")
def request_decide(
    *,
    actor: Actor,
    request: InformationRequest,
    decision: str,
    motivation: str,
    weighing: str = "",
    ots_not_needed_motivation: str = "",
    expected_status: str | None = None,
) -> InformationRequest:
    """Decide to provide (→ answering) or not (→ waits for a second person, R11), always with
    a motivation (R39), after what the path requires (R31 path B, R34 path C) and, under an
    OTS, why a "no" is compatible with the obligation (R4)."""
    req = _lock(request)
    _require_visible(actor, req)
    _check_expected(req, expected_status)
    _require_handler(actor, req)
    transition_name = "decide_refuse" if decision == Decision.NOT_PROVIDE else "decide_provide"
    _require_can(actor, req, transition_name)
    errors = rules.missing_for_decision(
        req, decision, motivation, weighing=weighing, ots_not_needed_motivation=ots_not_needed_motivation
    )
    if errors:
        raise Incomplete(errors)
    _clear_decision(req)
    req.decision = decision
    req.decision_motivation = motivation.strip()
    if not _blank(weighing):
        req.weighing = weighing.strip()
    if decision == Decision.NOT_PROVIDE:
        req.ots_not_needed_motivation = _clean_text(ots_not_needed_motivation)
    req.decided_by = actor.user
    req.decided_at = timezone.now()
    transition = _move(actor, req, transition_name)
    _save(actor, req)
    kind = "decided_refuse" if decision == Decision.NOT_PROVIDE else "decided_provide"
    _log(
        actor,
        req,
        kind=kind,
        event="request.decided",
        transition=transition,
        motivation=req.decision_motivation,
        data={"decision": decision},
    )
    return req


def _require_second_person(actor: Actor, req: InformationRequest, message: str) -> None:
    """R11: a "no" is checked by someone else of the provider."""
    _require_receiver_role(actor, req, selectors.REFUSAL_CONFIRMER_ROLES)
    _require_can(actor, req, "confirm_refusal")
    if req.decided_by_id == actor.user.pk:
        raise IllegalMove(message, code="second_person_required")


@_service("request.refusal_confirmed")
def request_confirm_refusal(
    *,
    actor: Actor,
    request: InformationRequest,
    note: str = "",
    expected_status: str | None = None,
) -> InformationRequest:
    """R11: a team leader or legal advisor other than the decider confirms the refusal; only
    now the requester sees it (with the Veilig Thuis option, R2)."""
    req = _lock(request)
    _require_visible(actor, req)
    _check_seen(actor, req, expected_status)
    _require_second_person(actor, req, _("Een weigering moet door een tweede persoon worden bevestigd."))
    req.refusal_confirmed_by = actor.user
    req.refusal_confirmed_at = timezone.now()
    req.refusal_confirmation_note = _clean_text(note)
    transition = _move(actor, req, "confirm_refusal")
    _save(actor, req)
    _log(
        actor,
        req,
        kind="refusal_confirmed",
        event="request.refusal_confirmed",
        transition=transition,
        motivation=req.refusal_confirmation_note,
        data={"decided_by_id": req.decided_by_id},
    )
    return req


@_service("request.refusal_rejected")
def request_reject_refusal(
    *,
    actor: Actor,
    request: InformationRequest,
    note: str,
    expected_status: str | None = None,
) -> InformationRequest:
    """R11: the second person does not find it a justified "no": back to the clinician, who
    decides again. The requester never learns of the rejected refusal."""
    req = _lock(request)
    _require_visible(actor, req)
    _check_seen(actor, req, expected_status)
    _require_second_person(actor, req, _("Een weigering wordt door een tweede persoon beoordeeld."))
    if _blank(note):
        raise Incomplete({"note": _("Licht toe waarom de weigering niet terecht is (R11).")})
    decided_by_id = req.decided_by_id
    _clear_decision(req)
    transition = _move(actor, req, "reject_refusal")
    _save(actor, req)
    _log(
        actor,
        req,
        kind="refusal_rejected",
        event="request.refusal_rejected",
        transition=transition,
        motivation=note.strip(),
        data={"decided_by_id": decided_by_id},
    )
    return req


@_service("request.reconsidered")
def request_reconsider(
    *,
    actor: Actor,
    request: InformationRequest,
    motivation: str,
    expected_status: str | None = None,
) -> InformationRequest:
    """R8: after the contest (and the advice) the clinician takes the decision up again."""
    req = _lock(request)
    _require_visible(actor, req)
    _check_seen(actor, req, expected_status)
    _require_handler(actor, req)
    _require_can(actor, req, "reconsider")
    if _blank(motivation):
        raise Incomplete({"motivation": _("Licht toe waarom u het besluit heroverweegt (R39).")})
    _clear_decision(req)
    transition = _move(actor, req, "reconsider")
    _save(actor, req)
    _log(
        actor,
        req,
        kind="reconsidered",
        event="request.reconsidered",
        transition=transition,
        motivation=motivation.strip(),
    )
    return req


@_service("request.refusal_upheld")
def request_uphold_refusal(
    *,
    actor: Actor,
    request: InformationRequest,
    motivation: str,
    expected_status: str | None = None,
) -> InformationRequest:
    """R8, R39: after the legal advice on the contest, the clinician keeps the refusal, with a
    motivation the requester reads once it is confirmed. R11: the upheld "no" waits for a
    second person (``request_confirm_refusal``); the upholder is the decider and cannot
    confirm it."""
    req = _lock(request)
    _require_visible(actor, req)
    _check_seen(actor, req, expected_status)
    _require_handler(actor, req)
    _require_can(actor, req, "uphold_refusal")
    if req.legal_advice.filter(
        origin=LegalAdviceOrigin.CONTESTED_REFUSAL, status=LegalAdviceStatus.OPEN
    ).exists():
        raise IllegalMove(
            _("Het juridisch advies over het bezwaar is nog niet gegeven (R8)."), code="advice_open"
        )
    if _blank(motivation):
        raise Incomplete({"motivation": _("Motiveer waarom de weigering blijft staan (R39).")})
    # R11: the upholder is the decider now; the earlier confirmation no longer counts.
    req.decided_by = actor.user
    req.decided_at = timezone.now()
    req.refusal_confirmed_by = None
    req.refusal_confirmed_at = None
    req.refusal_confirmation_note = ""
    transition = _move(actor, req, "uphold_refusal")
    _save(actor, req)
    _log(
        actor,
        req,
        kind="refusal_upheld",
        event="request.refusal_upheld",
        transition=transition,
        motivation=motivation.strip(),
    )
    return req


def _write_answer(actor: Actor, req: InformationRequest, topics: dict[str, dict[str, Any]]) -> None:
    """Write the answer fields of the requested topics on the locked ``req`` (R15–R18), with
    the ``answer_saved`` event. A topic that was not asked about is ``Incomplete`` before
    anything is written."""
    for values in topics.values():
        _reject_unknown(values, frozenset(rules.ANSWER_FIELDS), "topics")
    requested = {t.topic: t for t in req.topics.all()}
    errors = {
        f"topics-{letter}": _("Naar dit onderwerp is niet gevraagd.")
        for letter in topics
        if letter not in requested
    }
    if errors:
        raise Incomplete(errors)
    for letter, values in topics.items():
        row = requested[letter]
        for name, value in values.items():
            setattr(row, name, _clean_text(value))
        row._history_user = actor.user
        row.save()
    _save(actor, req, fields=())
    _log(actor, req, kind="answer_saved", event="request.answer_saved", data={"topics": sorted(topics)})


@_service("request.answer_saved")
def request_save_answer(
    *,
    actor: Actor,
    request: InformationRequest,
    topics: dict[str, dict[str, Any]],
    expected_status: str | None = None,
) -> InformationRequest:
    """Save the answer per requested topic (R15–R18): own observations, others' observations
    and their source, facts that strengthen and weaken the concern, explanation."""
    req = _lock(request)
    _require_visible(actor, req)
    _check_seen(actor, req, expected_status)
    _require_handler(actor, req)
    _require_state(actor, req, (S.ANSWERING,))
    _write_answer(actor, req, topics)
    return req


#: ``Incomplete.code`` when ``request_send_answer(topics=...)`` saved the text but did not send.
ANSWER_SAVED_NOT_SENT = "answer_saved_not_sent"


def request_send_answer(
    *,
    actor: Actor,
    request: InformationRequest,
    confirmations: dict[str, bool],
    topics: dict[str, dict[str, Any]] | None = None,
    expected_status: str | None = S.ANSWERING,
) -> InformationRequest:
    """Send the answer (R25, R29): checks the answer per topic and the clinician's checklist.

    With ``topics`` (as for :func:`request_save_answer`) the text is saved and sent under one
    row lock, in one transaction: nobody can act between the save and the send. When only the
    send is refused (the checklist or an answer field is missing), the saved text stays — the
    clinician does not lose what was typed — and ``Incomplete`` carries the code
    :data:`ANSWER_SAVED_NOT_SENT`. Any other refusal (a conflict, the wrong state or person, a
    topic that was not asked) changes nothing. Without ``topics`` a refusal changes nothing.

    Two clinicians sending at once: the row lock makes the second wait; it then finds the row
    no longer in ``expected_status`` and gets ``Conflict`` ("Een collega heeft dit verzoek
    zojuist behandeld.").
    """
    req, errors = _save_and_send_answer(
        actor=actor,
        request=request,
        confirmations=confirmations,
        topics=topics,
        expected_status=expected_status,
    )
    if errors:
        raise Incomplete(errors, code=ANSWER_SAVED_NOT_SENT if topics is not None else "incomplete")
    return req


@_service("request.answer_sent", AuditAction.TRANSFER)
def _save_and_send_answer(
    *,
    actor: Actor,
    request: InformationRequest,
    confirmations: dict[str, bool],
    topics: dict[str, dict[str, Any]] | None,
    expected_status: str | None,
) -> tuple[InformationRequest, dict[str, str]]:
    """The body of :func:`request_send_answer`. Returns the send's missing items instead of
    raising them, so the transaction keeps a saved text (raising would roll it back)."""
    _reject_unknown(confirmations, frozenset(rules.ANSWER_CONFIRMATIONS), "confirmations")
    req = _lock(request)
    _require_visible(actor, req)
    _check_seen(actor, req, expected_status)
    _require_handler(actor, req)
    _require_can(actor, req, "send_answer")
    if topics is not None:
        _write_answer(actor, req, topics)
    for name in rules.ANSWER_CONFIRMATIONS:
        setattr(req, name, bool(confirmations.get(name, False)))
    errors = rules.missing_for_answer(req)
    if errors:
        # Nothing of the send is written: the confirmations stay unsaved on this instance.
        return req, errors
    req.answered_by = actor.user
    req.answered_at = timezone.now()
    transition = _move(actor, req, "send_answer")
    _save(actor, req)
    _log(
        actor,
        req,
        kind="answer_sent",
        event="request.answer_sent",
        action=AuditAction.TRANSFER,
        transition=transition,
        data={
            "topics": sorted(t.topic for t in req.topics.all()),
            "requesting_organisation_id": req.requesting_organisation_id,
        },
    )
    return req, {}

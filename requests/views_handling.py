"""Handling an information request: the request's page (both sides), the provider's inbox, the
refusals waiting for a second person (R11) and the legal advisor's referrals (R8, R31).

Views are thin: parse a form, call one selector or service, render. The services decide what
is allowed and raise ``IllegalMove`` / ``Conflict`` / ``Incomplete`` / ``PermissionDenied`` /
``Http404``; here they become Dutch messages on the request's page:

- ``Incomplete``: the messages beside the fields, the typed values kept (status 400);
- ``IllegalMove`` / ``Conflict``: the message with the *current* state and what is possible
  now (status 409). Every form carries the state it was rendered in (``expected_status``, as
  the actor may see it: R11) and the view passes it to the service, which raises ``Conflict``
  ("Een collega heeft dit verzoek zojuist behandeld.") when the request has moved on since;
- ``PermissionDenied`` on a visible request: the message on the page (status 403);
- ``Http404``: the request does not exist or is not the user's to see, alike.

The page shows only the actions the actor may take now (:func:`allowed_actions`, which mirrors
the services' checks; the services stay the authority).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from requests import forms_deadlines as deadline_forms  # issue 5
from requests import forms_handling as f
from requests import selectors, selectors_history, services, views_followup, views_letters  # issue 6
from requests import selectors_deadlines as deadline_selectors  # issue 5
from requests import services_deadlines as deadline_services  # issue 5
from requests.models import (
    FOLLOWUP_EVENT_LABELS,
    ConsentPath,
    Decision,
    InformationRequest,
    LegalAdviceOrigin,
    LegalAdviceStatus,
)
from requests.workflow import OPEN_FOR_PROVIDER, VISIBLE_TO_PROVIDER, WITHDRAWABLE, RequestStatus
from toolkid import workdays, working_calendar
from toolkid.actors import Actor
from toolkid.errors import Conflict, IllegalMove, Incomplete
from toolkid.models import Role, User
from toolkid.selectors import members_with_role

S = RequestStatus

# --------------------------------------------------------------------------------------------
# What the actor may do now
# --------------------------------------------------------------------------------------------

TAKE = "take"
ASSIGN = "assign"
RETURN = "return"
PARENT_CONSULTATION = "parent_consultation"
INTERNAL_CONSULTATION = "internal_consultation"
ASK_LEGAL_ADVICE = "ask_legal_advice"
GIVE_LEGAL_ADVICE = "give_legal_advice"
DECIDE = "decide"
ANSWER = "answer"
CONFIRM_REFUSAL = "confirm_refusal"
REJECT_REFUSAL = "reject_refusal"
RECONSIDER = "reconsider"
UPHOLD_REFUSAL = "uphold_refusal"
CONTEST = "contest"
ACKNOWLEDGE = "acknowledge"
WITHDRAW = "withdraw"
EDIT = "edit"
REDECIDE_CONSENT = "redecide_consent"
# Issue 5: the answer clock (requests/services_deadlines.py).
EXTEND = "extend"
CONTEST_EXTENSION = "contest_extension"

#: The words of each action (the protocol's), in the order the page shows them.
ACTION_LABELS: dict[str, Any] = {
    TAKE: gettext_lazy("Oppakken"),
    ASSIGN: gettext_lazy("Toewijzen"),
    EDIT: gettext_lazy("Verzoek aanpassen en opnieuw indienen"),
    REDECIDE_CONSENT: gettext_lazy("Toestemmingspad opnieuw bepalen"),
    PARENT_CONSULTATION: gettext_lazy("Overleg met ouder vastleggen"),
    INTERNAL_CONSULTATION: gettext_lazy("Intern overleg vastleggen"),
    ASK_LEGAL_ADVICE: gettext_lazy("Juridisch advies vragen"),
    GIVE_LEGAL_ADVICE: gettext_lazy("Juridisch advies geven"),
    DECIDE: gettext_lazy("Besluit vastleggen"),
    ANSWER: gettext_lazy("Antwoord opstellen"),
    CONFIRM_REFUSAL: gettext_lazy("Weigering bevestigen"),
    REJECT_REFUSAL: gettext_lazy("Weigering afwijzen"),
    RECONSIDER: gettext_lazy("Heroverwegen"),
    UPHOLD_REFUSAL: gettext_lazy("Weigering handhaven"),
    CONTEST: gettext_lazy("Bezwaar maken tegen de weigering"),
    ACKNOWLEDGE: gettext_lazy("Gelezen en afsluiten"),
    RETURN: gettext_lazy("Terugsturen ter herformulering"),
    WITHDRAW: gettext_lazy("Verzoek intrekken"),
    EXTEND: gettext_lazy("Verlenging aanvragen"),  # issue 5
    CONTEST_EXTENSION: gettext_lazy("Bezwaar maken tegen de verlenging"),  # issue 5
}
_ORDER = list(ACTION_LABELS)

HANDLE_PERM = services.HANDLE_PERM


def consent_needs_redecision(req: InformationRequest, today: dt.date | None = None) -> bool:
    """Path A whose declaration was revoked or expired: the requester decides the path again."""
    if req.consent_path != ConsentPath.A:
        return False
    declaration = req.consent_declaration
    if declaration is None:
        return True
    return declaration.is_revoked or declaration.valid_until < (today or timezone.localdate())


def _is_handler(actor: Actor, req: InformationRequest) -> bool:
    """A zorgverlener of the receiving organisation holding ``handle_request`` on the request
    (as ``services`` decides it)."""
    return actor.has_role(Role.ZORGVERLENER) and actor.user.has_perm(HANDLE_PERM, req)


def _open_advice(req: InformationRequest, origin: str | None = None) -> bool:
    qs = req.legal_advice.filter(status=LegalAdviceStatus.OPEN)
    if origin:
        qs = qs.filter(origin=origin)
    return qs.exists()


def allowed_actions(actor: Actor, req: InformationRequest) -> list[str]:
    """The actions ``actor`` may take on ``req`` now, in display order. Mirrors the services'
    permission and state checks, so the page offers nothing the service would refuse (R11: a
    requester sees a pending refusal as "in behandeling" and may do what they could then)."""
    if not selectors.is_visible_to(actor, req):
        return []
    me = actor.user.pk
    org_id = actor.organisation.pk
    status = req.status
    allowed: set[str] = set()

    if req.requesting_organisation_id == org_id and actor.has_role(*selectors.REQUESTER_ROLES):
        if status == S.RETURNED and actor.has_role(Role.JEUGDHULPVERLENER):
            allowed.add(EDIT)
        if status in WITHDRAWABLE and consent_needs_redecision(req):
            allowed.add(REDECIDE_CONSENT)
        if status == S.REFUSED:
            allowed.add(CONTEST)
        if status in (S.ANSWERED, S.REFUSED):
            allowed.add(ACKNOWLEDGE)
        if status in WITHDRAWABLE:
            allowed.add(WITHDRAW)

    if req.receiving_organisation_id == org_id:
        clinician = actor.has_role(Role.ZORGVERLENER)
        leader = actor.has_role(Role.TEAMLEIDER)
        jurist = actor.has_role(Role.JURIDISCH_ADVISEUR)
        handler = _is_handler(actor, req) if status in (
            S.IN_PROGRESS, S.ANSWERING, S.CONTESTED
        ) else False
        if clinician and status == S.SUBMITTED and req.assigned_clinician_id in (None, me):
            allowed.add(TAKE)
        if leader and status in services.ASSIGNABLE:
            allowed.add(ASSIGN)
        if (clinician or leader) and (
            status == S.SUBMITTED or (status == S.IN_PROGRESS and (leader or handler))
        ):
            allowed.add(RETURN)
        if handler and status == S.IN_PROGRESS:
            allowed.add(DECIDE)
            if req.consent_path == ConsentPath.B:
                allowed.add(PARENT_CONSULTATION)
        if handler and status in (S.IN_PROGRESS, S.CONTESTED):
            allowed.add(INTERNAL_CONSULTATION)
        if handler and status in (S.IN_PROGRESS, S.ANSWERING):
            allowed.add(ASK_LEGAL_ADVICE)
        if handler and status == S.ANSWERING:
            allowed.add(ANSWER)
        if (leader or jurist) and status == S.REFUSAL_PENDING and req.decided_by_id != me:
            allowed.update((CONFIRM_REFUSAL, REJECT_REFUSAL))
        if handler and status == S.CONTESTED:
            allowed.add(RECONSIDER)
            if not _open_advice(req, LegalAdviceOrigin.CONTESTED_REFUSAL):
                allowed.add(UPHOLD_REFUSAL)
        if jurist and status in VISIBLE_TO_PROVIDER and _open_advice(req):
            allowed.add(GIVE_LEGAL_ADVICE)

    # Issue 5: extending the term (provider) and contesting an extension (requester).
    if deadline_services.can_extend(actor, req):
        allowed.add(EXTEND)
    if deadline_services.can_contest_extension(actor, req):
        allowed.add(CONTEST_EXTENSION)

    return [name for name in _ORDER if name in allowed]


# --------------------------------------------------------------------------------------------
# The actions: form, service call, message
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionSpec:
    name: str
    slug: str
    form_class: type[f.ActionForm]
    run: Callable[[Actor, InformationRequest, Any], Any]
    done: Any  # the success message (lazy)
    # The partial with the form; default ``requests/actions/<name>.html``.
    template: str = ""

    @property
    def partial(self) -> str:
        return self.template or f"requests/actions/{self.name}.html"


def _run_answer(actor: Actor, req: InformationRequest, form: f.AnswerForm) -> Any:
    """"Concept opslaan" saves the typed answer; "Antwoord versturen" saves and sends it in one
    service call (one row lock). A send that is refused for a missing confirmation keeps the
    saved concept (``Incomplete`` with code ``services.ANSWER_SAVED_NOT_SENT``)."""
    if form.cleaned_data.get("intent") == f.SEND:
        return services.request_send_answer(
            actor=actor, request=req, topics=form.topics_argument(),
            confirmations=form.confirmations_argument(), expected_status=form.expected or S.ANSWERING,
        )
    return services.request_save_answer(
        actor=actor, request=req, topics=form.topics_argument(), expected_status=form.expected,
    )


def _text(form: Any, name: str) -> str:
    return form.cleaned_data.get(name) or ""


ACTIONS: dict[str, ActionSpec] = {
    spec.name: spec
    for spec in (
        ActionSpec(TAKE, "oppakken", f.EmptyActionForm,
                   lambda a, r, fm: services.request_take(
                       actor=a, request=r, expected_status=fm.expected),
                   gettext_lazy("U hebt het verzoek opgepakt.")),
        ActionSpec(ASSIGN, "toewijzen", f.AssignForm,
                   lambda a, r, fm: services.request_assign(
                       actor=a, request=r, clinician=fm.cleaned_data.get("clinician"),
                       expected_status=fm.expected),
                   gettext_lazy("Het verzoek is toegewezen.")),
        ActionSpec(RETURN, "terugsturen", f.ReturnForm,
                   lambda a, r, fm: services.request_return_for_reformulation(
                       actor=a, request=r, suggestion=_text(fm, "suggestion"),
                       expected_status=fm.expected),
                   gettext_lazy("Het verzoek is teruggestuurd ter herformulering.")),
        ActionSpec(PARENT_CONSULTATION, "overleg-ouder", f.ParentConsultationForm,
                   lambda a, r, fm: services.request_record_parent_consultation(
                       actor=a, request=r, date=fm.cleaned_data.get("date"),
                       outcome=_text(fm, "outcome"), note=_text(fm, "note"),
                       expected_status=fm.expected),
                   gettext_lazy("Het overleg met de ouder is vastgelegd.")),
        ActionSpec(INTERNAL_CONSULTATION, "intern-overleg", f.InternalConsultationForm,
                   lambda a, r, fm: services.request_record_internal_consultation(
                       actor=a, request=r, with_whom=_text(fm, "with_whom"),
                       date=fm.cleaned_data.get("date"), conclusion=_text(fm, "conclusion"),
                       expected_status=fm.expected),
                   gettext_lazy("Het intern overleg is vastgelegd.")),
        ActionSpec(ASK_LEGAL_ADVICE, "juridisch-advies-vragen", f.AskLegalAdviceForm,
                   lambda a, r, fm: services.request_ask_legal_advice(
                       actor=a, request=r, question=_text(fm, "question"),
                       expected_status=fm.expected),
                   gettext_lazy("Uw vraag is naar de juridisch adviseur gestuurd.")),
        ActionSpec(DECIDE, "besluit", f.DecisionForm,
                   lambda a, r, fm: services.request_decide(
                       actor=a, request=r, expected_status=fm.expected, **fm.service_arguments()),
                   gettext_lazy("Het besluit is vastgelegd.")),
        ActionSpec(ANSWER, "antwoord", f.AnswerForm, _run_answer,
                   gettext_lazy("Het concept-antwoord is opgeslagen.")),
        ActionSpec(CONFIRM_REFUSAL, "weigering-bevestigen", f.RefusalConfirmForm,
                   lambda a, r, fm: services.request_confirm_refusal(
                       actor=a, request=r, note=_text(fm, "note"), expected_status=fm.expected),
                   gettext_lazy("De weigering is bevestigd. De aanvrager ziet hem nu.")),
        ActionSpec(REJECT_REFUSAL, "weigering-afwijzen", f.RefusalRejectForm,
                   lambda a, r, fm: services.request_reject_refusal(
                       actor=a, request=r, note=_text(fm, "note"), expected_status=fm.expected),
                   gettext_lazy("De weigering is afgewezen; het verzoek is terug bij de zorgverlener.")),
        ActionSpec(RECONSIDER, "heroverwegen", f.ReconsiderForm,
                   lambda a, r, fm: services.request_reconsider(
                       actor=a, request=r, motivation=_text(fm, "motivation"),
                       expected_status=fm.expected),
                   gettext_lazy("Het besluit wordt heroverwogen; leg een nieuw besluit vast.")),
        ActionSpec(UPHOLD_REFUSAL, "weigering-handhaven", f.UpholdForm,
                   lambda a, r, fm: services.request_uphold_refusal(
                       actor=a, request=r, motivation=_text(fm, "motivation"),
                       expected_status=fm.expected),
                   gettext_lazy("De weigering blijft staan.")),
        ActionSpec(CONTEST, "bezwaar", f.ContestForm,
                   lambda a, r, fm: services.request_contest_refusal(
                       actor=a, request=r, reason=_text(fm, "reason"), expected_status=fm.expected),
                   gettext_lazy("Uw bezwaar is verstuurd. Een juridisch adviseur van de "
                                "zorgaanbieder geeft advies; de zorgverlener besluit.")),
        ActionSpec(ACKNOWLEDGE, "gelezen", f.EmptyActionForm,
                   lambda a, r, fm: services.request_acknowledge(
                       actor=a, request=r, expected_status=fm.expected),
                   gettext_lazy("Het verzoek is afgesloten.")),
        ActionSpec(WITHDRAW, "intrekken", f.WithdrawForm,
                   lambda a, r, fm: services.request_withdraw(
                       actor=a, request=r, reason=_text(fm, "reason"), expected_status=fm.expected),
                   gettext_lazy("Het verzoek is ingetrokken.")),
        ActionSpec(REDECIDE_CONSENT, "toestemmingspad", f.RedecideConsentPathForm,
                   lambda a, r, fm: services.request_redecide_consent_path(
                       actor=a, request=r, expected_status=fm.expected, **fm.service_arguments()),
                   gettext_lazy("Het toestemmingspad is opnieuw bepaald.")),
        # Issue 5: the answer clock.
        ActionSpec(EXTEND, "verlengen", deadline_forms.ExtendForm,
                   lambda a, r, fm: deadline_services.request_extend_deadline(
                       actor=a, request=r, new_due_date=fm.cleaned_data.get("new_due_date"),
                       reason=_text(fm, "reason"), expected_status=fm.expected),
                   gettext_lazy("De termijn is verlengd. De aanvrager krijgt een melding.")),
        ActionSpec(CONTEST_EXTENSION, "bezwaar-verlenging", deadline_forms.ContestExtensionForm,
                   lambda a, r, fm: deadline_services.request_contest_extension(
                       actor=a, request=r, reason=_text(fm, "reason"), expected_status=fm.expected),
                   gettext_lazy("Uw bezwaar tegen de verlenging is verstuurd. Een juridisch adviseur "
                                "van de zorgaanbieder geeft advies; de zorgverlener besluit.")),
    )
}
ACTIONS_BY_SLUG = {spec.slug: spec for spec in ACTIONS.values()}


def _clinicians(actor: Actor) -> QuerySet[User]:
    """The active zorgverleners of the actor's organisation (to assign, or to filter on)."""
    if actor.organisation is None:
        return User.objects.none()
    return members_with_role(actor.organisation, Role.ZORGVERLENER).order_by(
        "first_name", "last_name", "username"
    )


def _form_kwargs(name: str, actor: Actor, req: InformationRequest) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "prefix": name, "request": req, "visible_status": selectors.status_for(actor, req).value,
    }
    if name == ASSIGN:
        kwargs["clinicians"] = _clinicians(actor)
    elif name == REDECIDE_CONSENT:
        from consent.selectors import consents_for_parent

        kwargs["declarations"] = (
            consents_for_parent(
                actor, req.parent, recipient=req.receiving_organisation,
                usable_on=timezone.localdate(),
            ) if req.parent_id else None
        )
    return kwargs


def _make_form(name: str, actor: Actor, req: InformationRequest, data: Any = None) -> Any:
    return ACTIONS[name].form_class(data, **_form_kwargs(name, actor, req))


# --------------------------------------------------------------------------------------------
# Due dates in words (colour only repeats them)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DueChip:
    text: str
    modifier: str  # "overdue" | "today" | "ok"

    @property
    def overdue(self) -> bool:
        return self.modifier == "overdue"


def due_chip(
    due: dt.date | None,
    today: dt.date,
    *,
    closures: list[tuple[dt.date, str]],
    decree_days: dict[dt.date, str],
) -> DueChip | None:
    """"nog 3 werkdagen", "vandaag", "2 werkdagen te laat" — pure, from a calendar loaded once."""
    if due is None:
        return None
    left = workdays.working_days_between(today, due, closures=closures, decree_days=decree_days)
    if due == today:
        return DueChip(_("vandaag"), "today")
    if due > today:
        if left <= 0:  # due on a day that is no longer a working day: treat as today
            return DueChip(_("vandaag"), "today")
        return DueChip(
            ngettext("nog %(n)s werkdag", "nog %(n)s werkdagen", left) % {"n": left}, "ok"
        )
    late = -left
    if late <= 0:  # past the date, but no working day since (a weekend)
        return DueChip(_("te laat"), "overdue")
    return DueChip(
        ngettext("%(n)s werkdag te laat", "%(n)s werkdagen te laat", late) % {"n": late}, "overdue"
    )


class _Calendar:
    """The receiving organisation's closures and the decree days, each loaded once (a list
    page shows every row's chip without a query per row)."""

    def __init__(self) -> None:
        self._decree: dict[dt.date, str] | None = None
        self._closures: dict[int, list[tuple[dt.date, str]]] = {}
        self.today = timezone.localdate()

    def chip(self, req: InformationRequest) -> DueChip | None:
        # The clock runs only while the provider has to act (R26); paused when returned (R7).
        if req.status not in OPEN_FOR_PROVIDER or req.receiving_organisation_id is None:
            return None
        if self._decree is None:
            self._decree = working_calendar.decree_days()
        org_id = req.receiving_organisation_id
        if org_id not in self._closures:
            self._closures[org_id] = working_calendar.closures_for(req.receiving_organisation)
        return due_chip(req.due_date, self.today, closures=self._closures[org_id],
                        decree_days=self._decree)


def due_explanation_text(req: InformationRequest, *, resubmitted: bool = False) -> str:
    if not req.due_explanation:
        return ""
    try:
        explanation = workdays.DueDateExplanation.from_dict(req.due_explanation)
    except ValueError:
        return ""
    label = _("Opnieuw ingediend op") if resubmitted else _("Ingediend op")
    return explanation.summary_nl(start_label=label)


# --------------------------------------------------------------------------------------------
# The request's page
# --------------------------------------------------------------------------------------------

#: The timeline's words per event kind.
EVENT_LABELS: dict[str, Any] = {
    "created": gettext_lazy("Concept aangemaakt"),
    "draft_updated": gettext_lazy("Verzoek aangepast"),
    "submitted": gettext_lazy("Verzoek ingediend"),
    "taken": gettext_lazy("Opgepakt door de zorgverlener"),
    "assigned": gettext_lazy("Toegewezen aan een zorgverlener"),
    "returned": gettext_lazy("Teruggestuurd ter herformulering"),
    "resubmitted": gettext_lazy("Opnieuw ingediend"),
    "parent_consulted": gettext_lazy("Overleg met de ouder vastgelegd"),
    "internal_consulted": gettext_lazy("Intern overleg vastgelegd"),
    "legal_advice_asked": gettext_lazy("Juridisch advies gevraagd"),
    "legal_advice_given": gettext_lazy("Juridisch advies gegeven"),
    "decided_provide": gettext_lazy("Besluit: informatie verstrekken"),
    "decided_refuse": gettext_lazy("Besluit: informatie niet verstrekken (wacht op bevestiging)"),
    "refusal_confirmed": gettext_lazy("Weigering bevestigd"),
    "refusal_rejected": gettext_lazy("Weigering afgewezen door een tweede persoon"),
    "refusal_contested": gettext_lazy("Bezwaar gemaakt tegen de weigering"),
    "reconsidered": gettext_lazy("Besluit heroverwogen"),
    "refusal_upheld": gettext_lazy("Weigering gehandhaafd"),
    "answer_saved": gettext_lazy("Concept-antwoord opgeslagen"),
    "answer_sent": gettext_lazy("Antwoord verstuurd"),
    "acknowledged": gettext_lazy("Gelezen en afgesloten"),
    "withdrawn": gettext_lazy("Verzoek ingetrokken"),
    "consent_path_redecided": gettext_lazy("Toestemmingspad opnieuw bepaald"),
    "consent_revoked": gettext_lazy("Toestemming ingetrokken"),
    "deadline_extended": gettext_lazy("Termijn verlengd"),  # issue 5
    "extension_contested": gettext_lazy("Bezwaar gemaakt tegen de verlenging"),  # issue 5
    **FOLLOWUP_EVENT_LABELS,  # issue 4: duties, the path-C hold, feedback, R28, R2
}


def _timeline(actor: Actor, req: InformationRequest) -> list[dict[str, Any]]:
    """The selector's entries in words. The drafting before the first submission is one line
    ("Concept aangemaakt"), not every saved step."""
    entries = selectors.timeline_for(actor, req)
    submitted_seen = False
    rows = []
    for entry in entries:
        if entry.kind == "submitted":
            submitted_seen = True
        if entry.kind == "draft_updated" and not submitted_seen:
            continue
        who = entry.actor.get_full_name() or entry.actor.get_username() if entry.actor else _("systeem")
        rows.append({
            "label": EVENT_LABELS.get(entry.kind, entry.kind),
            "kind": entry.kind,
            "when": entry.occurred_at,
            "who": who,
            "organisation": entry.organisation_name,
            "to_status": entry.to_status.label if entry.to_status else "",
            "motivation": entry.motivation,
        })
    return rows


def _age(born: dt.date, today: dt.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@dataclass
class Problem:
    """What went wrong with the last action, shown on top of the page."""

    message: str
    conflict: bool = False


@dataclass
class PageState:
    bound: dict[str, Any] = field(default_factory=dict)
    advice_forms: dict[int, Any] = field(default_factory=dict)
    problem: Problem | None = None


def _render_detail(
    request: HttpRequest, req: InformationRequest, state: PageState | None = None, *, status: int = 200
) -> HttpResponse:
    actor: Actor = request.actor
    state = state or PageState()
    provider = selectors.is_provider_side(actor, req)
    visible_status = selectors.status_for(actor, req)
    actions = allowed_actions(actor, req)

    blocks = []
    for name in actions:
        if name == EDIT:
            blocks.append({"name": name, "label": ACTION_LABELS[name],
                           "partial": "requests/actions/edit.html", "form": None, "url": ""})
            continue
        if name == GIVE_LEGAL_ADVICE:
            continue  # shown with each open referral below
        spec = ACTIONS[name]
        form = state.bound.get(name) or _make_form(name, actor, req)
        blocks.append({
            "name": name,
            "label": ACTION_LABELS[name],
            "partial": spec.partial,
            "form": form,
            "url": reverse("requests:action", kwargs={"public_id": req.public_id, "action": spec.slug}),
        })
    error_form = next((b["form"] for b in blocks if b["form"] is not None and b["form"].errors), None)

    timeline = _timeline(actor, req)
    resubmitted = any(row["kind"] == "resubmitted" for row in timeline)
    today = timezone.localdate()

    advices = []
    if provider:
        for advice in req.legal_advice.select_related("asked_by", "advisor").order_by("asked_at", "pk"):
            form = None
            if GIVE_LEGAL_ADVICE in actions and advice.status == LegalAdviceStatus.OPEN:
                form = state.advice_forms.get(advice.pk) or f.GiveLegalAdviceForm(
                    prefix="advise", request=req, auto_id=f"id_%s_{advice.pk}"
                )
                if form.errors and error_form is None:
                    error_form = form
            advices.append({"advice": advice, "form": form})

    calendar = _Calendar()
    declaration = req.consent_declaration
    decision_visible = selectors.decision_visible_to(actor, req)
    refusal_known = decision_visible and req.decision == Decision.NOT_PROVIDE and req.status in (
        S.REFUSED, S.CONTESTED, S.CLOSED
    )
    context = {
        "req": req,
        "provider": provider,
        "status_label": visible_status.label,
        "status": visible_status,
        "S": {s.name: s.value for s in S},
        "blocks": blocks,
        "action_links": [(name, ACTION_LABELS[name]) for name in actions],
        "consultations_visible": provider and bool(
            req.parent_consultation_date or req.internal_consultation_date
        ),
        "error_form": error_form,
        "problem": state.problem,
        "children": [(child, _age(child.date_of_birth, today)) for child in req.children.all()],
        "topics": list(req.topics.all()),
        "answer_visible": req.answered_at is not None,
        "decision_visible": decision_visible,
        "refusal_known": refusal_known,
        "refusal_pending": provider and req.status == S.REFUSAL_PENDING,
        "declaration": declaration,
        "declaration_expired": bool(declaration and not declaration.is_revoked
                                    and declaration.valid_until < today),
        "due_chip": calendar.chip(req),
        "due_explanation": due_explanation_text(req, resubmitted=resubmitted),
        "clock": deadline_selectors.clock_history_for(actor, req),  # issue 5
        "timeline": timeline,
        "advices": advices,
        "followup": views_followup.detail_context(actor, req),  # issue 4: templates/requests/followup/
        # Issue 6: the letters the actor can download, and the earlier versions of edited fields.
        "documents": views_letters.detail_context(actor, req),
        "history": selectors_history.history_for(actor, req),
        "contest_advice_open": provider and req.status == S.CONTESTED
        and UPHOLD_REFUSAL not in actions and RECONSIDER in actions,
    }
    return render(request, "requests/detail.html", context, status=status)


@require_GET
def detail(request: HttpRequest, public_id) -> HttpResponse:
    req = selectors.request_get_for(actor=request.actor, pk_or_public_id=public_id, purpose="detail")
    return _render_detail(request, req)


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _after_success(request: HttpRequest, req: InformationRequest) -> HttpResponse:
    """Back to where the user came from; else the request's page, if the actor still sees it
    (a legal advisor no longer sees a refusal once confirmed)."""
    actor: Actor = request.actor
    target = _safe_next(request)
    if target:
        return redirect(target)
    if selectors.requests_visible_to(actor).filter(pk=req.pk).exists():
        return redirect("requests:detail", public_id=req.public_id)
    if actor.has_role(*selectors.REFUSAL_CONFIRMER_ROLES):
        return redirect("requests:refusals")
    return redirect("home")


def _problem_for(exc: IllegalMove | Conflict) -> Problem:
    """IllegalMove/Conflict in words. Every service compares the state the page was rendered in
    (as the actor may see it, R11) and raises ``Conflict`` for a stale page."""
    if isinstance(exc, Conflict):
        return Problem(_("Een collega heeft dit verzoek zojuist behandeld."), conflict=True)
    return Problem(str(getattr(exc, "message", exc)))


def _reload(actor: Actor, req: InformationRequest) -> InformationRequest:
    """The request as it is now (after someone else's action), through the access helper."""
    return selectors.request_get_for(actor=actor, pk_or_public_id=req.pk, purpose="detail_after_action")


@require_POST
def action(request: HttpRequest, public_id, action: str) -> HttpResponse:
    """One action on the request: parse its form, call its service, render or redirect."""
    actor: Actor = request.actor
    spec = ACTIONS_BY_SLUG.get(action)
    if spec is None:
        raise Http404
    req = selectors.request_get_for(
        actor=actor, pk_or_public_id=public_id, purpose=f"action:{spec.name}"
    )
    form = _make_form(spec.name, actor, req, data=request.POST)
    if not form.is_valid():
        return _render_detail(request, req, PageState(bound={spec.name: form}), status=400)
    try:
        spec.run(actor, req, form)
    except Incomplete as exc:
        f.add_service_errors(form, exc.errors)
        if exc.code == services.ANSWER_SAVED_NOT_SENT:
            messages.info(request, _("Het concept is opgeslagen; het antwoord is nog niet verstuurd."))
        return _render_detail(request, req, PageState(bound={spec.name: form}), status=400)
    except (IllegalMove, Conflict) as exc:
        return _render_detail(request, _reload(actor, req), PageState(problem=_problem_for(exc)), status=409)
    except PermissionDenied as exc:
        return _render_detail(request, req, PageState(problem=Problem(str(exc) or _(
            "U hebt niet de juiste rol om dit te doen."))), status=403)
    if spec.name == ANSWER and form.cleaned_data.get("intent") == f.SEND:
        messages.success(request, _("Het antwoord is verstuurd."))
    else:
        messages.success(request, spec.done)
    return _after_success(request, req)


@require_POST
def give_advice(request: HttpRequest, public_id, advice_id: int) -> HttpResponse:
    """The legal advisor answers a referral (R31, R8); from the request's page or the queue."""
    actor: Actor = request.actor
    req = selectors.request_get_for(actor=actor, pk_or_public_id=public_id, purpose="legal_advice")
    advice = req.legal_advice.filter(pk=advice_id).first()
    if advice is None:
        raise Http404
    form = f.GiveLegalAdviceForm(request.POST, prefix="advise", request=req,
                                 auto_id=f"id_%s_{advice.pk}")
    from_queue = request.POST.get("from") == "queue"
    problem = None
    if form.is_valid():
        try:
            services.legal_advice_give(actor=actor, advice=advice, text=form.cleaned_data["advice"] or "")
        except Incomplete as exc:
            f.add_service_errors(form, exc.errors)
        except (IllegalMove, Conflict) as exc:
            problem = Problem(str(exc.message))
        else:
            messages.success(request, _("Uw advies is vastgelegd. Het besluit blijft bij de zorgverlener."))
            if from_queue:
                return redirect("requests:legal_queue")
            return _after_success(request, req)
    if from_queue:
        return _render_legal_queue(request, bound={advice.pk: form}, problem=problem,
                                   status=409 if problem else 400)
    return _render_detail(request, req, PageState(advice_forms={advice.pk: form}, problem=problem),
                          status=409 if problem else 400)


# --------------------------------------------------------------------------------------------
# Binnengekomen verzoeken
# --------------------------------------------------------------------------------------------


@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    actor: Actor = request.actor
    filter_form = f.InboxFilterForm(
        request.GET or None,
        clinicians=_clinicians(actor),
        states=[s for s in S if s in VISIBLE_TO_PROVIDER],
    )
    # The selector checks the role (PermissionDenied, logged) and logs the search (L5).
    requests_ = list(selectors.inbox_for(actor, **filter_form.filters()))
    clinicians = list(_clinicians(actor)) if actor.has_role(Role.TEAMLEIDER) else []
    calendar = _Calendar()
    me = actor.user.pk
    leader = actor.has_role(Role.TEAMLEIDER)
    clinician = actor.has_role(Role.ZORGVERLENER)
    rows = []
    for req in requests_:
        chip = calendar.chip(req)
        rows.append({
            "req": req,
            "status_label": selectors.status_for(actor, req).label,
            "chip": chip,
            "overdue": bool(chip and chip.overdue),
            "can_take": clinician and req.status == S.SUBMITTED
            and req.assigned_clinician_id in (None, me),
            "can_assign": leader and req.status in services.ASSIGNABLE,
            "take_url": reverse("requests:action", kwargs={"public_id": req.public_id,
                                                           "action": ACTIONS[TAKE].slug}),
            "assign_url": reverse("requests:action", kwargs={"public_id": req.public_id,
                                                             "action": ACTIONS[ASSIGN].slug}),
        })
    context = {
        "rows": rows,
        "filter_form": filter_form,
        "filtered": any(v for v in filter_form.filters().values()),
        "clinicians": clinicians,
        "overdue_count": sum(1 for row in rows if row["overdue"]),
    }
    return render(request, "requests/inbox.html", context)


# --------------------------------------------------------------------------------------------
# Te bevestigen weigeringen (R11) and Adviesvragen (R8, R31)
# --------------------------------------------------------------------------------------------


@require_GET
def refusals(request: HttpRequest) -> HttpResponse:
    actor: Actor = request.actor
    items = []
    for req in selectors.refusals_to_confirm(actor):
        items.append({
            "req": req,
            "confirm_form": f.RefusalConfirmForm(prefix=CONFIRM_REFUSAL, request=req,
                                                 auto_id=f"id_%s_{req.pk}"),
            "reject_form": f.RefusalRejectForm(prefix=REJECT_REFUSAL, request=req,
                                               auto_id=f"id_%s_{req.pk}"),
            "confirm_url": reverse("requests:action", kwargs={
                "public_id": req.public_id, "action": ACTIONS[CONFIRM_REFUSAL].slug}),
            "reject_url": reverse("requests:action", kwargs={
                "public_id": req.public_id, "action": ACTIONS[REJECT_REFUSAL].slug}),
        })
    return render(request, "requests/refusals.html", {"items": items})


def _render_legal_queue(
    request: HttpRequest, *, bound: dict[int, Any] | None = None, problem: Problem | None = None,
    status: int = 200,
) -> HttpResponse:
    actor: Actor = request.actor
    include_given = request.GET.get("alle") == "1"
    bound = bound or {}
    items = []
    error_form = None
    for advice in selectors.legal_queue(actor, include_given=include_given):
        form = None
        if advice.status == LegalAdviceStatus.OPEN:
            form = bound.get(advice.pk) or f.GiveLegalAdviceForm(
                prefix="advise", request=advice.request, auto_id=f"id_%s_{advice.pk}"
            )
            if form.errors and error_form is None:
                error_form = form
        items.append({
            "advice": advice,
            "req": advice.request,
            "form": form,
            "url": reverse("requests:advise", kwargs={"public_id": advice.request.public_id,
                                                      "advice_id": advice.pk}),
        })
    context = {"items": items, "include_given": include_given, "error_form": error_form,
               "problem": problem}
    return render(request, "requests/legal_queue.html", context, status=status)


@require_GET
def legal_queue(request: HttpRequest) -> HttpResponse:
    return _render_legal_queue(request)

"""Pages of the follow-up after the answer (issue 4).

- On the request's page (``templates/requests/followup/_on_detail.html``, context from
  :func:`detail_context`): the duties of both sides, the path-C hold and its joint release,
  feedback, secondary use, filing as approved information, Veilig Thuis, "Afwijking vastleggen"
  (R5). Each form posts to :func:`action`; a refused step shows the form again on a page of its
  own with the Dutch message beside the field (400), the state problem (409) or the role
  problem (403).
- *Mijn taken* (:func:`tasks`), the *Kindcheck* (zorgverlener) and its overview (teamleider),
  the *Vragen over kinderen* of the reverse direction (R3) and the teamleider's *Afwijkingen*
  (R5).

Views are thin: parse, call one service or selector, render. Which forms a page offers mirrors
the services' checks; the services stay the authority.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from requests import forms_followup as ff
from requests import rules_followup, selectors
from requests import selectors_followup as fsel
from requests import services_followup as svc
from requests.forms_handling import add_service_errors
from requests.models import (
    ConsentPath,
    Decision,
    DeviationKind,
    Duty,
    DutyKind,
    DutySide,
    DutyStatus,
    HoldRelease,
    InformationRequest,
    KindcheckNextStep,
    ReverseQuestion,
    SecondaryUse,
)
from requests.workflow import ReleaseStatus, RequestStatus, ReverseStatus, SecondaryUseStatus
from toolkid import workdays, working_calendar
from toolkid.actors import Actor
from toolkid.errors import Conflict, IllegalMove, Incomplete
from toolkid.models import Role

S = RequestStatus


# --------------------------------------------------------------------------------------------
# The actions on a request's page
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowupAction:
    name: str  # also the form prefix
    slug: str
    title: Any
    button: Any
    form_class: type
    run: Callable[[Actor, InformationRequest, Any, Any], Any]  # (actor, req, item, form)
    done: Any
    item: str = ""  # "duty" | "release" | "use": the action works on one of the request's rows


def _text(form: Any, name: str) -> str:
    return form.cleaned_data.get(name) or ""


ACTIONS: dict[str, FollowupAction] = {
    a.name: a
    for a in (
        FollowupAction(
            "duty_done",
            "taak-gedaan",
            gettext_lazy("Taak vastleggen als gedaan"),
            gettext_lazy("Vastleggen"),
            ff.DutyCompleteForm,
            lambda a, r, d, f: svc.duty_complete(
                actor=a,
                duty=d,
                done_on=f.cleaned_data.get("done_on"),
                note=_text(f, "note"),
                not_discussed_confirmed=bool(f.cleaned_data.get("not_discussed_confirmed")),
            ),
            gettext_lazy("De taak is vastgelegd."),
            item="duty",
        ),
        FollowupAction(
            "duty_skip",
            "taak-overslaan",
            gettext_lazy("Taak niet uitvoeren (afwijken, R5)"),
            gettext_lazy("Afwijking vastleggen"),
            ff.DutySkipForm,
            lambda a, r, d, f: svc.duty_skip(actor=a, duty=d, motivation=_text(f, "motivation")),
            gettext_lazy("De afwijking is vastgelegd; de teamleider ziet haar."),
            item="duty",
        ),
        FollowupAction(
            "release_propose",
            "afscherming-opheffen",
            gettext_lazy("Voorstellen de afscherming op te heffen"),
            gettext_lazy("Voorstel versturen"),
            ff.ReleaseProposeForm,
            lambda a, r, i, f: svc.hold_release_propose(actor=a, request=r, reason=_text(f, "reason")),
            gettext_lazy("Uw voorstel is vastgelegd. De andere partij geeft wel of niet akkoord."),
        ),
        FollowupAction(
            "release_agree",
            "afscherming-akkoord",
            gettext_lazy("Akkoord met opheffen van de afscherming"),
            gettext_lazy("Akkoord"),
            ff.ReleaseAgreeForm,
            lambda a, r, i, f: svc.hold_release_agree(actor=a, release=i, note=_text(f, "note")),
            gettext_lazy("De afscherming is gezamenlijk opgeheven."),
            item="release",
        ),
        FollowupAction(
            "release_decline",
            "afscherming-niet-akkoord",
            gettext_lazy("Niet akkoord met opheffen"),
            gettext_lazy("Niet akkoord"),
            ff.ReleaseDeclineForm,
            lambda a, r, i, f: svc.hold_release_decline(actor=a, release=i, reason=_text(f, "reason")),
            gettext_lazy("Vastgelegd: de afscherming blijft."),
            item="release",
        ),
        FollowupAction(
            "release_withdraw",
            "afscherming-voorstel-intrekken",
            gettext_lazy("Voorstel intrekken"),
            gettext_lazy("Voorstel intrekken"),
            ff.EmptyForm,
            lambda a, r, i, f: svc.hold_release_withdraw(actor=a, release=i),
            gettext_lazy("Uw voorstel is ingetrokken."),
            item="release",
        ),
        FollowupAction(
            "feedback",
            "terugkoppeling",
            gettext_lazy("Terugkoppeling aan de zorgverlener (R38)"),
            gettext_lazy("Terugkoppeling versturen"),
            ff.FeedbackForm,
            lambda a, r, i, f: svc.feedback_give(
                actor=a,
                request=r,
                what_was_done=_text(f, "what_was_done"),
                what_follows=_text(f, "what_follows"),
            ),
            gettext_lazy("Uw terugkoppeling is vastgelegd."),
        ),
        FollowupAction(
            "use_submit",
            "ander-doel",
            gettext_lazy("Informatie gebruiken voor een ander doel (R28)"),
            gettext_lazy("Voorleggen aan de zorgverlener"),
            ff.SecondaryUseForm,
            lambda a, r, i, f: svc.secondary_use_submit(
                actor=a,
                request=r,
                purpose=_text(f, "purpose"),
                description=_text(f, "description"),
                text=_text(f, "text"),
            ),
            gettext_lazy("Uw voorstel is aan de zorgverlener voorgelegd."),
        ),
        FollowupAction(
            "use_reply",
            "ander-doel-reactie",
            gettext_lazy("Reageren op gebruik voor een ander doel"),
            gettext_lazy("Reactie versturen"),
            ff.SecondaryUseReplyForm,
            lambda a, r, i, f: svc.secondary_use_reply(
                actor=a, use=i, agree=_reply_agrees(f), comments=_text(f, "comments")
            ),
            gettext_lazy("Uw reactie is vastgelegd."),
            item="use",
        ),
        FollowupAction(
            "use_sent",
            "ander-doel-verstuurd",
            gettext_lazy("Vastleggen dat de informatie is verstuurd"),
            gettext_lazy("Vastleggen"),
            ff.SecondaryUseSentForm,
            lambda a, r, i, f: svc.secondary_use_mark_sent(
                actor=a, use=i, sent_on=f.cleaned_data.get("sent_on"), motivation=_text(f, "motivation")
            ),
            gettext_lazy("Vastgelegd dat de informatie is verstuurd."),
            item="use",
        ),
        FollowupAction(
            "use_withdraw",
            "ander-doel-intrekken",
            gettext_lazy("Voorstel intrekken"),
            gettext_lazy("Intrekken"),
            ff.EmptyForm,
            lambda a, r, i, f: svc.secondary_use_withdraw(actor=a, use=i),
            gettext_lazy("Het voorstel is ingetrokken."),
            item="use",
        ),
        FollowupAction(
            "filing",
            "goedkeuren-dossier",
            gettext_lazy("Goedkeuren als informatie voor het dossier (R28)"),
            gettext_lazy("Goedkeuren"),
            ff.FilingApproveForm,
            lambda a, r, i, f: svc.filing_approve(actor=a, request=r, note=_text(f, "note")),
            gettext_lazy("De informatie is goedgekeurd voor het dossier."),
        ),
        FollowupAction(
            "veilig_thuis",
            "veilig-thuis",
            gettext_lazy("Veilig Thuis ingeschakeld (R2)"),
            gettext_lazy("Vastleggen"),
            ff.VeiligThuisForm,
            lambda a, r, i, f: svc.veilig_thuis_record(
                actor=a,
                request=r,
                engaged_on=f.cleaned_data.get("engaged_on"),
                safety_concerns=bool(f.cleaned_data.get("safety_concerns")),
                reference=_text(f, "reference"),
                note=_text(f, "note"),
            ),
            gettext_lazy("Vastgelegd dat Veilig Thuis is ingeschakeld."),
        ),
        FollowupAction(
            "deviation",
            "afwijking",
            gettext_lazy("Afwijking vastleggen (R5)"),
            gettext_lazy("Afwijking vastleggen"),
            ff.DeviationForm,
            lambda a, r, i, f: svc.deviation_record(
                actor=a, kind=DeviationKind.OTHER, motivation=_text(f, "motivation"), request=r
            ),
            gettext_lazy("De afwijking is vastgelegd; de teamleider ziet haar."),
        ),
    )
}
ACTIONS_BY_SLUG = {a.slug: a for a in ACTIONS.values()}


def _reply_agrees(form: Any) -> bool:
    reply = form.cleaned_data.get("reply")
    if reply not in ("akkoord", "bezwaar"):
        raise Incomplete({"reply": _("Kies akkoord of bezwaar.")})
    return reply == "akkoord"


def _url(req: InformationRequest, action: str, item: Any = None) -> str:
    kwargs: dict[str, Any] = {"public_id": req.public_id, "action": ACTIONS[action].slug}
    if item is not None:
        kwargs["item_id"] = item.pk
        return reverse("requests:followup_item_action", kwargs=kwargs)
    return reverse("requests:followup_action", kwargs=kwargs)


def _form(action: str, actor: Actor, req: InformationRequest, item: Any = None, data: Any = None) -> Any:
    kwargs: dict[str, Any] = {
        "prefix": action,
        "request": req,
        "visible_status": selectors.status_for(actor, req).value,
    }
    if item is not None:
        kwargs["auto_id"] = f"id_%s_{item.pk}"
    if action == "duty_done":
        kwargs["needs_note"] = item.kind in (DutyKind.PROVIDER_RECORD, DutyKind.REQUESTER_RECORD) and (
            fsel.hold_active(req)
        )
    return ACTIONS[action].form_class(data, **kwargs)


def _block(action: str, actor: Actor, req: InformationRequest, item: Any = None) -> dict[str, Any]:
    spec = ACTIONS[action]
    return {
        "name": action,
        "id": f"vervolg-{action}" + (f"-{item.pk}" if item is not None else ""),
        "title": spec.title,
        "button": spec.button,
        "form": _form(action, actor, req, item),
        "url": _url(req, action, item),
    }


def _who(user: Any) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def detail_context(actor: Actor, req: InformationRequest) -> dict[str, Any]:
    """What the request's page shows of the follow-up, and the forms the actor may use now.

    Called by ``views_handling._render_detail`` for a request the actor may see. R40: on path C
    before the joint release nothing here speaks of informing the parent; the hold is shown as
    such."""
    if req.status == S.DRAFT or not selectors.is_visible_to(actor, req):
        return {"visible": False}
    side = fsel.side_of(actor, req)
    provider = side == DutySide.PROVIDER
    requester = side == DutySide.REQUESTER
    answered = req.answered_at is not None and req.status in svc.ANSWERED_STATES
    refusal_known = req.decision == Decision.NOT_PROVIDE and req.status in svc.REFUSAL_KNOWN_STATES
    handler = provider and (
        actor.has_role(Role.TEAMLEIDER) or actor.user.has_perm(f"requests.{selectors.HANDLE_PERMISSION}", req)
    )
    jeugd = requester and actor.has_role(Role.JEUGDHULPVERLENER)

    duties = []
    for duty in fsel.duties_on(req):
        actionable = duty.status == DutyStatus.OPEN and fsel.may_do_duty(actor, duty)
        blocks = []
        if actionable and duty.kind != DutyKind.REQUESTER_FEEDBACK:
            blocks = [_block("duty_done", actor, req, duty), _block("duty_skip", actor, req, duty)]
        duties.append(
            {
                "duty": duty,
                "mine": duty.side == side,
                "side_label": DutySide(duty.side).label,
                "assignee": _who(duty.assignee),
                "done_by": _who(duty.done_by),
                "blocks": blocks,
                "feedback_form_below": actionable and duty.kind == DutyKind.REQUESTER_FEEDBACK,
            }
        )

    hold: dict[str, Any] | None = None
    if req.consent_path == ConsentPath.C:
        released = fsel.agreed_release(req)
        pending = fsel.open_release(req)
        past = list(
            HoldRelease.objects.filter(
                request=req, status__in=(ReleaseStatus.DECLINED, ReleaseStatus.WITHDRAWN)
            ).select_related(
                "proposed_by", "proposed_by_organisation", "responded_by", "responded_by_organisation"
            )
        )
        hold = {
            "active": released is None,
            "released": released,
            "pending": pending,
            "past": past,
            "blocks": [],
        }
        if released is None and fsel.may_act_on_hold(actor, req):
            if pending is None:
                hold["blocks"].append(_block("release_propose", actor, req))
            elif pending.proposed_by_organisation_id == actor.organisation.pk:
                hold["blocks"].append(_block("release_withdraw", actor, req, pending))
                hold["waiting_for_other_side"] = True
            else:
                hold["blocks"] += [
                    _block("release_agree", actor, req, pending),
                    _block("release_decline", actor, req, pending),
                ]

    feedback = list(req.feedback.select_related("given_by", "organisation"))
    feedback_required = req.consent_path == ConsentPath.C and answered and not feedback
    feedback_block = None
    if requester and (answered or req.status in (S.REFUSED, S.CONTESTED) or refusal_known):
        feedback_block = _block("feedback", actor, req)

    uses = []
    for use in req.secondary_uses.select_related("submitted_by", "replied_by", "sent_by"):
        blocks = []
        if use.status == SecondaryUseStatus.SUBMITTED and handler:
            blocks.append(_block("use_reply", actor, req, use))
        if jeugd and use.status in (SecondaryUseStatus.AGREED, SecondaryUseStatus.OBJECTED):
            blocks.append(_block("use_sent", actor, req, use))
        if jeugd and use.status in (
            SecondaryUseStatus.SUBMITTED,
            SecondaryUseStatus.AGREED,
            SecondaryUseStatus.OBJECTED,
        ):
            blocks.append(_block("use_withdraw", actor, req, use))
        uses.append(
            {"use": use, "blocks": blocks, "awaiting_reply": use.status == SecondaryUseStatus.SUBMITTED}
        )
    use_block = _block("use_submit", actor, req) if jeugd and answered else None

    approval = getattr(req, "approved_filing", None) if answered else None
    filing_block = _block("filing", actor, req) if handler and answered and approval is None else None

    engagements = list(req.veilig_thuis_engagements.select_related("recorded_by"))
    vt_block = _block("veilig_thuis", actor, req) if requester and svc.veilig_thuis_possible(req) else None
    deviation_block = _block("deviation", actor, req) if svc.may_record_deviation(actor, req) else None

    return {
        "visible": True,
        "side": side,
        "provider": provider,
        "duties": duties,
        "hold": hold,
        "feedback": feedback,
        "feedback_required": feedback_required,
        "feedback_block": feedback_block,
        "uses": uses,
        "use_block": use_block,
        "answered": answered,
        "approval": approval,
        "filing_block": filing_block,
        "engagements": engagements,
        "vt_block": vt_block,
        "deviation_block": deviation_block,
        "refusal_known": refusal_known,
    }


def _item(req: InformationRequest, spec: FollowupAction, item_id: int | None) -> Any:
    model = {"duty": Duty, "release": HoldRelease, "use": SecondaryUse}.get(spec.item)
    if model is None:
        if item_id is not None:
            raise Http404
        return None
    found = model.objects.filter(request=req, pk=item_id).first() if item_id is not None else None
    if found is None:
        raise Http404
    return found


def _render_action(
    request: HttpRequest,
    req: InformationRequest,
    spec: FollowupAction,
    form: Any,
    item: Any,
    *,
    problem: str = "",
    status: int = 400,
) -> HttpResponse:
    context = {
        "req": req,
        "title": spec.title,
        "form": form,
        "block_form": {"form": form, "url": _url(req, spec.name, item), "button": spec.button},
        "problem": problem,
        "item": item,
    }
    return render(request, "requests/followup/action.html", context, status=status)


@require_POST
def action(request: HttpRequest, public_id, action: str, item_id: int | None = None) -> HttpResponse:
    """One follow-up step on a request: parse its form, call its service, redirect or explain."""
    actor: Actor = request.actor
    spec = ACTIONS_BY_SLUG.get(action)
    if spec is None:
        raise Http404
    req = selectors.request_get_for(actor=actor, pk_or_public_id=public_id, purpose=f"followup:{spec.name}")
    item = _item(req, spec, item_id)
    form = _form(spec.name, actor, req, item, data=request.POST)
    if not form.is_valid():
        return _render_action(request, req, spec, form, item)
    try:
        spec.run(actor, req, item, form)
    except Incomplete as exc:
        add_service_errors(form, exc.errors)
        return _render_action(request, req, spec, form, item)
    except (IllegalMove, Conflict) as exc:
        return _render_action(request, req, spec, form, item, problem=str(exc.message), status=409)
    except PermissionDenied as exc:
        return _render_action(
            request,
            req,
            spec,
            form,
            item,
            problem=str(exc) or _("U hebt niet de juiste rol om dit te doen."),
            status=403,
        )
    messages.success(request, spec.done)
    return redirect(reverse("requests:detail", kwargs={"public_id": req.public_id}) + "#vervolg")


# --------------------------------------------------------------------------------------------
# Mijn taken
# --------------------------------------------------------------------------------------------


@require_GET
def tasks(request: HttpRequest) -> HttpResponse:
    task_list = fsel.tasks_for(request.actor)
    return render(request, "requests/followup/tasks.html", {"tasks": task_list})


# --------------------------------------------------------------------------------------------
# The Kindcheck (L4)
# --------------------------------------------------------------------------------------------


def _require_clinician(actor: Actor) -> None:
    if not (selectors.is_acting(actor) and actor.has_role(Role.ZORGVERLENER)):
        raise PermissionDenied(_("De Kindcheck is voor zorgverleners."))


@require_GET
def kindcheck_list(request: HttpRequest) -> HttpResponse:
    checks = list(fsel.kindchecks_for(request.actor)[:200])
    return render(request, "requests/followup/kindcheck_list.html", {"checks": checks})


@require_http_methods(["GET", "POST"])
def kindcheck_new(request: HttpRequest) -> HttpResponse:
    actor: Actor = request.actor
    _require_clinician(actor)
    if request.method == "POST":
        form = ff.KindcheckForm(request.POST)
        if form.is_valid():
            try:
                check = svc.kindcheck_record(actor=actor, **form.service_arguments())
            except Incomplete as exc:
                add_service_errors(form, exc.errors)
            else:
                messages.success(request, _("De Kindcheck is vastgelegd."))
                return redirect("requests:kindcheck_detail", public_id=check.public_id)
        return render(request, "requests/followup/kindcheck_form.html", {"form": form}, status=400)
    form = ff.KindcheckForm(initial={"checked_on": timezone.localdate()})
    return render(request, "requests/followup/kindcheck_form.html", {"form": form})


def _render_kindcheck(request: HttpRequest, check: Any, form: Any = None, status: int = 200) -> HttpResponse:
    if form is None and check.safety_concerns:
        form = ff.KindcheckNextStepsForm(initial={"steps": check.next_steps, "note": check.next_steps_note})
    context = {
        "check": check,
        "form": form,
        "reverse_questions": list(check.reverse_questions.select_related("receiving_organisation")),
        "REVERSE": KindcheckNextStep.REVERSE_QUESTION.value,
    }
    return render(request, "requests/followup/kindcheck_detail.html", context, status=status)


@require_GET
def kindcheck_detail(request: HttpRequest, public_id) -> HttpResponse:
    check = fsel.kindcheck_get_for(actor=request.actor, public_id=public_id, purpose="detail")
    return _render_kindcheck(request, check)


@require_POST
def kindcheck_next_steps(request: HttpRequest, public_id) -> HttpResponse:
    actor: Actor = request.actor
    check = fsel.kindcheck_get_for(actor=actor, public_id=public_id, purpose="next_steps")
    form = ff.KindcheckNextStepsForm(request.POST)
    if form.is_valid():
        try:
            check = svc.kindcheck_choose_next_steps(
                actor=actor,
                kindcheck=check,
                steps=form.cleaned_data.get("steps") or [],
                note=form.cleaned_data.get("note") or "",
            )
        except Incomplete as exc:
            add_service_errors(form, exc.errors)
        except IllegalMove as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("De vervolgstappen zijn vastgelegd."))
            if (
                KindcheckNextStep.REVERSE_QUESTION in check.next_steps
                and not check.reverse_questions.exists()
            ):
                return redirect(reverse("requests:reverse_new") + f"?kindcheck={check.public_id}")
            return redirect("requests:kindcheck_detail", public_id=check.public_id)
    return _render_kindcheck(request, check, form, status=400)


@require_GET
def kindcheck_overview(request: HttpRequest) -> HttpResponse:
    form = ff.PeriodForm(request.GET or None)
    today = timezone.localdate()
    start, end = dt.date(today.year, 1, 1), today
    if form.is_bound and form.is_valid():
        start = form.cleaned_data.get("van") or None
        end = form.cleaned_data.get("tot") or None
    overview = fsel.kindcheck_overview(request.actor, start=start, end=end)
    return render(request, "requests/followup/kindcheck_overview.html", {"overview": overview, "form": form})


# --------------------------------------------------------------------------------------------
# The reverse direction (R3)
# --------------------------------------------------------------------------------------------


def _due_chip(question: ReverseQuestion) -> Any:
    if question.status != ReverseStatus.SUBMITTED or question.due_date is None:
        return None
    from requests.views_handling import due_chip  # the same words as a request's chip

    return due_chip(
        question.due_date,
        timezone.localdate(),
        closures=working_calendar.closures_for(question.receiving_organisation),
        decree_days=working_calendar.decree_days(),
    )


@require_GET
def reverse_list(request: HttpRequest) -> HttpResponse:
    actor: Actor = request.actor
    rows = [
        {"q": q, "asked": q.asking_organisation_id == actor.organisation.pk, "chip": _due_chip(q)}
        for q in fsel.reverse_questions_for(actor)[:200]
    ]
    may_ask = actor.has_role(Role.ZORGVERLENER) and actor.organisation.is_provider
    return render(request, "requests/followup/reverse_list.html", {"rows": rows, "may_ask": may_ask})


@require_http_methods(["GET", "POST"])
def reverse_new(request: HttpRequest) -> HttpResponse:
    actor: Actor = request.actor
    _require_clinician(actor)
    kindcheck = None
    key = request.GET.get("kindcheck") or request.POST.get("kindcheck")
    if key:
        kindcheck = fsel.kindcheck_get_for(actor=actor, public_id=key, purpose="reverse_question")
    fixed = kindcheck is not None
    if request.method == "POST":
        form = ff.ReverseQuestionForm(request.POST, fixed_parent=fixed)
        if form.is_valid():
            arguments = form.service_arguments()
            if fixed:
                arguments["parent"] = kindcheck.parent
            try:
                question = svc.reverse_question_submit(actor=actor, kindcheck=kindcheck, **arguments)
            except Incomplete as exc:
                add_service_errors(form, exc.errors)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("Uw vraag is verstuurd naar %(org)s.") % {"org": question.receiving_organisation.name},
                )
                return redirect("requests:reverse_detail", public_id=question.public_id)
        return render(
            request, "requests/followup/reverse_form.html", {"form": form, "kindcheck": kindcheck}, status=400
        )
    form = ff.ReverseQuestionForm(fixed_parent=fixed)
    return render(request, "requests/followup/reverse_form.html", {"form": form, "kindcheck": kindcheck})


REVERSE_EVENT_LABELS = {
    "submitted": gettext_lazy("Vraag ingediend"),
    "answered": gettext_lazy("Vraag beantwoord"),
    "declined": gettext_lazy("Vraag niet beantwoord"),
    "withdrawn": gettext_lazy("Vraag ingetrokken"),
    "acknowledged": gettext_lazy("Gelezen en afgesloten"),
}
REVERSE_ACTIONS = {
    "beantwoorden": ("answer", ff.ReverseAnswerForm, gettext_lazy("Uw antwoord is verstuurd.")),
    "niet-beantwoorden": (
        "decline",
        ff.ReverseDeclineForm,
        gettext_lazy("Vastgelegd dat u de vraag niet beantwoordt."),
    ),
    "intrekken": ("withdraw", ff.ReverseWithdrawForm, gettext_lazy("De vraag is ingetrokken.")),
    "gelezen": ("acknowledge", ff.ReverseAcknowledgeForm, gettext_lazy("De vraag is afgesloten.")),
}


def _reverse_allowed(actor: Actor, q: ReverseQuestion) -> list[str]:
    allowed = []
    if (
        fsel.reverse_is_receiver(actor, q)
        and actor.has_role(Role.JEUGDHULPVERLENER)
        and (q.status == ReverseStatus.SUBMITTED)
    ):
        allowed += ["beantwoorden", "niet-beantwoorden"]
    if fsel.reverse_is_asker(actor, q) and actor.has_role(Role.ZORGVERLENER):
        if q.status == ReverseStatus.SUBMITTED:
            allowed.append("intrekken")
        if q.status in (ReverseStatus.ANSWERED, ReverseStatus.DECLINED):
            allowed.append("gelezen")
    return allowed


def _render_reverse(
    request: HttpRequest,
    q: ReverseQuestion,
    bound: dict[str, Any] | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    actor: Actor = request.actor
    bound = bound or {}
    blocks = []
    for slug in _reverse_allowed(actor, q):
        _name, form_class, _done = REVERSE_ACTIONS[slug]
        blocks.append(
            {
                "slug": slug,
                "form": bound.get(slug) or form_class(prefix=slug),
                "url": reverse("requests:reverse_action", kwargs={"public_id": q.public_id, "action": slug}),
            }
        )
    timeline = [
        {
            "label": REVERSE_EVENT_LABELS.get(e.kind, e.kind),
            "when": e.occurred_at,
            "who": _who(e.actor),
            "organisation": e.organisation.name if e.organisation else "",
            "motivation": e.motivation,
        }
        for e in fsel.reverse_timeline_for(actor, q)
    ]
    context = {
        "q": q,
        "blocks": blocks,
        "timeline": timeline,
        "chip": _due_chip(q),
        "consent_rule": rules_followup.child_consent_text(q.child_age),
        "asked": fsel.reverse_is_asker(actor, q),
        "problem": problem,
        "due_explanation": _due_explanation(q),
    }
    return render(request, "requests/followup/reverse_detail.html", context, status=status)


def _due_explanation(q: ReverseQuestion) -> str:
    if not q.due_explanation:
        return ""
    try:
        return workdays.DueDateExplanation.from_dict(q.due_explanation).summary_nl(
            start_label=_("Ingediend op")
        )
    except ValueError:
        return ""


@require_GET
def reverse_detail(request: HttpRequest, public_id) -> HttpResponse:
    q = fsel.reverse_get_for(actor=request.actor, public_id=public_id, purpose="detail")
    return _render_reverse(request, q)


@require_POST
def reverse_action(request: HttpRequest, public_id, action: str) -> HttpResponse:
    actor: Actor = request.actor
    if action not in REVERSE_ACTIONS:
        raise Http404
    q = fsel.reverse_get_for(actor=actor, public_id=public_id, purpose=f"action:{action}")
    name, form_class, done = REVERSE_ACTIONS[action]
    form = form_class(request.POST, prefix=action)
    if not form.is_valid():
        return _render_reverse(request, q, {action: form}, status=400)
    data = form.cleaned_data
    try:
        if name == "answer":
            svc.reverse_question_answer(
                actor=actor,
                question=q,
                interventions=data.get("interventions") or "",
                kopp_kvo=data.get("kopp_kvo") or "",
            )
        elif name == "decline":
            svc.reverse_question_decline(actor=actor, question=q, motivation=data.get("motivation") or "")
        elif name == "withdraw":
            svc.reverse_question_withdraw(actor=actor, question=q, reason=data.get("reason") or "")
        else:
            svc.reverse_question_acknowledge(actor=actor, question=q)
    except Incomplete as exc:
        add_service_errors(form, exc.errors)
        return _render_reverse(request, q, {action: form}, status=400)
    except (IllegalMove, Conflict) as exc:
        fresh = fsel.reverse_get_for(actor=actor, public_id=public_id, purpose="detail_after_action")
        return _render_reverse(request, fresh, problem=str(exc.message), status=409)
    except PermissionDenied as exc:
        return _render_reverse(request, q, problem=str(exc), status=403)
    messages.success(request, done)
    return redirect("requests:reverse_detail", public_id=q.public_id)


# --------------------------------------------------------------------------------------------
# Afwijkingen (R5)
# --------------------------------------------------------------------------------------------


@require_GET
def deviations(request: HttpRequest) -> HttpResponse:
    actor: Actor = request.actor
    rows = list(fsel.deviations_for(actor)[:500])
    departures = list(fsel.framework_departures_for(actor)[:500])
    return render(request, "requests/followup/deviations.html", {"rows": rows, "departures": departures})

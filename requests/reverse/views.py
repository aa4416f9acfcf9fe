"""The reverse direction (R3): a zorgverlener's question to youth care about the children of a
client (often after a Kindcheck), its answer, and the lists of both sides. Views are thin:
parse, call one service or selector, render.
"""

from __future__ import annotations

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

from requests.core.access import one_list_write, record_parents_shown
from requests.core.audit_codes import RequestAuditCode
from requests.core.due import due_chip
from requests.core.forms import add_service_errors
from requests.core.plumbing import enforce
from requests.core.views import who
from requests.kindcheck import selectors as kindcheck_selectors
from requests.reverse import forms as rf
from requests.reverse import policy as reverse_policy
from requests.reverse import rules as reverse_rules
from requests.reverse import selectors as reverse_selectors
from requests.reverse import services as reverse_services
from requests.reverse.models import ReverseQuestion
from requests.reverse.workflow import ReverseStatus
from toolkid import workdays, working_calendar
from toolkid.actors import Actor
from toolkid.errors import Conflict, IllegalMove, Incomplete
from toolkid.pagination import paginate


def _due_chip(question: ReverseQuestion) -> Any:
    if question.status != ReverseStatus.SUBMITTED or question.due_date is None:
        return None
    return due_chip(  # the same words as a request's chip
        question.due_date,
        timezone.localdate(),
        closures=working_calendar.closures_for(question.receiving_organisation),
        decree_days=working_calendar.decree_days(),
    )


@require_GET
@one_list_write()
def reverse_list(request: HttpRequest) -> HttpResponse:
    actor: Actor = request.actor
    page = paginate(request, reverse_selectors.reverse_questions_for(actor), reverse_selectors.REVERSE_ORDER)
    rows = [
        {"q": q, "asked": q.asking_organisation_id == actor.organisation.pk, "chip": _due_chip(q)}
        for q in page.rows
    ]
    record_parents_shown(actor, RequestAuditCode.REVERSE_QUESTIONS_LISTED, page.rows)
    may_ask = bool(reverse_policy.may_ask(actor))
    return render(request, "requests/reverse/list.html", {"rows": rows, "may_ask": may_ask, "page": page})


@require_http_methods(["GET", "POST"])
def reverse_new(request: HttpRequest) -> HttpResponse:
    actor: Actor = request.actor
    enforce(reverse_policy.may_ask(actor))
    kindcheck = None
    key = request.GET.get("kindcheck") or request.POST.get("kindcheck")
    if key:
        kindcheck = kindcheck_selectors.kindcheck_get_for(
            actor=actor, public_id=key, purpose="reverse_question"
        )
    fixed = kindcheck is not None
    if request.method == "POST":
        form = rf.ReverseQuestionForm(request.POST, fixed_parent=fixed)
        if form.is_valid():
            arguments = form.service_arguments()
            if fixed:
                arguments["parent"] = kindcheck.parent
            try:
                question = reverse_services.reverse_question_submit(
                    actor=actor, kindcheck=kindcheck, **arguments
                )
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
            request, "requests/reverse/form.html", {"form": form, "kindcheck": kindcheck}, status=400
        )
    form = rf.ReverseQuestionForm(fixed_parent=fixed)
    return render(request, "requests/reverse/form.html", {"form": form, "kindcheck": kindcheck})


REVERSE_ACTIONS = {
    "beantwoorden": ("answer", rf.ReverseAnswerForm, gettext_lazy("Uw antwoord is verstuurd.")),
    "niet-beantwoorden": (
        "decline",
        rf.ReverseDeclineForm,
        gettext_lazy("Vastgelegd dat u de vraag niet beantwoordt."),
    ),
    "intrekken": ("withdraw", rf.ReverseWithdrawForm, gettext_lazy("De vraag is ingetrokken.")),
    "gelezen": ("acknowledge", rf.ReverseAcknowledgeForm, gettext_lazy("De vraag is afgesloten.")),
}


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
    for slug in reverse_policy.allowed(actor, q):
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
            "label": e.get_kind_display(),
            "when": e.occurred_at,
            "who": who(e.actor),
            "organisation": e.organisation.name if e.organisation else "",
            "motivation": e.motivation,
        }
        for e in reverse_selectors.reverse_timeline_for(actor, q)
    ]
    context = {
        "q": q,
        "blocks": blocks,
        "timeline": timeline,
        "chip": _due_chip(q),
        "consent_rule": reverse_rules.child_consent_text(q.child_age),
        "asked": reverse_selectors.reverse_is_asker(actor, q),
        "problem": problem,
        "due_explanation": _due_explanation(q),
    }
    return render(request, "requests/reverse/detail.html", context, status=status)


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
    q = reverse_selectors.reverse_get_for(actor=request.actor, public_id=public_id, purpose="detail")
    return _render_reverse(request, q)


@require_POST
def reverse_action(request: HttpRequest, public_id, action: str) -> HttpResponse:
    actor: Actor = request.actor
    if action not in REVERSE_ACTIONS:
        raise Http404
    q = reverse_selectors.reverse_get_for(actor=actor, public_id=public_id, purpose=f"action:{action}")
    name, form_class, done = REVERSE_ACTIONS[action]
    form = form_class(request.POST, prefix=action)
    if not form.is_valid():
        return _render_reverse(request, q, {action: form}, status=400)
    data = form.cleaned_data
    try:
        if name == "answer":
            reverse_services.reverse_question_answer(
                actor=actor,
                question=q,
                interventions=data.get("interventions") or "",
                kopp_kvo=data.get("kopp_kvo") or "",
            )
        elif name == "decline":
            reverse_services.reverse_question_decline(
                actor=actor, question=q, motivation=data.get("motivation") or ""
            )
        elif name == "withdraw":
            reverse_services.reverse_question_withdraw(
                actor=actor, question=q, reason=data.get("reason") or ""
            )
        else:
            reverse_services.reverse_question_acknowledge(actor=actor, question=q)
    except Incomplete as exc:
        add_service_errors(form, exc.errors)
        return _render_reverse(request, q, {action: form}, status=400)
    except (IllegalMove, Conflict) as exc:
        fresh = reverse_selectors.reverse_get_for(
            actor=actor, public_id=public_id, purpose="detail_after_action"
        )
        return _render_reverse(request, fresh, problem=str(exc.message), status=409)
    except PermissionDenied as exc:
        return _render_reverse(request, q, problem=str(exc), status=403)
    messages.success(request, done)
    return redirect("requests:reverse_detail", public_id=q.public_id)

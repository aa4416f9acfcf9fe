"""Handling's pages of their own: the provider's inbox (*Binnengekomen verzoeken*), the refusals
waiting for a second person (R11) and the legal advisor's referrals (R8, R31), with the page
that answers one referral.

Views are thin: parse a form, call one selector or service, render. The actions on a request's
page are declared in ``actions.py`` and posted to ``requests.detail.views.action``; the services
decide what is allowed and raise ``IllegalMove`` / ``Conflict`` / ``Incomplete`` /
``PermissionDenied`` / ``Http404``, which become Dutch messages on the page the form came from.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from requests.core import access, listing, policy
from requests.core.audit_codes import RequestAuditCode as Code
from requests.core.due import DueCalendar
from requests.core.forms import add_service_errors
from requests.core.page import Problem, typed_values
from requests.core.views import after_success
from requests.core.workflow import OPEN_FOR_PROVIDER, VISIBLE_TO_PROVIDER, RequestStatus
from requests.handling import forms as f
from requests.handling import selectors as handling_selectors
from requests.handling import services as handling_services
from requests.handling.actions import (
    ACTIONS,
    ASSIGN,
    CONFIRM_REFUSAL,
    REJECT_REFUSAL,
    TAKE,
    provider_clinicians,
)
from toolkid.actors import Actor
from toolkid.errors import Conflict, IllegalMove, Incomplete
from toolkid.pagination import count_capped, paginate

S = RequestStatus

# --------------------------------------------------------------------------------------------
# Answering a referral (R31, R8), from the request's page or the queue
# --------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def give_advice(request: HttpRequest, public_id, advice_id: int) -> HttpResponse:
    """The legal advisor answers a referral (R31, R8) on a page of its own, or from the queue.
    GET shows the question and the one form (or why it cannot be answered now); a refused POST
    shows the page it came from again (the queue, or this page) with the reason and the text."""
    actor: Actor = request.actor
    req = access.request_get_for(actor=actor, pk_or_public_id=public_id, purpose="legal_advice")
    advice = req.legal_advice.filter(pk=advice_id).first()
    if advice is None:
        raise Http404
    form = f.GiveLegalAdviceForm(request.POST if request.method == "POST" else None, prefix="advise",
                                 request=req, auto_id=f"id_%s_{advice.pk}")
    if request.method == "GET":
        return _render_advice(request, req, advice, form)
    from_queue = request.POST.get("from") == "queue"
    problem = None
    if form.is_valid():
        try:
            handling_services.legal_advice_give(
                actor=actor, advice=advice, text=form.cleaned_data["advice"] or ""
            )
        except Incomplete as exc:
            add_service_errors(form, exc.errors)
        except (IllegalMove, Conflict) as exc:
            problem = Problem(str(exc.message))
        else:
            messages.success(request, _("Uw advies is vastgelegd. Het besluit blijft bij de zorgverlener."))
            if from_queue:
                return redirect("requests:legal_queue")
            return after_success(request, req)
    if from_queue:
        return _render_legal_queue(request, bound={advice.pk: form}, problem=problem,
                                   status=409 if problem else 400)
    return _render_advice(request, req, advice, form, problem=problem, status=409 if problem else 400)


def _render_advice(
    request: HttpRequest, req: Any, advice: Any, form: Any, *, problem: Problem | None = None,
    status: int = 200,
) -> HttpResponse:
    """The referral's page: the question, who asked it, and the form while it can be answered."""
    actor: Actor = request.actor
    decision = policy.may_give_legal_advice(actor, req, advice)
    if not decision and problem is None:
        problem = Problem(decision.reason or _("Dit kan op dit moment niet."))
        status = 403 if decision.forbidden else 409
    return render(request, "requests/handling/advise.html", {
        "req": req, "advice": advice, "form": form, "problem": problem, "allowed": bool(decision),
        "title": _("Juridisch advies geven"),
        "typed": [] if decision else typed_values(form),
        "status_label": access.status_for(actor, req).label,
        "action_url": reverse("requests:advise", kwargs={"public_id": req.public_id, "advice_id": advice.pk}),
    }, status=status)


# --------------------------------------------------------------------------------------------
# Binnengekomen verzoeken
# --------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@access.one_list_write()
def inbox(request: HttpRequest) -> HttpResponse:
    """GET: one page of the queue, filtered. POST: the search form (terms kept in the session,
    never in the URL), answered with a redirect to the list that searches for them."""
    actor: Actor = request.actor
    search_form, search, redirect_to = listing.search_from(request)
    if redirect_to:
        return redirect(redirect_to)
    team = provider_clinicians(actor)
    filter_form = f.InboxFilterForm(
        request.GET or None,
        clinicians=team,
        states=[s for s in S if s in VISIBLE_TO_PROVIDER],
        organisations=listing.other_organisations(actor),
    )
    # The selector checks the role (PermissionDenied, logged) and logs the search (L5).
    found = handling_selectors.inbox_for(actor, **filter_form.filters(), search=search)
    # The inbox shows neither children nor questions: not read (two queries a page; issue 11).
    page = paginate(request, found.prefetch_related(None), handling_selectors.INBOX_ORDER)
    count, more = count_capped(found)
    # Over the whole filtered list, not this page: "3 verzoeken zijn te laat" (R26).
    overdue_count, _more = count_capped(
        found.filter(status__in=OPEN_FOR_PROVIDER, due_date__lt=timezone.localdate())
    )
    access.record_parents_shown(actor, Code.INBOX_LISTED, page.rows)  # L5: a list is a read
    calendar = DueCalendar()
    rows = []
    for req in page.rows:
        chip = calendar.chip(req)
        rows.append({
            "req": req,
            "status_label": access.status_for(actor, req).label,
            "chip": chip,
            "overdue": bool(chip and chip.overdue),
            "can_take": bool(policy.may_take(actor, req)),
            "can_assign": bool(policy.may_assign(actor, req)),
            "take_url": reverse("requests:action", kwargs={"public_id": req.public_id,
                                                           "action": ACTIONS[TAKE].slug}),
            "assign_url": reverse("requests:action", kwargs={"public_id": req.public_id,
                                                             "action": ACTIONS[ASSIGN].slug}),
        })
    context = {
        "rows": rows,
        "page": page,
        "count": count,
        "count_more": more,
        "filter_form": filter_form,
        "search_form": search_form,
        "searching": bool(search),
        "filtered": bool(search) or any(v for v in filter_form.filters().values()),
        # The assign menu's choices, only where the policy lets the actor assign a row.
        "clinicians": list(team) if any(row["can_assign"] for row in rows) else [],
        "overdue_count": overdue_count,
        **listing.list_links(request),
    }
    return render(request, "requests/handling/inbox.html", context, status=400 if search_form.errors else 200)


# --------------------------------------------------------------------------------------------
# Te bevestigen weigeringen (R11) and Adviesvragen (R8, R31)
# --------------------------------------------------------------------------------------------


@require_GET
@access.one_list_write()
def refusals(request: HttpRequest) -> HttpResponse:
    actor: Actor = request.actor
    items = []
    page = paginate(request, handling_selectors.refusals_to_confirm(actor), handling_selectors.REFUSALS_ORDER)
    access.record_parents_shown(actor, Code.REFUSALS_LISTED, page.rows)
    for req in page.rows:
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
    return render(request, "requests/handling/refusals.html", {"items": items, "page": page})


@access.one_list_write()
def _render_legal_queue(
    request: HttpRequest, *, bound: dict[int, Any] | None = None, problem: Problem | None = None,
    status: int = 200,
) -> HttpResponse:
    actor: Actor = request.actor
    include_given = request.GET.get("alle") == "1"
    bound = bound or {}
    items = []
    error_form = None
    page = paginate(request, handling_selectors.legal_queue(actor, include_given=include_given),
                    handling_selectors.LEGAL_QUEUE_ORDER)
    access.record_parents_shown(actor, Code.LEGAL_QUEUE_LISTED, page.rows)
    for advice in page.rows:
        form = None
        if policy.may_give_legal_advice(actor, advice.request, advice):
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
               "problem": problem, "page": page}
    return render(request, "requests/handling/legal_queue.html", context, status=status)


@require_GET
def legal_queue(request: HttpRequest) -> HttpResponse:
    return _render_legal_queue(request)

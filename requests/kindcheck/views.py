"""The Kindcheck (L4): a zorgverlener records whether a client cares for minor children and, with
safety concerns, the next steps (a question to youth care goes to ``requests/reverse``); the
teamleider's overview counts them. Views are thin: parse, call one service or selector, render.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from requests.core.access import one_list_write, record_parents_shown
from requests.core.audit_codes import RequestAuditCode
from requests.core.forms import add_service_errors
from requests.core.plumbing import enforce
from requests.kindcheck import forms as kf
from requests.kindcheck import policy as kindcheck_policy
from requests.kindcheck import selectors as kindcheck_selectors
from requests.kindcheck import services as kindcheck_services
from requests.kindcheck.models import KindcheckNextStep
from toolkid.actors import Actor
from toolkid.errors import IllegalMove, Incomplete
from toolkid.pagination import paginate


@require_GET
@one_list_write()
def kindcheck_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, kindcheck_selectors.kindchecks_for(request.actor),
                    kindcheck_selectors.KINDCHECK_ORDER)
    # L5: a list is a read
    record_parents_shown(request.actor, RequestAuditCode.KINDCHECKS_LISTED, page.rows)
    return render(request, "requests/kindcheck/list.html", {"checks": page.rows, "page": page})


@require_http_methods(["GET", "POST"])
def kindcheck_new(request: HttpRequest) -> HttpResponse:
    actor: Actor = request.actor
    enforce(kindcheck_policy.may_record(actor))
    if request.method == "POST":
        form = kf.KindcheckForm(request.POST)
        if form.is_valid():
            try:
                check = kindcheck_services.kindcheck_record(actor=actor, **form.service_arguments())
            except Incomplete as exc:
                add_service_errors(form, exc.errors)
            else:
                messages.success(request, _("De Kindcheck is vastgelegd."))
                return redirect("requests:kindcheck_detail", public_id=check.public_id)
        return render(request, "requests/kindcheck/form.html", {"form": form}, status=400)
    form = kf.KindcheckForm(initial={"checked_on": timezone.localdate()})
    return render(request, "requests/kindcheck/form.html", {"form": form})


def _render_kindcheck(request: HttpRequest, check: Any, form: Any = None, status: int = 200) -> HttpResponse:
    if form is None and kindcheck_policy.may_choose_next_steps(request.actor, check):
        form = kf.KindcheckNextStepsForm(initial={"steps": check.next_steps, "note": check.next_steps_note})
    context = {
        "check": check,
        "form": form,
        "reverse_questions": list(check.reverse_questions.select_related("receiving_organisation")),
        "REVERSE": KindcheckNextStep.REVERSE_QUESTION.value,
    }
    return render(request, "requests/kindcheck/detail.html", context, status=status)


@require_GET
def kindcheck_detail(request: HttpRequest, public_id) -> HttpResponse:
    check = kindcheck_selectors.kindcheck_get_for(actor=request.actor, public_id=public_id, purpose="detail")
    return _render_kindcheck(request, check)


@require_POST
def kindcheck_next_steps(request: HttpRequest, public_id) -> HttpResponse:
    actor: Actor = request.actor
    check = kindcheck_selectors.kindcheck_get_for(actor=actor, public_id=public_id, purpose="next_steps")
    form = kf.KindcheckNextStepsForm(request.POST)
    if form.is_valid():
        try:
            check = kindcheck_services.kindcheck_choose_next_steps(
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
    form = kf.PeriodForm(request.GET or None)
    today = timezone.localdate()
    start, end = dt.date(today.year, 1, 1), today
    if form.is_bound and form.is_valid():
        start = form.cleaned_data.get("van") or None
        end = form.cleaned_data.get("tot") or None
    overview = kindcheck_selectors.kindcheck_overview(request.actor, start=start, end=end)
    return render(request, "requests/kindcheck/overview.html", {"overview": overview, "form": form})

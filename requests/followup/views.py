"""Pages of the follow-up after the answer.

- The page of every follow-up step (:func:`action`; the request's page links to those
  ``panel.py`` offers): GET shows its one form, or why it is not possible now; a refused step
  shows the form again with the Dutch message beside the field (400), the state problem (409)
  or the role problem (403).
- The teamleider's *Afwijkingen* (R5, :func:`deviations`). *Mijn taken* is in ``requests/worklist``.

Views are thin: parse, call one service or selector, render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from requests.core import access
from requests.core.forms import add_service_errors
from requests.core.models import InformationRequest
from requests.core.page import typed_values
from requests.followup import selectors as followup_selectors
from requests.followup.actions import ACTIONS_BY_SLUG, FollowupAction, action_url, make_form
from requests.followup.actions import decision as followup_decision
from requests.followup.models import Duty, HoldRelease, SecondaryUse
from toolkid.actors import Actor
from toolkid.errors import Conflict, IllegalMove, Incomplete
from toolkid.pagination import paginate

# --------------------------------------------------------------------------------------------
# The actions on a request's page
# --------------------------------------------------------------------------------------------


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
    """The step's own page: its form when the policy allows it now; else why not (a GET: 403 for
    the wrong role or side, 409 for the wrong moment), with what was typed after a refused POST."""
    decision = followup_decision(spec.name, request.actor, req, item)
    if not decision and not problem:
        problem = decision.reason or _("Dit kan op dit moment niet.")
        status = 403 if decision.forbidden else 409
    context = {
        "req": req,
        "title": spec.title,
        "back_anchor": "#vervolg",
        "form": form,
        "block_form": {"form": form, "url": action_url(req, spec.name, item), "button": spec.button},
        "problem": problem,
        "item": item,
        "allowed": bool(decision),
        "typed": [] if decision else typed_values(form),
        "status_label": access.status_for(request.actor, req).label,
    }
    return render(request, "requests/followup/action.html", context, status=status)


@require_http_methods(["GET", "POST"])
def action(request: HttpRequest, public_id, action: str, item_id: int | None = None) -> HttpResponse:
    """One follow-up step on its own page: GET shows its form (or why not); POST parses it,
    calls its service and returns to the request's page with a message, or explains."""
    actor: Actor = request.actor
    spec = ACTIONS_BY_SLUG.get(action)
    if spec is None:
        raise Http404
    req = access.request_get_for(actor=actor, pk_or_public_id=public_id, purpose=f"followup:{spec.name}")
    item = _item(req, spec, item_id)
    if request.method == "GET":
        return _render_action(request, req, spec, make_form(spec.name, actor, req, item), item, status=200)
    form = make_form(spec.name, actor, req, item, data=request.POST)
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
# Afwijkingen (R5)
# --------------------------------------------------------------------------------------------


@require_GET
def deviations(request: HttpRequest) -> HttpResponse:
    actor: Actor = request.actor
    # Two lists on one page, each with its own cursor, so paging one keeps the other's page.
    rows = paginate(request, followup_selectors.deviations_for(actor), followup_selectors.DEVIATIONS_ORDER)
    departures = paginate(request, followup_selectors.framework_departures_for(actor),
                          followup_selectors.DEPARTURES_ORDER, param="pagina_kader")
    return render(request, "requests/followup/deviations.html", {"rows": rows, "departures": departures})

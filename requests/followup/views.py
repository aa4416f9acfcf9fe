"""Pages of the follow-up after the answer.

- The endpoint of every follow-up form on the request's page (:func:`action`; the forms are
  offered by ``panel.py``): a refused step shows the form again on a page of its own with the
  Dutch message beside the field (400), the state problem (409) or the role problem (403).
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
from django.views.decorators.http import require_GET, require_POST

from requests.core import access
from requests.core.forms import add_service_errors
from requests.core.models import InformationRequest
from requests.followup import selectors as followup_selectors
from requests.followup.actions import ACTIONS_BY_SLUG, FollowupAction, action_url, make_form
from requests.followup.models import Duty, HoldRelease, SecondaryUse
from toolkid.actors import Actor
from toolkid.errors import Conflict, IllegalMove, Incomplete

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
    context = {
        "req": req,
        "title": spec.title,
        "form": form,
        "block_form": {"form": form, "url": action_url(req, spec.name, item), "button": spec.button},
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
    req = access.request_get_for(actor=actor, pk_or_public_id=public_id, purpose=f"followup:{spec.name}")
    item = _item(req, spec, item_id)
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
    rows = list(followup_selectors.deviations_for(actor)[:500])
    departures = list(followup_selectors.framework_departures_for(actor)[:500])
    return render(request, "requests/followup/deviations.html", {"rows": rows, "departures": departures})

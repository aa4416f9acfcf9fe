"""One action on a page of its own (issue 13: one thing per page): a short context (reference,
status, due date), the action's one form, and after a refused POST the reason in Dutch with what
was typed kept. Whether the form is offered at all is the policy's decision
(``actions.DECISIONS``, the one the services enforce): a GET of an action that is not allowed
now explains why instead of showing a form that can only fail.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from requests.core import access
from requests.core.models import InformationRequest
from requests.core.page import ActionSpec, Problem, typed_values
from requests.core.views import safe_next, who
from requests.detail.actions import ACTION_LABELS, DECISIONS
from requests.detail.summary import next_step
from toolkid.actors import Actor


def render_action_page(
    request: HttpRequest, req: InformationRequest, spec: ActionSpec, form: Any, *,
    problem: Problem | None = None, status: int = 200,
) -> HttpResponse:
    """The action's page. Not allowed now (and nothing went wrong in a POST): the reason, no form
    (403 for the wrong role or side, 409 for the wrong moment)."""
    actor: Actor = request.actor
    decision = DECISIONS[spec.name](actor, req)
    if not decision and problem is None:
        problem = Problem(decision.reason or _("Dit kan op dit moment niet."))
        status = 403 if decision.forbidden else 409
    visible = access.status_for(actor, req)
    context = {
        "req": req,
        "title": ACTION_LABELS[spec.name],
        "name": spec.name,
        "status_label": visible.label,
        "next_step": next_step(visible, provider=access.is_provider_side(actor, req)),
        "handler": who(req.assigned_clinician),
        "allowed": bool(decision),
        "form": form,
        "partial": spec.partial,
        "action_url": reverse("requests:action", kwargs={"public_id": req.public_id, "action": spec.slug}),
        "problem": problem,
        "typed": [] if decision else typed_values(form),
        "next": safe_next(request),
    }
    return render(request, "requests/detail/action.html", context, status=status)


def carry_over(spec: ActionSpec, actor: Actor, req: InformationRequest, data: Any) -> Any:
    """The posted form again for a stale page: what was typed, but carrying the state the request
    is in now (a second submit is then a deliberate one, not the same conflict again)."""
    fresh = data.copy()
    fresh[f"{spec.name}-expected_status"] = access.status_for(actor, req).value
    return spec.make_form(actor, req, data=fresh)

"""The request's page (both sides) and the endpoint of every action offered on it.

Views are thin: parse a form, call one service, render. The services decide what is allowed and
raise ``IllegalMove`` / ``Conflict`` / ``Incomplete`` / ``PermissionDenied`` / ``Http404``; here
they become Dutch messages on the request's page:

- ``Incomplete``: the messages beside the fields, the typed values kept (status 400);
- ``IllegalMove`` / ``Conflict``: the message with the *current* state and what is possible
  now (status 409). Every form carries the state it was rendered in (``expected_status``, as
  the actor may see it: R11) and the view passes it to the service, which raises ``Conflict``
  ("Een collega heeft dit verzoek zojuist behandeld.") when the request has moved on since;
- ``PermissionDenied`` on a visible request: the message on the page (status 403);
- ``Http404``: the request does not exist or is not the user's to see, alike.

The page shows only the actions the actor may take now (``actions.allowed_actions``, which
mirrors the services' checks; the services stay the authority).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from requests.core import access
from requests.core.forms import add_service_errors
from requests.core.page import PageState, Problem
from requests.core.views import after_success, problem_for, reload
from requests.detail.actions import ACTIONS_BY_SLUG
from requests.detail.page import render_page
from toolkid.actors import Actor
from toolkid.errors import Conflict, IllegalMove, Incomplete


@require_GET
def detail(request: HttpRequest, public_id) -> HttpResponse:
    req = access.request_get_for(actor=request.actor, pk_or_public_id=public_id, purpose="detail")
    return render_page(request, req)


@require_POST
def action(request: HttpRequest, public_id, action: str) -> HttpResponse:
    """One action on the request: parse its form, call its service, render or redirect."""
    actor: Actor = request.actor
    spec = ACTIONS_BY_SLUG.get(action)
    if spec is None:
        raise Http404
    req = access.request_get_for(
        actor=actor, pk_or_public_id=public_id, purpose=f"action:{spec.name}"
    )
    form = spec.make_form(actor, req, data=request.POST)
    if not form.is_valid():
        return render_page(request, req, PageState(bound={spec.name: form}), status=400)
    try:
        spec.run(actor, req, form)
    except Incomplete as exc:
        add_service_errors(form, exc.errors)
        if exc.code in spec.incomplete_notes:
            messages.info(request, spec.incomplete_notes[exc.code])
        return render_page(request, req, PageState(bound={spec.name: form}), status=400)
    except (IllegalMove, Conflict) as exc:
        return render_page(request, reload(actor, req), PageState(problem=problem_for(exc)), status=409)
    except PermissionDenied as exc:
        return render_page(request, req, PageState(problem=Problem(str(exc) or _(
            "U hebt niet de juiste rol om dit te doen."))), status=403)
    messages.success(request, spec.message(form))
    return after_success(request, req)

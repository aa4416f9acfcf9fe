"""The request's page (both sides) and the page of every action offered on it (one per action:
the summary links to it).

Views are thin: parse a form, call one service, render. The services decide what is allowed and
raise ``IllegalMove`` / ``Conflict`` / ``Incomplete`` / ``PermissionDenied`` / ``Http404``; here
they become Dutch messages on the action's page:

- ``Incomplete``: the messages beside the fields, the typed values kept (status 400);
- ``IllegalMove`` / ``Conflict``: the message with the *current* state, the typed text kept
  (status 409). Every form carries the state it was rendered in (``expected_status``, as
  the actor may see it: R11) and the view passes it to the service, which raises ``Conflict``
  ("Een collega heeft dit verzoek zojuist behandeld.") when the request has moved on since;
- ``PermissionDenied`` on a visible request: the message on the page (status 403);
- ``Http404``: the request does not exist or is not the user's to see, alike.

The summary links only the actions the actor may take now (``actions.allowed_actions``, the
policy the services enforce); a GET of another action's page says why not, without a form.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from requests.core import access
from requests.core.forms import add_service_errors
from requests.core.page import Problem
from requests.core.views import after_success, problem_for, reload
from requests.detail.action_page import carry_over, render_action_page
from requests.detail.actions import ACTIONS_BY_SLUG
from requests.detail.page import PAGE_FLAGS, PAGE_RELATED, render_page
from toolkid.actors import Actor
from toolkid.errors import Conflict, IllegalMove, Incomplete


@require_GET
def detail(request: HttpRequest, public_id) -> HttpResponse:
    # One page read: the policy's answers that need a query are asked once (issue 11: the page in
    # a bounded number of queries, the same for a short and a long history).
    with access.reading():
        req = access.request_get_for(
            actor=request.actor, pk_or_public_id=public_id, purpose="detail", related=PAGE_RELATED,
            annotate={**PAGE_FLAGS, **access.actor_flags(request.actor)},
        )
        return render_page(request, req)


@require_http_methods(["GET", "POST"])
def action(request: HttpRequest, public_id, action: str) -> HttpResponse:
    """One action on its own page: GET shows its one form (or, when the policy does not allow it
    now, why not); POST parses the form, calls the service and returns to the summary with a
    message, or shows the page again with the reason and what was typed."""
    actor: Actor = request.actor
    spec = ACTIONS_BY_SLUG.get(action)
    if spec is None:
        raise Http404
    req = access.request_get_for(
        actor=actor, pk_or_public_id=public_id, purpose=f"action:{spec.name}"
    )
    if request.method == "GET":
        return render_action_page(request, req, spec, spec.make_form(actor, req))
    form = spec.make_form(actor, req, data=request.POST)
    if not form.is_valid():
        return render_action_page(request, req, spec, form, status=400)
    try:
        spec.run(actor, req, form)
    except Incomplete as exc:
        add_service_errors(form, exc.errors)
        if exc.code in spec.incomplete_notes:
            messages.info(request, spec.incomplete_notes[exc.code])
        return render_action_page(request, req, spec, form, status=400)
    except (IllegalMove, Conflict) as exc:
        current = reload(actor, req)
        return render_action_page(request, current, spec, carry_over(spec, actor, current, request.POST),
                                  problem=problem_for(exc), status=409)
    except PermissionDenied as exc:
        return render_action_page(request, req, spec, form, problem=Problem(str(exc) or _(
            "U hebt niet de juiste rol om dit te doen.")), status=403)
    messages.success(request, spec.message(form))
    return after_success(request, req)

"""The request's page (both sides), composed from what each sub-domain shows on it.

The page itself shows the request (status, due date, parent and children, the questions, the
consent) and its timeline; each sub-domain adds its panel: handling (the action forms, the
legal advice, the decision: ``requests/handling/panel.py``), the answer clock
(``requests/deadlines``), the follow-up after the answer (``requests/followup/panel.py``), the
letters (``requests/letters/panel.py``) and the earlier versions (``requests/history``).
Nothing in a sub-domain imports this package; an endpoint that shows the page again after a
refused action gets :func:`render_page` passed in (``requests/urls.py``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from requests.core import access
from requests.core.due import DueCalendar, due_explanation_text
from requests.core.events import RequestEventKind
from requests.core.models import InformationRequest
from requests.core.page import PageState
from requests.core.workflow import RequestStatus
from requests.deadlines import panel as deadline_panel
from requests.detail.actions import ACTION_LABELS, ACTIONS, FORMLESS, allowed_actions
from requests.followup import panel as followup_panel
from requests.handling import panel as handling_panel
from requests.history import selectors as selectors_history
from requests.history import timeline
from requests.letters import panel as letters_panel
from toolkid.actors import Actor

S = RequestStatus


def render_page(
    request: HttpRequest, req: InformationRequest, state: PageState | None = None, *, status: int = 200
) -> HttpResponse:
    """The request's page; ``state`` carries a refused action's bound form or problem."""
    actor: Actor = request.actor
    state = state or PageState()
    provider = access.is_provider_side(actor, req)
    visible_status = access.status_for(actor, req)
    actions = allowed_actions(actor, req)
    blocks = _action_blocks(actor, req, actions, state)
    timeline_rows = _timeline(actor, req)
    handling = handling_panel.panel(actor, req, actions=actions, state=state, provider=provider)
    context = {
        "req": req,
        "provider": provider,
        "status_label": visible_status.label,
        "status": visible_status,
        "S": {s.name: s.value for s in S},
        "blocks": blocks,
        "action_links": [(name, ACTION_LABELS[name]) for name in actions],
        "error_form": _error_form(blocks, handling["advices"]),
        "problem": state.problem,
        **handling,
        **_request_summary(req, resubmitted=_resubmitted(timeline_rows)),
        **deadline_panel.panel(actor, req),  # R26: the answer clock
        "timeline": timeline_rows,
        "followup": followup_panel.panel(actor, req),  # after the answer: templates/requests/followup/
        # The letters the actor can download (R22, R28), and the earlier versions of edited fields (R41).
        **letters_panel.panel(actor, req),
        "history": selectors_history.history_for(actor, req),
    }
    return render(request, "requests/detail/detail.html", context, status=status)


def _action_blocks(
    actor: Actor, req: InformationRequest, actions: list[str], state: PageState
) -> list[dict[str, Any]]:
    """One block per offered action: its label, its partial and its form (bound after a refusal)."""
    blocks = []
    for name in actions:
        if name in FORMLESS:
            if FORMLESS[name]:
                blocks.append({"name": name, "label": ACTION_LABELS[name],
                               "partial": FORMLESS[name], "form": None, "url": ""})
            continue
        spec = ACTIONS[name]
        form = state.bound.get(name) or spec.make_form(actor, req)
        blocks.append({
            "name": name,
            "label": ACTION_LABELS[name],
            "partial": spec.partial,
            "form": form,
            "url": reverse("requests:action", kwargs={"public_id": req.public_id, "action": spec.slug}),
        })
    return blocks


def _error_form(blocks: list[dict[str, Any]], advices: list[dict[str, Any]]) -> Any:
    """The first form with errors (the error summary on top links to its fields)."""
    for item in (*blocks, *advices):
        if item["form"] is not None and item["form"].errors:
            return item["form"]
    return None


def _request_summary(req: InformationRequest, *, resubmitted: bool) -> dict[str, Any]:
    """The request itself: children with their age, the questions, the consent, the due date."""
    today = timezone.localdate()
    declaration = req.consent_declaration
    return {
        "children": [(child, _age(child.date_of_birth, today)) for child in req.children.all()],
        "topics": list(req.topics.all()),
        "declaration": declaration,
        "declaration_expired": bool(declaration and not declaration.is_revoked
                                    and declaration.valid_until < today),
        "due_chip": DueCalendar().chip(req),
        "due_explanation": due_explanation_text(req, resubmitted=resubmitted),
    }


def _timeline(actor: Actor, req: InformationRequest) -> list[dict[str, Any]]:
    """The selector's entries in words. The drafting before the first submission is one line
    ("Concept aangemaakt"), not every saved step."""
    entries = timeline.timeline_for(actor, req)
    submitted_seen = False
    rows = []
    for entry in entries:
        if entry.kind == RequestEventKind.SUBMITTED:
            submitted_seen = True
        if entry.kind == RequestEventKind.DRAFT_UPDATED and not submitted_seen:
            continue
        who = entry.actor.get_full_name() or entry.actor.get_username() if entry.actor else _("systeem")
        rows.append({
            "label": RequestEventKind(entry.kind).label,
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


def _resubmitted(timeline_rows: list[dict]) -> bool:
    return any(row["kind"] == RequestEventKind.RESUBMITTED for row in timeline_rows)

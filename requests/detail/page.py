"""The request's page (both sides), composed from what each sub-domain shows on it.

The page itself shows a summary on top (status, due date, who handles it, what happens next:
``summary.py``, and the allowed actions as links to their own pages), the request (parent and
children, the questions, the consent) and its timeline; each sub-domain adds its panel: handling
(the legal advice, the decision: ``requests/handling/panel.py``), the answer clock
(``requests/deadlines``), the follow-up after the answer (``requests/followup/panel.py``), the
letters (``requests/letters/panel.py``) and the earlier versions (``requests/history``).
Nothing in a sub-domain imports this package: each action has a page of its own (this package's
``action_page.py``, ``requests/handling/views.give_advice``, ``requests/followup/views.action``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from requests.core import access
from requests.core.due import DueCalendar, due_explanation_text
from requests.core.events import RequestEventKind
from requests.core.models import InformationRequest
from requests.core.page import PageState
from requests.core.workflow import RequestStatus
from requests.deadlines import panel as deadline_panel
from requests.detail import summary as detail_summary
from requests.detail.actions import ACTION_LABELS, ACTIONS, FORMLESS, allowed_actions
from requests.filing.actions import EDIT
from requests.followup import panel as followup_panel
from requests.handling import panel as handling_panel
from requests.handling.actions import GIVE_LEGAL_ADVICE
from requests.history import selectors as selectors_history
from requests.history import timeline
from requests.letters import panel as letters_panel
from toolkid.actors import Actor

S = RequestStatus

#: The timeline on the page: the latest entries; the earlier ones on the timeline's own page.
TIMELINE_LATEST = 20
#: The one-to-one rows the page shows, fetched with the request (``access.request_get_for``).
PAGE_RELATED = ("approved_filing__approved_by",)
#: What the page's panels read with the row: which lists beside the request are empty.
PAGE_FLAGS = {**access.PAGE_FLAGS, **followup_panel.PAGE_FLAGS, **selectors_history.PAGE_FLAGS}


def render_page(
    request: HttpRequest, req: InformationRequest, state: PageState | None = None, *, status: int = 200
) -> HttpResponse:
    """The request's page: the summary on top (status, due date, who handles it, what happens
    next, what the actor can do now as links), then the request, its answer and its history.
    No action forms: each action has a page of its own (``views.action``). ``state`` carries a
    problem to show on top (a sub-domain's refused step)."""
    actor: Actor = request.actor
    state = state or PageState()
    provider = access.is_provider_side(actor, req)
    visible_status = access.status_for(actor, req)
    actions = allowed_actions(actor, req)
    timeline_rows = _timeline(actor, req)
    handling = handling_panel.panel(actor, req, actions=actions, state=state, provider=provider)
    followup = followup_panel.panel(actor, req)  # after the answer: templates/requests/followup/
    context = {
        "req": req,
        "provider": provider,
        "status_label": visible_status.label,
        "status": visible_status,
        "S": {s.name: s.value for s in S},
        "action_links": action_links(req, actions, handling["advices"]),
        "followup_links": followup_links(followup),
        "problem": state.problem,
        **handling,
        **_request_summary(req, resubmitted=_resubmitted(timeline_rows)),
        **detail_summary.summary(actor, req),
        **deadline_panel.panel(actor, req),  # R26: the answer clock
        # The latest entries; the earlier ones on their own page (paged, ``history/views.py``).
        "timeline": timeline_rows[-TIMELINE_LATEST:],
        "timeline_earlier": len(timeline_rows) > TIMELINE_LATEST,
        "followup": followup,
        # The letters the actor can download (R22, R28), and the earlier versions of edited fields (R41).
        **letters_panel.panel(actor, req),
        "history": selectors_history.history_for(actor, req),
    }
    return render(request, "requests/detail/detail.html", context, status=status)


def action_url(req: InformationRequest, name: str) -> str:
    return reverse("requests:action", kwargs={"public_id": req.public_id, "action": ACTIONS[name].slug})


def action_links(
    req: InformationRequest, actions: list[str], advices: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """One link per offered action, to its own page (an open referral: to its advice page)."""
    links = []
    for name in actions:
        if name == GIVE_LEGAL_ADVICE:
            links.extend(
                {"name": name, "label": ACTION_LABELS[name], "url": reverse(
                    "requests:advise", kwargs={"public_id": req.public_id, "advice_id": item["advice"].pk})}
                for item in advices if item["form"] is not None
            )
        elif name in FORMLESS:
            if name == EDIT:
                links.append({"name": name, "label": ACTION_LABELS[name], "url": reverse(
                    "requests:step", kwargs={"public_id": req.public_id, "step": "telefonisch-contact"})})
        else:
            links.append({"name": name, "label": ACTION_LABELS[name], "url": action_url(req, name)})
    return links


def followup_links(followup: dict[str, Any]) -> list[dict[str, Any]]:
    """The follow-up steps the actor may take now (``requests/followup/panel.py`` offers exactly
    those its policy allows), as links to their own pages; a step on a task names the task."""
    if not followup.get("visible"):
        return []
    links = [_link(block) for block in (followup["hold"]["blocks"] if followup.get("hold") else [])]
    for row in followup["duties"]:
        links.extend(_link(block, row["duty"].get_kind_display()) for block in row["blocks"])
    for row in followup["uses"]:
        links.extend(_link(block, row["use"].get_purpose_display()) for block in row["blocks"])
    links.extend(
        _link(followup[key]) for key in ("feedback_block", "filing_block", "use_block", "vt_block",
                                         "deviation_block") if followup.get(key)
    )
    return links


def _link(block: dict[str, Any], about: str = "") -> dict[str, Any]:
    label = f"{block['title']}: {about}" if about else str(block["title"])
    return {"name": block["name"], "label": label, "url": block["url"]}


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
        rows.append(timeline.in_words(entry))
    return rows


def _age(born: dt.date, today: dt.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _resubmitted(timeline_rows: list[dict]) -> bool:
    return any(row["kind"] == RequestEventKind.RESUBMITTED for row in timeline_rows)

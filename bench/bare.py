"""Bare views: the floor each real page is measured against (bench/run.py).

Each returns 50 rows of the table its page lists, for the same organisation, as plain HTML,
behind the same middleware (session, two factors, acting organisation): what the page would
cost if it did nothing but read and print its rows. No templates, no access helpers, no audit
lines: that is exactly the overhead the ratio shows."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.html import escape

from audit.models import AuditEvent
from requests.core.models import InformationRequest, LegalAdvice, RequestEvent
from requests.followup.models import Duty

ROWS = 50


def _table(rows) -> HttpResponse:
    body = "".join("<tr>" + "".join(f"<td>{escape(v)}</td>" for v in row) + "</tr>" for row in rows)
    return HttpResponse(f"<!doctype html><title>kaal</title><table>{body}</table>")


def requests_table(request: HttpRequest, side: str) -> HttpResponse:
    org = request.actor.organisation
    qs = InformationRequest.objects.filter(
        **({"receiving_organisation": org} if side == "in" else {"requesting_organisation": org})
    ).order_by("-created_at", "-pk")
    return _table(qs.values_list("reference", "status", "due_date", "created_at")[:ROWS])


def advice_table(request: HttpRequest) -> HttpResponse:
    qs = LegalAdvice.objects.filter(request__receiving_organisation=request.actor.organisation)
    return _table(
        qs.order_by("asked_at", "pk").values_list("request__reference", "status", "asked_at")[:ROWS]
    )


def duties_table(request: HttpRequest) -> HttpResponse:
    qs = Duty.objects.filter(organisation=request.actor.organisation)
    return _table(qs.order_by("opened_at", "pk").values_list("request__reference", "kind", "status")[:ROWS])


def audit_table(request: HttpRequest) -> HttpResponse:
    # The Audit page's order (audit.selectors.LOG_ORDER), so the floor reads the same index range.
    qs = AuditEvent.objects.filter(organisation=request.actor.organisation).order_by("-occurred_at", "-seq")
    return _table(qs.values_list("seq", "occurred_at", "event", "username", "outcome")[:ROWS])


def request_page(request: HttpRequest, public_id) -> HttpResponse:
    """One request's row and its timeline (up to 50 events): the request page's floor."""
    req = InformationRequest.objects.values_list("pk", "reference", "status", "due_date").get(
        public_id=public_id
    )
    events = RequestEvent.objects.filter(request_id=req[0]).order_by("occurred_at", "pk")
    return _table([req[1:], *events.values_list("kind", "to_status", "occurred_at")[:ROWS]])

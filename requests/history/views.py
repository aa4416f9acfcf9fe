"""The request's timeline on a page of its own, newest first and paged (issue 11): the request's
page shows the latest entries and links here for the earlier ones."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from requests.core import access
from requests.core.audit_codes import RequestAuditCode
from requests.history import timeline

#: Lines per page of the timeline.
PAGE_SIZE = 50


@require_GET
def timeline_page(request: HttpRequest, public_id) -> HttpResponse:
    req = access.request_get_for(
        actor=request.actor, pk_or_public_id=public_id, purpose="timeline",
        event=RequestAuditCode.TIMELINE_READ,
    )
    before = request.GET.get("voor", "")
    cursor = int(before) if before.isascii() and before.isdigit() else None
    page = timeline.timeline_page(request.actor, req, before=cursor, size=PAGE_SIZE)
    return render(request, "requests/history/timeline.html", {
        "req": req,
        "entries": [timeline.in_words(entry) for entry in page.entries],
        "older": page.older,
        "first_url": reverse("requests:timeline", kwargs={"public_id": req.public_id}) if cursor else "",
    })

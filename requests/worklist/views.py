"""*Mijn taken*: what waits for the actor across the sub-domains (``selectors.tasks_for``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from requests.core.access import record_parents_shown
from requests.core.audit_codes import RequestAuditCode
from requests.worklist import selectors as worklist_selectors


@require_GET
def tasks(request: HttpRequest) -> HttpResponse:
    task_list = worklist_selectors.tasks_for(request.actor)
    record_parents_shown(request.actor, RequestAuditCode.TASKS_LISTED, [
        *task_list.duties, *task_list.releases, *task_list.secondary_uses, *task_list.reverse_questions])
    return render(request, "requests/worklist/tasks.html", {"tasks": task_list})

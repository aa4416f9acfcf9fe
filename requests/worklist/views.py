"""*Mijn taken*: what waits for the actor across the sub-domains (``selectors.tasks_for``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from requests.core.access import one_list_write, record_parents_shown
from requests.core.audit_codes import RequestAuditCode
from requests.followup import selectors as followup_selectors
from requests.worklist import selectors as worklist_selectors
from toolkid.pagination import paginate


@require_GET
@one_list_write()
def tasks(request: HttpRequest) -> HttpResponse:
    task_list = worklist_selectors.tasks_for(request.actor)
    page = paginate(request, task_list.duties, followup_selectors.DUTY_ORDER)
    task_list.duties = page.rows
    record_parents_shown(request.actor, RequestAuditCode.TASKS_LISTED, [
        *task_list.duties, *task_list.releases, *task_list.secondary_uses, *task_list.reverse_questions])
    return render(request, "requests/worklist/tasks.html", {"tasks": task_list, "page": page})

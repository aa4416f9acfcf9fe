""" "Wie heeft gegevens van deze ouder ingezien?": the parent's right of access (R41) on the
Audit page of the beheerder and the functional administrator.

The beheerder finds the parent by name and birth date, or by BSN, through a POST form (no
personal data in a URL or a server log); only parents the organisation has to do with are
found (:mod:`audit.parents`). The search is logged once per parent found, without what was
typed. From there, and from a row of the log, the overview goes by the opaque ``ouder:…``
reference.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from audit import reports
from audit.audit_codes import AuditLogCode
from audit.forms import ParentReportForm, ParentSearchForm
from audit.models import AuditAction
from audit.parents import ParentMatch, parent_finder
from audit.selectors import (
    PARENT_ORDER,
    AuditScope,
    audit_scope,
    log_audit_access,
    parent_access_letter,
    parent_access_report,
    parent_letter_deferred,
)
from audit.views import PAGE_SIZE, _file_response, _generated_by, _scope_label, _shown, _typed_parent_ref
from toolkid.actors import Actor
from toolkid.pagination import count_capped, paginate

EVENT_PARENT_SEARCHED = AuditLogCode.PARENT_SEARCHED
EVENT_PARENT_VIEWED = AuditLogCode.PARENT_REPORT_VIEWED
EVENT_PARENT_EXPORTED = AuditLogCode.PARENT_REPORT_EXPORTED
EVENT_LETTER_EXPORTED = AuditLogCode.PARENT_ACCESS_LETTER_EXPORTED


def _report_context(request: HttpRequest, actor: Actor, scope: AuditScope, parent_ref: str) -> dict[str, Any]:
    """One page of the parent's access record, read and then logged as a SEARCH."""
    report = parent_access_report(actor, parent_ref, purpose=EVENT_PARENT_VIEWED)
    query = QueryDict(mutable=True)
    query["ouder"] = report.parent_ref
    # Keyset pages and a capped count (issue 11): a parent looked up for years costs what a
    # new one does. The answer to the search (a POST) pages on at the overview's GET URL.
    page = paginate(
        request,
        report.events.values_list(*reports.ROW_FIELDS, named=True),
        PARENT_ORDER,
        per_page=PAGE_SIZE,
        links_to=(reverse("audit:parent_access"), query) if request.method == "POST" else None,
    )
    count, count_more = count_capped(report.events)
    # Read before logging: the count and the rows show the same moment.
    rows = reports.to_rows(page.rows)
    log_audit_access(
        actor,
        event=EVENT_PARENT_VIEWED,
        action=AuditAction.SEARCH,
        scope=scope,
        filters=_shown(page),
        parent_ref=report.parent_ref,
    )
    return {
        "report": report,
        "page": page,
        "rows": rows,
        "count": count,
        "count_more": count_more,
        "query": query.urlencode(),
        # R35, R40: the beheerder learns that the parent's overview waits, not why in detail.
        "letter_deferred": parent_letter_deferred(scope, report.parent_ref),
    }


def _context(scope: AuditScope, **forms: Any) -> dict[str, Any]:
    return {
        "scope": scope,
        "scope_label": _scope_label(scope),
        "search_form": forms.get("search_form") or ParentSearchForm(),
        "parent_form": forms.get("parent_form") or ParentReportForm(auto_id="ref_%s"),
    }


@require_GET
def parent_access(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    scope = audit_scope(
        actor, event=EVENT_PARENT_VIEWED, action=AuditAction.SEARCH, parent_ref=_typed_parent_ref(request)
    )
    form = ParentReportForm(request.GET if "ouder" in request.GET else None, auto_id="ref_%s")
    context = _context(scope, parent_form=form)
    if form.is_bound and form.is_valid():
        context.update(_report_context(request, actor, scope, form.cleaned_data["ouder"]))
    return render(request, "audit/parent_access.html", context)


def _log_search(actor: Actor, scope: AuditScope, method: str, matches: list[ParentMatch]) -> None:
    """One event per parent found (so each parent's own record shows that they were looked
    up), or one without a parent when none was; the terms typed are never stored."""
    filters = {"method": method, "found": len(matches)}
    with transaction.atomic():
        for match in matches or [None]:
            log_audit_access(
                actor,
                event=EVENT_PARENT_SEARCHED,
                action=AuditAction.SEARCH,
                scope=scope,
                filters=filters,
                parent_ref=match.parent_ref if match is not None else "",
            )


@require_POST
def parent_search(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    scope = audit_scope(actor, event=EVENT_PARENT_SEARCHED, action=AuditAction.SEARCH)
    form = ParentSearchForm(request.POST)
    context = _context(scope, search_form=form)
    if form.is_valid():
        finder, data = parent_finder(), form.cleaned_data
        if data["bsn"]:
            matches = finder.by_bsn(scope.organisation, bsn=data["bsn"])
        else:
            matches = finder.by_name(
                scope.organisation, name=data["naam"], date_of_birth=data["geboortedatum"]
            )
        _log_search(actor, scope, form.method, matches)
        context.update(searched=True, matches=matches)
        if len(matches) == 1:
            # One parent: the record straight away, under their name.
            context.update(_report_context(request, actor, scope, matches[0].parent_ref), parent=matches[0])
    return render(request, "audit/parent_access.html", context)


@require_GET
def parent_access_pdf(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    scope = audit_scope(
        actor, event=EVENT_PARENT_EXPORTED, action=AuditAction.EXPORT, parent_ref=_typed_parent_ref(request)
    )
    form = ParentReportForm(request.GET)
    if not form.is_valid():
        query = urlencode({"ouder": request.GET.get("ouder", "")})
        return redirect(f"{reverse('audit:parent_access')}?{query}")
    report = parent_access_report(actor, form.cleaned_data["ouder"], purpose=EVENT_PARENT_EXPORTED)
    document_id = uuid.uuid4()
    pdf, total = reports.parent_access_pdf(
        report.events,
        parent_ref=report.parent_ref,
        document_id=document_id,
        scope_label=_scope_label(scope),
        generated_by=_generated_by(actor),
    )
    log_audit_access(
        actor,
        event=EVENT_PARENT_EXPORTED,
        action=AuditAction.EXPORT,
        scope=scope,
        filters={},
        parent_ref=report.parent_ref,
        extra={"document_id": str(document_id), "events": total},
    )
    return _file_response(
        pdf, content_type="application/pdf", filename=f"inzage-ouder-{document_id.hex[:8]}.pdf"
    )


@require_GET
def parent_access_letter_pdf(request: HttpRequest) -> HttpResponse:
    """The overview for the parent (AVG art. 15, R41), or while the path-C hold applies its
    deferral (R35, R40). Each one made is logged, deferred or not."""
    actor = request.actor
    audit_scope(
        actor, event=EVENT_LETTER_EXPORTED, action=AuditAction.EXPORT, parent_ref=_typed_parent_ref(request)
    )
    form = ParentReportForm(request.GET)
    if not form.is_valid():
        query = urlencode({"ouder": request.GET.get("ouder", "")})
        return redirect(f"{reverse('audit:parent_access')}?{query}")
    scope, letter = parent_access_letter(actor, form.cleaned_data["ouder"])
    document_id = uuid.uuid4()
    pdf = reports.parent_access_letter_pdf(letter, document_id=document_id, scope_label=_scope_label(scope))
    extra: dict[str, Any] = {"document_id": str(document_id), "deferred": letter.deferred}
    if not letter.deferred:
        extra["events"] = letter.events
    log_audit_access(
        actor,
        event=EVENT_LETTER_EXPORTED,
        action=AuditAction.EXPORT,
        scope=scope,
        filters={},
        parent_ref=letter.parent.parent_ref,
        extra=extra,
    )
    return _file_response(
        pdf, content_type="application/pdf", filename=f"inzage-voor-ouder-{document_id.hex[:8]}.pdf"
    )

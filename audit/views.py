"""The Audit page of the beheerder and the functional administrator (UI.md, Administrator):
search the log, download it as CSV or PDF, check the hash chain. The parent's right of access
("Wie heeft gegevens van deze ouder ingezien?") has its own pages in :mod:`audit.parent_views`.

Thin: parse, ask :mod:`audit.selectors` (one access rule; anyone else gets a logged 404),
log what was done (a SEARCH for a page, an EXPORT per download; filters as identifiers,
never free text), render or hand out the file built by :mod:`audit.reports`.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from audit import reports
from audit.audit_codes import AuditLogCode
from audit.chain import verify_chain
from audit.forms import AuditFilterForm, ParentSearchForm
from audit.models import AuditAction
from audit.selectors import (
    LOG_ORDER,
    AuditScope,
    audit_scope,
    filter_events,
    log_audit_access,
    normalise_parent_ref,
    scoped_events,
)
from toolkid.actors import Actor
from toolkid.pagination import Page, count_capped, paginate

PAGE_SIZE = 50

EVENT_SEARCHED = AuditLogCode.SEARCHED
EVENT_CSV = AuditLogCode.CSV_EXPORTED
EVENT_PDF = AuditLogCode.PDF_EXPORTED
EVENT_CHAIN_VERIFIED = AuditLogCode.CHAIN_VERIFIED

FILTER_KEYS = ("van", "tot", "gebruiker", "actie", "doel", "grondslag", "gevoeligheid", "ouder")


# --- helpers -----------------------------------------------------------------------------


def _scope_label(scope: AuditScope) -> str:
    return _("Alle organisaties") if scope.is_all else scope.organisation.name


def _generated_by(actor: Actor) -> str:
    name = actor.user.get_full_name() or actor.user.get_username()
    return f"{name} ({actor.role_label})" if actor.role_label else name


def _file_response(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _back_to_log(request: HttpRequest) -> HttpResponse:
    """A download with invalid filters: back to the page, which shows the errors."""
    query = urlencode({k: request.GET.get(k, "") for k in FILTER_KEYS if request.GET.get(k)})
    return redirect(f"{reverse('audit:log')}?{query}" if query else reverse("audit:log"))


def _typed_parent_ref(request: HttpRequest) -> str:
    """The parent a request is about, for the log line of a refused request."""
    return normalise_parent_ref(request.GET.get("ouder")) or ""


def _period_slug(form: AuditFilterForm) -> str:
    data = form.cleaned_data
    return f"{data['van']:%Y%m%d}-{data['tot']:%Y%m%d}"


def _shown(page: Page) -> dict[str, Any]:
    """Which rows the page showed, for its SEARCH event (L5): a keyset page has no number, so
    the first and last event shown (by seq) and how many."""
    if not page.rows:
        return {"rows": 0}
    return {"rows": len(page.rows), "first_seq": page.rows[0].seq, "last_seq": page.rows[-1].seq}


# --- pages -------------------------------------------------------------------------------


@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    scope = audit_scope(
        actor, event=EVENT_SEARCHED, action=AuditAction.SEARCH, parent_ref=_typed_parent_ref(request)
    )
    form = AuditFilterForm.from_query(request.GET)
    context: dict[str, Any] = {
        "form": form,
        "scope": scope,
        "scope_label": _scope_label(scope),
        "search_form": ParentSearchForm(auto_id="inzage_%s"),
        "pdf_max_rows": number_format(reports.PDF_MAX_ROWS, force_grouping=True),
    }
    if form.is_valid():
        selection = form.selection()
        events = filter_events(scoped_events(scope), **selection)
        # Keyset pages and a capped count (issue 11): what one page costs does not grow with
        # the log; the CSV and the PDF hold the whole selection.
        page = paginate(request, events.values_list(*reports.ROW_FIELDS, named=True), LOG_ORDER,
                        per_page=PAGE_SIZE)
        count, count_more = count_capped(events)
        # Read before logging: the count and the rows show the same moment.
        rows = reports.to_rows(page.rows)
        log_audit_access(
            actor,
            event=EVENT_SEARCHED,
            action=AuditAction.SEARCH,
            scope=scope,
            filters={**form.logged_filters(), **_shown(page)},
            parent_ref=selection["parent_ref"] or "",
        )
        context.update(searched=True, page=page, rows=rows, count=count, count_more=count_more,
                       query=form.query())
    return render(request, "audit/log.html", context)


@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    scope = audit_scope(
        actor, event=EVENT_CSV, action=AuditAction.EXPORT, parent_ref=_typed_parent_ref(request)
    )
    form = AuditFilterForm.from_query(request.GET)
    if not form.is_valid():
        return _back_to_log(request)
    selection = form.selection()
    events = filter_events(scoped_events(scope), **selection)
    # Logged before the first byte leaves: the export counts even if the download breaks off.
    log_audit_access(
        actor,
        event=EVENT_CSV,
        action=AuditAction.EXPORT,
        scope=scope,
        filters=form.logged_filters(),
        parent_ref=selection["parent_ref"] or "",
    )
    return reports.csv_response(events, filename=f"auditlog-{_period_slug(form)}.csv")


@require_GET
def export_pdf(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    scope = audit_scope(
        actor, event=EVENT_PDF, action=AuditAction.EXPORT, parent_ref=_typed_parent_ref(request)
    )
    form = AuditFilterForm.from_query(request.GET)
    if not form.is_valid():
        return _back_to_log(request)
    selection = form.selection()
    events = filter_events(scoped_events(scope), **selection)
    document_id = uuid.uuid4()
    pdf, total = reports.audit_log_pdf(
        events,
        document_id=document_id,
        scope_label=_scope_label(scope),
        filters=form.described(),
        generated_by=_generated_by(actor),
    )
    log_audit_access(
        actor,
        event=EVENT_PDF,
        action=AuditAction.EXPORT,
        scope=scope,
        filters=form.logged_filters(),
        parent_ref=selection["parent_ref"] or "",
        extra={"document_id": str(document_id), "events": total, "rows": min(total, reports.PDF_MAX_ROWS)},
    )
    return _file_response(pdf, content_type="application/pdf", filename=f"auditlog-{_period_slug(form)}.pdf")


@require_POST
def chain_check(request: HttpRequest) -> HttpResponse:
    """Runs the whole-chain check on demand (it reads every event: not on every page view)."""
    actor = request.actor
    scope = audit_scope(actor, event=EVENT_CHAIN_VERIFIED, action=AuditAction.READ)
    result = verify_chain()
    log_audit_access(
        actor,
        event=EVENT_CHAIN_VERIFIED,
        action=AuditAction.READ,
        scope=scope,
        filters={},
        extra={"ok": result.ok, "checked": result.checked, "first_broken_seq": result.first_broken_seq},
    )
    if result.ok:
        if result.anchor_seq:
            messages.success(
                request,
                _(
                    "Auditketen intact: %(count)s gebeurtenissen gecontroleerd, vanaf volgnummer %(first)s "
                    "(oudere gebeurtenissen zijn na hun bewaartermijn verwijderd)."
                )
                % {"count": result.checked, "first": result.anchor_seq + 1},
            )
        else:
            messages.success(
                request,
                _("Auditketen intact: %(count)s gebeurtenissen gecontroleerd.") % {"count": result.checked},
            )
        if result.unsealed:
            messages.info(
                request,
                _(
                    "Nog niet verzegeld: %(count)s gebeurtenissen, de oudste van %(age)s s geleden. "
                    "Ze zijn elk op hun eigen hash gecontroleerd; de verzegelaar legt ze binnen enkele "
                    "minuten vast."
                )
                % {"count": result.unsealed, "age": result.oldest_unsealed_seconds or 0},
            )
    else:
        messages.error(
            request,
            _(
                "Auditketen verbroken bij gebeurtenis %(seq)s: %(reason)s. Meld dit direct aan de "
                "functioneel beheerder en de security officer."
            )
            % {"seq": result.first_broken_seq, "reason": result.reason},
        )
    query = QueryDict(request.POST.get("query", ""))
    kept = urlencode({k: query.get(k) for k in FILTER_KEYS if query.get(k)})
    return redirect(f"{reverse('audit:log')}?{kept}" if kept else reverse("audit:log"))

"""The requester's pages (UI.md, youth-care worker): *Mijn verzoeken* and the guided form
*Nieuw informatieverzoek* — telefonisch contact, ouder en kinderen, kader en ontvanger, ernst
en reden, vragen, toestemming, controleren en versturen.

Thin: parse, call one selector or service, render. Every page of a request opens it through
``access.request_get_for(purpose="filing")`` (one logged read; a 404 for anyone who may not
see it, identical to a request that does not exist). Only the requesting organisation's
jeugdhulpverlener edits, and only a draft or a request returned for reformulation (R7); the
services check all of that again, under a row lock.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from requests.core import access, listing, policy, rules
from requests.core.audit_codes import RequestAuditCode
from requests.core.models import InformationRequest
from requests.core.workflow import OPEN_FOR_PROVIDER, RequestStatus
from requests.filing import selectors as filing_selectors
from requests.filing.draft import request_draft_create, request_draft_update
from requests.filing.forms import ErrorItem, FilingStep, OutgoingFilterForm, SubmitForm
from requests.filing.sequence import REVIEW_SLUG, REVIEW_TITLE, STEP_BY_SLUG, STEPS, place_of, steps_missing
from requests.filing.services import request_resubmit, request_submit
from requests.filing.steps.parent import ParentAndChildrenStep
from requests.filing.steps.questions import QuestionsStep
from toolkid import workdays
from toolkid.errors import Conflict, IllegalMove, Incomplete
from toolkid.models import ClosureDay
from toolkid.pagination import count_capped, paginate
from toolkid.working_calendar import decree_days

S = RequestStatus

#: States in which the requester edits the request through the steps.
#: The session keys: the review page's submit token per request, and the token that sent it.
SESSION_SUBMIT_TOKENS = "requests_filing_submit_tokens"
SESSION_SENT_TOKENS = "requests_filing_sent_tokens"
#: The intro page's start token → the draft it created, so a double POST starts one draft.
#: The audit trail's purpose code for every read on these pages.
PURPOSE = "filing"


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _load(request: HttpRequest, public_id: uuid.UUID) -> InformationRequest:
    """The request, if the actor may file it: visible (logged by the selector) *and* the
    requesting organisation's jeugdhulpverlener. A teamleider of that organisation sees the
    request elsewhere, but gets the same 404 here."""
    actor = request.actor
    info = access.request_get_for(actor=actor, pk_or_public_id=public_id, purpose=PURPOSE)
    if policy.may_edit(actor, info).forbidden:
        raise Http404
    return info


def _detail_url(info: InformationRequest) -> str:
    """The request's own page (built by the answering side), or "" while it does not exist."""
    try:
        return reverse("requests:detail", kwargs={"public_id": info.public_id})
    except NoReverseMatch:
        return ""


def _result_url(info: InformationRequest) -> str:
    """Where to go after sending, or after an illegal move: the request's page, else Mijn verzoeken."""
    return _detail_url(info) or reverse("requests:outgoing")


def _refuse_if_not_editable(request: HttpRequest, info: InformationRequest) -> HttpResponse | None:
    """An illegal move changes nothing: say why, and show the request as it is."""
    if policy.may_edit(request.actor, info):
        return None
    messages.error(request, _(
        "Dit verzoek heeft de status ‘%(status)s’ en kan niet meer worden gewijzigd."
    ) % {"status": access.status_for(request.actor, info).label})
    return redirect(_result_url(info))


def _step_url(info: InformationRequest, slug: str) -> str:
    if slug == REVIEW_SLUG:
        return reverse("requests:review", kwargs={"public_id": info.public_id})
    return reverse("requests:step", kwargs={"public_id": info.public_id, "step": slug})


@dataclass(frozen=True)
class ProgressItem:
    slug: str
    title: str
    url: str
    current: bool
    done: bool


def _progress(info: InformationRequest, current: str, missing: dict[str, Any]) -> list[ProgressItem]:
    """The progress indicator: every step, the current one marked, complete ones ticked."""
    incomplete = steps_missing(missing)
    items = [
        ProgressItem(step.slug, str(step.title), _step_url(info, step.slug), step.slug == current,
                     step.slug not in incomplete)
        for step in STEPS
    ]
    items.append(ProgressItem(REVIEW_SLUG, str(REVIEW_TITLE), _step_url(info, REVIEW_SLUG),
                              current == REVIEW_SLUG, False))
    return items


def _mark_filing_in_menu(request: HttpRequest, info: InformationRequest) -> None:
    """While filing (or reformulating), the menu marks "Nieuw informatieverzoek" as the current
    page, not "Mijn verzoeken" whose URL the wizard's pages share (``toolkid.context_processors``)."""
    if info.status == S.DRAFT:
        request.nav_current_url = reverse("requests:new")  # type: ignore[attr-defined]


def _base_context(info: InformationRequest, current: str) -> dict[str, Any]:
    missing = rules.missing_for_submit(info)
    return {
        "info": info,
        "returned": info.status == S.RETURNED,
        "progress": _progress(info, current, missing),
        "missing": missing,
    }


# --------------------------------------------------------------------------------------------
# Mijn verzoeken
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DueChip:
    text: str
    css: str


@dataclass(frozen=True)
class OutgoingRow:
    info: InformationRequest
    reference: str
    parent: str
    receiver: str
    path: str
    status: str
    due: date | None
    chip: DueChip | None
    url: str
    action: str


def _due_chips(rows: list[InformationRequest], today: date) -> dict[int, DueChip]:
    """R26, L1: working days left per running request, in the receiving organisation's
    calendar. Decree days are read once and each organisation's closure days once (one query
    for all of them), however many rows there are."""
    running = [
        r for r in rows if r.status in OPEN_FOR_PROVIDER and r.due_date and r.receiving_organisation_id
    ]
    if not running:
        return {}
    closures: dict[int, list[tuple[date, str]]] = defaultdict(list)
    for org_id, day, reason in ClosureDay.objects.filter(
        organisation_id__in={r.receiving_organisation_id for r in running}
    ).values_list("organisation_id", "date", "reason"):
        closures[org_id].append((day, reason))
    decree = decree_days()
    chips: dict[int, DueChip] = {}
    for r in running:
        left = workdays.working_days_between(
            today, r.due_date, closures=closures[r.receiving_organisation_id], decree_days=decree
        )
        if left > 0:
            text = ngettext("nog %(n)d werkdag", "nog %(n)d werkdagen", left) % {"n": left}
            chips[r.pk] = DueChip(text, "chip--ok")
        elif left < 0:
            text = ngettext("%(n)d werkdag te laat", "%(n)d werkdagen te laat", -left) % {"n": -left}
            chips[r.pk] = DueChip(text, "chip--overdue")
        elif r.due_date < today:
            # Past the due date, but no working day since (a weekend or holiday after it).
            chips[r.pk] = DueChip(_("te laat"), "chip--overdue")
        else:
            chips[r.pk] = DueChip(_("vandaag"), "chip--today")
    return chips


def _draft_url(info: InformationRequest) -> str:
    known = info.draft_step in STEP_BY_SLUG or info.draft_step == REVIEW_SLUG
    return _step_url(info, info.draft_step if known else STEPS[0].slug)


def _outgoing_row(actor, info, chips: dict) -> OutgoingRow:
    """One row of Mijn verzoeken: what the requester sees and may do next."""
    may_edit = bool(policy.may_edit(actor, info))
    if info.status == S.DRAFT and may_edit:
        url, action = _draft_url(info), _("Verder invullen")
    elif info.status == S.RETURNED and may_edit:
        url, action = _step_url(info, REVIEW_SLUG), _("Herformuleren")
    else:
        url = _detail_url(info)
        action = _("Bekijken") if url else ""
    return OutgoingRow(
        info=info,
        reference=info.reference or _("Concept"),
        # UI.md: lists show the parent as initials and birth year only.
        parent=info.parent.initials_and_year if info.parent_id else "",
        receiver=info.receiving_organisation.name if info.receiving_organisation_id else "",
        path=info.get_consent_path_display() if info.consent_path else "",
        status=str(access.status_for(actor, info).label),
        due=info.due_date if info.status in OPEN_FOR_PROVIDER else None,
        # R7: while the request is back with the requester, the provider's clock stands still.
        chip=chips.get(info.pk) or (
            DueChip(_("termijn staat stil"), "chip--muted") if info.status == S.RETURNED else None
        ),
        url=url,
        action=action,
    )


@require_http_methods(["GET", "POST"])
@access.one_list_write()
def outgoing(request: HttpRequest) -> HttpResponse:
    """GET: one page of the organisation's requests, open ones unless a filter asks for the
    finished ones. POST: the search form (terms kept in the session, never in the URL)."""
    actor = request.actor
    search_form, search, redirect_to = listing.search_from(request)
    if redirect_to:
        return redirect(redirect_to)
    filter_form = OutgoingFilterForm(request.GET or None, organisations=listing.other_organisations(actor))
    # PermissionDenied (logged) for other roles.
    queryset = filing_selectors.outgoing_for(actor, **filter_form.filters(), search=search)
    # The list shows neither children nor questions: not read (two queries a page; issue 11).
    page = paginate(request, queryset.prefetch_related(None), filing_selectors.OUTGOING_ORDER)
    count, more = count_capped(queryset)
    found = page.rows
    access.record_parents_shown(actor, RequestAuditCode.OUTGOING_LISTED, found)  # L5: a list is a read
    chips = _due_chips(found, timezone.localdate())
    rows = [_outgoing_row(actor, info, chips) for info in found]
    filters = filter_form.filters()
    context = {
        "rows": rows,
        "page": page,
        "count": count,
        "count_more": more,
        "may_file": bool(policy.may_file(actor)),
        "filter_form": filter_form,
        "search_form": search_form,
        "searching": bool(search),
        "filtered": bool(search) or any(v for k, v in filters.items() if k != "status")
        or filters.get("status", filing_selectors.OPEN) != filing_selectors.OPEN,
        "showing_open": filters.get("status", filing_selectors.OPEN) == filing_selectors.OPEN,
        **listing.list_links(request),
    }
    return render(request, "requests/filing/outgoing.html", context,
                  status=400 if search_form.errors else 200)


# --------------------------------------------------------------------------------------------
# Nieuw informatieverzoek
# --------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    """GET: "Spreken gaat voor schrijven" (R6) and a start button with a fresh start token.
    POST: a new draft, once per start token (a double click opens the same draft)."""
    actor = request.actor
    if request.method == "POST":
        # The same form posted twice (a double click, two tabs, a retry) opens the same draft;
        # the service checks the role and logs a denial itself.
        info = request_draft_create(actor=actor, start_token=_start_token(request))
        return redirect("requests:step", public_id=info.public_id, step=STEPS[0].slug)
    if not policy.may_file(actor):
        raise PermissionDenied(_("Alleen een jeugdhulpverlener kan een informatieverzoek indienen."))
    return render(request, "requests/filing/new.html", {
        "steps": [step.title for step in STEPS] + [REVIEW_TITLE],
        "start_token": str(uuid.uuid4()),  # kept nowhere but the form
    })


def _start_token(request: HttpRequest) -> uuid.UUID | None:
    """The posted start token, or None when absent or malformed (then each post starts one)."""
    try:
        return uuid.UUID(str(request.POST.get("start_token", "")).strip())
    except ValueError:
        return None


def _render_step(request: HttpRequest, info: InformationRequest, current: FilingStep) -> HttpResponse:
    _mark_filing_in_menu(request, info)
    index = STEPS.index(type(current))
    context = {
        **_base_context(info, current.slug),
        "step": current,
        "step_number": index + 1,
        "step_count": len(STEPS) + 1,
        "is_first": index == 0,
        "error_items": current.error_items(),
        **current.context(),
    }
    return render(request, current.template, context)


@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, public_id: uuid.UUID, step: str) -> HttpResponse:
    info = _load(request, public_id)
    if step == REVIEW_SLUG:
        return redirect("requests:review", public_id=info.public_id)
    step_class = STEP_BY_SLUG.get(step)
    if step_class is None:
        raise Http404
    refused = _refuse_if_not_editable(request, info)
    if refused is not None:
        return refused
    actor = request.actor

    if request.method == "GET":
        return _render_step(request, info, step_class(actor=actor, info=info, query=request.GET))

    action = request.POST.get("action", "next")
    if action == "add_child" and step_class is ParentAndChildrenStep:
        # "Nog een kind toevoegen" without JavaScript: the same page, one more row, nothing lost.
        return _render_step(request, info, ParentAndChildrenStep.with_added_child(
            actor=actor, info=info, data=request.POST))
    if action == "show_questions" and step_class is QuestionsStep:
        # "Toon vragen" without JavaScript: the boxes of the ticked topics, nothing lost.
        return _render_step(request, info, QuestionsStep.showing_questions(
            actor=actor, info=info, data=request.POST))

    lenient = action in ("previous", "save", "new_consent")
    current = step_class(actor=actor, info=info, data=request.POST, lenient=lenient)
    if not current.is_valid():
        return _render_step(request, info, current)

    index = STEPS.index(step_class)
    if action == "previous":
        target = STEPS[index - 1].slug if index else step_class.slug
    elif action in ("save", "new_consent"):
        target = step_class.slug
    else:
        target = STEPS[index + 1].slug if index + 1 < len(STEPS) else REVIEW_SLUG
    update = current.update()
    update["fields"]["draft_step"] = target
    try:
        request_draft_update(actor=actor, request=info, **update)
    except Incomplete as exc:
        current.apply_service_errors(exc.errors)
        return _render_step(request, info, current)
    except (IllegalMove, Conflict) as exc:
        messages.error(request, exc.message)
        return redirect(_result_url(info))

    if action == "save":
        messages.success(request, _("Het concept is opgeslagen. U gaat later verder via Mijn verzoeken."))
        return redirect("requests:outgoing")
    if action == "new_consent" and info.parent_id:
        return redirect(
            reverse("consent:create", kwargs={"parent_public_id": info.parent.public_id})
            + f"?verzoek={info.public_id}"
        )
    return redirect(_step_url(info, target))


# --------------------------------------------------------------------------------------------
# Controleren en versturen
# --------------------------------------------------------------------------------------------


def _submit_token(request: HttpRequest, info: InformationRequest) -> str:
    """One token per request per session: every rendering of the review page carries the same
    one, so a double click, a resubmitted POST or a second tab sends the request once."""
    tokens = dict(request.session.get(SESSION_SUBMIT_TOKENS, {}))
    key = str(info.public_id)
    if key not in tokens:
        tokens[key] = str(uuid.uuid4())
        request.session[SESSION_SUBMIT_TOKENS] = tokens
    return tokens[key]


def _missing_items(info: InformationRequest, missing: dict[str, Any]) -> list[ErrorItem]:
    items = []
    for key, message in missing.items():
        slug, anchor = place_of(key)
        url = _step_url(info, slug)
        items.append(ErrorItem(str(message), f"{url}#{anchor}" if anchor else url))
    return items


@require_GET
def review(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    info = _load(request, public_id)
    refused = _refuse_if_not_editable(request, info)
    if refused is not None:
        return refused
    _mark_filing_in_menu(request, info)
    context = _base_context(info, REVIEW_SLUG)
    context.update(
        framework_contradiction=rules.framework_contradiction(info),
        error_items=_missing_items(info, context["missing"]),
        submit_form=SubmitForm(initial={"submit_token": _submit_token(request, info)}),
        step_urls={step.slug.replace("-", "_"): _step_url(info, step.slug) for step in STEPS},
        step_number=len(STEPS) + 1,
        step_count=len(STEPS) + 1,
    )
    return render(request, "requests/filing/review.html", context)


def _sent(request: HttpRequest, info: InformationRequest, *, resubmitted: bool) -> HttpResponse:
    """R26, L1: say until when, and how that date was computed."""
    explanation = ""
    if info.due_explanation:
        try:
            explanation = workdays.DueDateExplanation.from_dict(info.due_explanation).summary_nl(
                start_label="Opnieuw ingediend op" if resubmitted else "Ingediend op"
            )
        except ValueError:
            explanation = ""
    values = {
        "reference": info.reference or "",
        "organisation": info.receiving_organisation.name if info.receiving_organisation_id else "",
        "due": formats.date_format(info.due_date, "l j F Y") if info.due_date else "—",
    }
    if resubmitted:
        text = _(
            "Uw aangepaste informatieverzoek %(reference)s is opnieuw verstuurd naar %(organisation)s."
        ) % values
    else:
        text = _("Uw informatieverzoek %(reference)s is verstuurd naar %(organisation)s.") % values
    text += " " + _(
        "De zorgverlener antwoordt zo spoedig mogelijk, redelijkerwijs uiterlijk %(due)s (vijf werkdagen)."
    ) % values
    if explanation:
        text += " " + _("Hoe is deze datum berekend?") + " " + explanation
    messages.success(request, text)
    return redirect(_result_url(info))


@require_POST
def submit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    info = _load(request, public_id)
    form = SubmitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Controleer het verzoek en verstuur het opnieuw."))
        return redirect("requests:review", public_id=info.public_id)
    token = form.cleaned_data["submit_token"]
    key = str(info.public_id)
    sent_tokens = dict(request.session.get(SESSION_SENT_TOKENS, {}))
    resubmitting = info.status == S.RETURNED
    try:
        if resubmitting:
            sent = request_resubmit(actor=request.actor, request=info)  # R7
        else:
            # Idempotent per token: the second POST of a double click gets the same request back.
            sent = request_submit(actor=request.actor, request=info, submit_token=token)
    except Incomplete:
        messages.error(request, _("Het verzoek is nog niet compleet. Vul eerst aan wat hieronder staat."))
        return redirect("requests:review", public_id=info.public_id)
    except (IllegalMove, Conflict) as exc:
        if sent_tokens.get(key) == str(token):
            # This very form already sent it (a resubmit clicked twice; a double submit of a draft
            # never gets here, the service returns it): the same answer again.
            return _sent(request, info, resubmitted=True)
        messages.error(request, exc.message)
        return redirect(_result_url(info))
    tokens = dict(request.session.get(SESSION_SUBMIT_TOKENS, {}))
    tokens.pop(key, None)
    request.session[SESSION_SUBMIT_TOKENS] = tokens
    sent_tokens[key] = str(token)
    # Only the latest few matter (a double click comes within seconds).
    request.session[SESSION_SENT_TOKENS] = dict(list(sent_tokens.items())[-20:])
    return _sent(request, sent, resubmitted=resubmitting)

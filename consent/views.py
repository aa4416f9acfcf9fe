"""Consent declaration pages. Thin: parse, call one service or selector, render.

Every URL of a declaration goes through ``consent_get_for``: another organisation's user gets a
404 (the same as for a declaration that does not exist) and the attempt is logged.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from consent import permissions
from consent.download import document_response
from consent.forms import ConsentDeclarationForm, ConsentRevokeForm
from consent.models import ConsentDeclaration, ConsentGiver
from consent.selectors import (
    ConsentPurpose,
    consent_get_for,
    draft_request_for,
    parent_for_consent,
    requests_relying_on,
)
from consent.services import consent_create, consent_revoke
from requests.core.models import InformationRequest, Topic
from toolkid.errors import Conflict, IllegalMove, Incomplete

WIZARD_STEP = "toestemming"


def _wizard_url(draft: InformationRequest | None) -> str | None:
    """The filing wizard's consent step, when the wizard exists (built alongside this app)."""
    if draft is None:
        return None
    try:
        return reverse("requests:step", kwargs={"public_id": draft.public_id, "step": WIZARD_STEP})
    except NoReverseMatch:
        return None


@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, parent_public_id: uuid.UUID) -> HttpResponse:
    """Record a signed declaration for a parent; ``?verzoek=<id>`` returns to that draft's
    consent step afterwards, with the new declaration proposed (``?toestemming=<id>``)."""
    actor = request.actor
    parent = parent_for_consent(
        actor=actor, public_id=parent_public_id, log_read=request.method == "GET"
    )
    draft = draft_request_for(
        actor=actor,
        parent=parent,
        public_id=request.POST.get("verzoek") or request.GET.get("verzoek"),
    )
    back_url = _wizard_url(draft)

    if request.method == "POST":
        form = ConsentDeclarationForm(
            request.POST, request.FILES, parent=parent, organisation=actor.organisation
        )
        if form.is_valid():
            try:
                declaration = consent_create(actor=actor, parent=parent, **form.service_kwargs())
            except Incomplete as exc:
                form.add_service_errors(exc.errors)
            else:
                messages.success(request, _("De toestemmingsverklaring is opgeslagen."))
                if back_url:
                    return redirect(f"{back_url}?toestemming={declaration.public_id}")
                return redirect("consent:detail", public_id=declaration.public_id)
    else:
        initial = {"given_by": ConsentGiver.PARENT}
        if parent.is_incapacitated and parent.representative_kind in ConsentGiver.values:
            # L2: the representative already known for this parent is the likely one.
            initial.update(
                given_by=parent.representative_kind, representative_name=parent.representative_name
            )
        if draft is not None and draft.receiving_organisation_id:
            initial["recipient"] = draft.receiving_organisation_id
        if draft is not None:
            asked = list(draft.topics.values_list("topic", flat=True))
            if asked:
                initial["topics"] = asked
        form = ConsentDeclarationForm(
            initial=initial, parent=parent, organisation=actor.organisation
        )

    return render(
        request,
        "consent/create.html",
        {
            "form": form,
            "parent": parent,
            "draft": draft,
            "back_url": back_url,
            # A browser never re-sends a chosen file: say so when the form comes back.
            "file_needs_reselect": request.method == "POST" and bool(request.FILES.get("document")),
        },
    )


@require_GET
def detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    actor = request.actor
    declaration = consent_get_for(actor=actor, public_id=public_id, purpose=ConsentPurpose.VIEW)
    return render(request, "consent/detail.html", _detail_context(actor, declaration))


def _detail_context(actor, declaration: ConsentDeclaration) -> dict:
    labels = dict(Topic.choices)
    today = timezone.localdate()
    return {
        "declaration": declaration,
        "topics": [labels.get(code, code) for code in declaration.topics],
        "relying_requests": requests_relying_on(declaration, actor=actor),
        "is_holder": permissions.is_holder(actor, declaration),
        "can_revoke": permissions.may_revoke(actor, declaration) and not declaration.is_revoked,
        "is_expired": not declaration.is_revoked and declaration.is_expired_on(today),
    }


@require_GET
def document(request: HttpRequest, public_id: uuid.UUID) -> FileResponse:
    """The signed document, as a download only (never shown inline), through the permission
    check and an EXPORT audit event (L5)."""
    declaration = consent_get_for(
        actor=request.actor, public_id=public_id, purpose=ConsentPurpose.DOWNLOAD
    )
    return document_response(declaration)


@require_http_methods(["GET", "POST"])
def revoke(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Record that consent was withdrawn: a confirmation page, then a POST."""
    actor = request.actor
    declaration = consent_get_for(actor=actor, public_id=public_id, purpose=ConsentPurpose.REVOKE)
    relying = requests_relying_on(declaration, actor=actor)
    if request.method == "POST":
        form = ConsentRevokeForm(request.POST)
        if form.is_valid():
            try:
                revoked = consent_revoke(
                    actor=actor,
                    declaration=declaration,
                    revoked_on=form.cleaned_data["revoked_on"],
                    note=form.cleaned_data.get("note", ""),
                )
            except Incomplete as exc:
                form.add_service_errors(exc.errors)
            except (IllegalMove, Conflict) as exc:
                messages.error(request, exc.message)
                return redirect("consent:detail", public_id=declaration.public_id)
            else:
                count = requests_relying_on(revoked).count()
                message = _("De toestemming is ingetrokken.")
                if count:
                    message += " " + ngettext(
                        "Het verzoek dat op deze verklaring steunt, toont de intrekking.",
                        "De %(count)d verzoeken die op deze verklaring steunen, "
                        "tonen de intrekking.",
                        count,
                    ) % {"count": count}
                messages.success(request, message)
                return redirect("consent:detail", public_id=revoked.public_id)
    else:
        form = ConsentRevokeForm(initial={"revoked_on": timezone.localdate()})
    return render(
        request,
        "consent/revoke.html",
        {"declaration": declaration, "form": form, "relying_requests": relying},
    )

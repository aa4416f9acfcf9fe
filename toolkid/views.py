"""The shell: the start page and choosing the organisation to act for."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from audit.events import record_denied
from audit.models import AuditAction
from toolkid import today
from toolkid.audit_codes import ToolkidAuditCode
from toolkid.middleware import SESSION_ACTING_ORG

#: When the accessibility statement was drawn up; change it with every review of the statement.
STATEMENT_DATE = datetime.date(2026, 12, 3)


def home(request: HttpRequest) -> HttpResponse:
    if request.actor.organisation is None and len(request.acting_choices) > 1:
        return redirect("choose_organisation")
    # Vandaag: what waits for the user, from the blocks the apps register (toolkid.today).
    blocks = today.blocks_for(request.actor) if request.actor.organisation is not None else []
    return render(request, "toolkid/home.html", {"blocks": blocks})


@require_http_methods(["GET", "POST"])
def choose_organisation(request: HttpRequest) -> HttpResponse:
    """A user with several organisations picks the one they act for; it shows in the header
    and every action records it."""
    choices = request.acting_choices
    if request.method == "POST":
        try:
            org_id = int(request.POST.get("organisation", ""))
        except ValueError:
            org_id = None
        chosen = next((org for org in choices if org.pk == org_id), None)
        if chosen is None:
            # Acting for an organisation one is no member of: same answer as a missing one.
            record_denied(
                actor=request.actor,
                event=ToolkidAuditCode.ORGANISATION_ACT_FOR,
                action=AuditAction.UPDATE,
                object_type="toolkid.organisation",
                object_id=str(org_id or ""),
            )
            raise Http404
        request.session[SESSION_ACTING_ORG] = chosen.pk
        messages.success(request, _("U werkt nu namens %(org)s.") % {"org": chosen.name})
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = "home"
        return redirect(target)
    return render(request, "toolkid/choose_organisation.html", {"choices": choices,
                                                                "next": request.GET.get("next", "")})


@login_not_required
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "toolkid/privacy.html")


@login_not_required
def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement Dutch public-sector sites must publish (Besluit digitale
    toegankelijkheid overheid): public, like the privacy statement."""
    return render(request, "toolkid/accessibility.html", {"statement_date": STATEMENT_DATE})

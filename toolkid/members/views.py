"""The Gebruikers page of the beheerder (UI.md, Administrator). Thin: parse, check, call one
service, redirect. Who may: a beheerder of the acting organisation who also holds the
``toolkid.manage_members`` object permission on it (granted to the organisation's beheerder
group). Anyone else gets the same 404 as for a page that does not exist, and the denial is
logged (L5)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NoReturn

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from audit.events import record_denied
from audit.models import AuditAction
from toolkid.audit_codes import ToolkidAuditCode
from toolkid.errors import RuleViolation
from toolkid.members import selectors
from toolkid.members.forms import GrantRoleForm
from toolkid.models import Organisation, Role
from toolkid.services import membership_end, membership_grant, user_deactivate


@dataclass(frozen=True)
class _Access:
    """What one page's denial is logged as (L5): the event, the action and the object."""

    event: str
    action: str
    object_type: str = "toolkid.organisation"
    object_id: Any = None

    def deny(self, request: HttpRequest, organisation: Organisation | None = None) -> NoReturn:
        """Log the denial and answer 404, as for a page that does not exist. Without an object
        id of its own, the denial is about the (acting) organisation."""
        object_id = self.object_id
        if object_id is None and organisation is not None:
            object_id = organisation.pk
        # Recorded outside any transaction, so the denial survives (audit.events module notes).
        record_denied(
            actor=request.actor,
            event=self.event,
            action=self.action,
            object_type=self.object_type,
            object_id=str(object_id or ""),
        )
        raise Http404


def _managed_organisation(request: HttpRequest, access: _Access) -> Organisation:
    """The acting organisation, if the user may manage its members; else a logged 404."""
    actor = request.actor
    organisation = actor.organisation
    if (
        organisation is None
        or not actor.has_role(Role.BEHEERDER)
        or not request.user.has_perm("toolkid.manage_members", organisation)
    ):
        access.deny(request, organisation)
    return organisation


def _render_list(
    request: HttpRequest, organisation: Organisation, form: GrantRoleForm
) -> HttpResponse:
    current, former = selectors.member_rows(organisation)
    return render(
        request,
        "toolkid/members/list.html",
        {
            "organisation": organisation,
            "current": current,
            "former": former,
            "form": form,
        },
    )


@require_http_methods(["GET"])
def member_list(request: HttpRequest) -> HttpResponse:
    organisation = _managed_organisation(request, _Access(ToolkidAuditCode.MEMBERS_VIEW, AuditAction.READ))
    return _render_list(request, organisation, GrantRoleForm(organisation=organisation))


@require_POST
def member_grant(request: HttpRequest) -> HttpResponse:
    access = _Access(ToolkidAuditCode.MEMBERSHIP_GRANT, AuditAction.CREATE)
    organisation = _managed_organisation(request, access)
    form = GrantRoleForm(request.POST, organisation=organisation)
    if not form.is_valid():
        return _render_list(request, organisation, form)
    role = form.cleaned_data["role"]
    try:
        membership_grant(actor=request.actor, user=form.user, organisation=organisation, role=role)
    except PermissionDenied:
        access.deny(request, organisation)
    messages.success(
        request,
        _("%(name)s heeft nu de rol %(role)s bij %(organisation)s.")
        % {
            "name": form.user.get_full_name() or form.user.get_username(),
            "role": Role(role).label.lower(),
            "organisation": organisation.name,
        },
    )
    return redirect("members")


@require_POST
def member_end(request: HttpRequest, pk: int) -> HttpResponse:
    access = _Access(ToolkidAuditCode.MEMBERSHIP_END, AuditAction.UPDATE, "toolkid.membership", pk)
    organisation = _managed_organisation(request, access)
    membership = selectors.membership_in(organisation, pk)
    if membership is None:
        # Another organisation's membership, or none at all: the same answer.
        access.deny(request)
    name = membership.user.get_full_name() or membership.user.get_username()
    role_label = Role(membership.role).label.lower()
    if not membership.is_active:
        messages.info(
            request,
            _("De rol %(role)s van %(name)s was al beëindigd.")
            % {"role": role_label, "name": name},
        )
        return redirect("members")
    try:
        membership_end(actor=request.actor, membership=membership)
    except RuleViolation as error:
        messages.error(request, error.message)
        return redirect("members")
    except PermissionDenied:
        access.deny(request)
    messages.success(
        request,
        _("De rol %(role)s van %(name)s bij %(organisation)s is beëindigd.")
        % {"role": role_label, "name": name, "organisation": organisation.name},
    )
    return redirect("members")


@require_http_methods(["GET", "POST"])
def member_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """Two steps: the first request (a GET, or a POST without ``bevestigd``) shows what will
    happen; the POST from that page deactivates the account and ends its sessions."""
    access = _Access(ToolkidAuditCode.USER_DEACTIVATE, AuditAction.UPDATE, "toolkid.user", pk)
    organisation = _managed_organisation(request, access)
    target = selectors.active_member_of(organisation, pk)
    if target is None:
        access.deny(request)
    name = target.get_full_name() or target.get_username()
    if not target.is_active:
        messages.info(request, _("Het account van %(name)s was al gedeactiveerd.") % {"name": name})
        return redirect("members")
    confirmed = request.method == "POST" and request.POST.get("bevestigd") == "ja"
    if not confirmed:
        # The confirmation page already says when the service will refuse (works elsewhere).
        return render(
            request,
            "toolkid/members/confirm_deactivate.html",
            {
                "organisation": organisation,
                "target": target,
                "elsewhere": selectors.works_elsewhere(target, organisation),
            },
        )
    try:
        user_deactivate(actor=request.actor, user=target)
    except RuleViolation as error:
        messages.error(request, error.message)
        return redirect("members")
    except PermissionDenied:
        access.deny(request)
    messages.success(
        request,
        _(
            "Het account van %(name)s is gedeactiveerd. Deze gebruiker kan niet meer "
            "inloggen; open sessies zijn beëindigd."
        )
        % {"name": name},
    )
    return redirect("members")

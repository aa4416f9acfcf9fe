"""View helpers several sub-domains share: where to go after an action, a refused move in
words, the request as it is now, and the names and roles the pages check."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from requests.core import access
from requests.core.models import InformationRequest
from requests.core.page import Problem
from toolkid.actors import Actor
from toolkid.errors import Conflict, IllegalMove


def safe_next(request: HttpRequest) -> str:
    """The posted ``next`` if it points at this site; else ``""``."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def after_success(request: HttpRequest, req: InformationRequest) -> HttpResponse:
    """Back to where the user came from; else the request's page, if the actor still sees it
    (a legal advisor no longer sees a refusal once confirmed)."""
    actor: Actor = request.actor
    target = safe_next(request)
    if target:
        return redirect(target)
    if access.requests_visible_to(actor).filter(pk=req.pk).exists():
        return redirect("requests:detail", public_id=req.public_id)
    if access.sees_refusals_to_confirm(actor):
        return redirect("requests:refusals")
    return redirect("home")


def problem_for(exc: IllegalMove | Conflict) -> Problem:
    """IllegalMove/Conflict in words. Every service compares the state the page was rendered in
    (as the actor may see it, R11) and raises ``Conflict`` for a stale page."""
    if isinstance(exc, Conflict):
        return Problem(_("Een collega heeft dit verzoek zojuist behandeld."), conflict=True)
    return Problem(str(getattr(exc, "message", exc)))


def reload(actor: Actor, req: InformationRequest) -> InformationRequest:
    """The request as it is now (after someone else's action), through the access helper."""
    return access.request_get_for(actor=actor, pk_or_public_id=req.pk, purpose="detail_after_action")


def who(user: Any) -> str:
    """A person's name as the pages show it ("" for nobody)."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


"""The webhook events of information requests (ADR 0007 §9): their CloudEvents types, and the
body's ``data`` for a request, ids and a link only.

The kernel (``toolkid.webhooks``) knows no event type; ``requests.apps`` registers these. Who
emits what:

- the request's steps: ``requests/api/events.py`` (a listener on ``plumbing.on_step``);
- the deadline notices: the sweep (``requests/deadlines/services.py``), set-based.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from requests.core.models import InformationRequest
from toolkid.webhooks import events


class WebhookType(models.TextChoices):
    # Submitted, or resubmitted after reformulation: to the receiving organisation.
    RECEIVED = "nl.toolkid.verzoek.ontvangen", _("Verzoek ontvangen (ingediend of opnieuw ingediend)")
    # R7: returned for reformulation: to the requesting organisation.
    RETURNED = "nl.toolkid.verzoek.teruggestuurd", _("Verzoek teruggestuurd ter herformulering")
    # The answer was sent: to the requesting organisation.
    ANSWERED = "nl.toolkid.verzoek.beantwoord", _("Verzoek beantwoord")
    # R11: only once a second person confirmed the "no" (also after an upheld objection, which
    # waits for that confirmation again); never while it waits: to the requesting organisation.
    REFUSED = "nl.toolkid.verzoek.geweigerd", _("Verzoek geweigerd (bevestigd door een tweede persoon)")
    # R26: the reminder two working days before, and the due day: to the receiving organisation.
    DEADLINE_NEAR = "nl.toolkid.termijn.nadert", _("Uiterste datum nadert of is bereikt")
    # R26: not answered in time (the first working day after): to the receiving organisation.
    DEADLINE_PASSED = "nl.toolkid.termijn.verstreken", _("Termijn verstreken")


def register_webhook_types() -> None:
    for member in WebhookType:
        events.register(member.value, member.label)


def request_link(public_id: object) -> str:
    """The API address of a request: what a receiving system fetches, with its own key."""
    return f"{settings.SITE_URL}/api/v1/verzoeken/{public_id}"


def request_data(req: InformationRequest) -> dict[str, str]:
    """The body's ``data``: the request's public id and its API link, nothing else (no name,
    no BSN, no question; the receiver reads those through the API, audited)."""
    return {"verzoek": str(req.public_id), "link": request_link(req.public_id)}

"""The top of the request's page: what the request's state means and what happens next, in
plain Dutch, per state and per side (issue 13: "Wat gebeurt er nu?").

The sentences speak of the state as the actor may see it (``access.status_for``, R11): the
requester never reads that a refusal waits for a second person. What the actor may *do* is not
decided here but by the policy (``requests/core/policy.py`` via ``actions.allowed_actions``).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from requests.core import access
from requests.core.models import Decision, InformationRequest
from requests.core.views import who
from requests.core.workflow import RequestStatus
from toolkid.actors import Actor

S = RequestStatus

#: (state, provider side?) → what happens next. ``None`` as side: the same for both.
_NEXT: dict[tuple[str, bool | None], Any] = {
    (S.DRAFT, None): _("Het verzoek is nog een concept. Maak het af en dien het in; pas dan ziet "
                       "de zorgverlener het."),
    (S.SUBMITTED, True): _("Een zorgverlener pakt het verzoek op, of de teamleider wijst het toe. "
                           "Daarna begint de behandeling."),
    (S.SUBMITTED, False): _("De andere organisatie heeft uw verzoek ontvangen. Een zorgverlener "
                            "pakt het op; u krijgt bericht als er een antwoord of besluit is."),
    (S.RETURNED, True): _("Het verzoek ligt bij de aanvrager, die de vraag anders stelt. De termijn "
                          "staat stil tot het verzoek opnieuw is ingediend."),
    (S.RETURNED, False): _("De zorgverlener vraagt u de vraag anders te stellen. Pas het verzoek "
                           "aan en dien het opnieuw in, of trek het in."),
    (S.IN_PROGRESS, True): _("De behandelend zorgverlener overlegt zo nodig met de ouder en intern, "
                             "en legt dan vast of de informatie wel of niet wordt gegeven."),
    (S.IN_PROGRESS, False): _("De zorgverlener behandelt uw verzoek. U krijgt bericht als er een "
                              "antwoord of besluit is."),
    (S.ANSWERING, True): _("Besloten is de informatie te geven. De behandelend zorgverlener schrijft "
                           "het antwoord en verstuurt het."),
    (S.ANSWERING, False): _("De zorgverlener schrijft het antwoord op uw vragen. U krijgt bericht "
                            "als het is verstuurd."),
    (S.REFUSAL_PENDING, True): _("De zorgverlener besloot de informatie niet te geven. Een tweede "
                                 "persoon van uw organisatie bevestigt of wijst die weigering af; "
                                 "pas daarna ziet de aanvrager haar."),
    (S.REFUSED, True): _("De aanvrager ziet de weigering en kan bezwaar maken of het verzoek "
                         "afsluiten."),
    (S.REFUSED, False): _("De zorgverlener geeft de informatie niet; de reden staat bij de status. "
                          "U kunt bezwaar maken of het verzoek afsluiten. Maakt u zich zorgen over "
                          "de veiligheid van het kind? Dan kunt u Veilig Thuis inschakelen."),
    (S.CONTESTED, True): _("De aanvrager maakt bezwaar tegen de weigering. Na het juridisch advies "
                           "heroverweegt de behandelend zorgverlener het besluit of handhaaft de "
                           "weigering."),
    (S.CONTESTED, False): _("Uw bezwaar is ontvangen. De zorgverlener vraagt juridisch advies en "
                            "besluit daarna opnieuw."),
    (S.ANSWERED, True): _("Het antwoord is verstuurd. De aanvrager leest het en sluit het verzoek "
                          "af. Wat beide kanten daarna nog doen, staat onder Vervolg."),
    (S.ANSWERED, False): _("Het antwoord staat hieronder. Lees het en sluit het verzoek af. Wat u "
                           "daarna nog doet, staat onder Vervolg."),
    (S.CLOSED, None): _("Het verzoek is afgesloten. Alleen open taken onder Vervolg vragen nog iets "
                        "van u."),
    (S.WITHDRAWN, None): _("Het verzoek is ingetrokken. Er gebeurt niets meer mee."),
}


def next_step(status: str, *, provider: bool) -> str:
    """The plain-Dutch sentence for ``status`` (as the actor sees it) on the actor's side."""
    text = _NEXT.get((status, provider)) or _NEXT.get((status, None)) or ""
    return str(text)


def summary(actor: Actor, req: InformationRequest) -> dict[str, Any]:
    """Status with the refusal reason beside it, who handles the request, what happens next."""
    provider = access.is_provider_side(actor, req)
    status = access.status_for(actor, req)
    refusal_reason = ""
    # R11: the requester sees the reason once the refusal is confirmed; the provider at once.
    if req.decision == Decision.NOT_PROVIDE and access.decision_visible_to(actor, req) and status in (
        S.REFUSAL_PENDING, S.REFUSED, S.CONTESTED, S.CLOSED,
    ):
        refusal_reason = req.decision_motivation or ""
    handler = who(req.assigned_clinician)
    return {
        "next_step": next_step(status, provider=provider),
        "refusal_reason": refusal_reason,
        "handler": handler,
        "handler_organisation": req.receiving_organisation.name if req.receiving_organisation_id else "",
    }

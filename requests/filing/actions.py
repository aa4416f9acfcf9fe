"""The requester's actions on the request's page (the requesting side, R7, R8, R24, R29): edit a
returned request (a link to the filing steps), decide the consent path again, contest a refusal,
acknowledge the answer, withdraw. Per action its form, service call and message (:data:`ACTIONS`);
``requests/detail`` shows them with the provider's (``requests/handling/actions.py``) and the
answer clock's, and each form posts to ``requests.detail.views.action``.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy

from consent.selectors import consents_for_parent
from requests.core.forms import EmptyActionForm
from requests.core.models import InformationRequest
from requests.core.page import ActionSpec
from requests.filing import action_forms as af
from requests.filing import services as filing_services
from toolkid.actors import Actor

EDIT = "edit"
REDECIDE_CONSENT = "redecide_consent"
CONTEST = "contest"
ACKNOWLEDGE = "acknowledge"
WITHDRAW = "withdraw"

#: The words of each action (the protocol's).
ACTION_LABELS: dict[str, Any] = {
    EDIT: gettext_lazy("Verzoek aanpassen en opnieuw indienen"),
    REDECIDE_CONSENT: gettext_lazy("Toestemmingspad opnieuw bepalen"),
    CONTEST: gettext_lazy("Bezwaar maken tegen de weigering"),
    ACKNOWLEDGE: gettext_lazy("Gelezen en afsluiten"),
    WITHDRAW: gettext_lazy("Verzoek intrekken"),
}
#: Offered without a form posting to ``requests:action``: a link to the filing steps (its partial).
FORMLESS: dict[str, str] = {EDIT: "requests/filing/actions/edit.html"}


class FilingAction(ActionSpec):
    """An action of the requester; its partial is ``templates/requests/filing/actions/<name>.html``."""

    template_dir = "requests/filing/actions"


def _text(form: Any, name: str) -> str:
    return form.cleaned_data.get(name) or ""


def _redecide_kwargs(actor: Actor, req: InformationRequest) -> dict[str, Any]:
    return {
        "declarations": (
            consents_for_parent(
                actor, req.parent, recipient=req.receiving_organisation,
                usable_on=timezone.localdate(),
            ) if req.parent_id else None
        )
    }


ACTIONS: dict[str, FilingAction] = {
    spec.name: spec
    for spec in (
        FilingAction(CONTEST, "bezwaar", af.ContestForm,
                     lambda a, r, fm: filing_services.request_contest_refusal(
                         actor=a, request=r, reason=_text(fm, "reason"), expected_status=fm.expected),
                     gettext_lazy("Uw bezwaar is verstuurd. Een juridisch adviseur van de "
                                  "zorgaanbieder geeft advies; de zorgverlener besluit.")),
        FilingAction(ACKNOWLEDGE, "gelezen", EmptyActionForm,
                     lambda a, r, fm: filing_services.request_acknowledge(
                         actor=a, request=r, expected_status=fm.expected),
                     gettext_lazy("Het verzoek is afgesloten.")),
        FilingAction(WITHDRAW, "intrekken", af.WithdrawForm,
                     lambda a, r, fm: filing_services.request_withdraw(
                         actor=a, request=r, reason=_text(fm, "reason"), expected_status=fm.expected),
                     gettext_lazy("Het verzoek is ingetrokken.")),
        FilingAction(REDECIDE_CONSENT, "toestemmingspad", af.RedecideConsentPathForm,
                     lambda a, r, fm: filing_services.request_redecide_consent_path(
                         actor=a, request=r, expected_status=fm.expected, **fm.service_arguments()),
                     gettext_lazy("Het toestemmingspad is opnieuw bepaald."),
                     form_kwargs=_redecide_kwargs),
    )
}

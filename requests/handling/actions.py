"""The provider's actions on the request's page (handling): their names and words, and per action
its form, service call and message (:data:`ACTIONS`). ``requests/detail/actions.py`` shows them
with the requester's (``requests/filing/actions.py``) and the answer clock's, decides which the
actor may take now (``allowed_actions``), and each form posts to ``requests.detail.views.action``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from requests.core.forms import EmptyActionForm
from requests.core.models import InformationRequest
from requests.core.page import ActionSpec
from requests.core.workflow import RequestStatus
from requests.handling import answer as answer_services
from requests.handling import forms as f
from requests.handling import services as handling_services
from toolkid.actors import Actor
from toolkid.models import Role, User
from toolkid.selectors import members_with_role

S = RequestStatus

# --------------------------------------------------------------------------------------------
# The provider's actions
# --------------------------------------------------------------------------------------------

TAKE = "take"
ASSIGN = "assign"
RETURN = "return"
PARENT_CONSULTATION = "parent_consultation"
INTERNAL_CONSULTATION = "internal_consultation"
ASK_LEGAL_ADVICE = "ask_legal_advice"
GIVE_LEGAL_ADVICE = "give_legal_advice"
DECIDE = "decide"
ANSWER = "answer"
CONFIRM_REFUSAL = "confirm_refusal"
REJECT_REFUSAL = "reject_refusal"
RECONSIDER = "reconsider"
UPHOLD_REFUSAL = "uphold_refusal"

#: The words of each action (the protocol's).
ACTION_LABELS: dict[str, Any] = {
    TAKE: gettext_lazy("Oppakken"),
    ASSIGN: gettext_lazy("Toewijzen"),
    PARENT_CONSULTATION: gettext_lazy("Overleg met ouder vastleggen"),
    INTERNAL_CONSULTATION: gettext_lazy("Intern overleg vastleggen"),
    ASK_LEGAL_ADVICE: gettext_lazy("Juridisch advies vragen"),
    GIVE_LEGAL_ADVICE: gettext_lazy("Juridisch advies geven"),
    DECIDE: gettext_lazy("Besluit vastleggen"),
    ANSWER: gettext_lazy("Antwoord opstellen"),
    CONFIRM_REFUSAL: gettext_lazy("Weigering bevestigen"),
    REJECT_REFUSAL: gettext_lazy("Weigering afwijzen"),
    RECONSIDER: gettext_lazy("Heroverwegen"),
    UPHOLD_REFUSAL: gettext_lazy("Weigering handhaven"),
    RETURN: gettext_lazy("Terugsturen ter herformulering"),
}
#: Offered without a form posting to ``requests:action``: shown with each open referral (``panel.py``).
FORMLESS: dict[str, str] = {GIVE_LEGAL_ADVICE: ""}

# --------------------------------------------------------------------------------------------
# The actions: form, service call, message
# --------------------------------------------------------------------------------------------


class HandlingAction(ActionSpec):
    """An action of handling; its partial is ``templates/requests/handling/actions/<name>.html``."""

    template_dir = "requests/handling/actions"


def _run_answer(actor: Actor, req: InformationRequest, form: f.AnswerForm) -> Any:
    """"Concept opslaan" saves the typed answer; "Antwoord versturen" saves and sends it in one
    service call (one row lock). A send that is refused for a missing confirmation keeps the
    saved concept (``Incomplete`` with code ``answer_services.ANSWER_SAVED_NOT_SENT``)."""
    if form.cleaned_data.get("intent") == f.SEND:
        return answer_services.request_send_answer(
            actor=actor, request=req, topics=form.topics_argument(),
            confirmations=form.confirmations_argument(), expected_status=form.expected or S.ANSWERING,
        )
    return answer_services.request_save_answer(
        actor=actor, request=req, topics=form.topics_argument(), expected_status=form.expected,
    )


def _text(form: Any, name: str) -> str:
    return form.cleaned_data.get(name) or ""


def _answer_done(form: f.AnswerForm) -> Any:
    if form.cleaned_data.get("intent") == f.SEND:
        return _("Het antwoord is verstuurd.")
    return None


def provider_clinicians(actor: Actor) -> QuerySet[User]:
    """The active zorgverleners of the actor's organisation (to assign, or to filter on)."""
    if actor.organisation is None:
        return User.objects.none()
    return members_with_role(actor.organisation, Role.ZORGVERLENER).order_by(
        "first_name", "last_name", "username"
    )


def _assign_kwargs(actor: Actor, req: InformationRequest) -> dict[str, Any]:
    return {"clinicians": provider_clinicians(actor)}


ACTIONS: dict[str, HandlingAction] = {
    spec.name: spec
    for spec in (
        HandlingAction(TAKE, "oppakken", EmptyActionForm,
                       lambda a, r, fm: handling_services.request_take(
                           actor=a, request=r, expected_status=fm.expected),
                       gettext_lazy("U hebt het verzoek opgepakt.")),
        HandlingAction(ASSIGN, "toewijzen", f.AssignForm,
                       lambda a, r, fm: handling_services.request_assign(
                           actor=a, request=r, clinician=fm.cleaned_data.get("clinician"),
                           expected_status=fm.expected),
                       gettext_lazy("Het verzoek is toegewezen."),
                       form_kwargs=_assign_kwargs),
        HandlingAction(RETURN, "terugsturen", f.ReturnForm,
                       lambda a, r, fm: handling_services.request_return_for_reformulation(
                           actor=a, request=r, suggestion=_text(fm, "suggestion"),
                           expected_status=fm.expected),
                       gettext_lazy("Het verzoek is teruggestuurd ter herformulering.")),
        HandlingAction(PARENT_CONSULTATION, "overleg-ouder", f.ParentConsultationForm,
                       lambda a, r, fm: handling_services.request_record_parent_consultation(
                           actor=a, request=r, date=fm.cleaned_data.get("date"),
                           outcome=_text(fm, "outcome"), note=_text(fm, "note"),
                           expected_status=fm.expected),
                       gettext_lazy("Het overleg met de ouder is vastgelegd.")),
        HandlingAction(INTERNAL_CONSULTATION, "intern-overleg", f.InternalConsultationForm,
                       lambda a, r, fm: handling_services.request_record_internal_consultation(
                           actor=a, request=r, with_whom=_text(fm, "with_whom"),
                           date=fm.cleaned_data.get("date"), conclusion=_text(fm, "conclusion"),
                           expected_status=fm.expected),
                       gettext_lazy("Het intern overleg is vastgelegd.")),
        HandlingAction(ASK_LEGAL_ADVICE, "juridisch-advies-vragen", f.AskLegalAdviceForm,
                       lambda a, r, fm: handling_services.request_ask_legal_advice(
                           actor=a, request=r, question=_text(fm, "question"),
                           expected_status=fm.expected),
                       gettext_lazy("Uw vraag is naar de juridisch adviseur gestuurd.")),
        HandlingAction(DECIDE, "besluit", f.DecisionForm,
                       lambda a, r, fm: handling_services.request_decide(
                           actor=a, request=r, expected_status=fm.expected, **fm.service_arguments()),
                       gettext_lazy("Het besluit is vastgelegd.")),
        HandlingAction(ANSWER, "antwoord", f.AnswerForm, _run_answer,
                       gettext_lazy("Het concept-antwoord is opgeslagen."),
                       done_for=_answer_done,
                       incomplete_notes={answer_services.ANSWER_SAVED_NOT_SENT: gettext_lazy(
                           "Het concept is opgeslagen; het antwoord is nog niet verstuurd.")}),
        HandlingAction(CONFIRM_REFUSAL, "weigering-bevestigen", f.RefusalConfirmForm,
                       lambda a, r, fm: handling_services.request_confirm_refusal(
                           actor=a, request=r, note=_text(fm, "note"),
                           without_advice_reason=_text(fm, "without_advice_reason"),
                           expected_status=fm.expected),
                       gettext_lazy("De weigering is bevestigd. De aanvrager ziet hem nu.")),
        HandlingAction(REJECT_REFUSAL, "weigering-afwijzen", f.RefusalRejectForm,
                       lambda a, r, fm: handling_services.request_reject_refusal(
                           actor=a, request=r, note=_text(fm, "note"), expected_status=fm.expected),
                       gettext_lazy("De weigering is afgewezen; het verzoek is terug bij de zorgverlener.")),
        HandlingAction(RECONSIDER, "heroverwegen", f.ReconsiderForm,
                       lambda a, r, fm: handling_services.request_reconsider(
                           actor=a, request=r, motivation=_text(fm, "motivation"),
                           expected_status=fm.expected),
                       gettext_lazy("Het besluit wordt heroverwogen; leg een nieuw besluit vast.")),
        HandlingAction(UPHOLD_REFUSAL, "weigering-handhaven", f.UpholdForm,
                       lambda a, r, fm: handling_services.request_uphold_refusal(
                           actor=a, request=r, motivation=_text(fm, "motivation"),
                           expected_status=fm.expected),
                       gettext_lazy("De weigering blijft staan.")),
    )
}

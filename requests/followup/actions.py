"""The follow-up's actions on the request's page: per action its form, the service it
calls and the message after it (:data:`ACTIONS`), and the block the page shows for it
(:func:`block`). Which blocks the page offers is decided in ``panel.py``; the forms post to
``views.action``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from requests.core import access
from requests.core.deviations import DeviationKind
from requests.core.models import InformationRequest
from requests.followup import forms as ff
from requests.followup import hold as hold_services
from requests.followup import policy as followup_policy
from requests.followup import secondary_use as secondary_use_services
from requests.followup import selectors as followup_selectors
from requests.followup import services as followup_services
from requests.followup.models import RECORD_DUTIES
from toolkid.actors import Actor
from toolkid.errors import Incomplete


@dataclass(frozen=True)
class FollowupAction:
    name: str  # also the form prefix
    slug: str
    title: Any
    button: Any
    form_class: type
    run: Callable[[Actor, InformationRequest, Any, Any], Any]  # (actor, req, item, form)
    done: Any
    item: str = ""  # "duty" | "release" | "use": the action works on one of the request's rows


def _text(form: Any, name: str) -> str:
    return form.cleaned_data.get(name) or ""


ACTIONS: dict[str, FollowupAction] = {
    a.name: a
    for a in (
        FollowupAction(
            "duty_done",
            "taak-gedaan",
            gettext_lazy("Taak vastleggen als gedaan"),
            gettext_lazy("Vastleggen"),
            ff.DutyCompleteForm,
            lambda a, r, d, f: followup_services.duty_complete(
                actor=a,
                duty=d,
                done_on=f.cleaned_data.get("done_on"),
                note=_text(f, "note"),
                not_discussed_confirmed=bool(f.cleaned_data.get("not_discussed_confirmed")),
            ),
            gettext_lazy("De taak is vastgelegd."),
            item="duty",
        ),
        FollowupAction(
            "duty_skip",
            "taak-overslaan",
            gettext_lazy("Taak niet uitvoeren (afwijken)"),  # R5
            gettext_lazy("Afwijking vastleggen"),
            ff.DutySkipForm,
            lambda a, r, d, f: followup_services.duty_skip(
                actor=a, duty=d, motivation=_text(f, "motivation")
            ),
            gettext_lazy("De afwijking is vastgelegd; de teamleider ziet haar."),
            item="duty",
        ),
        FollowupAction(
            "release_propose",
            "afscherming-opheffen",
            gettext_lazy("Voorstellen de afscherming op te heffen"),
            gettext_lazy("Voorstel versturen"),
            ff.ReleaseProposeForm,
            lambda a, r, i, f: hold_services.hold_release_propose(
                actor=a, request=r, reason=_text(f, "reason")
            ),
            gettext_lazy("Uw voorstel is vastgelegd. De andere partij geeft wel of niet akkoord."),
        ),
        FollowupAction(
            "release_agree",
            "afscherming-akkoord",
            gettext_lazy("Akkoord met opheffen van de afscherming"),
            gettext_lazy("Akkoord"),
            ff.ReleaseAgreeForm,
            lambda a, r, i, f: hold_services.hold_release_agree(actor=a, release=i, note=_text(f, "note")),
            gettext_lazy("De afscherming is gezamenlijk opgeheven."),
            item="release",
        ),
        FollowupAction(
            "release_decline",
            "afscherming-niet-akkoord",
            gettext_lazy("Niet akkoord met opheffen"),
            gettext_lazy("Niet akkoord"),
            ff.ReleaseDeclineForm,
            lambda a, r, i, f: hold_services.hold_release_decline(
                actor=a, release=i, reason=_text(f, "reason")
            ),
            gettext_lazy("Vastgelegd: de afscherming blijft."),
            item="release",
        ),
        FollowupAction(
            "release_withdraw",
            "afscherming-voorstel-intrekken",
            gettext_lazy("Voorstel intrekken"),
            gettext_lazy("Voorstel intrekken"),
            ff.EmptyForm,
            lambda a, r, i, f: hold_services.hold_release_withdraw(actor=a, release=i),
            gettext_lazy("Uw voorstel is ingetrokken."),
            item="release",
        ),
        FollowupAction(
            "feedback",
            "terugkoppeling",
            gettext_lazy("Terugkoppeling aan de zorgverlener"),  # R38
            gettext_lazy("Terugkoppeling versturen"),
            ff.FeedbackForm,
            lambda a, r, i, f: followup_services.feedback_give(
                actor=a,
                request=r,
                what_was_done=_text(f, "what_was_done"),
                what_follows=_text(f, "what_follows"),
            ),
            gettext_lazy("Uw terugkoppeling is vastgelegd."),
        ),
        FollowupAction(
            "use_submit",
            "ander-doel",
            gettext_lazy("Informatie gebruiken voor een ander doel"),  # R28
            gettext_lazy("Voorleggen aan de zorgverlener"),
            ff.SecondaryUseForm,
            lambda a, r, i, f: secondary_use_services.secondary_use_submit(
                actor=a,
                request=r,
                purpose=_text(f, "purpose"),
                description=_text(f, "description"),
                text=_text(f, "text"),
            ),
            gettext_lazy("Uw voorstel is aan de zorgverlener voorgelegd."),
        ),
        FollowupAction(
            "use_reply",
            "ander-doel-reactie",
            gettext_lazy("Reageren op gebruik voor een ander doel"),
            gettext_lazy("Reactie versturen"),
            ff.SecondaryUseReplyForm,
            lambda a, r, i, f: secondary_use_services.secondary_use_reply(
                actor=a, use=i, agree=_reply_agrees(f), comments=_text(f, "comments")
            ),
            gettext_lazy("Uw reactie is vastgelegd."),
            item="use",
        ),
        FollowupAction(
            "use_sent",
            "ander-doel-verstuurd",
            gettext_lazy("Vastleggen dat de informatie is verstuurd"),
            gettext_lazy("Vastleggen"),
            ff.SecondaryUseSentForm,
            lambda a, r, i, f: secondary_use_services.secondary_use_mark_sent(
                actor=a, use=i, sent_on=f.cleaned_data.get("sent_on"), motivation=_text(f, "motivation")
            ),
            gettext_lazy("Vastgelegd dat de informatie is verstuurd."),
            item="use",
        ),
        FollowupAction(
            "use_withdraw",
            "ander-doel-intrekken",
            gettext_lazy("Voorstel intrekken"),
            gettext_lazy("Intrekken"),
            ff.EmptyForm,
            lambda a, r, i, f: secondary_use_services.secondary_use_withdraw(actor=a, use=i),
            gettext_lazy("Het voorstel is ingetrokken."),
            item="use",
        ),
        FollowupAction(
            "filing",
            "goedkeuren-dossier",
            gettext_lazy("Goedkeuren als informatie voor het dossier"),  # R28
            gettext_lazy("Goedkeuren"),
            ff.FilingApproveForm,
            lambda a, r, i, f: followup_services.filing_approve(actor=a, request=r, note=_text(f, "note")),
            gettext_lazy("De informatie is goedgekeurd voor het dossier."),
        ),
        FollowupAction(
            "veilig_thuis",
            "veilig-thuis",
            gettext_lazy("Veilig Thuis ingeschakeld"),  # R2
            gettext_lazy("Vastleggen"),
            ff.VeiligThuisForm,
            lambda a, r, i, f: followup_services.veilig_thuis_record(
                actor=a,
                request=r,
                engaged_on=f.cleaned_data.get("engaged_on"),
                safety_concerns=bool(f.cleaned_data.get("safety_concerns")),
                reference=_text(f, "reference"),
                note=_text(f, "note"),
            ),
            gettext_lazy("Vastgelegd dat Veilig Thuis is ingeschakeld."),
        ),
        FollowupAction(
            "deviation",
            "afwijking",
            gettext_lazy("Afwijking vastleggen"),  # R5
            gettext_lazy("Afwijking vastleggen"),
            ff.DeviationForm,
            lambda a, r, i, f: followup_services.deviation_record(
                actor=a, kind=DeviationKind.OTHER, motivation=_text(f, "motivation"), request=r
            ),
            gettext_lazy("De afwijking is vastgelegd; de teamleider ziet haar."),
        ),
    )
}


ACTIONS_BY_SLUG = {a.slug: a for a in ACTIONS.values()}

#: The one decision behind each step (``policy.py``): ``panel.py`` offers a step's link when it
#: allows it, the step's own page shows its form only then, and the services enforce the same.
_DECISIONS: dict[str, Callable[[Actor, InformationRequest, Any], Any]] = {
    "duty_done": lambda a, r, i: followup_policy.may_complete_duty(a, i),
    "duty_skip": lambda a, r, i: followup_policy.may_skip_duty(a, i),
    "release_propose": lambda a, r, i: followup_policy.may_propose_release(a, r),
    "release_agree": followup_policy.may_answer_release,
    "release_decline": followup_policy.may_answer_release,
    "release_withdraw": followup_policy.may_withdraw_release,
    "feedback": lambda a, r, i: followup_policy.may_give_feedback(a, r),
    "use_submit": lambda a, r, i: followup_policy.may_submit_secondary_use(a, r),
    "use_reply": followup_policy.may_reply_secondary_use,
    "use_sent": followup_policy.may_send_secondary_use,
    "use_withdraw": followup_policy.may_withdraw_secondary_use,
    "filing": lambda a, r, i: followup_policy.may_approve_filing(a, r),
    "veilig_thuis": lambda a, r, i: followup_policy.may_record_veilig_thuis(a, r),
    "deviation": lambda a, r, i: followup_policy.may_record_deviation(a, r),
}


def decision(action: str, actor: Actor, req: InformationRequest, item: Any = None) -> Any:
    """Whether ``actor`` may take the step ``action`` (on ``item``) now: the policy's Decision."""
    return _DECISIONS[action](actor, req, item)


def _reply_agrees(form: Any) -> bool:
    reply = form.cleaned_data.get("reply")
    if reply not in ("akkoord", "bezwaar"):
        raise Incomplete({"reply": _("Kies akkoord of bezwaar.")})
    return reply == "akkoord"


def action_url(req: InformationRequest, action: str, item: Any = None) -> str:
    kwargs: dict[str, Any] = {"public_id": req.public_id, "action": ACTIONS[action].slug}
    if item is not None:
        kwargs["item_id"] = item.pk
        return reverse("requests:followup_item_action", kwargs=kwargs)
    return reverse("requests:followup_action", kwargs=kwargs)


def make_form(action: str, actor: Actor, req: InformationRequest, item: Any = None, data: Any = None) -> Any:
    kwargs: dict[str, Any] = {
        "prefix": action,
        "request": req,
        "visible_status": access.status_for(actor, req).value,
    }
    if item is not None:
        kwargs["auto_id"] = f"id_%s_{item.pk}"
    if action == "duty_done":
        kwargs["needs_note"] = item.kind in RECORD_DUTIES and followup_selectors.hold_active(req)
    return ACTIONS[action].form_class(data, **kwargs)


def block(action: str, actor: Actor, req: InformationRequest, item: Any = None) -> dict[str, Any]:
    spec = ACTIONS[action]
    return {
        "name": action,
        "id": f"vervolg-{action}" + (f"-{item.pk}" if item is not None else ""),
        "title": spec.title,
        "button": spec.button,
        "form": make_form(action, actor, req, item),
        "url": action_url(req, action, item),
    }

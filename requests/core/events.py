"""The kinds of step on a request's own timeline (``RequestEvent.kind``), with the words the
timeline shows. R11 hides some of them from the requester (``requests/core/access.py``); every
service that logs a step names one of these, never a free string.

The follow-up duties log ``duty_done.<duty>`` and ``duty_skipped.<duty>``: one member per duty
kind here (``tests/requests/core/test_events.py`` keeps them in step with ``DutyKind``).
"""

from __future__ import annotations

from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

#: A duty's words (the same as ``DutyKind``'s labels; the test keeps them equal).
_DUTY_WORDS = {
    "PARENT_FEEDBACK": _("Terugkoppeling aan de ouder bij het volgende contact"),  # R27
    "TELL_PARENT_CONTACT": _(
        "De ouder bij het volgende cliëntcontact vertellen dat er contact was met de zorgverlener"
    ),  # R30
    "PROVIDER_RECORD": _("Het contact en wat is verstrekt vastleggen in het ouderdossier"),  # R31, R36
    "REQUESTER_RECORD": _("Het contact en wat is verstrekt vastleggen in het eigen dossier"),  # R36
    "REQUESTER_FEEDBACK": _(
        "Terugkoppeling aan de zorgverlener: wat is er met de informatie gedaan en wat volgt er"
    ),  # R38
    "INFORM_PARENT": _("Ouder informeren over het contact"),  # R37
    "PROVIDER_RECORD_REFUSAL": _(
        "Het contact en het besluit om niet te verstrekken, met de motivering, vastleggen in het ouderdossier"
    ),
    "REQUESTER_RECORD_REFUSAL": _(
        "Vastleggen in het eigen dossier dat de informatie niet is verstrekt, en waarom"
    ),
    "REFUSAL_FOLLOW_UP": _(
        "Besluiten over het vervolg na de weigering (bijvoorbeeld Veilig Thuis inschakelen)"
    ),
}
_DONE = _("Taak gedaan")
_SKIPPED = _("Taak overgeslagen")  # R5


class RequestEventKind(models.TextChoices):
    # Filing (R12-R21).
    CREATED = "created", _("Concept aangemaakt")
    DRAFT_UPDATED = "draft_updated", _("Verzoek aangepast")
    SUBMITTED = "submitted", _("Verzoek ingediend")
    RESUBMITTED = "resubmitted", _("Opnieuw ingediend")
    WITHDRAWN = "withdrawn", _("Verzoek ingetrokken")
    CONSENT_PATH_REDECIDED = "consent_path_redecided", _("Toestemmingspad opnieuw bepaald")
    CONSENT_REVOKED = "consent_revoked", _("Toestemming ingetrokken")
    # Handling (R22-R26, R31, R39).
    TAKEN = "taken", _("Opgepakt door de zorgverlener")
    ASSIGNED = "assigned", _("Toegewezen aan een zorgverlener")
    RETURNED = "returned", _("Teruggestuurd ter herformulering")
    PARENT_CONSULTED = "parent_consulted", _("Overleg met de ouder vastgelegd")
    INTERNAL_CONSULTED = "internal_consulted", _("Intern overleg vastgelegd")
    LEGAL_ADVICE_ASKED = "legal_advice_asked", _("Juridisch advies gevraagd")
    LEGAL_ADVICE_GIVEN = "legal_advice_given", _("Juridisch advies gegeven")
    DECIDED_PROVIDE = "decided_provide", _("Besluit: informatie verstrekken")
    DECIDED_REFUSE = "decided_refuse", _("Besluit: informatie niet verstrekken (wacht op bevestiging)")
    # R11: the second person on every "no".
    REFUSAL_CONFIRMED = "refusal_confirmed", _("Weigering bevestigd")
    REFUSAL_REJECTED = "refusal_rejected", _("Weigering afgewezen door een tweede persoon")
    REFUSAL_CONTESTED = "refusal_contested", _("Bezwaar gemaakt tegen de weigering")
    RECONSIDERED = "reconsidered", _("Besluit heroverwogen")
    REFUSAL_UPHELD = "refusal_upheld", _("Weigering gehandhaafd")
    ANSWER_SAVED = "answer_saved", _("Concept-antwoord opgeslagen")
    ANSWER_SENT = "answer_sent", _("Antwoord verstuurd")
    ACKNOWLEDGED = "acknowledged", _("Gelezen en afgesloten")
    # The answer clock (R22, R26).
    DEADLINE_EXTENDED = "deadline_extended", _("Termijn verlengd")
    EXTENSION_CONTESTED = "extension_contested", _("Bezwaar gemaakt tegen de verlenging")
    # Follow-up (R2, R27-R38).
    DUTY_DONE_PARENT_FEEDBACK = "duty_done.terugkoppeling_ouder", format_lazy(
        "{}: {}", _DONE, _DUTY_WORDS["PARENT_FEEDBACK"]
    )
    DUTY_DONE_TELL_PARENT_CONTACT = "duty_done.ouder_vertellen_contact", format_lazy(
        "{}: {}", _DONE, _DUTY_WORDS["TELL_PARENT_CONTACT"]
    )
    DUTY_DONE_PROVIDER_RECORD = "duty_done.vastleggen_zorgverlener", format_lazy(
        "{}: {}", _DONE, _DUTY_WORDS["PROVIDER_RECORD"]
    )
    DUTY_DONE_REQUESTER_RECORD = "duty_done.vastleggen_aanvrager", format_lazy(
        "{}: {}", _DONE, _DUTY_WORDS["REQUESTER_RECORD"]
    )
    DUTY_DONE_REQUESTER_FEEDBACK = "duty_done.terugkoppeling_zorgverlener", format_lazy(
        "{}: {}", _DONE, _DUTY_WORDS["REQUESTER_FEEDBACK"]
    )
    DUTY_DONE_INFORM_PARENT = "duty_done.ouder_informeren", format_lazy(
        "{}: {}", _DONE, _DUTY_WORDS["INFORM_PARENT"]
    )
    DUTY_SKIPPED_PARENT_FEEDBACK = "duty_skipped.terugkoppeling_ouder", format_lazy(
        "{}: {}", _SKIPPED, _DUTY_WORDS["PARENT_FEEDBACK"]
    )
    DUTY_SKIPPED_TELL_PARENT_CONTACT = "duty_skipped.ouder_vertellen_contact", format_lazy(
        "{}: {}", _SKIPPED, _DUTY_WORDS["TELL_PARENT_CONTACT"]
    )
    DUTY_SKIPPED_PROVIDER_RECORD = "duty_skipped.vastleggen_zorgverlener", format_lazy(
        "{}: {}", _SKIPPED, _DUTY_WORDS["PROVIDER_RECORD"]
    )
    DUTY_SKIPPED_REQUESTER_RECORD = "duty_skipped.vastleggen_aanvrager", format_lazy(
        "{}: {}", _SKIPPED, _DUTY_WORDS["REQUESTER_RECORD"]
    )
    DUTY_SKIPPED_REQUESTER_FEEDBACK = "duty_skipped.terugkoppeling_zorgverlener", format_lazy(
        "{}: {}", _SKIPPED, _DUTY_WORDS["REQUESTER_FEEDBACK"]
    )
    DUTY_SKIPPED_INFORM_PARENT = "duty_skipped.ouder_informeren", format_lazy(
        "{}: {}", _SKIPPED, _DUTY_WORDS["INFORM_PARENT"]
    )
    DUTY_DONE_PROVIDER_RECORD_REFUSAL = "duty_done.vastleggen_weigering_zorgverlener", format_lazy(
        "{}: {}", _DONE, _DUTY_WORDS["PROVIDER_RECORD_REFUSAL"]
    )
    DUTY_DONE_REQUESTER_RECORD_REFUSAL = "duty_done.vastleggen_weigering_aanvrager", format_lazy(
        "{}: {}", _DONE, _DUTY_WORDS["REQUESTER_RECORD_REFUSAL"]
    )
    DUTY_DONE_REFUSAL_FOLLOW_UP = "duty_done.vervolg_na_weigering", format_lazy(
        "{}: {}", _DONE, _DUTY_WORDS["REFUSAL_FOLLOW_UP"]
    )
    DUTY_SKIPPED_PROVIDER_RECORD_REFUSAL = "duty_skipped.vastleggen_weigering_zorgverlener", format_lazy(
        "{}: {}", _SKIPPED, _DUTY_WORDS["PROVIDER_RECORD_REFUSAL"]
    )
    DUTY_SKIPPED_REQUESTER_RECORD_REFUSAL = "duty_skipped.vastleggen_weigering_aanvrager", format_lazy(
        "{}: {}", _SKIPPED, _DUTY_WORDS["REQUESTER_RECORD_REFUSAL"]
    )
    DUTY_SKIPPED_REFUSAL_FOLLOW_UP = "duty_skipped.vervolg_na_weigering", format_lazy(
        "{}: {}", _SKIPPED, _DUTY_WORDS["REFUSAL_FOLLOW_UP"]
    )
    HOLD_RELEASE_PROPOSED = "hold_release_proposed", _(
        "Voorstel om de afscherming (pad C) op te heffen"
    )  # R37
    HOLD_RELEASE_AGREED = "hold_release_agreed", _("Afscherming gezamenlijk opgeheven")  # R37
    HOLD_RELEASE_DECLINED = "hold_release_declined", _(
        "Voorstel om de afscherming op te heffen: niet akkoord"
    )
    HOLD_RELEASE_WITHDRAWN = "hold_release_withdrawn", _(
        "Voorstel om de afscherming op te heffen ingetrokken"
    )
    FEEDBACK_GIVEN = "feedback_given", _("Terugkoppeling aan de zorgverlener gegeven")  # R38
    SECONDARY_USE_SUBMITTED = "secondary_use_submitted", _("Gebruik voor een ander doel voorgelegd")  # R28
    SECONDARY_USE_AGREED = "secondary_use_agreed", _(
        "Zorgverlener akkoord met gebruik voor een ander doel"
    )  # R28
    SECONDARY_USE_OBJECTED = "secondary_use_objected", _(
        "Zorgverlener heeft bezwaar tegen gebruik voor een ander doel"
    )  # R28
    SECONDARY_USE_SENT = "secondary_use_sent", _("Informatie voor een ander doel verstuurd")  # R28
    SECONDARY_USE_WITHDRAWN = "secondary_use_withdrawn", _("Gebruik voor een ander doel ingetrokken")
    FILING_APPROVED = "filing_approved", _("Goedgekeurd als informatie voor het dossier")  # R28
    VEILIG_THUIS_ENGAGED = "veilig_thuis_engaged", _("Veilig Thuis ingeschakeld")  # R2

    @classmethod
    def duty_done(cls, duty_kind: str) -> RequestEventKind:
        return cls(f"duty_done.{duty_kind}")

    @classmethod
    def duty_skipped(cls, duty_kind: str) -> RequestEventKind:
        return cls(f"duty_skipped.{duty_kind}")


K = RequestEventKind

#: The kinds the requester side reads. Everything else is the provider's internal work:
#: consulting the parent and colleagues, legal advice, an unconfirmed or rejected refusal (R11).
#: The follow-up steps (duties, the path-C hold, feedback, R28, R2) both sides read.
REQUESTER_VISIBLE_EVENTS: frozenset[str] = frozenset(
    {
        K.CREATED, K.DRAFT_UPDATED, K.SUBMITTED, K.TAKEN, K.ASSIGNED, K.RETURNED, K.RESUBMITTED,
        K.REFUSAL_CONFIRMED, K.REFUSAL_CONTESTED, K.RECONSIDERED, K.REFUSAL_UPHELD, K.ANSWER_SENT,
        K.ACKNOWLEDGED, K.WITHDRAWN, K.CONSENT_PATH_REDECIDED,
        # Written by consent.services on every request that relied on a revoked declaration.
        K.CONSENT_REVOKED,
        # R22: the requester reads the reason of an extension and may contest it.
        K.DEADLINE_EXTENDED, K.EXTENSION_CONTESTED,
    }
    | {kind for kind in K if kind.value.startswith(("duty_", "hold_release_", "secondary_use_"))}
    | {K.FEEDBACK_GIVEN, K.FILING_APPROVED, K.VEILIG_THUIS_ENGAGED}
)
#: Of those, the ones whose motivation stays with the provider (the second person's note, R11).
MOTIVATION_HIDDEN_FROM_REQUESTER: frozenset[str] = frozenset({K.REFUSAL_CONFIRMED})


class ReverseQuestionEventKind(models.TextChoices):
    """The steps of a reverse question (R3) on its own timeline."""

    SUBMITTED = "submitted", _("Vraag ingediend")
    ANSWERED = "answered", _("Vraag beantwoord")
    DECLINED = "declined", _("Vraag niet beantwoord")
    WITHDRAWN = "withdrawn", _("Vraag ingetrokken")
    ACKNOWLEDGED = "acknowledged", _("Gelezen en afgesloten")

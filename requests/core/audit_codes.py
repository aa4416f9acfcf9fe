"""The audit codes the requests app writes (L5, R41), with the words the Audit page, the CSV
and PDF reports and the "wie heeft ingezien" overview show.

A service names its code once, as a member (``RequestAuditCode.SUBMITTED``): the decorator that
logs a refused call and the ``record(...)`` of the allowed one use the same member. Reads write
one READ per detail view; a list one SEARCH, plus one READ per parent it shows
(``PARENT_SHOWN_IN_LIST``, NEN 7513: a list is a read too).

These are not the steps on a request's own timeline (:mod:`requests.core.events`): that timeline
is part of the case file and shown to the people on the case; these codes are the NEN 7513
trail of who did and saw what, shown to the beheerder and the parent (right of access).

Registered from :meth:`requests.apps.RequestsConfig.ready` (see :mod:`audit.catalogue`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestAuditCode(models.TextChoices):
    # Filing (R12-R21, R24) and the requester's side.
    DRAFT_CREATED = "request.draft_created", _("Concept-informatieverzoek aangemaakt")
    DRAFT_UPDATED = "request.draft_updated", _("Concept-informatieverzoek aangepast")
    EMPTY_DRAFT_REMOVED = "request.empty_draft_removed", _("Leeg concept-informatieverzoek opgeruimd")
    SUBMITTED = "request.submitted", _("Informatieverzoek ingediend")
    RESUBMITTED = "request.resubmitted", _("Informatieverzoek opnieuw ingediend")
    WITHDRAWN = "request.withdrawn", _("Informatieverzoek ingetrokken")
    CONSENT_PATH_REDECIDED = "request.consent_path_redecided", _("Toestemmingspad opnieuw bepaald")
    REFUSAL_CONTESTED = "request.refusal_contested", _("Bezwaar gemaakt tegen de weigering")
    ACKNOWLEDGED = "request.acknowledged", _("Antwoord gelezen en verzoek afgesloten")
    # Handling by the care provider (R22-R26, R31, R39) and the second person on a "no" (R11).
    TAKEN = "request.taken", _("Verzoek opgepakt door de zorgverlener")
    ASSIGNED = "request.assigned", _("Verzoek toegewezen aan een zorgverlener")
    RETURNED = "request.returned", _("Verzoek teruggestuurd ter herformulering")
    PARENT_CONSULTED = "request.parent_consulted", _("Overleg met de ouder vastgelegd")
    INTERNAL_CONSULTED = "request.internal_consulted", _("Intern overleg vastgelegd")
    LEGAL_ADVICE_ASKED = "request.legal_advice_asked", _("Juridisch advies gevraagd")
    LEGAL_ADVICE_GIVEN = "request.legal_advice_given", _("Juridisch advies gegeven")
    DECIDED = "request.decided", _("Besluit genomen: informatie verstrekken of niet")
    REFUSAL_CONFIRMED = "request.refusal_confirmed", _("Weigering bevestigd door een tweede persoon")
    REFUSAL_REJECTED = "request.refusal_rejected", _("Weigering afgewezen door een tweede persoon")
    RECONSIDERED = "request.reconsidered", _("Besluit heroverwogen")
    REFUSAL_UPHELD = "request.refusal_upheld", _("Weigering gehandhaafd")
    ANSWER_SAVED = "request.answer_saved", _("Concept-antwoord opgeslagen")
    ANSWER_SENT = "request.answer_sent", _("Antwoord verstuurd")
    # The answer clock (R22, R26).
    DEADLINE_EXTENDED = "request.deadline_extended", _("Termijn verlengd")
    EXTENSION_CONTESTED = "request.extension_contested", _("Bezwaar gemaakt tegen de verlenging")
    DEADLINE_NOTICE_SENT = "request.deadline_notice_sent", _("Termijnmelding verstuurd")
    # Follow-up (R2, R5, R27-R38).
    DUTY_DONE = "request.duty_done", _("Vervolgtaak gedaan")
    DUTY_SKIPPED = "request.duty_skipped", _("Vervolgtaak overgeslagen")  # R5
    HOLD_RELEASE_PROPOSED = "request.hold_release_proposed", _(
        "Voorstel gedaan om de afscherming (pad C) op te heffen"
    )
    HOLD_RELEASED = "request.hold_released", _("Afscherming gezamenlijk opgeheven")
    HOLD_RELEASE_DECLINED = "request.hold_release_declined", _(
        "Niet akkoord met het opheffen van de afscherming"
    )
    HOLD_RELEASE_WITHDRAWN = "request.hold_release_withdrawn", _(
        "Voorstel om de afscherming op te heffen ingetrokken"
    )
    FEEDBACK_GIVEN = "request.feedback_given", _("Terugkoppeling aan de zorgverlener gegeven")
    SECONDARY_USE_SUBMITTED = "request.secondary_use_submitted", _("Gebruik voor een ander doel voorgelegd")
    SECONDARY_USE_REPLIED = "request.secondary_use_replied", _(
        "Zorgverlener heeft gereageerd op gebruik voor een ander doel"
    )
    SECONDARY_USE_SENT = "request.secondary_use_sent", _("Informatie voor een ander doel verstuurd")
    SECONDARY_USE_WITHDRAWN = "request.secondary_use_withdrawn", _("Gebruik voor een ander doel ingetrokken")
    FILING_APPROVED = "request.filing_approved", _("Goedgekeurd als informatie voor het dossier")
    VEILIG_THUIS_ENGAGED = "request.veilig_thuis_engaged", _("Veilig Thuis ingeschakeld")
    DEVIATION_RECORDED = "deviation.recorded", _("Afwijking van de afspraken vastgelegd")
    # Reads of one request (one READ per view).
    READ = "request.read", _("Informatieverzoek ingezien")
    TIMELINE_READ = "request.timeline_read", _("Verloop van een informatieverzoek ingezien")
    HISTORY_READ = "request.history_read", _("Eerdere versies van een informatieverzoek ingezien")
    # Lists (one SEARCH per list, named after the page).
    OUTGOING_LISTED = "request.outgoing_listed", _("Mijn verzoeken bekeken")
    INBOX_LISTED = "request.inbox_listed", _("Binnengekomen verzoeken bekeken")
    REFUSALS_LISTED = "request.refusals_listed", _("Te bevestigen weigeringen bekeken")
    LEGAL_QUEUE_LISTED = "request.legal_queue_listed", _("Adviesvragen bekeken")
    OVERVIEW_LISTED = "request.overview_listed", _("Overzicht termijnen bekeken")
    TASKS_LISTED = "followup.tasks_listed", _("Mijn taken bekeken")
    DEVIATIONS_LISTED = "deviation.listed", _("Afwijkingen van de afspraken bekeken")
    FRAMEWORK_DEPARTURES_LISTED = "deviation.framework_listed", _(
        "Verzoeken met een ander kader dan voorgesteld bekeken"
    )
    # A parent shown on a list page or on Vandaag: one READ per parent (NEN 7513: lists are reads).
    PARENT_SHOWN_IN_LIST = "request.parent_shown_in_list", _("Ouder gezien in een lijst met verzoeken")
    TODAY_LISTED = "request.today_listed", _("Vandaag bekeken")
    # Letters (PDF downloads: EXPORT).
    LETTER_REQUEST_DOWNLOADED = "letter.request_downloaded", _("Brief opvragen informatie gedownload")
    LETTER_ANSWER_DOWNLOADED = "letter.answer_downloaded", _("Antwoordbrief gedownload")
    LETTER_CONSENT_FORM_DOWNLOADED = "letter.consent_form_downloaded", _(
        "Toestemmingsverklaring om te laten ondertekenen gedownload"
    )
    # The Kindcheck (L4).
    KINDCHECK_RECORDED = "kindcheck.recorded", _("Kindcheck vastgelegd")
    KINDCHECK_NEXT_STEPS_RECORDED = "kindcheck.next_steps_recorded", _(
        "Vervolgstappen na de Kindcheck vastgelegd"
    )
    KINDCHECK_READ = "kindcheck.read", _("Kindcheck ingezien")
    KINDCHECKS_LISTED = "kindcheck.listed", _("Kindchecks bekeken")
    KINDCHECK_OVERVIEW_LISTED = "kindcheck.overview_listed", _("Overzicht Kindchecks bekeken")
    # Questions to youth care about the children (R3).
    REVERSE_QUESTION_SUBMITTED = "reverse_question.submitted", _("Vraag aan de jeugdhulp gesteld")
    REVERSE_QUESTION_ANSWERED = "reverse_question.answered", _("Vraag aan de jeugdhulp beantwoord")
    REVERSE_QUESTION_DECLINED = "reverse_question.declined", _("Vraag aan de jeugdhulp niet beantwoord")
    REVERSE_QUESTION_WITHDRAWN = "reverse_question.withdrawn", _("Vraag aan de jeugdhulp ingetrokken")
    REVERSE_QUESTION_ACKNOWLEDGED = "reverse_question.acknowledged", _(
        "Antwoord van de jeugdhulp gelezen en vraag afgesloten"
    )
    REVERSE_QUESTION_READ = "reverse_question.read", _("Vraag aan de jeugdhulp ingezien")
    REVERSE_QUESTIONS_LISTED = "reverse_question.listed", _("Vragen over kinderen bekeken")

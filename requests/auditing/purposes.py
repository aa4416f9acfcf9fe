"""The purpose of use of every audit code the requests app writes (NEN 7513 ``purposeOfUse``;
:mod:`audit.purposes`), in one place: a default per code, and one rule that refines a read or a
list by who reads it — the requesting side files and follows, the providing side handles, a
legal advisor advises, a teamleider on the confirmation page confirms a refusal (R11, R8)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from audit.catalogue import register_purpose_rule
from audit.purposes import Purpose
from requests.core.audit_codes import RequestAuditCode as C
from toolkid.models import Role

_FILING = (
    C.DRAFT_CREATED, C.DRAFT_UPDATED, C.EMPTY_DRAFT_REMOVED, C.SUBMITTED, C.RESUBMITTED,
    C.WITHDRAWN, C.CONSENT_PATH_REDECIDED, C.REFUSAL_CONTESTED, C.ACKNOWLEDGED,
    C.EXTENSION_CONTESTED, C.FEEDBACK_GIVEN, C.SECONDARY_USE_SUBMITTED, C.SECONDARY_USE_SENT,
    C.SECONDARY_USE_WITHDRAWN, C.FILING_APPROVED, C.VEILIG_THUIS_ENGAGED, C.OUTGOING_LISTED,
    C.LETTER_REQUEST_DOWNLOADED, C.LETTER_CONSENT_FORM_DOWNLOADED, C.REVERSE_QUESTION_ANSWERED,
    C.REVERSE_QUESTION_DECLINED,
)
_LEGAL = (C.LEGAL_ADVICE_GIVEN, C.LEGAL_QUEUE_LISTED)
_REFUSAL = (C.REFUSAL_CONFIRMED, C.REFUSAL_REJECTED, C.REFUSALS_LISTED)
_DEADLINES = (
    C.DEADLINE_NOTICE_SENT, C.OVERVIEW_LISTED, C.DEVIATIONS_LISTED, C.FRAMEWORK_DEPARTURES_LISTED,
    C.DEVIATION_RECORDED,
)


def _default(code: str) -> str:
    for codes, purpose in (
        (_FILING, Purpose.FILING), (_LEGAL, Purpose.LEGAL_ADVICE),
        (_REFUSAL, Purpose.REFUSAL_CONFIRMATION), (_DEADLINES, Purpose.DEADLINES),
    ):
        if code in codes:
            return purpose
    # Everything else is the providing side's work on a request (taking, deciding, answering,
    # the Kindcheck, questions back to youth care) or a read refined by the rule below.
    return Purpose.HANDLING


#: Every request code with its default purpose (audit.catalogue.register).
REQUEST_PURPOSES: dict[str, str] = {code: _default(code) for code in C.values}

#: Reads, lists and follow-up duties that either side, the legal advisor or the teamleider can
#: do: a duty done or "Mijn taken" read is part of handling on the providing side and of filing
#: and following on the requesting side (R27, R30, R36, R38).
_BY_READER = (
    C.READ, C.TIMELINE_READ, C.HISTORY_READ, C.PARENT_SHOWN_IN_LIST, C.TODAY_LISTED,
    C.LETTER_ANSWER_DOWNLOADED, C.REVERSE_QUESTION_READ, C.REVERSE_QUESTIONS_LISTED,
    C.DUTY_DONE, C.DUTY_SKIPPED, C.TASKS_LISTED,
)


def _filing_side(obj: Any) -> Any:
    """The organisation on the requesting (youth-care) side of what is read, if known."""
    if hasattr(obj, "asking_organisation_id"):
        # A reverse question goes the other way: youth care receives it and answers.
        return obj.receiving_organisation_id
    if hasattr(obj, "requesting_organisation_id"):
        return obj.requesting_organisation_id
    request = getattr(obj, "request", None)
    return getattr(request, "requesting_organisation_id", None)


def by_reader(actor: Any, obj: Any, payload: Mapping) -> str | None:
    """Why this actor reads this request: by their side of it and their role."""
    if actor is None or actor.is_system:
        return None
    page = str(payload.get("purpose", ""))
    if page == "action:confirm_refusal" and actor.has_role(Role.TEAMLEIDER):
        return Purpose.REFUSAL_CONFIRMATION
    if page == "legal_advice" or (
        actor.has_role(Role.JURIDISCH_ADVISEUR)
        and not actor.has_role(Role.ZORGVERLENER, Role.JEUGDHULPVERLENER, Role.TEAMLEIDER)
    ):
        return Purpose.LEGAL_ADVICE
    filing_side = _filing_side(obj) if obj is not None else None
    if filing_side is not None and actor.organisation is not None:
        return Purpose.FILING if filing_side == actor.organisation.pk else Purpose.HANDLING
    if actor.has_role(Role.JEUGDHULPVERLENER) and not actor.has_role(Role.ZORGVERLENER):
        return Purpose.FILING
    if actor.has_role(Role.ZORGVERLENER) and not actor.has_role(Role.JEUGDHULPVERLENER):
        return Purpose.HANDLING
    return None


def register_purposes() -> None:
    register_purpose_rule(_BY_READER, by_reader)

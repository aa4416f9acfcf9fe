"""The legal ground and object sensitivity of what the requests app logs (:mod:`audit.grounds`;
NEN 7513 consent profile and ``objectSensitivity``, L3, L5, R41).

The ground of an event about a request is the request as it stands at that moment: its consent
path (R24) — A with the declaration it rests on (R29), B with the outcome of the consultation
with the parent (R31), C (R32, R33) — and its legal framework beside it (L3). A Kindcheck and a
question to youth care about a client's children are done under the meldcode (L4).

Sensitivity: what touches the parent's health (the consultation, the weighing, the decision,
the answer, the Kindcheck, reading the request page where all that shows) is health data; what
only moves the work along (taking, assigning, terms, duties, the hold's release) is metadata;
the rest (the request's filing, lists with initials) is personal data.
"""

from __future__ import annotations

from audit.grounds import Ground, Sensitivity, register_frameworks, register_ground_resolver
from requests.core.audit_codes import RequestAuditCode as C
from requests.core.grounds import resolve
from requests.core.models import LegalFramework

_HEALTH = (
    C.PARENT_CONSULTED, C.INTERNAL_CONSULTED, C.LEGAL_ADVICE_ASKED, C.LEGAL_ADVICE_GIVEN, C.DECIDED,
    C.REFUSAL_CONFIRMED, C.REFUSAL_REJECTED, C.RECONSIDERED, C.REFUSAL_UPHELD, C.ANSWER_SAVED,
    C.ANSWER_SENT, C.READ, C.TIMELINE_READ, C.HISTORY_READ, C.LETTER_ANSWER_DOWNLOADED,
    C.SECONDARY_USE_SENT, C.KINDCHECK_RECORDED, C.KINDCHECK_NEXT_STEPS_RECORDED, C.KINDCHECK_READ,
    C.REVERSE_QUESTION_ANSWERED, C.REVERSE_QUESTION_READ,
)
_METADATA = (
    C.EMPTY_DRAFT_REMOVED, C.ACKNOWLEDGED, C.TAKEN, C.ASSIGNED, C.DEADLINE_EXTENDED,
    C.EXTENSION_CONTESTED, C.DEADLINE_NOTICE_SENT, C.DUTY_DONE, C.DUTY_SKIPPED,
    C.HOLD_RELEASE_PROPOSED, C.HOLD_RELEASED, C.HOLD_RELEASE_DECLINED, C.HOLD_RELEASE_WITHDRAWN,
    C.OVERVIEW_LISTED, C.TASKS_LISTED, C.DEVIATIONS_LISTED, C.FRAMEWORK_DEPARTURES_LISTED,
    C.REVERSE_QUESTION_WITHDRAWN, C.REVERSE_QUESTION_ACKNOWLEDGED,
)


def _sensitivity(code: str) -> str:
    if code in _HEALTH:
        return Sensitivity.HEALTH
    if code in _METADATA:
        return Sensitivity.METADATA
    return Sensitivity.PERSONAL


#: Every request code with its object sensitivity (audit.catalogue.register).
REQUEST_SENSITIVITIES: dict[str, str] = {code: _sensitivity(code) for code in C.values}

_MELDCODE = (
    C.KINDCHECK_RECORDED, C.KINDCHECK_NEXT_STEPS_RECORDED, C.KINDCHECK_READ, C.KINDCHECKS_LISTED,
    C.KINDCHECK_OVERVIEW_LISTED, C.REVERSE_QUESTION_SUBMITTED, C.REVERSE_QUESTION_ANSWERED,
    C.REVERSE_QUESTION_DECLINED, C.REVERSE_QUESTION_WITHDRAWN, C.REVERSE_QUESTION_ACKNOWLEDGED,
    C.REVERSE_QUESTION_READ, C.REVERSE_QUESTIONS_LISTED,
)

#: The ground of a code whose object is not a request (L4: the Kindcheck sits in the meldcode).
REQUEST_GROUNDS: dict[str, str] = {code: Ground.MELDCODE for code in _MELDCODE}


def register_grounds() -> None:
    register_frameworks(LegalFramework)
    register_ground_resolver(resolve)

"""On what ground the information was provided, as the requester reads it with the answer.

R31b, R39: on path B the clinician may provide although the parent did not agree, after internal
consultation and with a written motivation. The requester needs to know that to handle the
parent (R30) and for their own file, so the request's page (``requests/handling/panel.py``) and
the answer letter (``requests/letters/documents.py``) say it. In the kernel because both read it
and neither may import the other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from requests.core.models import InformationRequest


@dataclass(frozen=True)
class AnswerBasis:
    """Provided against the parent's wish: when the parent was consulted, the internal
    consultation (with whom, when) and the motivation of the decision."""

    parent_consulted_on: dt.date | None
    consulted_with: str
    consulted_on: dt.date | None
    motivation: str


def answer_basis(req: InformationRequest) -> AnswerBasis | None:
    """The basis when the information was provided against the parent's wish (R31b), else None.
    When it may be shown is the caller's question: to the requester once the answer was sent,
    to the provider from the decision on."""
    if not req.provided_against_parent_wish:
        return None
    return AnswerBasis(
        parent_consulted_on=req.parent_consultation_date,
        consulted_with=req.internal_consultation_with,
        consulted_on=req.internal_consultation_date,
        motivation=req.decision_motivation,
    )

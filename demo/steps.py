"""The steps of handling a demo request, each one service call by one demo user.

A step is data (``by`` whom, and what they enter); :meth:`play` makes the one call it stands for
on the case's request. Dates are relative to the day the demo is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from consent.services import consent_revoke
from demo.accounts import Who
from demo.content import ALL_CONFIRMED, ANSWERS
from demo.direct_writes import backdate_submission_for_demo, keep_due_today_for_demo
from requests.filing import services as filing_services
from requests.handling import answer as answer_services
from requests.handling import services as handling_services
from requests.models import ParentConsultationOutcome

if TYPE_CHECKING:
    from demo.runner import Play

#: With whom a clinician consults internally (R31b, R31c).
INTERNAL_CONSULTATION_WITH = "Geneesheer-directeur en teamleider volwassenen-GGZ"


@dataclass(frozen=True)
class Take:
    """The clinician takes the request on (it is assigned to them)."""

    by: Who

    def play(self, play: Play) -> None:
        play.request = handling_services.request_take(actor=play.actor(self.by), request=play.request)


@dataclass(frozen=True)
class ReturnForReformulation:
    """R7: the clinician sends the request back with a suggestion."""

    by: Who
    suggestion: str

    def play(self, play: Play) -> None:
        play.request = handling_services.request_return_for_reformulation(
            actor=play.actor(self.by), request=play.request, suggestion=self.suggestion
        )


@dataclass(frozen=True)
class ConsultParent:
    """Path B (R30, R31): the clinician talked with the parent yesterday."""

    by: Who
    agrees: bool
    note: str

    def play(self, play: Play) -> None:
        outcome = ParentConsultationOutcome.AGREES if self.agrees else ParentConsultationOutcome.DISAGREES
        play.request = handling_services.request_record_parent_consultation(
            actor=play.actor(self.by),
            request=play.request,
            date=play.days_ago(1),
            outcome=outcome,
            note=self.note,
        )


@dataclass(frozen=True)
class ConsultInternally:
    """R31b, R31c: the clinician consulted internally yesterday."""

    by: Who
    conclusion: str

    def play(self, play: Play) -> None:
        play.request = handling_services.request_record_internal_consultation(
            actor=play.actor(self.by),
            request=play.request,
            with_whom=INTERNAL_CONSULTATION_WITH,
            date=play.days_ago(1),
            conclusion=self.conclusion,
        )


@dataclass(frozen=True)
class AskLegalAdvice:
    """R8: the clinician asks the legal advisor."""

    by: Who
    question: str

    def play(self, play: Play) -> None:
        play.advice = handling_services.request_ask_legal_advice(
            actor=play.actor(self.by), request=play.request, question=self.question
        )


@dataclass(frozen=True)
class GiveLegalAdvice:
    """R8: the legal advisor answers the question asked before (the decision stays with the
    clinician)."""

    by: Who
    text: str

    def play(self, play: Play) -> None:
        handling_services.legal_advice_give(actor=play.actor(self.by), advice=play.advice, text=self.text)


@dataclass(frozen=True)
class Decide:
    """The clinician decides to provide or not, with a motivation (and the weighing on path C)."""

    by: Who
    decision: str
    motivation: str
    weighing: str = ""

    def play(self, play: Play) -> None:
        play.request = handling_services.request_decide(
            actor=play.actor(self.by),
            request=play.request,
            decision=self.decision,
            motivation=self.motivation,
            weighing=self.weighing,
        )


@dataclass(frozen=True)
class SaveAnswer:
    """R15–R18: the clinician saves a concept answer for ``topics`` (none named: every topic
    asked), from :data:`demo.content.ANSWERS`."""

    by: Who
    topics: tuple[str, ...] = ()

    def play(self, play: Play) -> None:
        play.request = answer_services.request_save_answer(
            actor=play.actor(self.by), request=play.request, topics=_answers(play, self.topics)
        )


@dataclass(frozen=True)
class SendAnswer:
    """R15–R21, R25: the clinician sends the answer to every topic asked, checklist ticked."""

    by: Who

    def play(self, play: Play) -> None:
        play.request = answer_services.request_send_answer(
            actor=play.actor(self.by),
            request=play.request,
            topics=_answers(play),
            confirmations=ALL_CONFIRMED,
        )


def _answers(play: Play, topics: tuple[str, ...] = ()) -> dict[str, dict[str, str]]:
    letters = topics or [t.topic for t in play.request.topics.all()]
    return {letter: ANSWERS[letter] for letter in letters}


@dataclass(frozen=True)
class Acknowledge:
    """The requester marks the answer as read, which closes the request."""

    by: Who

    def play(self, play: Play) -> None:
        play.request = filing_services.request_acknowledge(actor=play.actor(self.by), request=play.request)


@dataclass(frozen=True)
class ConfirmRefusal:
    """R11: a second person (team leader or legal advisor) confirms the refusal."""

    by: Who
    note: str = ""

    def play(self, play: Play) -> None:
        play.request = handling_services.request_confirm_refusal(
            actor=play.actor(self.by), request=play.request, note=self.note
        )


@dataclass(frozen=True)
class ContestRefusal:
    """R8: the requester contests a confirmed refusal."""

    by: Who
    reason: str

    def play(self, play: Play) -> None:
        filing_services.request_contest_refusal(
            actor=play.actor(self.by), request=play.request, reason=self.reason
        )


@dataclass(frozen=True)
class Withdraw:
    """The requester withdraws the request."""

    by: Who
    reason: str

    def play(self, play: Play) -> None:
        play.request = filing_services.request_withdraw(
            actor=play.actor(self.by), request=play.request, reason=self.reason
        )


@dataclass(frozen=True)
class RevokeConsent:
    """R29: the requester records that the parent revoked the consent today."""

    by: Who
    note: str

    def play(self, play: Play) -> None:
        consent_revoke(
            actor=play.actor(self.by),
            declaration=play.request.consent_declaration,
            revoked_on=play.today,
            note=self.note,
        )


@dataclass(frozen=True)
class Backdate:
    """DEMO DATA ONLY: the request looks as if it was sent ``days_ago`` (see
    :func:`demo.direct_writes.backdate_submission_for_demo`); done by the demo, not a user."""

    days_ago: int
    by: ClassVar[None] = None

    def play(self, play: Play) -> None:
        play.request = backdate_submission_for_demo(play.request, submitted_on=play.days_ago(self.days_ago))


@dataclass(frozen=True)
class DueToday:
    """DEMO DATA ONLY: the request is due today (see
    :func:`demo.direct_writes.keep_due_today_for_demo`); done by the demo, not a user."""

    by: ClassVar[None] = None

    def play(self, play: Play) -> None:
        play.request = keep_due_today_for_demo(play.request, play.today)

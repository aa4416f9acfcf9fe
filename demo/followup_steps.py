"""The steps after the answer and the Kindcheck with its follow-up (L4, R3), each one
service call by one demo user. Dates are relative to the day the demo is loaded."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from demo.accounts import Who
from demo.filing import Client
from requests.followup import hold as hold_services
from requests.followup import secondary_use as secondary_use_services
from requests.followup import services as followup_services
from requests.kindcheck import services as kindcheck_services
from requests.models import Duty
from requests.reverse import services as reverse_services

if TYPE_CHECKING:
    from demo.runner import Play


# -- duties, the path-C hold, feedback, secondary use, Veilig Thuis ---------------------------


@dataclass(frozen=True)
class CompleteDuty:
    """R27, R30, R31, R36: the open duty of ``kind`` on the request is done today."""

    by: Who
    kind: str  # DutyKind
    note: str = ""
    not_discussed_confirmed: bool = False  # path C: recorded as "not yet discussed with the parent"

    def play(self, play: Play) -> None:
        followup_services.duty_complete(
            actor=play.actor(self.by),
            duty=Duty.objects.get(request=play.request, kind=self.kind),
            done_on=play.today,
            note=self.note,
            not_discussed_confirmed=self.not_discussed_confirmed,
        )


@dataclass(frozen=True)
class SkipDuty:
    """R5: the open duty of ``kind`` is skipped, with a motivation (a deviation)."""

    by: Who
    kind: str  # DutyKind
    motivation: str

    def play(self, play: Play) -> None:
        duty = Duty.objects.get(request=play.request, kind=self.kind)
        followup_services.duty_skip(actor=play.actor(self.by), duty=duty, motivation=self.motivation)


@dataclass(frozen=True)
class GiveFeedback:
    """R38: the requester tells the clinician what was done with the information."""

    by: Who
    what_was_done: str
    what_follows: str

    def play(self, play: Play) -> None:
        followup_services.feedback_give(
            actor=play.actor(self.by),
            request=play.request,
            what_was_done=self.what_was_done,
            what_follows=self.what_follows,
        )


@dataclass(frozen=True)
class ProposeRelease:
    """R37: one side proposes to lift the path-C hold, with a reason."""

    by: Who
    reason: str

    def play(self, play: Play) -> None:
        play.release = hold_services.hold_release_propose(
            actor=play.actor(self.by), request=play.request, reason=self.reason
        )


@dataclass(frozen=True)
class AgreeRelease:
    """R37: the other side agrees to the proposal made before; the hold is lifted."""

    by: Who
    note: str = ""

    def play(self, play: Play) -> None:
        hold_services.hold_release_agree(actor=play.actor(self.by), release=play.release, note=self.note)


@dataclass(frozen=True)
class ApproveFiling:
    """R31, R36: the clinician approves the answer's text for the requester's file."""

    by: Who
    note: str = ""

    def play(self, play: Play) -> None:
        followup_services.filing_approve(actor=play.actor(self.by), request=play.request, note=self.note)


@dataclass(frozen=True)
class SubmitSecondaryUse:
    """R28: the requester asks to use the information for another purpose."""

    by: Who
    purpose: str  # SecondaryPurpose
    description: str
    text: str = ""

    def play(self, play: Play) -> None:
        play.use = secondary_use_services.secondary_use_submit(
            actor=play.actor(self.by),
            request=play.request,
            purpose=self.purpose,
            description=self.description,
            text=self.text,
        )


@dataclass(frozen=True)
class ReplySecondaryUse:
    """R28: the clinician agrees or objects to the use asked for before."""

    by: Who
    agree: bool
    comments: str = ""

    def play(self, play: Play) -> None:
        play.use = secondary_use_services.secondary_use_reply(
            actor=play.actor(self.by), use=play.use, agree=self.agree, comments=self.comments
        )


@dataclass(frozen=True)
class MarkSecondaryUseSent:
    """R28, R5: the requester records the use as sent today (despite an objection: a deviation)."""

    by: Who
    motivation: str = ""

    def play(self, play: Play) -> None:
        secondary_use_services.secondary_use_mark_sent(
            actor=play.actor(self.by), use=play.use, sent_on=play.today, motivation=self.motivation
        )


@dataclass(frozen=True)
class RecordVeiligThuis:
    """R2: the requester engaged Veilig Thuis ``engaged_days_ago``."""

    by: Who
    safety_concerns: bool
    reference: str = ""
    note: str = ""
    engaged_days_ago: int = 1

    def play(self, play: Play) -> None:
        followup_services.veilig_thuis_record(
            actor=play.actor(self.by),
            request=play.request,
            engaged_on=play.days_ago(self.engaged_days_ago),
            safety_concerns=self.safety_concerns,
            reference=self.reference,
            note=self.note,
        )


# -- the Kindcheck (L4) and the question to youth care (R3) -----------------------------------


@dataclass(frozen=True)
class Kindcheck:
    """L4, meldcode step 1: the clinician records a Kindcheck of ``client`` ``days_ago``."""

    by: Who
    client: Client
    cares_for_minors: bool
    children_ages: tuple[int, ...] = ()
    is_pregnant: bool = False
    safety_concerns: bool | None = None
    concerns_note: str = ""
    days_ago: int = 0

    def play(self, play: Play) -> None:
        play.kindcheck = kindcheck_services.kindcheck_record(
            actor=play.actor(self.by),
            parent={"name": self.client.name, "date_of_birth": self.client.born},
            checked_on=play.days_ago(self.days_ago),
            cares_for_minors=self.cares_for_minors,
            is_pregnant=self.is_pregnant,
            children_ages=list(self.children_ages),
            safety_concerns=self.safety_concerns,
            concerns_note=self.concerns_note,
        )


@dataclass(frozen=True)
class ChooseNextSteps:
    """L4, meldcode step 2: with concerns, what the clinician does next (none: a deviation, R5)."""

    by: Who
    steps: tuple[str, ...]  # KindcheckNextStep
    note: str = ""

    def play(self, play: Play) -> None:
        play.kindcheck = kindcheck_services.kindcheck_choose_next_steps(
            actor=play.actor(self.by), kindcheck=play.kindcheck, steps=list(self.steps), note=self.note
        )


@dataclass(frozen=True)
class AskYouthCare:
    """R3: the clinician asks youth care ``to`` about the client's child, after phoning them today."""

    by: Who
    to: str  # the receiving organisation
    child: str  # name or initials
    child_age_days: int
    phone_contact_with: str
    asks_interventions: bool
    asks_kopp_kvo: bool
    consent_parents: bool = False
    consent_child: bool = False
    consent_note: str = ""

    def play(self, play: Play) -> None:
        play.question = reverse_services.reverse_question_submit(
            actor=play.actor(self.by),
            receiving_organisation=play.context.organisations[self.to],
            parent=play.kindcheck.parent,
            kindcheck=play.kindcheck,
            child_name_or_initials=self.child,
            child_date_of_birth=play.today - dt.timedelta(days=self.child_age_days),
            phone_contact_date=play.today,
            phone_contact_with=self.phone_contact_with,
            asks_interventions=self.asks_interventions,
            asks_kopp_kvo=self.asks_kopp_kvo,
            consent_parents=self.consent_parents,
            consent_child=self.consent_child,
            consent_note=self.consent_note,
        )


@dataclass(frozen=True)
class YouthCareAnswers:
    """R3, R25: youth care answers the question asked before, factually."""

    by: Who
    interventions: str = ""
    kopp_kvo: str = ""

    def play(self, play: Play) -> None:
        reverse_services.reverse_question_answer(
            actor=play.actor(self.by),
            question=play.question,
            interventions=self.interventions,
            kopp_kvo=self.kopp_kvo,
        )

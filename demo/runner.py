"""The runner: plays each declared demo case through the real services, as the demo users.

A case (:class:`RequestCase`, :class:`KindcheckCase`) is data: who files what, then which steps
happen by whom. Its filing and each step know the one service call they stand for (see
:mod:`demo.filing`, :mod:`demo.steps`, :mod:`demo.followup_steps`); the runner only

- skips a case that exists already (a request by its fixed ``submit_token``, a uuid5 of its slug;
  a Kindcheck by its demo client's name), also when a developer has clicked it further;
- finds the people of a case before anything is written: when one of them no longer works for
  the organisation the case names (a membership ended by hand), the case is skipped whole;
- plays the filing and the steps in order, in one transaction per case.

So a second ``load_demo`` creates nothing, and a case either exists completely or not at all.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from django.db import transaction
from django.utils import timezone

from demo.accounts import PROVIDER, Who
from requests.models import InformationRequest, Parent
from toolkid.actors import Actor
from toolkid.models import Membership, Organisation, User

if TYPE_CHECKING:
    from demo.filing import Draft, Filing
    from demo.followup_steps import Kindcheck
    from requests.models import HoldRelease, LegalAdvice, ReverseQuestion, SecondaryUse
    from requests.models import Kindcheck as KindcheckRecord

#: The namespace of the request cases' keys; never change it (the keys make a rerun a no-op).
DEMO_NAMESPACE = uuid.UUID("7d0c2f4e-5b1a-4c39-9a57-2f1c0e8b6d13")


class DemoSkip(Exception):
    """A case cannot be made now (e.g. a demo user's membership was ended by hand)."""


@dataclass
class DemoContext:
    """The organisations load_demo made, and the day the demo is loaded on."""

    organisations: dict[str, Organisation]
    today: dt.date = field(default_factory=timezone.localdate)

    @property
    def provider(self) -> Organisation:
        return self.organisations[PROVIDER]

    def actor(self, who: Who) -> Actor:
        """The demo user acting for the organisation, with the roles held there (as the
        middleware builds it)."""
        username, organisation = who
        org = self.organisations[organisation]
        user = User.objects.filter(username=username, is_active=True).first()
        roles = frozenset(
            Membership.objects.filter(user=user, organisation=org, is_active=True).values_list(
                "role", flat=True
            )
        )
        if user is None or not roles:
            raise DemoSkip(f"{username} werkt niet (meer) bij {organisation}")
        return Actor(user=user, organisation=org, roles=roles)


@dataclass
class Play:
    """One case being played: its people, its key, and what its steps made so far (a step that
    answers to an earlier one, e.g. agreeing to a proposal, finds it here)."""

    context: DemoContext
    actors: dict[Who, Actor]
    key: uuid.UUID | None = None
    request: InformationRequest | None = None
    advice: LegalAdvice | None = None
    release: HoldRelease | None = None
    use: SecondaryUse | None = None
    kindcheck: KindcheckRecord | None = None
    question: ReverseQuestion | None = None

    def actor(self, who: Who) -> Actor:
        return self.actors[who]

    @property
    def today(self) -> dt.date:
        return self.context.today

    def days_ago(self, days: int) -> dt.date:
        return self.today - dt.timedelta(days=days)


class Step(Protocol):
    """One thing that happens in a case: ``by`` whom (``None``: the demo itself), and the service
    call it stands for."""

    by: Who | None

    def play(self, play: Play) -> None: ...


@dataclass(frozen=True)
class RequestCase:
    """An information request: filed (or left as a draft), then the steps that follow."""

    slug: str
    login: str  # who to log in as to see (or take) the next step
    note: str  # what there is to see, in Dutch
    filing: Filing | Draft
    steps: tuple[Step, ...] = ()
    namespace: uuid.UUID = DEMO_NAMESPACE

    @property
    def key(self) -> uuid.UUID:
        return uuid.uuid5(self.namespace, self.slug)

    @property
    def path(self) -> str:
        """The path as the table lists it: "A", "B", "C", "B (OTS)"."""
        return self.filing.path_label

    def happenings(self) -> tuple[Step, ...]:
        """The filing, then the steps: everything that happens in the case, in order."""
        return (self.filing, *self.steps)


@dataclass(frozen=True)
class KindcheckCase:
    """A Kindcheck (L4) a clinician of the provider records, then the steps that follow."""

    slug: str
    login: str
    note: str
    check: Kindcheck
    steps: tuple[Step, ...] = ()

    @property
    def client(self) -> str:
        return self.check.client.name

    def happenings(self) -> tuple[Step, ...]:
        """The Kindcheck, then the steps: everything that happens in the case, in order."""
        return (self.check, *self.steps)


def people(case: RequestCase | KindcheckCase) -> list[Who]:
    """Everyone who acts in a case, once each, in order of appearance."""
    return list(dict.fromkeys(step.by for step in case.happenings() if step.by is not None))


def _play(context: DemoContext, case: RequestCase | KindcheckCase, key: uuid.UUID | None) -> Play:
    actors = {who: context.actor(who) for who in people(case)}  # a DemoSkip comes before any write
    play = Play(context, actors, key=key)
    for step in case.happenings():
        step.play(play)
    return play


@dataclass(frozen=True)
class DemoRow:
    """What became of a request case in this run."""

    case: RequestCase
    request: InformationRequest | None
    created: bool
    skipped: str = ""


@dataclass(frozen=True)
class FollowupDemoRow:
    """What became of a follow-up case in this run."""

    slug: str
    login: str
    note: str
    created: bool
    skipped: str = ""


def play_request_cases(
    organisations: dict[str, Organisation], cases: Iterable[RequestCase]
) -> Iterator[DemoRow]:
    """Make every case that does not exist yet, each in its own transaction."""
    context = DemoContext(organisations)
    for case in cases:
        existing = InformationRequest.objects.filter(submit_token=case.key).first()
        if existing is not None:
            yield DemoRow(case, existing, created=False)
            continue
        try:
            with transaction.atomic():
                play = _play(context, case, key=case.key)
        except DemoSkip as exc:
            yield DemoRow(case, None, created=False, skipped=str(exc))
            continue
        yield DemoRow(case, InformationRequest.objects.get(pk=play.request.pk), created=True)


def play_kindcheck_cases(
    organisations: dict[str, Organisation], cases: Iterable[KindcheckCase]
) -> Iterator[FollowupDemoRow]:
    """Make every Kindcheck case whose demo client the provider does not know yet."""
    context = DemoContext(organisations)
    for case in cases:
        if Parent.objects.filter(organisation=context.provider, name=case.client).exists():
            yield FollowupDemoRow(case.slug, case.login, case.note, created=False)
            continue
        try:
            with transaction.atomic():
                _play(context, case, key=None)
        except DemoSkip as exc:
            yield FollowupDemoRow(case.slug, case.login, case.note, created=False, skipped=str(exc))
            continue
        yield FollowupDemoRow(case.slug, case.login, case.note, created=True)

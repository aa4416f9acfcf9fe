"""Seed a PostgreSQL database for ``make bench`` quickly: ``COPY … FROM STDIN`` (psycopg's
``cursor.copy()``), never the ORM row by row.

The few rows that carry permissions (organisations, users, memberships, role groups) go through
the services, as in production; the bulk — parents, requests over five years in every state, their
children, topics, timelines, legal advice, duties, deadline notices and the audit trail — is
generated in Python and copied in. The audit events are what ``audit.events.record`` writes: each
numbered and hashed on its own (:func:`audit.hashing.leaf_hash_of`), the sequence moved past them,
then sealed as the sealer would (ADR 0006), so ``audit_verify`` passes on the result
(tests/bench/test_seed.py proves it).

Bench only: this refuses any database but PostgreSQL, and the caller (bench/run.py) points it at
a database it created itself.
"""

from __future__ import annotations

import datetime as dt
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction

from bench.pgcopy import bulk_load, copy_rows, next_id, require_postgres, reset_sequences
from bench.seed_rows import (
    PASSWORD,
    PROVIDERS,
    REQUESTERS,
    advice_rows,
    audit_rows,
    children_rows,
    duty_rows,
    event_rows,
    notice_rows,
    plan_requests,
    request_rows,
    topic_rows,
)


@dataclass(frozen=True)
class Scale:
    name: str
    requests: int
    events: int


SCALES: dict[str, Scale] = {
    "tiny": Scale("tiny", 50, 500),
    "2k": Scale("2k", 2_000, 20_000),
    "20k": Scale("20k", 20_000, 200_000),
    "200k": Scale("200k", 200_000, 2_000_000),
    "1m": Scale("1m", 1_000_000, 10_000_000),
}


@dataclass
class Cast:
    """Who is who in the seeded database (ids), and the bench's own logged-in users."""

    providers: list = field(default_factory=list)  # Organisation
    requesters: list = field(default_factory=list)
    users: dict = field(default_factory=dict)  # (org_id, role) -> [user ids]
    labels: dict = field(default_factory=dict)  # user id -> (username, role label)
    bench: dict = field(default_factory=dict)  # page key -> (User, Organisation)


@dataclass
class SeedReport:
    scale: Scale
    timings: dict = field(default_factory=dict)  # step -> seconds
    counts: dict = field(default_factory=dict)  # table -> rows
    cast: Cast | None = None
    detail_request: uuid.UUID | None = None

    @property
    def seconds(self) -> float:
        return sum(self.timings.values())


# --- The cast: organisations and users through the services ------------------------------------


def _make_cast(scale: Scale) -> Cast:
    from toolkid.actors import Actor
    from toolkid.models import Role, User
    from toolkid.services import membership_grant, organisation_create

    system = Actor.system("bench")
    cast = Cast()
    # Staff grows with the volume, within reason: the lists are per organisation.
    clinicians = max(3, min(60, scale.requests // 800))
    workers = max(2, min(40, scale.requests // 2000))

    def user(name: str, org, *roles: str) -> User:
        u = User.objects.create_user(username=name, password=PASSWORD)
        for role in roles:
            membership_grant(actor=system, user=u, organisation=org, role=role)
            cast.users.setdefault((org.pk, role), []).append(u.pk)
        cast.labels[u.pk] = (name, ",".join(sorted(roles)))
        return u

    for i, (name, town, _share) in enumerate(PROVIDERS):
        org = organisation_create(actor=system, name=name, kind="volwassenenzorg", municipality=town)
        cast.providers.append(org)
        for j in range(clinicians):
            user(f"p{i}.zorg{j}", org, Role.ZORGVERLENER)
        user(f"p{i}.teamleider", org, Role.TEAMLEIDER)
        user(f"p{i}.jurist", org, Role.JURIDISCH_ADVISEUR)
        user(f"p{i}.beheer", org, Role.BEHEERDER)
    for i, (name, kind, town, _share) in enumerate(REQUESTERS):
        org = organisation_create(actor=system, name=name, kind=kind, municipality=town)
        cast.requesters.append(org)
        for j in range(workers):
            user(f"r{i}.jeugd{j}", org, Role.JEUGDHULPVERLENER)
    main, heerlen = cast.providers[0], cast.requesters[0]
    by_name = {
        u.username: u
        for u in User.objects.filter(
            username__in=["p0.zorg0", "p0.teamleider", "p0.jurist", "p0.beheer", "r0.jeugd0"]
        )
    }
    cast.bench = {
        "zorg": (by_name["p0.zorg0"], main),
        "teamleider": (by_name["p0.teamleider"], main),
        "jurist": (by_name["p0.jurist"], main),
        "beheer": (by_name["p0.beheer"], main),
        "jeugd": (by_name["r0.jeugd0"], heerlen),
    }
    return cast


# --- The whole seed ------------------------------------------------------------------------------


def seed(
    scale: Scale,
    *,
    now: dt.datetime | None = None,
    rng_seed: int = 11,
    fast: bool = True,
    log: Callable[[str], None] = lambda _m: None,
) -> SeedReport:
    """Fill the (migrated, otherwise empty) database with ``scale``. Returns counts and timings.
    ``fast=False`` keeps the foreign-key checks on (slower; for the test)."""
    from django.db.models import Max
    from django.utils import timezone

    from audit.models import AuditEvent
    from audit.sealing import seal_pending
    from requests.core.clock import Calendar
    from requests.core.models import (
        Child,
        DeadlineNotice,
        InformationRequest,
        LegalAdvice,
        Parent,
        RequestedTopic,
        RequestEvent,
    )
    from requests.followup.models import Duty

    require_postgres()
    now = now or timezone.now()
    rng = random.Random(rng_seed)
    report = SeedReport(scale=scale)

    def step(name: str, fn: Callable[[], int | None], table: str | None = None) -> None:
        started = time.perf_counter()
        n = fn()
        report.timings[name] = time.perf_counter() - started
        if table is not None:
            report.counts[table] = n
        log(
            f"  seed {scale.name}: {name} {'' if n is None else f'{n:,} rows '}"
            f"in {report.timings[name]:.1f} s"
        )

    cast_box: dict = {}
    step("organisations and users (services)", lambda: cast_box.setdefault("c", _make_cast(scale)) and None)
    cast = report.cast = cast_box["c"]
    plan: dict = {}

    def make_plan() -> int:
        plan["reqs"], plan["parents"] = plan_requests(
            rng, scale, cast, now, next_id(InformationRequest), next_id(Parent)
        )
        return len(plan["reqs"])

    step("plan requests", make_plan)
    reqs = plan["reqs"]
    bulk = [
        Parent,
        InformationRequest,
        Child,
        RequestedTopic,
        RequestEvent,
        LegalAdvice,
        Duty,
        DeadlineNotice,
        AuditEvent,
    ]
    with transaction.atomic(), bulk_load(bulk, fast=fast):
        step("COPY parents", lambda: copy_rows(Parent, plan.pop("parents")), "parents")
        step("COPY requests", lambda: copy_rows(InformationRequest, request_rows(reqs, rng)), "requests")
        step("COPY children", lambda: copy_rows(Child, children_rows(reqs, rng, next_id(Child))), "children")
        step(
            "COPY topics",
            lambda: copy_rows(RequestedTopic, topic_rows(reqs, rng, next_id(RequestedTopic))),
            "topics",
        )
        step(
            "COPY timeline events",
            lambda: copy_rows(RequestEvent, event_rows(reqs, next_id(RequestEvent))),
            "request events",
        )
        step(
            "COPY legal advice",
            lambda: copy_rows(LegalAdvice, advice_rows(reqs, rng, cast, next_id(LegalAdvice), now)),
            "legal advice",
        )
        step("COPY duties", lambda: copy_rows(Duty, duty_rows(reqs, next_id(Duty), now)), "duties")
        # Read before the COPY: no other query may run on the connection while it streams.
        calendars = {org.pk: Calendar(org) for org in cast.providers}
        step(
            "COPY deadline notices",
            lambda: copy_rows(DeadlineNotice, notice_rows(reqs, calendars, next_id(DeadlineNotice), now)),
            "deadline notices",
        )

        numbered: dict = {}
        last_seq = AuditEvent.objects.aggregate(last=Max("seq"))["last"] or 0
        step(
            "hash + COPY audit events",
            lambda: copy_rows(
                AuditEvent,
                audit_rows(reqs, scale, cast, rng, now, last_seq, numbered, next_id(AuditEvent)),
            ),
            "audit events",
        )
        with connection.cursor() as cursor:
            # record() numbers from here on (ADR 0006).
            cursor.execute("SELECT setval('audit_event_seq', %s)", [numbered["seq"]])
        reset_sequences(bulk)
        indexes_from = time.perf_counter()
    report.timings["build indexes"] = time.perf_counter() - indexes_from
    log(f"  seed {scale.name}: build indexes in {report.timings['build indexes']:.1f} s")

    def seal() -> int:
        # As the sealer would have done while the events were written: whole batches, in order.
        return seal_pending(grace_period=dt.timedelta(0), max_seals=10**9).seals

    step("seal audit events", seal, "audit seals")

    def analyze() -> None:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    step("ANALYZE", analyze)
    # The request page is measured on the longest timeline the bench clinician has.
    zorg_user, main = cast.bench["zorg"]
    detail = (
        InformationRequest.objects.filter(receiving_organisation=main, status="afgesloten")
        .order_by("-created_at")
        .values_list("public_id", flat=True)
        .first()
    )
    report.detail_request = detail
    return report

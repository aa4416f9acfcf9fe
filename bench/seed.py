"""Seed a PostgreSQL database for ``make bench`` quickly: ``COPY … FROM STDIN`` (psycopg's
``cursor.copy()``), never the ORM row by row.

The few rows that carry permissions (organisations, users, memberships, role groups) go through
the services, as in production; the bulk — parents, requests over five years in every state, their
children, topics, timelines, legal advice, duties, deadline notices and the audit trail — is
generated in Python and copied in. The audit events form a valid chain: every hash is computed
with :func:`audit.chain.compute_hash` over exactly the fields ``audit.events.record`` writes, in
sequence order, continuing from the chain head, and the head is moved to the last one, so
``audit_verify`` passes on the result (tests/bench/test_seed.py proves it).

Bench only: this refuses any database but PostgreSQL, and the caller (bench/run.py) points it at
a database it created itself.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import functools
import json
import random
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.core.management.color import no_style
from django.db import connection, transaction

#: Demo region (demo/accounts.py, DOMAIN.md): two providers, six requesting organisations.
PROVIDERS = (("Mondriaan", "Heerlen", 0.75), ("GGZ Oostelijk Zuid-Limburg", "Kerkrade", 0.25))
REQUESTERS = (
    ("Wijkteam Heerlen", "wijkteam", "Heerlen", 0.28),
    ("Veilig Thuis Zuid-Limburg", "veilig_thuis", "", 0.20),
    ("Bureau Jeugdzorg Limburg", "gi", "", 0.16),
    ("William Schrikker Groep", "gi", "", 0.08),
    ("Raad voor de Kinderbescherming Limburg", "rvdk", "", 0.12),
    ("XONAR", "jeugdhulp", "", 0.16),
)
PASSWORD = "bench-correct-horse-battery"  # noqa: S105 - bench users on a throw-away database
YEARS = 5
#: Requests younger than this are still moving; older ones have (almost all) come to rest.
RECENT_DAYS = 45

FIRST_NAMES = (
    "Anna",
    "Bram",
    "Chantal",
    "Danny",
    "Eva",
    "Fatima",
    "Gert",
    "Hanneke",
    "Ilse",
    "Jos",
    "Kim",
    "Linda",
    "Mohamed",
    "Nicole",
    "Oscar",
    "Petra",
    "Rachid",
    "Sandra",
    "Tim",
    "Yvonne",
)
LAST_NAMES = (
    "Bemelmans",
    "Coenen",
    "Dassen",
    "Erens",
    "Frijns",
    "Gulpen",
    "Hermans",
    "Janssen",
    "Kicken",
    "Lemmens",
    "Meijers",
    "Notermans",
    "Pluijmen",
    "Quaedvlieg",
    "Ramakers",
    "Schijns",
    "Thewissen",
    "Vliegen",
    "Wetzels",
    "Zinzen",
)

#: (code, action, side): registered audit codes only (record() refuses others), weighted by
#: how often they happen: reads and list views dominate a real trail.
AUDIT_MIX = (
    ("request.read", "read", "provider", 30),
    ("parent.read", "read", "provider", 22),
    ("request.inbox_listed", "search", "provider", 12),
    ("request.read", "read", "requester", 14),
    ("request.draft_updated", "update", "requester", 8),
    ("request.draft_created", "create", "requester", 4),
    ("letter.answer_downloaded", "export", "requester", 4),
    ("request.answer_sent", "transfer", "provider", 6),
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


def _require_postgres() -> None:
    if connection.vendor != "postgresql":
        raise RuntimeError("bench seeding needs PostgreSQL (COPY); SQLite is refused")


# --- COPY ---------------------------------------------------------------------------------------


def _column_plan(model, columns: Iterable[str] | None = None):
    """Per concrete field: attname, column, how to fill it when a row leaves it out, JSON or not."""
    from django.db import models

    plan = []
    for f in model._meta.concrete_fields:
        if columns is not None and f.attname not in columns:
            continue
        if f.has_default():
            fill = f.default if callable(f.default) else (lambda v=f.default: v)
        elif f.null:
            fill = lambda: None  # noqa: E731
        elif isinstance(f, models.CharField | models.TextField):
            fill = lambda: ""  # noqa: E731
        else:
            fill = None  # must be given
        plan.append((f.attname, f.column, fill, isinstance(f, models.JSONField)))
    return plan


def copy_rows(model, rows: Iterable[dict]) -> int:
    """COPY ``rows`` (dicts by attname; left-out fields take the model's default) into the
    model's table. Returns the number of rows."""
    plan = _column_plan(model)
    qn = connection.ops.quote_name
    sql = f"COPY {qn(model._meta.db_table)} ({', '.join(qn(c) for _, c, _, _ in plan)}) FROM STDIN"  # noqa: S608
    n = 0
    connection.ensure_connection()
    with connection.connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            out = []
            for attname, _column, fill, is_json in plan:
                if attname in row:
                    value = row[attname]
                elif fill is None:
                    raise ValueError(f"{model.__name__}.{attname} must be given")
                else:
                    value = fill()
                if is_json and value is not None:
                    value = json.dumps(value)
                out.append(value)
            copy.write_row(out)
            n += 1
    return n


@contextlib.contextmanager
def _bulk_load(models_: list, *, fast: bool) -> Iterator[None]:
    """Load the way PostgreSQL loads fastest: the tables' plain indexes dropped during the COPY
    and built once afterwards, and (``fast``) the foreign-key triggers off for this transaction
    (``session_replication_role = replica``), as pg_restore does. The rows are generated
    consistent; tests/bench/test_seed.py seeds with the checks on."""
    tables = [m._meta.db_table for m in models_]
    with connection.cursor() as cursor:
        # Plain indexes only: those behind a primary key or unique constraint stay.
        cursor.execute(
            """SELECT i.indexname, i.indexdef FROM pg_indexes i
               WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""",
            [tables],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        if fast:
            cursor.execute("SET LOCAL session_replication_role = replica")
    yield
    with connection.cursor() as cursor:
        if fast:
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        for _name, definition in indexes:
            cursor.execute(definition)


def _next_id(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
        return cursor.fetchone()[0] + 1


def _reset_sequences(models_: list) -> None:
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models_):
            cursor.execute(sql)


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


# --- Requests and everything hanging off them ---------------------------------------------------


# The states a request can rest in, by age (weights). Old requests are almost all closed.
OLD_STATES = (
    ("afgesloten", 74),
    ("ingetrokken", 9),
    ("beantwoord", 5),
    ("geweigerd", 6),
    ("concept", 3),
    ("bezwaar", 1),
    ("teruggestuurd", 2),
)
RECENT_STATES = (
    ("ingediend", 16),
    ("in_behandeling", 26),
    ("antwoord_in_voorbereiding", 9),
    ("weigering_ter_bevestiging", 5),
    ("teruggestuurd", 4),
    ("beantwoord", 14),
    ("afgesloten", 12),
    ("concept", 6),
    ("ingetrokken", 4),
    ("geweigerd", 3),
    ("bezwaar", 1),
)

#: The timeline of each resting state: the RequestEvent kinds that brought it there.
TIMELINES = {
    "concept": ("created",),
    "ingediend": ("created", "submitted"),
    "teruggestuurd": ("created", "submitted", "returned"),
    "in_behandeling": ("created", "submitted", "taken"),
    "antwoord_in_voorbereiding": ("created", "submitted", "taken", "parent_consulted", "decided_provide"),
    "weigering_ter_bevestiging": ("created", "submitted", "taken", "decided_refuse"),
    "geweigerd": ("created", "submitted", "taken", "decided_refuse", "refusal_confirmed"),
    "bezwaar": ("created", "submitted", "taken", "decided_refuse", "refusal_confirmed", "refusal_contested"),
    "beantwoord": (
        "created",
        "submitted",
        "taken",
        "parent_consulted",
        "decided_provide",
        "answer_saved",
        "answer_sent",
    ),
    "afgesloten": (
        "created",
        "submitted",
        "taken",
        "parent_consulted",
        "decided_provide",
        "answer_saved",
        "answer_sent",
        "acknowledged",
    ),
    "ingetrokken": ("created", "submitted", "withdrawn"),
}
#: The state each timeline step moves to ("" for a step that records without moving).
STEP_TO = {
    "created": "concept",
    "submitted": "ingediend",
    "returned": "teruggestuurd",
    "taken": "in_behandeling",
    "parent_consulted": "",
    "decided_provide": "antwoord_in_voorbereiding",
    "decided_refuse": "weigering_ter_bevestiging",
    "refusal_confirmed": "geweigerd",
    "refusal_contested": "bezwaar",
    "answer_saved": "",
    "answer_sent": "beantwoord",
    "acknowledged": "afgesloten",
    "withdrawn": "ingetrokken",
}
PROVIDER_STEPS = frozenset(
    {
        "returned",
        "taken",
        "parent_consulted",
        "decided_provide",
        "decided_refuse",
        "refusal_confirmed",
        "answer_saved",
        "answer_sent",
    }
)
OPEN_STATES = frozenset(
    {"ingediend", "in_behandeling", "antwoord_in_voorbereiding", "weigering_ter_bevestiging"}
)


def _weighted(rng: random.Random, pairs) -> Callable[[], str]:
    values = [p[0] for p in pairs]
    cum = []
    total = 0
    for p in pairs:
        total += p[-1]
        cum.append(total)
    return lambda: values[bisect.bisect_right(cum, rng.random() * total)]


@dataclass(slots=True)
class Req:
    pk: int
    created: dt.datetime
    status: str
    req_org: int
    requester: int
    recv_org: int
    clinician: int | None
    parent: int
    parent_public: str
    path: str
    step_hours: float  # hours between timeline steps


def _plan_requests(
    rng: random.Random, scale: Scale, cast: Cast, now: dt.datetime, first_pk: int, first_parent: int
) -> tuple[list[Req], list[dict]]:
    from toolkid.models import Role

    span = dt.timedelta(days=365 * YEARS)
    start = now - span
    old_state, recent_state = _weighted(rng, OLD_STATES), _weighted(rng, RECENT_STATES)
    pick_requester = _weighted(rng, [(i, r[-1]) for i, r in enumerate(REQUESTERS)])
    pick_provider = _weighted(rng, [(i, p[-1]) for i, p in enumerate(PROVIDERS)])
    reqs: list[Req] = []
    parents: list[dict] = []
    recent_parents: dict[int, list[tuple[int, str]]] = {}
    for i in range(scale.requests):
        # Spread over five years in creation order, the last weeks a little busier.
        created = start + span * (i / scale.requests) + dt.timedelta(seconds=rng.randint(0, 3600))
        created = min(created, now - dt.timedelta(hours=1))
        age = (now - created).days
        status = recent_state() if age < RECENT_DAYS else old_state()
        r_org = cast.requesters[pick_requester()]
        p_org = cast.providers[pick_provider()]
        requester = rng.choice(cast.users[(r_org.pk, Role.JEUGDHULPVERLENER)])
        timeline = TIMELINES[status]
        clinician = rng.choice(cast.users[(p_org.pk, Role.ZORGVERLENER)]) if "taken" in timeline else None
        pool = recent_parents.setdefault(r_org.pk, [])
        if pool and rng.random() < 0.15:  # a parent asked about again
            parent_pk, parent_public = rng.choice(pool)
        else:
            parent_pk, parent_public = first_parent + len(parents), str(uuid.UUID(int=rng.getrandbits(128)))
            birth = dt.date(1965, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 35))
            parents.append(
                {
                    "id": parent_pk,
                    "public_id": parent_public,
                    "organisation_id": r_org.pk,
                    "name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    "date_of_birth": birth,
                    "bsn": "" if rng.random() < 0.3 else f"{rng.randint(100000000, 999999999)}",
                    "created_at": created,
                }
            )
            pool.append((parent_pk, parent_public))
            if len(pool) > 200:
                del pool[:100]
        # Young requests move in hours, old ones took days per step.
        step_hours = min(24 * 3.0, max(0.05, age * 24 / (len(timeline) + 1) / 4)) * rng.uniform(0.5, 1.0)
        reqs.append(
            Req(
                first_pk + i,
                created,
                status,
                r_org.pk,
                requester,
                p_org.pk,
                clinician,
                parent_pk,
                parent_public,
                rng.choice("AAAABBC"),
                step_hours,
            )
        )
    return reqs, parents


def _step_times(req: Req) -> list[dt.datetime]:
    return [req.created + dt.timedelta(hours=req.step_hours * k) for k in range(len(TIMELINES[req.status]))]


@functools.cache
def _due(submitted: dt.date) -> dt.date:
    from toolkid.workdays import add_working_days

    return add_working_days(submitted, 10)


def _request_rows(reqs: list[Req], rng: random.Random) -> Iterator[dict]:
    for r in reqs:
        steps, times = TIMELINES[r.status], _step_times(r)
        at = dict(zip(steps, times, strict=True))
        submitted = at.get("submitted")
        due = _due(submitted.date()) if submitted else None
        decided = at.get("decided_provide") or at.get("decided_refuse")
        row = {
            "id": r.pk,
            "public_id": uuid.UUID(int=rng.getrandbits(128)),
            "reference": f"IV-{r.created.year}-{r.pk:07d}" if submitted else None,
            "status": r.status,
            "draft_step": "onderwerpen" if r.status == "concept" else "",
            "requesting_organisation_id": r.req_org,
            "requester_id": r.requester,
            "receiving_organisation_id": r.recv_org,
            "assigned_clinician_id": r.clinician,
            "parent_id": r.parent,
            "legal_framework": "vrijwillig" if r.path == "A" else "ots",
            "suggested_framework": "vrijwillig",
            "severity": "twijfel_welzijn",
            "reason": "Zorgen over de veiligheid thuis; school meldt verzuim.",
            "consent_path": r.path,
            "no_parenting_judgement_confirmed": True,
            "submitted_at": submitted,
            "due_date": due,
            "due_explanation": {"start": due and submitted.date().isoformat(), "working_days": 10},
            "decision": (
                "verstrekken"
                if "decided_provide" in at
                else "niet_verstrekken"
                if "decided_refuse" in at
                else ""
            ),
            "decided_by_id": r.clinician if decided else None,
            "decided_at": decided,
            "answered_by_id": r.clinician if "answer_sent" in at else None,
            "answered_at": at.get("answer_sent"),
            "acknowledged_by_id": r.requester if "acknowledged" in at else None,
            "acknowledged_at": at.get("acknowledged"),
            "withdrawn_reason": "Niet meer nodig." if "withdrawn" in at else "",
            "created_at": r.created,
            "updated_at": times[-1],
        }
        yield row


def _children_rows(reqs: list[Req], rng: random.Random, first: int) -> Iterator[dict]:
    pk = first
    for r in reqs:
        for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
            yield {
                "id": pk,
                "request_id": r.pk,
                "name_or_initials": "J.B.",
                "date_of_birth": r.created.date() - dt.timedelta(days=rng.randint(365, 17 * 365)),
            }
            pk += 1


def _topic_rows(reqs: list[Req], rng: random.Random, first: int) -> Iterator[dict]:
    pk = first
    for r in reqs:
        answered = r.status in ("beantwoord", "afgesloten")
        for topic in rng.sample("abcdef", rng.choice((1, 2, 2, 3))):
            yield {
                "id": pk,
                "request_id": r.pk,
                "topic": topic,
                "question": "Hoe gaat de ouder om met stress in de opvoeding?",
                "own_observations": "Ouder komt afspraken na." if answered else "",
                "no_weakening_facts_known": answered,
            }
            pk += 1


def _event_rows(reqs: list[Req], first: int) -> Iterator[dict]:
    pk = first
    for r in reqs:
        prev = ""
        for kind, when in zip(TIMELINES[r.status], _step_times(r), strict=True):
            provider = kind in PROVIDER_STEPS
            to = STEP_TO[kind]
            yield {
                "id": pk,
                "request_id": r.pk,
                "occurred_at": when,
                "actor_id": (r.clinician if provider else r.requester),
                "organisation_id": r.recv_org if provider else r.req_org,
                "kind": kind,
                "from_status": prev if to else "",
                "to_status": to,
                "motivation": "",
                "data": {},
            }
            prev = to or prev
            pk += 1


def _advice_rows(
    reqs: list[Req], rng: random.Random, cast: Cast, first: int, now: dt.datetime
) -> Iterator[dict]:
    from toolkid.models import Role

    pk = first
    for r in reqs:
        if r.clinician is None or rng.random() > 0.06:
            continue
        asked = r.created + dt.timedelta(hours=r.step_hours * 2.5)
        open_ = r.status in OPEN_STATES
        yield {
            "id": pk,
            "request_id": r.pk,
            "origin": "twijfel",
            "question": "Mag ik dit verstrekken?",
            "asked_by_id": r.clinician,
            "asked_at": min(asked, now),
            "advisor_id": None if open_ else cast.users[(r.recv_org, Role.JURIDISCH_ADVISEUR)][0],
            "status": "open" if open_ else "gegeven",
            "advice": "" if open_ else "Ja, beperkt tot onderwerp c.",
            "advised_at": None if open_ else min(asked + dt.timedelta(days=1), now),
        }
        pk += 1


def _duty_rows(reqs: list[Req], first: int, now: dt.datetime) -> Iterator[dict]:
    pk = first
    for r in reqs:
        if r.status not in ("beantwoord", "afgesloten"):
            continue
        sent = _step_times(r)[TIMELINES[r.status].index("answer_sent")]
        recent = (now - sent).days < 20
        for kind, side, org, who in (
            ("vastleggen_aanvrager", "aanvrager", r.req_org, r.requester),
            ("vastleggen_zorgverlener", "zorgverlener", r.recv_org, r.clinician),
        ):
            done = not recent
            yield {
                "id": pk,
                "request_id": r.pk,
                "kind": kind,
                "side": side,
                "organisation_id": org,
                "assignee_id": who,
                "status": "gedaan" if done else "open",
                "opened_at": sent,
                "done_at": sent + dt.timedelta(days=2) if done else None,
                "done_by_id": who if done else None,
                "done_on": (sent + dt.timedelta(days=2)).date() if done else None,
            }
            pk += 1


def _notice_rows(reqs: list[Req], calendars: dict, first: int, now: dt.datetime) -> Iterator[dict]:
    """The notices ``clock.plan_notices`` plans for every request whose clock runs; those whose
    moment has passed were sent by earlier sweeps, so a sweep right after seeding finds nothing."""
    from requests.core.clock import moment, schedule

    pk = first
    for r in reqs:
        if r.status not in OPEN_STATES:
            continue
        due = _due(_step_times(r)[1].date())
        for kind, day in schedule(due, calendars[r.recv_org]).items():
            at = moment(day)
            sent = at <= now
            yield {
                "id": pk,
                "request_id": r.pk,
                "kind": kind,
                "due_date": due,
                "send_on": day,
                "send_at": at,
                "status": "verstuurd" if sent else "gepland",
                "created_at": r.created,
                "processed_at": at if sent else None,
                "recipients": 1 if sent else 0,
            }
            pk += 1


# --- The audit trail -----------------------------------------------------------------------------


def _audit_rows(
    reqs: list[Req],
    scale: Scale,
    cast: Cast,
    rng: random.Random,
    now: dt.datetime,
    seq: int,
    prev: str,
    result: dict,
    first_id: int,
) -> Iterator[dict]:
    """``scale.events`` events in time order over five years, each about a request that existed
    then (mostly a young one), hashed in order exactly as ``record`` does."""
    from django.conf import settings

    from audit.catalogue import default_purpose
    from audit.chain import HASHED_FIELDS, compute_hash
    from toolkid.models import Role

    pick = _weighted(rng, [(i, m[-1]) for i, m in enumerate(AUDIT_MIX)])
    purposes = {code: default_purpose(code) for code, *_ in AUDIT_MIX}
    source = settings.TOOLKID_AUDIT_SOURCE
    created = [r.created for r in reqs]
    start = now - dt.timedelta(days=365 * YEARS)
    step = (now - dt.timedelta(minutes=5) - start) / scale.events
    for i in range(scale.events):
        at = start + step * i
        hi = bisect.bisect_right(created, at)
        if hi == 0:
            hi = 1
        r = reqs[max(0, hi - 1 - int(rng.expovariate(1 / 150)))]
        code, action, side, _ = AUDIT_MIX[pick()]
        if side == "provider":
            org = r.recv_org
            user = r.clinician or cast.users[(org, Role.ZORGVERLENER)][0]
        else:
            org, user = r.req_org, r.requester
        username, role = cast.labels[user]
        seq += 1
        fields = {
            "seq": seq,
            "occurred_at": at,
            "event": code,
            "action": action,
            "outcome": "denied" if rng.random() < 0.003 else "allowed",
            "user_id": user,
            "username": username,
            "role": role,
            "organisation_id": org,
            "on_behalf_of": "",
            "parent_ref": f"ouder:{r.parent_public}",
            "object_type": "requests.informationrequest",
            "object_id": str(r.pk),
            "ip_address": f"10.{org % 250}.{user % 250}.{(user * 7) % 250 + 1}",
            "payload": {"request_id": r.pk} if code != "request.inbox_listed" else {"filters": {}},
            "prev_hash": prev,
            "purpose": purposes[code],
            "audit_source": source,
            "site": str(org),
        }
        digest = compute_hash({k: fields[k] for k in HASHED_FIELDS}, prev)
        fields["hash"] = digest
        fields["id"] = first_id + i
        prev = digest
        yield fields
    result["seq"], result["hash"] = seq, prev


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
    from django.utils import timezone

    from audit.models import AuditChainHead, AuditEvent
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

    _require_postgres()
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
        plan["reqs"], plan["parents"] = _plan_requests(
            rng, scale, cast, now, _next_id(InformationRequest), _next_id(Parent)
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
    with transaction.atomic(), _bulk_load(bulk, fast=fast):
        step("COPY parents", lambda: copy_rows(Parent, plan.pop("parents")), "parents")
        step("COPY requests", lambda: copy_rows(InformationRequest, _request_rows(reqs, rng)), "requests")
        step(
            "COPY children", lambda: copy_rows(Child, _children_rows(reqs, rng, _next_id(Child))), "children"
        )
        step(
            "COPY topics",
            lambda: copy_rows(RequestedTopic, _topic_rows(reqs, rng, _next_id(RequestedTopic))),
            "topics",
        )
        step(
            "COPY timeline events",
            lambda: copy_rows(RequestEvent, _event_rows(reqs, _next_id(RequestEvent))),
            "request events",
        )
        step(
            "COPY legal advice",
            lambda: copy_rows(LegalAdvice, _advice_rows(reqs, rng, cast, _next_id(LegalAdvice), now)),
            "legal advice",
        )
        step("COPY duties", lambda: copy_rows(Duty, _duty_rows(reqs, _next_id(Duty), now)), "duties")
        # Read before the COPY: no other query may run on the connection while it streams.
        calendars = {org.pk: Calendar(org) for org in cast.providers}
        step(
            "COPY deadline notices",
            lambda: copy_rows(DeadlineNotice, _notice_rows(reqs, calendars, _next_id(DeadlineNotice), now)),
            "deadline notices",
        )

        head = AuditChainHead.objects.select_for_update().get(pk=AuditChainHead.SINGLETON_PK)
        chain: dict = {}
        step(
            "hash + COPY audit events",
            lambda: copy_rows(
                AuditEvent,
                _audit_rows(
                    reqs, scale, cast, rng, now, head.last_seq, head.last_hash, chain, _next_id(AuditEvent)
                ),
            ),
            "audit events",
        )
        AuditChainHead.objects.filter(pk=head.pk).update(last_seq=chain["seq"], last_hash=chain["hash"])
        _reset_sequences(bulk)
        indexes_from = time.perf_counter()
    report.timings["build indexes"] = time.perf_counter() - indexes_from
    log(f"  seed {scale.name}: build indexes in {report.timings['build indexes']:.1f} s")

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

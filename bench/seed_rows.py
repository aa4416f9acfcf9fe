"""The rows the bench seeder (bench/seed.py) copies in: requests over five years in every state
and everything hanging off them, and the audit trail as a valid hash chain."""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench.seed import Cast, Scale

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


# --- Requests and everything hanging off them ---------------------------------------------------


# The states a request can rest in, by age (weights). Old requests are almost all closed.
OLD_STATES = (
    ("afgesloten", 75),
    ("ingetrokken", 9),
    ("beantwoord", 5),
    ("geweigerd", 6),
    ("concept", 3),
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


def plan_requests(
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


def request_rows(reqs: list[Req], rng: random.Random) -> Iterator[dict]:
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
            # The sweep planned this request's notices for this due date (notice_rows below):
            # a sweep right after seeding has nothing to catch up, as in a running region.
            "notices_planned_for": due,
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


def children_rows(reqs: list[Req], rng: random.Random, first: int) -> Iterator[dict]:
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


def topic_rows(reqs: list[Req], rng: random.Random, first: int) -> Iterator[dict]:
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


def event_rows(reqs: list[Req], first: int) -> Iterator[dict]:
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


def advice_rows(
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


def duty_rows(reqs: list[Req], first: int, now: dt.datetime) -> Iterator[dict]:
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


def notice_rows(reqs: list[Req], calendars: dict, first: int, now: dt.datetime) -> Iterator[dict]:
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


def audit_rows(
    reqs: list[Req],
    scale: Scale,
    cast: Cast,
    rng: random.Random,
    now: dt.datetime,
    seq: int,
    result: dict,
    first_id: int,
) -> Iterator[dict]:
    """``scale.events`` events in time order over five years, each about a request that existed
    then (mostly a young one), numbered after ``seq`` and hashed exactly as ``record`` does (each
    on its own, ADR 0006); the seeder seals them afterwards."""
    from django.conf import settings

    from audit.catalogue import default_purpose, sensitivity_for
    from audit.grounds import Ground
    from audit.hashing import leaf_hash_of
    from toolkid.models import Role

    pick = _weighted(rng, [(i, m[-1]) for i, m in enumerate(AUDIT_MIX)])
    purposes = {code: default_purpose(code) for code, *_ in AUDIT_MIX}
    sensitivities = {code: sensitivity_for(code) for code, *_ in AUDIT_MIX}
    # The ground as record() derives it from the request (requests/core/grounds.py).
    grounds = {"A": Ground.CONSENT, "B": Ground.CONSENT_REFUSED, "C": Ground.SERIOUS_DANGER}
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
            "prev_hash": "",
            "purpose": purposes[code],
            "audit_source": source,
            "site": str(org),
            "ground": grounds.get(r.path, Ground.NOT_YET_CHOSEN),
            "ground_framework": "vrijwillig",
            "ground_ref": "uitkomst:open" if r.path == "B" else "",
            "sensitivity": sensitivities[code],
        }
        if fields["outcome"] == "denied":
            fields.update(ground=Ground.NOT_APPLICABLE, ground_framework="", ground_ref="")
        fields["hash"] = leaf_hash_of(fields)
        fields["id"] = first_id + i
        yield fields
    result["seq"] = seq

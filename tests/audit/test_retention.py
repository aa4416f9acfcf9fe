"""Retention (DOMAIN.md L6, L5): what outlived its term is listed (dry run), deleted with a
register of what, when and under which rule, and the audit chain still verifies."""

from __future__ import annotations

import datetime as dt
import io
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import override_settings
from django.utils import timezone

from audit import tasks
from audit.chain import verify_chain
from audit.events import record
from audit.models import AppendOnlyError, AuditAction, AuditEvent, AuditSeal, RetentionRecord
from audit.retention import RetentionPolicy, expired_items, retention_run
from audit.sealing import seal_pending
from consent.models import ConsentDeclaration
from requests.models import (
    Child,
    Deviation,
    DeviationKind,
    InformationRequest,
    Kindcheck,
    Parent,
    RequestedTopic,
    RequestEvent,
    ReverseQuestion,
    ReverseQuestionEvent,
)
from toolkid.actors import Actor
from toolkid.models import Organisation, OrganisationKind, Role, User

from .helpers import A_GROUND, raw_sql

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
SYSTEM = Actor.system("tests")
#: The day of the run. Case cutoff: 2026-06-15 00:00; audit cutoff: 2041-06-15 00:00.
TODAY = dt.datetime(2046, 6, 15, 10, 0, tzinfo=AMS)


def at(*args) -> time_machine.travel:
    return time_machine.travel(dt.datetime(*args, tzinfo=AMS), tick=False)


class World:
    """The fixture's objects by name, and what must go and what must stay."""

    def __init__(self):
        self.objects: dict[str, object] = {}

    def __getattr__(self, name):
        try:
            return self.objects[name]
        except KeyError:
            raise AttributeError(name) from None


def _parent(org, name, bsn):
    return Parent.objects.create(organisation=org, name=name, date_of_birth=dt.date(1988, 4, 2), bsn=bsn)


def _request(org, requester, receiving, parent, consent=None):
    req = InformationRequest.objects.create(
        requesting_organisation=org,
        requester=requester,
        receiving_organisation=receiving,
        parent=parent,
        consent_declaration=consent,
        reason="School maakt zich zorgen.",
    )
    Child.objects.create(request=req, name_or_initials="N.", date_of_birth=dt.date(2016, 9, 1))
    RequestedTopic.objects.create(request=req, topic="a", question="Hoe gaat het met moeder?")
    RequestEvent.objects.create(request=req, kind="created", to_status="concept")
    return req


def _consent(parent, org, recipient, user):
    return ConsentDeclaration.objects.create(
        parent=parent,
        organisation=org,
        topics=["a"],
        recipient=recipient,
        purpose="De veiligheid van de kinderen inschatten.",
        given_on=dt.date(2026, 5, 1),
        valid_until=dt.date(2026, 12, 31),
        created_by=user,
    )


def _kindcheck(org, clinician, parent):
    """A Kindcheck with concerns: health data (notes, the children's ages) that must go too."""
    check = Kindcheck.objects.create(
        organisation=org,
        clinician=clinician,
        parent=parent,
        checked_on=dt.date(2026, 5, 28),
        cares_for_minors=True,
        children_ages=[4, 9],
        safety_concerns=True,
        concerns_note="Moeder is vaak verward; de kinderen zijn veel alleen.",
    )
    Deviation.objects.create(
        organisation=org,
        recorded_by=clinician,
        kind=DeviationKind.KINDCHECK_NO_NEXT_STEP,
        motivation="Eerst zelf in gesprek met moeder.",
        kindcheck=check,
    )
    return check


def _question(org, asker, receiving, parent, kindcheck=None):
    question = ReverseQuestion.objects.create(
        asking_organisation=org,
        asker=asker,
        receiving_organisation=receiving,
        parent=parent,
        child_name_or_initials="N.",
        child_date_of_birth=dt.date(2017, 3, 1),
        child_age=9,
        asks_interventions=True,
        question="Welke hulp krijgt N. op school?",
        kindcheck=kindcheck,
    )
    ReverseQuestionEvent.objects.create(question=question, kind="submitted", to_status="ingediend")
    return question


@pytest.fixture
def world() -> World:
    w = World()
    o = w.objects
    with at(2026, 1, 5, 9, 0):
        o["wijkteam"] = Organisation.objects.create(name="Wijkteam Heerlen", kind=OrganisationKind.WIJKTEAM)
        o["mondriaan"] = Organisation.objects.create(name="Mondriaan", kind=OrganisationKind.VOLWASSENENZORG)
        o["user"] = User.objects.create_user(username="jeugd", password="correct-horse-battery")
    org, rec, user = o["wijkteam"], o["mondriaan"], o["user"]

    with at(2026, 6, 1, 9, 0):
        # Everything of this parent is old: all of it goes.
        o["p_old"] = _parent(org, "Sanne de Vries", "111222333")
        o["c_old"] = _consent(o["p_old"], org, rec, user)
        # A parent with two requests; one of them was changed just inside the term.
        o["p_mixed"] = _parent(org, "Mila Bakker", "222333444")
        o["c_mixed"] = _consent(o["p_mixed"], org, rec, user)
        # A parent whose own record was changed later.
        o["p_edited"] = _parent(org, "Eva Smeets", "333444555")
        # A parent with only a consent, both old.
        o["p_consent_only"] = _parent(org, "Lotte Janssen", "444555666")
        o["c_consent_only"] = _consent(o["p_consent_only"], org, rec, user)
        # A parent with only a consent that was revoked later.
        o["p_revoked"] = _parent(org, "Noor Peeters", "555666777")
        o["c_revoked"] = _consent(o["p_revoked"], org, rec, user)
        # Its request has an old updated_at, but a timeline event inside the term.
        o["p_timeline"] = _parent(org, "Fenna Willems", "666777888")
        o["r_timeline"] = _request(org, user, rec, o["p_timeline"])
        # The adult-care side (L4, R3): a Kindcheck and a question to youth care. Both old,
        # for the parent whose everything goes.
        o["k_old"] = _kindcheck(rec, user, o["p_old"])
        o["q_old"] = _question(rec, user, org, o["p_old"], kindcheck=o["k_old"])
        # A parent with only an old Kindcheck: both go.
        o["p_kindcheck"] = _parent(rec, "Iris Hermans", "777888999")
        o["k_only"] = _kindcheck(rec, user, o["p_kindcheck"])
        # A parent with an old Kindcheck and an old question about it that has an event
        # inside the term: the question keeps itself, its Kindcheck and the parent.
        o["p_question"] = _parent(rec, "Julia Vos", "888999000")
        o["k_asked"] = _kindcheck(rec, user, o["p_question"])
        o["q_recent"] = _question(rec, user, org, o["p_question"], kindcheck=o["k_asked"])
        # A parent with only a Kindcheck whose next steps were recorded inside the term.
        o["p_kc_edited"] = _parent(rec, "Sara Claessen", "999000111")
        o["k_edited"] = _kindcheck(rec, user, o["p_kc_edited"])
    with at(2026, 6, 10, 14, 0):
        o["r_old"] = _request(org, user, rec, o["p_old"], consent=o["c_old"])
        o["r_mixed_old"] = _request(org, user, rec, o["p_mixed"])
        o["r_edited"] = _request(org, user, rec, o["p_edited"])
    with at(2026, 6, 14, 23, 59):
        # The last minute outside the term.
        o["r_edge_out"] = _request(org, user, rec, o["p_mixed"])
    with at(2026, 6, 15, 0, 1):
        # The first minute inside the term: kept.
        o["r_mixed_new"] = _request(org, user, rec, o["p_mixed"])
    with at(2027, 3, 1, 9, 0):
        RequestEvent.objects.create(request=o["r_timeline"], kind="reminder")
        ReverseQuestionEvent.objects.create(question=o["q_recent"], kind="reminder")
    with at(2030, 1, 1, 9, 0):
        o["p_edited"].name = "Eva Smeets-Maas"
        o["p_edited"].save()
        o["c_revoked"].revoked_on = dt.date(2030, 1, 1)
        o["c_revoked"].save()
        o["k_edited"].next_steps = ["collega"]
        o["k_edited"].next_steps_recorded_at = timezone.now()
        o["k_edited"].save()

    # The audit trail: events outside the audit term, right at its edge, and inside.
    actor = Actor(
        user=user, organisation=org, roles=frozenset({Role.JEUGDHULPVERLENER}), ip_address="192.0.2.1"
    )
    o["audit"] = []
    for moment in (
        (2030, 5, 1, 9),
        (2035, 5, 1, 9),
        (2041, 6, 14, 23),
        (2041, 6, 15, 0, 30),
        (2045, 1, 1, 9),
    ):
        with at(*moment):
            o["audit"].append(
                record(
                    actor=actor,
                    event="request.read",
                    action=AuditAction.READ,
                    object_type="requests.informationrequest",
                    object_id="1",
                    parent_ref=o["p_mixed"].audit_ref,
                    ground=A_GROUND,
                )
            )
            # ADR 0006: the sealer runs every half minute, so events years apart are never
            # under one seal; retention removes whole seals.
            seal_pending(grace_period=dt.timedelta(0))
    return w


def ids(*objs) -> list[str]:
    return [str(obj.pk) for obj in objs]


def expected_items(w: World) -> list[tuple[str, str, str, str]]:
    return [
        ("request", "case_file", "requests.informationrequest", str(w.r_old.pk)),
        ("request", "case_file", "requests.informationrequest", str(w.r_mixed_old.pk)),
        ("request", "case_file", "requests.informationrequest", str(w.r_edited.pk)),
        ("request", "case_file", "requests.informationrequest", str(w.r_edge_out.pk)),
        ("reverse_question", "case_file", "requests.reversequestion", str(w.q_old.pk)),
        ("kindcheck", "case_file", "requests.kindcheck", str(w.k_old.pk)),
        ("kindcheck", "case_file", "requests.kindcheck", str(w.k_only.pk)),
        ("consent", "case_file", "consent.consentdeclaration", str(w.c_old.pk)),
        ("consent", "case_file", "consent.consentdeclaration", str(w.c_consent_only.pk)),
        ("parent", "case_file", "requests.parent", str(w.p_old.pk)),
        ("parent", "case_file", "requests.parent", str(w.p_consent_only.pk)),
        ("parent", "case_file", "requests.parent", str(w.p_kindcheck.pk)),
        ("audit_prefix", "audit_log", "audit.auditevent", f"{w.audit[0].seq}-{w.audit[2].seq}"),
    ]


def as_tuples(items) -> list[tuple[str, str, str, str]]:
    return [(i.kind, i.rule, i.object_type, i.object_id) for i in items]


# --- the dry run -------------------------------------------------------------------------


def test_the_dry_run_lists_exactly_the_expired_items(world):
    with time_machine.travel(TODAY, tick=False):
        items = expired_items()
    assert as_tuples(items) == expected_items(world)
    prefix = items[-1]
    assert prefix.count == 3
    assert prefix.last_change == world.audit[2].occurred_at


def test_the_dry_run_deletes_nothing(world):
    before = (
        InformationRequest.objects.count(),
        ReverseQuestion.objects.count(),
        Kindcheck.objects.count(),
        Parent.objects.count(),
        ConsentDeclaration.objects.count(),
        AuditEvent.objects.count(),
    )
    with time_machine.travel(TODAY, tick=False):
        out = io.StringIO()
        call_command("retention", "--dry-run", stdout=out)
    after = (
        InformationRequest.objects.count(),
        ReverseQuestion.objects.count(),
        Kindcheck.objects.count(),
        Parent.objects.count(),
        ConsentDeclaration.objects.count(),
        AuditEvent.objects.count(),
    )
    assert before == after
    assert not RetentionRecord.objects.exists()
    assert not AuditEvent.objects.filter(event="retention.deleted").exists()
    text = out.getvalue()
    assert "Proefdraaien: er wordt niets verwijderd." in text
    assert "case_file · informatieverzoeken: 4" in text
    assert "case_file · vragen aan de jeugdhulp: 1" in text
    assert "case_file · Kindchecks: 2" in text
    assert "case_file · toestemmingsverklaringen: 2" in text
    assert "case_file · ouders: 3" in text
    assert "audit_log · auditgebeurtenissen (oudste deel van de keten): 3" in text
    assert f"requests.informationrequest {world.r_old.pk} (laatste wijziging 2026-06-10)" in text
    assert f"requests.kindcheck {world.k_only.pk} (laatste wijziging 2026-06-01)" in text
    assert "Totaal: 13 onderdelen zouden worden verwijderd." in text
    # Identifiers only: no name, BSN or note in the output.
    for secret in ("Sanne", "111222333", "Iris", "777888999", "verward", "Welke hulp"):
        assert secret not in text


def test_a_dry_run_can_look_ahead_but_a_real_run_cannot(world):
    out = io.StringIO()
    with time_machine.travel(TODAY, tick=False):
        call_command("retention", "--dry-run", "--today", "2046-06-16", stdout=out)
        assert "Peildatum 2046-06-16" in out.getvalue()
        with pytest.raises(CommandError, match="--today kan alleen met --dry-run"):
            call_command("retention", "--today", "2046-06-16")
        with pytest.raises(ValueError, match="today's date"):
            retention_run(actor=SYSTEM, dry_run=False, today=dt.date(2099, 1, 1))


def test_a_day_earlier_the_items_at_the_edge_are_still_inside_their_term(world):
    # On 2046-06-14 the case cutoff is 2026-06-14 00:00 and the audit cutoff 2041-06-14 00:00:
    # the request of 2026-06-14 23:59 and the event of 2041-06-14 23:00 are then kept, all
    # else that expires on TODAY had already expired.
    w = world
    with time_machine.travel(TODAY, tick=False):
        items = expired_items(dt.date(2046, 6, 14))
    edge_request = ("request", "case_file", "requests.informationrequest", str(w.r_edge_out.pk))
    expected = [item for item in expected_items(w)[:-1] if item != edge_request]
    expected.append(("audit_prefix", "audit_log", "audit.auditevent", f"{w.audit[0].seq}-{w.audit[1].seq}"))
    assert as_tuples(items) == expected
    assert items[-1].count == 2


# --- the real run ------------------------------------------------------------------------


def _real_run(world) -> None:
    with time_machine.travel(TODAY, tick=False):
        out = io.StringIO()
        call_command("retention", stdout=out)
    world.objects["output"] = out.getvalue()


def test_the_real_run_removes_the_expired_items_and_keeps_the_rest(world):
    w = world
    old_request_pk = w.r_old.pk
    _real_run(w)

    assert set(InformationRequest.objects.values_list("pk", flat=True)) == {w.r_mixed_new.pk, w.r_timeline.pk}
    assert set(ReverseQuestion.objects.values_list("pk", flat=True)) == {w.q_recent.pk}
    assert set(Kindcheck.objects.values_list("pk", flat=True)) == {w.k_asked.pk, w.k_edited.pk}
    assert set(ConsentDeclaration.objects.values_list("pk", flat=True)) == {w.c_mixed.pk, w.c_revoked.pk}
    assert set(Parent.objects.values_list("pk", flat=True)) == {
        w.p_mixed.pk,
        w.p_edited.pk,
        w.p_revoked.pk,
        w.p_timeline.pk,
        w.p_question.pk,
        w.p_kc_edited.pk,
    }
    # The cascade went with the requests.
    assert not Child.objects.filter(request_id=old_request_pk).exists()
    assert not RequestedTopic.objects.filter(request_id=old_request_pk).exists()
    assert not RequestEvent.objects.filter(request_id=old_request_pk).exists()
    # And so did every history copy (simple_history also writes one on delete).
    assert not InformationRequest.history.filter(id=old_request_pk).exists()
    assert not Parent.history.filter(id=w.p_old.pk).exists()
    assert not ConsentDeclaration.history.filter(id=w.c_old.pk).exists()
    assert not Child.history.filter(request_id=old_request_pk).exists()
    assert Parent.history.filter(id=w.p_edited.pk).exists()
    # The reverse question with its events, the Kindchecks with their notes, the children's
    # ages and the deviations: rows and history copies.
    gone_questions, gone_checks = [w.q_old.pk], [w.k_old.pk, w.k_only.pk]
    assert not ReverseQuestionEvent.objects.filter(question_id__in=gone_questions).exists()
    assert not ReverseQuestion.history.filter(id__in=gone_questions).exists()
    assert not Kindcheck.history.filter(id__in=gone_checks).exists()
    assert not Deviation.objects.filter(kindcheck_id__in=gone_checks).exists()
    assert not Kindcheck.objects.filter(concerns_note__contains="verward").exclude(
        pk__in=[w.k_asked.pk, w.k_edited.pk]
    ).exists()
    assert Kindcheck.history.filter(id=w.k_edited.pk).exists()
    assert ReverseQuestionEvent.objects.filter(question=w.q_recent).count() == 2
    # The oldest three audit events are gone; the one just inside the term is kept.
    assert AuditEvent.objects.filter(seq__lte=w.audit[2].seq).count() == 0
    assert AuditEvent.objects.filter(seq=w.audit[3].seq).exists()
    assert "Verwijderd:" in w.output


def test_the_real_run_deletes_exactly_what_the_dry_run_listed(world):
    # Nothing listed is then skipped as "beschermd door ..." (a Kindcheck or a reverse
    # question protects its parent in the database), and nothing else is deleted.
    with time_machine.travel(TODAY, tick=False):
        listed = as_tuples(retention_run(actor=SYSTEM, dry_run=True).items)
        result = retention_run(actor=SYSTEM, dry_run=False)
    assert listed == expected_items(world)
    assert as_tuples(result.items) == listed
    assert result.skipped == []
    registered = list(RetentionRecord.objects.order_by("pk").values_list("object_type", "object_id"))
    assert registered == [(t, "" if kind == "audit_prefix" else i) for kind, _r, t, i in listed]
    assert set(result.deleted) == {
        "request",
        "reverse_question",
        "kindcheck",
        "consent",
        "parent",
        "audit_prefix",
    }


def seal_hash_ending_at(seq: int) -> str:
    return AuditSeal.objects.get(last_seq=seq).hash


def test_the_real_run_writes_the_register_without_personal_data(world):
    w = world
    # ADR 0006: past the old chain, the anchor is the last removed seal's hash.
    anchor_hash = seal_hash_ending_at(w.audit[2].seq)
    _real_run(w)
    rows = list(RetentionRecord.objects.order_by("pk"))
    assert [(r.rule, r.object_type, r.object_id) for r in rows] == [
        (rule, object_type, "" if kind == "audit_prefix" else object_id)
        for kind, rule, object_type, object_id in expected_items(w)
    ]
    assert len({r.run_id for r in rows}) == 1
    assert {r.run_by for r in rows} == {"retention_command"}
    case_rows = [r for r in rows if r.rule == "case_file"]
    assert {r.term_years for r in case_rows} == {20}
    assert {r.cutoff for r in case_rows} == {dt.datetime(2026, 6, 15, tzinfo=AMS)}
    first_request = case_rows[0]
    # The request, its child, topic, timeline event and their history rows.
    assert first_request.deleted_count >= 4
    audit_row = rows[-1]
    assert (audit_row.term_years, audit_row.deleted_count) == (5, 3)
    assert (audit_row.first_seq, audit_row.anchor_seq, audit_row.anchor_hash) == (
        w.audit[0].seq,
        w.audit[2].seq,
        anchor_hash,
    )
    # No name, no BSN, no free text anywhere in the register.
    dumped = json.dumps(
        [{f.attname: str(getattr(r, f.attname)) for f in RetentionRecord._meta.fields} for r in rows]
    )
    secrets = ("Sanne", "Vries", "111222333", "Mila", "Lotte", "School maakt", "Iris", "verward", "Welke")
    for secret in secrets:
        assert secret not in dumped


def test_the_real_run_is_logged_and_the_chain_still_verifies(world):
    w = world
    anchor_hash = seal_hash_ending_at(w.audit[2].seq)
    _real_run(w)
    event = AuditEvent.objects.get(event="retention.deleted")
    assert (event.action, event.on_behalf_of, event.role) == ("delete", "retention_command", "systeem")
    assert event.payload["anchor_seq"] == w.audit[2].seq
    assert event.payload["anchor_hash"] == anchor_hash
    # Only whole seals went: the remaining ones start right after the anchor.
    assert AuditSeal.objects.order_by("first_seq").first().first_seq == w.audit[2].seq + 1
    assert event.payload["deleted"]["audit_prefix"] == 3
    assert event.payload["items"] == 13
    assert event.payload["deleted"]["kindcheck"] > 2
    assert event.payload["deleted"]["reverse_question"] > 1
    result = verify_chain()
    assert result.ok, result.reason
    assert result.anchor_seq == w.audit[2].seq
    assert result.checked == AuditEvent.objects.count() == 3  # two kept + the retention event
    # The chain goes on as before.
    record(actor=SYSTEM, event="test.after_retention", action=AuditAction.READ)
    assert verify_chain().ok


def test_running_again_changes_nothing(world):
    _real_run(world)
    registered = RetentionRecord.objects.count()
    events = AuditEvent.objects.count()
    with time_machine.travel(TODAY, tick=False):
        result = retention_run(actor=SYSTEM, dry_run=False)
    assert result.items == []
    assert RetentionRecord.objects.count() == registered
    assert AuditEvent.objects.count() == events


def test_the_periodic_task_runs_the_same_service(world):
    with time_machine.travel(TODAY, tick=False):
        counts = tasks.retention_sweep()
    assert counts == {"items": 13, "skipped": 0, "rows": counts["rows"]}
    assert counts["rows"] > 13
    assert set(RetentionRecord.objects.values_list("run_by", flat=True)) == {"retention_sweep"}
    assert verify_chain().ok


def test_a_protected_record_is_skipped_and_reported(world, monkeypatch):
    from django.db.models.deletion import ProtectedError

    from audit import retention

    original = retention.Collector.collect

    def collect(self, objs, *args, **kwargs):
        if (
            isinstance(objs, list)
            and objs
            and isinstance(objs[0], InformationRequest)
            and objs[0].pk == world.r_old.pk
        ):
            raise ProtectedError("protected", {objs[0]})
        return original(self, objs, *args, **kwargs)

    monkeypatch.setattr(retention.Collector, "collect", collect)
    with time_machine.travel(TODAY, tick=False):
        result = retention_run(actor=SYSTEM, dry_run=False)
    skipped = {(item.object_type, item.object_id) for item, _reason in result.skipped}
    # The request stays, and with it (the database protects them) its consent and parent.
    assert ("requests.informationrequest", str(world.r_old.pk)) in skipped
    assert ("consent.consentdeclaration", str(world.c_old.pk)) in skipped
    assert ("requests.parent", str(world.p_old.pk)) in skipped
    assert InformationRequest.objects.filter(pk=world.r_old.pk).exists()
    assert not RetentionRecord.objects.filter(
        object_id=str(world.r_old.pk), object_type="requests.informationrequest"
    ).exists()
    assert verify_chain().ok


# --- the chain after retention: what may and may not verify ------------------------------


def test_a_prefix_removed_outside_retention_is_still_found(world):
    w = world
    raw_sql("DELETE FROM audit_auditevent WHERE seq <= %s", [w.audit[1].seq])
    result = verify_chain()
    assert not result.ok and f"volgnummer {w.audit[0].seq} ontbreekt" in result.reason


def test_a_forged_register_row_does_not_hide_a_removed_prefix(world):
    w = world
    # Someone removes the two oldest events and their seals, and writes a register row that
    # "explains" it.
    anchor_hash = seal_hash_ending_at(w.audit[1].seq)
    raw_sql("DELETE FROM audit_auditevent WHERE seq <= %s", [w.audit[1].seq])
    raw_sql("DELETE FROM audit_auditseal WHERE last_seq <= %s", [w.audit[1].seq])
    raw_sql(
        "INSERT INTO audit_retentionrecord (run_id, run_at, run_by, rule, term_years, cutoff, object_type,"
        " object_id, deleted_count, first_seq, anchor_seq, anchor_hash)"
        " VALUES (%s, %s, 'retention_sweep', 'audit_log', 5, %s, 'audit.auditevent', '', 2, 1, %s, %s)",
        ["0" * 32, TODAY, TODAY, w.audit[1].seq, anchor_hash],
    )
    result = verify_chain()
    assert not result.ok
    assert "bevestigd" in result.reason


def test_an_event_slipped_in_before_the_anchor_is_found(world, actor):
    # After the run the log starts at the anchor; a row numbered inside the removed range
    # (even with a correct hash of its own) does not belong there.
    from .test_chain import insert_valid_event

    w = world
    _real_run(w)
    assert verify_chain().ok
    insert_valid_event(actor, w.audit[1].seq)
    result = verify_chain()
    assert (result.ok, result.first_broken_seq) == (False, w.audit[1].seq)
    assert "vóór het anker" in result.reason


def test_removing_more_after_a_real_run_is_found(world):
    w = world
    _real_run(w)
    raw_sql("DELETE FROM audit_auditevent WHERE seq = %s", [w.audit[3].seq])
    result = verify_chain()
    assert not result.ok and result.first_broken_seq == w.audit[3].seq
    assert "verwijderd" in result.reason


# --- guard rails -------------------------------------------------------------------------


def test_terms_below_the_legal_minimum_are_refused():
    with (
        override_settings(TOOLKID_RETENTION_AUDIT_YEARS=3),
        pytest.raises(ImproperlyConfigured, match="at least 5"),
    ):
        RetentionPolicy.from_settings()
    with (
        override_settings(TOOLKID_RETENTION_CASE_YEARS=15),
        pytest.raises(ImproperlyConfigured, match="at least 20"),
    ):
        RetentionPolicy.from_settings()
    with override_settings(TOOLKID_RETENTION_CASE_YEARS=25, TOOLKID_RETENTION_AUDIT_YEARS=7):
        assert RetentionPolicy.from_settings() == RetentionPolicy(case_years=25, audit_years=7)


def test_a_longer_term_keeps_more(world):
    with override_settings(TOOLKID_RETENTION_AUDIT_YEARS=12), time_machine.travel(TODAY, tick=False):
        prefix = [i for i in expired_items() if i.kind == "audit_prefix"]
    assert [i.object_id for i in prefix] == [f"{world.audit[0].seq}-{world.audit[0].seq}"]


@pytest.mark.django_db(transaction=True)
def test_the_purge_path_needs_a_transaction():
    with time_machine.travel(dt.datetime(2030, 1, 1, tzinfo=AMS), tick=False):
        event = record(actor=SYSTEM, event="test.old", action=AuditAction.READ)
    with pytest.raises(AppendOnlyError, match="transaction.atomic"):
        AuditEvent.objects._purge_prefix(event.seq)
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_purge_path_has_its_own_guard_rails(world):
    w = world
    with time_machine.travel(dt.datetime(2044, 1, 1, tzinfo=AMS), tick=False), transaction.atomic():
        with pytest.raises(AppendOnlyError, match="younger than 5 years"):
            AuditEvent.objects._purge_prefix(w.audit[3].seq)
    with transaction.atomic(), pytest.raises(AppendOnlyError, match="ends no seal"):
        AuditEvent.objects._purge_prefix(w.audit[4].seq + 10_000)
    with pytest.raises(ValueError):
        AuditEvent.objects._purge_prefix(0)
    assert AuditEvent.objects.count() == 5
    # The everyday refusals stand.
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(seq=w.audit[0].seq).delete()


def test_the_register_is_append_only(world):
    _real_run(world)
    row = RetentionRecord.objects.first()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        RetentionRecord.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        RetentionRecord.objects.update(object_id="x")
    row.object_id = "x"
    with pytest.raises(AppendOnlyError):
        row.save()


def test_retention_runs_as_a_system_job(world):
    person = Actor(user=world.user, organisation=world.wijkteam, roles=frozenset({Role.BEHEERDER}))
    with pytest.raises(ValueError, match="system job"):
        retention_run(actor=person, dry_run=True)


# --- PostgreSQL: the trigger ----------------------------------------------------------------


@pytest.mark.postgres
class TestPostgresqlTrigger:
    def test_the_real_run_deletes_through_the_trigger(self, world):
        _real_run(world)
        assert AuditEvent.objects.filter(seq__lte=world.audit[2].seq).count() == 0
        assert verify_chain().ok

    def test_a_plain_delete_of_old_events_is_still_refused(self, world):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM audit_auditevent WHERE seq <= %s", [world.audit[0].seq])
        assert AuditEvent.objects.count() == 5

    def test_the_switch_opens_only_a_prefix_delete(self, world):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL toolkid.audit_retention = 'on'")
                cursor.execute("DELETE FROM audit_auditevent WHERE seq = %s", [world.audit[1].seq])
        assert AuditEvent.objects.count() == 5

    def test_the_switch_does_not_open_update_or_truncate(self, world):
        for sql in ("UPDATE audit_auditevent SET username = 'x'", "TRUNCATE audit_auditevent CASCADE"):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    cursor.execute("SET LOCAL toolkid.audit_retention = 'on'")
                    cursor.execute(sql)
        assert AuditEvent.objects.count() == 5

    def test_the_switch_is_off_again_after_the_purge(self, world):
        with time_machine.travel(TODAY, tick=False):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                purged = AuditEvent.objects._purge_prefix(world.audit[0].seq)
                assert purged.deleted == 1
                with connection.cursor() as cursor:
                    cursor.execute("DELETE FROM audit_auditevent WHERE seq = %s", [world.audit[1].seq])
        # Rolled back as a whole.
        assert AuditEvent.objects.count() == 5

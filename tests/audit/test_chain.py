"""Verifying the audit log and ``manage.py audit_verify`` (R41: who did what, reconstructable and
untampered; L5: the log is changed by no one). ADR 0006: events hashed on their own, sealed in
batches chained to each other and to the end of the old chain."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from audit.chain import verify_chain
from audit.events import record
from audit.hashing import HASHED_FIELDS, LEAF_FIELDS, compute_hash, leaf_hash_of
from audit.models import AuditAction, AuditChainHead, AuditEvent, AuditSeal
from audit.sealing import seal_pending

from .helpers import old_chain_head, raw_sql

pytestmark = pytest.mark.django_db

NOW = dt.timedelta(0)


def read(actor, n: int) -> AuditEvent:
    return record(actor=actor, event="request.read", action=AuditAction.READ,
                  object_type="requests.informationrequest", object_id=str(n), payload={"n": n})


@pytest.fixture
def five_events(actor):
    return [read(actor, n) for n in range(1, 6)]


@pytest.fixture
def sealed(five_events):
    run = seal_pending(grace_period=NOW)
    assert run.events == 5
    return five_events


def run_verify() -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit_verify", stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def append_chained(actor, n: int) -> list[AuditEvent]:
    """Events written the way the code before ADR 0006 wrote them: each over the one before,
    the chain head moved along."""
    head = old_chain_head()
    seq, prev = head.last_seq, head.last_hash
    events = []
    for i in range(n):
        seq += 1
        fields = {
            "seq": seq, "occurred_at": dt.datetime.now(dt.UTC), "event": "request.read",
            "action": "read", "outcome": "allowed", "user_id": actor.user.pk,
            "username": actor.user.username, "role": actor.role_label,
            "organisation_id": actor.organisation.pk, "on_behalf_of": "", "parent_ref": "",
            "object_type": "requests.informationrequest", "object_id": str(i), "ip_address": None,
            "payload": {"n": i}, "prev_hash": prev, "purpose": "behandelen",
            "audit_source": "toolkid-test", "site": "", "ground": "", "ground_framework": "",
            "ground_ref": "", "sensitivity": "",
        }
        prev = compute_hash({k: fields[k] for k in HASHED_FIELDS}, prev)
        raw_sql(
            f"INSERT INTO audit_auditevent ({', '.join(HASHED_FIELDS)}, hash) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * (len(HASHED_FIELDS) + 1))})",
            [json.dumps(fields[k]) if k == "payload" else fields[k] for k in HASHED_FIELDS] + [prev],
        )
        events.append(AuditEvent.objects.get(seq=seq))
    AuditChainHead.objects.filter(pk=head.pk).update(last_seq=seq, last_hash=prev)
    return events


def insert_valid_event(actor, seq: int) -> None:
    """An event with a correct leaf hash at a number of the caller's choosing (as an attacker
    with database access would write it)."""
    fields = {name: None for name in LEAF_FIELDS}
    fields.update(
        seq=seq, occurred_at=dt.datetime.now(dt.UTC), event="request.read", action="read",
        outcome="allowed", user_id=actor.user.pk, username=actor.user.username, role=actor.role_label,
        organisation_id=actor.organisation.pk, on_behalf_of="", parent_ref="", object_type="", object_id="",
        payload={}, purpose="behandelen", audit_source="x", site="", ground="", ground_framework="",
        ground_ref="", sensitivity="",
    )
    raw_sql(
        f"INSERT INTO audit_auditevent ({', '.join(LEAF_FIELDS)}, prev_hash, hash) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * (len(LEAF_FIELDS) + 2))})",
        [json.dumps(fields[k]) if k == "payload" else fields[k] for k in LEAF_FIELDS]
        + ["", leaf_hash_of(fields)],
    )


# --- an intact log ------------------------------------------------------------------------------


def test_verify_chain_on_an_empty_log_is_ok():
    result = verify_chain()
    assert result.ok and result.checked == 0


def test_each_event_is_checked_on_its_own_hash_before_it_is_sealed(five_events):
    result = verify_chain()
    assert result.ok, result.reason
    assert (result.checked, result.seals, result.unsealed) == (5, 0, 5)


def test_sealed_events_verify_in_batches(sealed):
    result = verify_chain(batch_size=2)
    assert result.ok, result.reason
    assert (result.checked, result.unsealed) == (5, 0)
    assert result.seals == AuditSeal.objects.count() >= 1


def test_audit_verify_reports_an_intact_log_and_the_sealing_lag(five_events):
    code, out, err = run_verify()
    assert code == 0 and err == ""
    assert "Auditketen intact: 5 gebeurtenissen gecontroleerd." in out
    assert "gebeurtenissen per seconde" in out
    assert "Nog niet verzegeld: 5 gebeurtenissen" in out
    seal_pending(grace_period=NOW)
    code, out, _ = run_verify()
    assert code == 0 and "Alles verzegeld." in out


def test_the_old_chain_and_the_seals_verify_as_one(actor):
    # Events written before ADR 0006 stay chained; the first seal starts after the chain head.
    old = append_chained(actor, 3)
    new = [read(actor, n) for n in range(2)]
    seal_pending(grace_period=NOW)
    first_seal = AuditSeal.objects.order_by("first_seq").first()
    assert (first_seal.first_seq, first_seal.prev_hash) == (old[-1].seq + 1, old[-1].hash)
    result = verify_chain()
    assert result.ok, result.reason
    assert result.checked == len(old) + len(new)


# --- tampering, named -----------------------------------------------------------------------------


@pytest.mark.parametrize("seal_first", [True, False], ids=["sealed", "not yet sealed"])
def test_a_payload_changed_with_raw_sql_is_named(five_events, seal_first):
    # L5: changed by no one. Someone with database access edits one row; verify names it.
    if seal_first:
        seal_pending(grace_period=NOW)
    target = five_events[2]
    raw_sql("UPDATE audit_auditevent SET payload = %s WHERE seq = %s", [json.dumps({"n": 999}), target.seq])
    code, _, err = run_verify()
    assert code == 1
    assert f"Auditketen verbroken bij gebeurtenis seq={target.seq} (id={target.pk})" in err
    assert "gewijzigd" in err


def test_a_change_with_a_recomputed_hash_breaks_the_seal(sealed):
    # The attacker also recomputes the row's own hash: the seal's Merkle root no longer matches.
    target = sealed[1]
    fields = AuditEvent.objects.filter(pk=target.pk).values(*LEAF_FIELDS).get()
    fields["username"] = "iemand.anders"
    raw_sql("UPDATE audit_auditevent SET username = %s, hash = %s WHERE seq = %s",
            ["iemand.anders", leaf_hash_of(fields), target.seq])
    result = verify_chain()
    assert not result.ok
    seal = AuditSeal.objects.get(first_seq__lte=target.seq, last_seq__gte=target.seq)
    assert result.first_broken_seq == seal.first_seq
    assert "Merkle" in result.reason


def test_a_removed_sealed_event_is_named(sealed):
    target = sealed[2]
    raw_sql("DELETE FROM audit_auditevent WHERE seq = %s", [target.seq])
    result = verify_chain()
    assert (result.ok, result.first_broken_seq) == (False, target.seq)
    assert f"volgnummer {target.seq} ontbreekt" in result.reason


def test_removed_newest_sealed_events_are_found(sealed):
    raw_sql("DELETE FROM audit_auditevent WHERE seq >= %s", [sealed[3].seq])
    result = verify_chain()
    assert (result.ok, result.first_broken_seq) == (False, sealed[3].seq)
    code, _, err = run_verify()
    assert code == 1 and f"seq={sealed[3].seq} (id=-)" in err


def test_an_event_slipped_into_a_sealed_gap_is_named(actor, five_events):
    # A rolled-back transaction leaves a gap; the seal records it. A row written there later,
    # even with a correct hash of its own, does not belong.
    last = five_events[-1].seq
    insert_valid_event(actor, last + 4)  # numbers last+1..last+3 stay empty: a gap
    seal_pending(grace_period=NOW)
    assert any([last + 1, last + 3] in seal.gaps for seal in AuditSeal.objects.all())
    assert verify_chain().ok
    insert_valid_event(actor, last + 2)
    result = verify_chain()
    assert (result.ok, result.first_broken_seq) == (False, last + 2)
    assert "gat" in result.reason


def test_a_changed_seal_is_found(sealed):
    seal = AuditSeal.objects.order_by("first_seq").last()
    raw_sql("UPDATE audit_auditseal SET event_count = event_count + 1 WHERE id = %s", [seal.pk])
    result = verify_chain()
    assert not result.ok and "zegel" in result.reason


def test_a_removed_seal_is_found(actor, sealed):
    more = [read(actor, n) for n in range(6, 9)]
    seal_pending(grace_period=NOW)
    first = AuditSeal.objects.order_by("first_seq").first()
    raw_sql("DELETE FROM audit_auditseal WHERE id = %s", [first.pk])
    result = verify_chain()
    assert not result.ok and "zegel ontbreekt" in result.reason
    assert more


def test_a_changed_old_chain_event_is_named(actor):
    old = append_chained(actor, 4)
    read(actor, 1)
    raw_sql("UPDATE audit_auditevent SET object_id = 'x' WHERE seq = %s", [old[1].seq])
    result = verify_chain()
    assert (result.ok, result.first_broken_seq) == (False, old[1].seq)
    assert "gewijzigd" in result.reason


def test_removed_newest_old_chain_events_are_found(actor):
    old = append_chained(actor, 4)
    raw_sql("DELETE FROM audit_auditevent WHERE seq >= %s", [old[2].seq])
    result = verify_chain()
    assert (result.ok, result.first_broken_seq) == (False, old[2].seq)
    assert "ketenkop" in result.reason

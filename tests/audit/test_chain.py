"""The hash chain and ``manage.py audit_verify`` (R41: who did what, reconstructable and
untampered; L5: the log is changed by no one)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from audit.chain import verify_chain
from audit.events import record
from audit.models import GENESIS_HASH, AuditAction

from .helpers import raw_sql

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_events(actor):
    return [
        record(actor=actor, event="request.read", action=AuditAction.READ,
               object_type="requests.informationrequest", object_id=str(n), payload={"n": n})
        for n in range(1, 6)
    ]


def run_verify() -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit_verify", stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_each_event_points_at_the_hash_of_the_one_before(five_events):
    # R41: every event is chained to its predecessor; seq runs 1, 2, 3, ... without gaps.
    assert [e.seq for e in five_events] == [1, 2, 3, 4, 5]
    assert five_events[0].prev_hash == GENESIS_HASH
    for before, after in zip(five_events, five_events[1:], strict=False):
        assert after.prev_hash == before.hash
    assert len({e.hash for e in five_events}) == 5


def test_verify_chain_on_an_empty_log_is_ok():
    result = verify_chain()
    assert result.ok and result.checked == 0


def test_verify_chain_walks_in_batches(five_events):
    result = verify_chain(batch_size=2)
    assert result.ok, result.reason
    assert result.checked == 5


def test_audit_verify_reports_an_intact_chain(five_events):
    code, out, err = run_verify()
    assert code == 0
    assert "Auditketen intact: 5 gebeurtenissen gecontroleerd." in out
    assert err == ""


def test_audit_verify_finds_a_payload_changed_with_raw_sql(five_events):
    # L5: changed by no one. Someone with database access edits one row; the chain shows it.
    target = five_events[2]
    raw_sql("UPDATE audit_auditevent SET payload = %s WHERE seq = %s",
            [json.dumps({"n": 999}), target.seq])

    code, out, err = run_verify()
    assert code == 1
    assert f"Auditketen verbroken bij gebeurtenis seq={target.seq} (id={target.pk})" in err
    assert "gewijzigd" in err
    result = verify_chain()
    assert (result.ok, result.first_broken_seq, result.checked) == (False, 3, 2)


def test_a_recomputed_hash_does_not_hide_a_change(five_events):
    # Changing the row and its own hash breaks the link from the next event.
    target = five_events[1]
    raw_sql("UPDATE audit_auditevent SET username = %s, hash = %s WHERE seq = %s",
            ["iemand.anders", "f" * 64, target.seq])
    result = verify_chain()
    assert not result.ok
    assert result.first_broken_seq == target.seq


def test_a_removed_event_in_the_middle_is_found(five_events):
    raw_sql("DELETE FROM audit_auditevent WHERE seq = %s", [3])
    result = verify_chain()
    assert (result.ok, result.first_broken_seq) == (False, 4)
    assert "volgnummer 3 ontbreekt" in result.reason


def test_removed_newest_events_are_found(five_events):
    raw_sql("DELETE FROM audit_auditevent WHERE seq >= %s", [4])
    result = verify_chain()
    assert (result.ok, result.first_broken_seq) == (False, 4)
    code, _, err = run_verify()
    assert code == 1 and "seq=4 (id=-)" in err


def test_an_event_inserted_past_the_chain_head_is_found(five_events):
    last = five_events[-1]
    raw_sql(
        "INSERT INTO audit_auditevent (seq, occurred_at, event, action, outcome, username, role,"
        " on_behalf_of, parent_ref, object_type, object_id, payload, prev_hash, hash)"
        " VALUES (%s, %s, 'request.read', 'read', 'allowed', '', '', '', '', '', '', '{}', %s, %s)",
        [last.seq + 1, last.occurred_at, last.hash, "e" * 64],
    )
    result = verify_chain()
    assert not result.ok
    assert result.first_broken_seq == last.seq + 1

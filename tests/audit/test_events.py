"""Writing the audit trail: audit.events.record (DOMAIN.md L5, R41)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from audit.chain import verify_chain
from audit.events import MAX_PAYLOAD_STRING, parent_ref_for, record, record_denied, record_many
from audit.hashing import LEAF_FIELDS, leaf_hash_of
from audit.models import AuditAction, AuditChainHead, AuditEvent, AuditOutcome
from toolkid.actors import Actor

from .helpers import A_GROUND

pytestmark = pytest.mark.django_db


def test_record_writes_every_nen7513_field(actor, audit_user, audit_org):
    # L5: event and action, date and time, outcome, user, role, organisation, on whose
    # behalf, the parent concerned, the object, and the access point.
    before = timezone.now()
    event = record(
        actor=actor,
        event="request.read",
        action=AuditAction.READ,
        obj=audit_org,
        parent_ref=parent_ref_for(42),
        ground=A_GROUND,
        payload={"request_id": 7, "purpose": "beantwoorden"},
        on_behalf_of="collega:12",
    )

    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.event == "request.read"
    assert stored.action == AuditAction.READ
    assert before <= stored.occurred_at <= timezone.now()
    assert stored.outcome == AuditOutcome.ALLOWED
    assert stored.user == audit_user
    assert stored.username == "zorgverlener.audit"
    assert stored.role == "zorgverlener"
    assert stored.organisation == audit_org
    assert stored.on_behalf_of == "collega:12"
    assert stored.parent_ref == "ouder:42"
    assert stored.object_type == "toolkid.organisation"
    assert stored.object_id == str(audit_org.pk)
    assert stored.ip_address == "192.0.2.10"
    assert stored.payload == {"request_id": 7, "purpose": "beantwoorden"}
    assert stored.seq >= 1
    # ADR 0006: its own hash; the link to other events is the seal's, not the row's.
    assert len(stored.hash) == 64 and stored.prev_hash == ""


def test_denied_access_is_logged_too(actor):
    # L5: outcome allowed/denied; ARCHITECTURE: denied access is logged too.
    event = record_denied(
        actor=actor, event="request.read", action=AuditAction.READ,
        object_type="requests.informationrequest", object_id="99",
    )
    assert AuditEvent.objects.get(pk=event.pk).outcome == AuditOutcome.DENIED


def test_system_job_is_recorded_on_behalf_of_its_name():
    event = record(actor=Actor.system("deadline_sweep"), event="test.escalated",
                   action=AuditAction.UPDATE, object_type="requests.informationrequest",
                   object_id="5")
    assert event.user is None
    assert event.role == "systeem"
    assert event.on_behalf_of == "deadline_sweep"


def test_failed_login_of_an_unknown_name_keeps_the_name_and_address():
    event = record(actor=None, event="auth.login_failed", action=AuditAction.AUTHENTICATE,
                   outcome=AuditOutcome.DENIED, username="onbekend", ip_address="2001:DB8::0001")
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.user is None
    assert stored.username == "onbekend"
    # One textual form of an address, whatever the caller or the database makes of it.
    assert stored.ip_address == "2001:db8::1"


def test_an_anonymous_actor_is_not_recorded_as_the_system():
    event = record(actor=Actor(user=None, ip_address="203.0.113.5"), event="auth.login_failed",
                   action=AuditAction.AUTHENTICATE, outcome=AuditOutcome.DENIED,
                   username="onbekend")
    assert (event.role, event.on_behalf_of, event.ip_address) == ("", "", "203.0.113.5")


def test_explicit_address_overrides_the_actors(actor):
    event = record(actor=actor, event="auth.login", action=AuditAction.AUTHENTICATE,
                   ip_address="198.51.100.7")
    assert event.ip_address == "198.51.100.7"


def test_the_username_comes_from_the_actor(actor):
    with pytest.raises(ValueError, match="username"):
        record(actor=actor, event="auth.login", action=AuditAction.AUTHENTICATE,
               username="iemand.anders")


def test_parent_ref_is_an_opaque_key_never_a_name():
    assert parent_ref_for(42) == "ouder:42"
    assert parent_ref_for("7d5e2c1a-0b1c-4b5e-9c1f-1234567890ab").startswith("ouder:")
    with pytest.raises(ValueError):
        parent_ref_for(None)
    with pytest.raises(ValueError, match="opaque"):
        record(actor=None, event="request.read", action=AuditAction.READ,
               parent_ref="Jansen, P.")


def test_event_is_stored_with_the_hash_of_its_own_content(actor):
    # ADR 0006: the event's own leaf hash, over every column, with no link to another row.
    event = record(actor=actor, event="request.read", action=AuditAction.READ)
    row = AuditEvent.objects.filter(pk=event.pk).values(*LEAF_FIELDS, "hash", "prev_hash").get()
    assert row.pop("prev_hash") == ""
    stored_hash = row.pop("hash")
    assert leaf_hash_of(row) == stored_hash == event.hash


def test_writing_an_event_does_not_touch_the_old_chain_head(actor):
    # ADR 0006: no shared row is locked or moved on the write path; the head marks where the
    # old chain ended and stays there.
    AuditChainHead.objects.get_or_create(pk=AuditChainHead.SINGLETON_PK)
    before = AuditChainHead.objects.values_list("last_seq", "last_hash").get()
    record(actor=actor, event="request.read", action=AuditAction.READ)
    assert AuditChainHead.objects.values_list("last_seq", "last_hash").get() == before


def test_numbers_go_up_with_each_event(actor):
    events = [record(actor=actor, event="request.read", action=AuditAction.READ) for _ in range(3)]
    assert [e.seq for e in events] == sorted({e.seq for e in events})
    assert events[0].occurred_at <= events[1].occurred_at <= events[2].occurred_at


def test_the_event_commits_or_rolls_back_with_the_callers_transaction(actor):
    # ARCHITECTURE: the audit row is written in the same transaction as the change.
    record(actor=actor, event="request.read", action=AuditAction.READ)
    count_before = AuditEvent.objects.count()

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        record(actor=actor, event="test.request_answered", action=AuditAction.UPDATE)
        raise Boom

    assert AuditEvent.objects.count() == count_before
    assert not AuditEvent.objects.filter(event="test.request_answered").exists()



def test_occurred_at_is_stored_with_microseconds(actor):
    event = record(actor=actor, event="request.read", action=AuditAction.READ)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.occurred_at == event.occurred_at
    assert stored.occurred_at.tzinfo is not None
    assert abs(stored.occurred_at - timezone.now()) < dt.timedelta(minutes=1)


class TestPayloadHoldsIdentifiersNotFreeText:
    """ARCHITECTURE: personal data in event payloads is minimal: identifiers, not free text."""

    def test_a_string_longer_than_200_characters_is_refused(self, actor):
        with pytest.raises(ValueError, match="not free text"):
            record(actor=actor, event="test.request_answered", action=AuditAction.UPDATE,
                   payload={"answer": "x" * (MAX_PAYLOAD_STRING + 1)})
        assert not AuditEvent.objects.exists()

    def test_a_string_of_200_characters_is_accepted(self, actor):
        record(actor=actor, event="test.request_answered", action=AuditAction.UPDATE,
               payload={"reference": "x" * MAX_PAYLOAD_STRING})

    def test_nested_free_text_is_refused_too(self, actor):
        with pytest.raises(ValueError, match=r"payload\.changes\[0\]"):
            record(actor=actor, event="test.request_updated", action=AuditAction.UPDATE,
                   payload={"changes": ["y" * 500]})

    def test_line_breaks_are_refused(self, actor):
        with pytest.raises(ValueError, match="control characters"):
            record(actor=actor, event="test.request_updated", action=AuditAction.UPDATE,
                   payload={"note": "regel 1\nregel 2"})

    @pytest.mark.parametrize(
        "value", [1.5, dt.date(2026, 1, 2), b"bytes", ("a", "b"), {"a", "b"}, object()]
    )
    def test_only_plain_json_identifier_types(self, actor, value):
        with pytest.raises(ValueError, match="not allowed"):
            record(actor=actor, event="test.request_updated", action=AuditAction.UPDATE,
                   payload={"value": value})

    def test_keys_are_identifiers(self, actor):
        with pytest.raises(ValueError, match="key"):
            record(actor=actor, event="test.request_updated", action=AuditAction.UPDATE,
                   payload={"vrije tekst als sleutel": 1})

    def test_identifiers_of_every_allowed_type_are_kept(self, actor):
        payload = {"from": "ingediend", "to": "in_behandeling", "id": 12, "urgent": False,
                   "none": None, "ids": [1, 2, 3], "nested": {"document_id": 4}}
        event = record(actor=actor, event="test.transition", action=AuditAction.UPDATE,
                       payload=payload)
        assert AuditEvent.objects.get(pk=event.pk).payload == payload


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"event": "Request read", "action": AuditAction.READ}, "dotted code"),
        ({"event": "read", "action": AuditAction.READ}, "dotted code"),
        ({"event": "request.read", "action": "look"}, "unknown audit action"),
        ({"event": "request.read", "action": AuditAction.READ, "outcome": "maybe"},
         "unknown audit outcome"),
        ({"event": "request.read", "action": AuditAction.READ, "object_id": "3"},
         "object_type"),
        ({"event": "request.read", "action": AuditAction.READ, "ip_address": "not-an-ip"},
         "IP address"),
    ],
)
def test_malformed_events_are_refused_and_nothing_is_written(kwargs, message):
    with pytest.raises(ValueError, match=message):
        record(actor=None, **kwargs)
    assert not AuditEvent.objects.exists()


def test_obj_and_explicit_object_fields_exclude_each_other(actor, audit_org):
    with pytest.raises(ValueError, match="not both"):
        record(actor=actor, event="request.read", action=AuditAction.READ, obj=audit_org,
               object_type="toolkid.organisation")


# --- several events at once (a list: one read per parent shown) ----------------------------


def many(actor, n: int, **extra) -> list[dict]:
    return [
        {"actor": actor, "event": "request.read", "action": AuditAction.READ,
         "parent_ref": parent_ref_for(100 + i), "ground": A_GROUND, **extra}
        for i in range(n)
    ]


def test_record_many_links_every_event_into_the_chain_in_order(actor):
    first = record(actor=actor, event="request.read", action=AuditAction.READ)
    events = record_many(many(actor, 5))
    assert [e.seq for e in events] == [first.seq + i for i in range(1, 6)]
    stored = list(AuditEvent.objects.filter(seq__gt=first.seq).order_by("seq"))
    assert [e.parent_ref for e in stored] == [parent_ref_for(100 + i) for i in range(5)]
    assert all(e.ground == "toestemming" and e.sensitivity for e in stored)
    after = record(actor=actor, event="request.read", action=AuditAction.READ)
    assert after.seq == first.seq + 6
    assert verify_chain().ok


def test_record_many_writes_nothing_when_one_entry_is_malformed(actor):
    entries = many(actor, 3)
    entries[2]["parent_ref"] = "Jansen, P."
    with pytest.raises(ValueError, match="opaque"):
        record_many(entries)
    assert not AuditEvent.objects.exists()


def test_record_many_costs_the_same_queries_for_two_or_twenty_events(actor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    record(actor=actor, event="request.read", action=AuditAction.READ)  # the chain head exists
    counts = []
    for n in (2, 20):
        with CaptureQueriesContext(connection) as queries:
            record_many(many(actor, n))
        counts.append(len(queries))
    assert counts[0] == counts[1]

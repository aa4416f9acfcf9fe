"""Purpose of use, audit source and site on every audit line (NEN 7513; issue 15): every code
has a purpose, a new event always carries one, old events still verify and read "onbekend
(vóór registratie)", and a changed purpose, source or site on a new event breaks the chain."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from audit import catalogue
from audit.chain import verify_chain
from audit.events import record
from audit.hashing import canonical_json
from audit.models import AuditAction, AuditChainHead, AuditEvent
from audit.purposes import Purpose
from audit.reports import report_rows
from audit.selectors import filter_events

from .helpers import old_chain_head, raw_sql

pytestmark = pytest.mark.django_db

#: The columns an event had before purpose, source and site were recorded.
OLD_FIELDS = (
    "seq", "occurred_at", "event", "action", "outcome", "user_id", "username", "role",
    "organisation_id", "on_behalf_of", "parent_ref", "object_type", "object_id", "ip_address",
    "payload", "prev_hash",
)


def append_old_event(actor) -> int:
    """An event as written before purposes existed: no purpose, source or site, hashed over the
    old columns exactly as the old code did (sha256 of prev_hash + the old canonical JSON), at the
    end of the old chain (write it before any new event: the old chain precedes the seals)."""
    head = old_chain_head()
    seq, prev = head.last_seq + 1, head.last_hash
    occurred_at = dt.datetime.now(dt.UTC)
    data = {
        "seq": str(seq), "occurred_at": occurred_at.isoformat(timespec="microseconds"),
        "event": "request.read", "action": "read", "outcome": "allowed",
        "user_id": str(actor.user.pk), "username": actor.user.username, "role": actor.role_label,
        "organisation_id": str(actor.organisation.pk), "on_behalf_of": "", "parent_ref": "",
        "object_type": "requests.informationrequest", "object_id": "7", "ip_address": "192.0.2.10",
        "payload": {"purpose": "detail"}, "prev_hash": prev,
    }
    old_json = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256(prev.encode("ascii") + old_json.encode("utf-8")).hexdigest()
    raw_sql(
        "INSERT INTO audit_auditevent (seq, occurred_at, event, action, outcome, user_id, username,"
        " role, organisation_id, on_behalf_of, parent_ref, object_type, object_id, ip_address,"
        " payload, prev_hash, hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s,"
        " %s, %s, %s, %s)",
        [seq, occurred_at, "request.read", "read", "allowed", actor.user.pk, actor.user.username,
         actor.role_label, actor.organisation.pk, "", "", "requests.informationrequest", "7",
         "192.0.2.10", json.dumps(data["payload"]), prev, digest],
    )
    AuditChainHead.objects.filter(pk=head.pk).update(last_seq=seq, last_hash=digest)
    return seq


def run_verify() -> tuple[int, str]:
    err = io.StringIO()
    try:
        call_command("audit_verify", stdout=io.StringIO(), stderr=err)
    except SystemExit as exit_:
        return exit_.code, err.getvalue()
    return 0, err.getvalue()


def new_read(actor, n: int = 1) -> AuditEvent:
    return record(actor=actor, event="request.read", action=AuditAction.READ,
                  object_type="requests.informationrequest", object_id=str(n))


# --- the catalogue --------------------------------------------------------------------------


def test_every_registered_code_has_a_purpose():
    missing = [
        code for code in catalogue.codes()
        if catalogue.default_purpose(code) in ("", Purpose.UNKNOWN)
    ]
    assert missing == []


def test_a_code_registered_without_a_purpose_cannot_be_recorded(actor, monkeypatch):
    from django.db import models

    class Forgotten(models.TextChoices):
        SOMETHING = "test.no_purpose", "Iets zonder doel"

    # Registered for this test only: the catalogue is process-wide.
    for registry in ("_labels", "_owner"):
        monkeypatch.setattr(catalogue, registry, dict(getattr(catalogue, registry)))
    catalogue.register(Forgotten)
    with pytest.raises(ValueError, match="no purpose of use"):
        record(actor=actor, event="test.no_purpose", action=AuditAction.READ)
    assert not AuditEvent.objects.exists()


def test_onbekend_is_only_for_old_events(actor):
    with pytest.raises(ValueError, match="not a purpose of use"):
        record(actor=actor, event="request.read", action=AuditAction.READ, purpose=Purpose.UNKNOWN)


def test_a_new_event_carries_purpose_source_and_site(actor, settings):
    settings.TOOLKID_AUDIT_SOURCE = "toolkid-heerlen"
    event = new_read(actor)
    assert event.purpose == Purpose.HANDLING
    assert event.audit_source == "toolkid-heerlen"
    assert event.site == str(actor.organisation.pk)
    # Passed explicitly, it wins over the default.
    audit = record(actor=actor, event="request.read", action=AuditAction.READ, purpose=Purpose.AUDIT)
    assert audit.purpose == Purpose.AUDIT


def test_an_anonymous_event_has_no_site(settings):
    event = record(actor=None, event="auth.login_failed", action=AuditAction.AUTHENTICATE,
                   outcome="denied", username="onbekend", ip_address="203.0.113.9")
    assert (event.purpose, event.site) == (Purpose.SECURITY, "")
    assert event.audit_source == settings.TOOLKID_AUDIT_SOURCE


# --- the hash chain ------------------------------------------------------------------------


def test_empty_new_fields_hash_as_if_they_did_not_exist(actor):
    event = new_read(actor)
    fields = {name: getattr(event, name) for name in OLD_FIELDS if name not in ("user_id", "organisation_id")}
    fields.update(user_id=event.user_id, organisation_id=event.organisation_id)
    blank = {**fields, "purpose": "", "audit_source": "", "site": ""}
    assert canonical_json(blank) == canonical_json(fields)
    assert canonical_json({**blank, "purpose": "audit"}) != canonical_json(fields)


def test_an_event_written_before_the_change_still_verifies_and_reads_onbekend(actor):
    # The old chain comes first; new events are numbered after it.
    old_seq = append_old_event(actor)
    newer = new_read(actor, 1).seq
    new_read(actor, 2)
    result = verify_chain()
    assert result.ok, result.reason
    assert result.checked == 3
    old = AuditEvent.objects.get(seq=old_seq)
    assert (old.purpose, old.audit_source, old.site) == ("", "", "")
    rows = {row.seq: row for row in report_rows(AuditEvent.objects.all())}
    assert rows[old_seq].purpose == "onbekend (vóór registratie)"
    assert rows[old_seq].source == "onbekend (vóór registratie)"
    assert rows[newer].purpose == "Behandelen informatieverzoek"
    # The filter "onbekend" finds the old event, and only it.
    found = filter_events(AuditEvent.objects.all(), purpose_of_use=Purpose.UNKNOWN)
    assert list(found.values_list("seq", flat=True)) == [old_seq]
    found = filter_events(AuditEvent.objects.all(), purpose_of_use=Purpose.HANDLING)
    assert old_seq not in set(found.values_list("seq", flat=True))


@pytest.mark.parametrize(
    ("column", "value"),
    [("purpose", "audit"), ("audit_source", "elders"), ("site", "999"), ("purpose", "")],
)
def test_a_changed_purpose_source_or_site_is_named_by_audit_verify(actor, column, value):
    events = [new_read(actor, n) for n in range(1, 4)]
    target = events[1]
    raw_sql(f"UPDATE audit_auditevent SET {column} = %s WHERE seq = %s", [value, target.seq])  # noqa: S608
    code, err = run_verify()
    assert code == 1
    assert f"seq={target.seq}" in err and "gewijzigd" in err


# --- where the log is read ------------------------------------------------------------------


def test_the_audit_page_filters_by_purpose_and_shows_it(verified_client, make_user, actor):
    from toolkid.models import Role

    beheerder = make_user((actor.organisation, Role.BEHEERDER))
    new_read(actor)
    record(actor=actor, event="members.view", action=AuditAction.READ)
    client = verified_client(beheerder)
    html = client.get(reverse("audit:log"), {"doel": Purpose.ACCESS_MANAGEMENT}).content.decode()
    assert "Doel" in html and "Alle doelen" in html
    assert "Gebruikers van de organisatie bekeken" in html
    assert "Informatieverzoek ingezien" not in html
    html = client.get(reverse("audit:log")).content.decode()
    assert 'data-label="Doel" class="utrecht-table__cell">Behandelen informatieverzoek</td>' in html

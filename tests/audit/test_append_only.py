"""The audit trail is append-only (L5: the log is changed by no one, kept at least 5 years)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.db import DatabaseError, connection, transaction
from django.db.models.deletion import ProtectedError
from django.test import RequestFactory

from audit.events import record
from audit.models import AppendOnlyError, AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(actor):
    return record(actor=actor, event="request.read", action=AuditAction.READ,
                  object_type="requests.informationrequest", object_id="1", payload={"n": 1})


class TestTheOrmRefusesChanges:
    def test_queryset_update(self, event):
        with pytest.raises(AppendOnlyError, match="append-only"):
            AuditEvent.objects.filter(pk=event.pk).update(payload={"n": 2})

    def test_queryset_delete(self, event):
        with pytest.raises(AppendOnlyError, match="append-only"):
            AuditEvent.objects.all().delete()

    def test_instance_delete(self, event):
        with pytest.raises(AppendOnlyError, match="append-only"):
            event.delete()

    def test_saving_a_stored_event_again(self, event):
        event.payload = {"n": 2}
        with pytest.raises(AppendOnlyError, match="append-only"):
            event.save()

    def test_bulk_update(self, event):
        event.username = "iemand.anders"
        with pytest.raises(AppendOnlyError):
            AuditEvent.objects.bulk_update([event], ["username"])

    def test_update_or_create(self, event):
        with pytest.raises(AppendOnlyError):
            AuditEvent.objects.update_or_create(pk=event.pk, defaults={"username": "x"})

    def test_events_bypassing_the_chain(self, actor):
        # Only audit.events.record appends: it links the event into the hash chain.
        with pytest.raises(AppendOnlyError, match="record"):
            AuditEvent.objects.create(event="request.read", action=AuditAction.READ)
        with pytest.raises(AppendOnlyError):
            AuditEvent.objects.bulk_create([AuditEvent(event="request.read", action="read")])

    def test_nothing_changed(self, event):
        stored = AuditEvent.objects.get(pk=event.pk)
        assert (stored.payload, stored.username, stored.hash) == (
            {"n": 1}, "zorgverlener.audit", event.hash)

    def test_a_user_in_the_log_cannot_be_deleted(self, event, audit_user):
        # PROTECT, not CASCADE: deleting a user must not take their log lines along.
        with pytest.raises(ProtectedError):
            audit_user.delete()


@pytest.mark.postgres
class TestThePostgresqlTriggerRefusesRawSql:
    """ARCHITECTURE: on PostgreSQL, a trigger refuses UPDATE and DELETE (and TRUNCATE)."""

    def test_update(self, event):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("UPDATE audit_auditevent SET username = 'x' WHERE id = %s",
                               [event.pk])
        assert AuditEvent.objects.get(pk=event.pk).username == "zorgverlener.audit"

    def test_delete(self, event):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
        assert AuditEvent.objects.filter(pk=event.pk).exists()

    def test_truncate(self, event):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                # TRUNCATE refuses while deferred foreign-key checks are pending.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("TRUNCATE audit_auditevent CASCADE")
        assert AuditEvent.objects.filter(pk=event.pk).exists()

    def test_the_maintenance_switch_does_not_open_update_or_delete(self, event):
        for sql in ("UPDATE audit_auditevent SET username = 'x' WHERE id = %s",
                    "DELETE FROM audit_auditevent WHERE id = %s"):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL toolkid.audit_maintenance = 'on'")
                    cursor.execute(sql, [event.pk])


def test_admin_shows_events_but_never_offers_to_change_them(event, audit_user):
    model_admin = admin.site._registry[AuditEvent]
    request = RequestFactory().get("/beheer/audit/auditevent/")
    audit_user.is_superuser = audit_user.is_staff = True
    request.user = audit_user
    assert model_admin.has_add_permission(request) is False
    assert model_admin.has_change_permission(request, event) is False
    assert model_admin.has_delete_permission(request, event) is False
    assert model_admin.get_actions(request) == {}
    assert {"action", "outcome", "organisation"} <= set(model_admin.list_filter)

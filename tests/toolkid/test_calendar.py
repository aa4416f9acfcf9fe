"""The working calendar (L1) moves due dates, so every change to it is kept: a version with its
author (django-simple-history) and an audit event, whether made in Platformbeheer or through the
services. Only the functional administrator changes it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditAction, AuditEvent
from tests.requests.helpers import actor_for
from toolkid.actors import Actor
from toolkid.calendar_services import closure_day_delete, closure_day_save, decree_day_save
from toolkid.models import ClosureDay, DecreeDay, Role

DAY = dt.date(2026, 12, 24)


@pytest.fixture
def platform_admin(make_user):
    return make_user(username="functioneel", is_functional_admin=True)


def _organisation_form(page, **extra):
    """The organisation's change form as the admin renders it, plus ``extra``."""
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data["is_active"] = "on" if data.pop("is_active", False) else ""
    for prefix in ("closure_days", "memberships"):
        formset = next(f for f in page.context["inline_admin_formsets"] if f.formset.prefix == prefix)
        management = formset.formset.management_form
        data.update({f"{prefix}-{k}": v for k, v in management.initial.items()})
        for index, inline in enumerate(formset.formset.initial_forms):
            data[f"{prefix}-{index}-id"] = inline.instance.pk
            data[f"{prefix}-{index}-organisation"] = inline.instance.organisation_id
            if prefix == "closure_days":
                data[f"{prefix}-{index}-date"] = inline.instance.date.isoformat()
                data[f"{prefix}-{index}-reason"] = inline.instance.reason
    data.update(extra)
    return data


def test_a_closure_day_added_in_platformbeheer_is_versioned_and_audited(
    verified_client, platform_admin, mondriaan
):
    client = verified_client(platform_admin)
    url = f"/beheer/toolkid/organisation/{mondriaan.pk}/change/"
    data = _organisation_form(client.get(url), **{
        "closure_days-TOTAL_FORMS": "1", "closure_days-0-date": DAY.isoformat(),
        "closure_days-0-reason": "Kerstsluiting", "closure_days-0-organisation": mondriaan.pk,
    })
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""

    day = ClosureDay.objects.get(organisation=mondriaan, date=DAY)
    version = day.history.get()
    assert version.history_type == "+" and version.history_user == platform_admin
    event = AuditEvent.objects.get(event="calendar.closure_day_saved")
    assert (event.action, event.object_id) == (AuditAction.CREATE, str(day.pk))
    assert event.user_id == platform_admin.pk
    assert event.payload["date"] == DAY.isoformat()
    assert "Kerstsluiting" not in str(event.payload)  # free text stays out of the trail


def test_removing_a_closure_day_keeps_its_last_version_and_an_audit_event(platform_admin, mondriaan):
    actor = Actor(user=platform_admin, ip_address="192.0.2.1")
    day = closure_day_save(actor=actor, day=ClosureDay(organisation=mondriaan, date=DAY, reason="Kerst"))
    pk = day.pk
    closure_day_delete(actor=actor, day=day)
    assert not ClosureDay.objects.filter(pk=pk).exists()
    versions = ClosureDay.history.filter(id=pk).order_by("history_date")
    assert [(v.history_type, v.history_user) for v in versions] == [
        ("+", platform_admin), ("-", platform_admin)
    ]
    assert AuditEvent.objects.filter(event="calendar.closure_day_deleted", object_id=str(pk)).count() == 1


def test_a_decree_day_changed_in_platformbeheer_is_audited(verified_client, platform_admin):
    client = verified_client(platform_admin)
    response = client.post("/beheer/toolkid/decreeday/add/", {"date": "2026-12-28", "description": "Besluit"})
    assert response.status_code == 302
    day = DecreeDay.objects.get(date=dt.date(2026, 12, 28))
    assert day.history.get().history_user == platform_admin
    assert AuditEvent.objects.filter(event="calendar.decree_day_saved", object_id=str(day.pk)).exists()


def test_only_the_functional_administrator_changes_the_calendar(make_user, mondriaan):
    teamleider = make_user((mondriaan, Role.TEAMLEIDER))
    with pytest.raises(PermissionDenied):
        closure_day_save(
            actor=actor_for(teamleider), day=ClosureDay(organisation=mondriaan, date=DAY, reason="x")
        )
    with pytest.raises(PermissionDenied):
        decree_day_save(actor=actor_for(teamleider), day=DecreeDay(date=DAY, description="x"))
    assert not ClosureDay.objects.exists()

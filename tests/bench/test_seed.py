"""The bench's seeder (bench/seed.py) at a tiny scale, so ``make bench`` cannot rot: the COPY
seed gives the counts it promises and an audit chain that ``audit_verify`` accepts."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from audit.chain import verify_chain
from audit.models import AuditEvent
from bench.seed import SCALES, seed
from requests.core.models import InformationRequest, RequestEvent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_tiny_seed_has_its_rows_and_an_intact_audit_chain():
    events_before = AuditEvent.objects.count()

    # With the foreign-key checks on: every generated reference points at a row.
    report = seed(SCALES["tiny"], fast=False)

    assert report.counts["requests"] == InformationRequest.objects.count() == 50
    assert report.counts["audit events"] == 500
    # The services wrote the cast's own events first; the COPY numbered on after them, and the
    # seeder sealed everything (ADR 0006).
    total = AuditEvent.objects.count()
    assert total > events_before + 500
    assert RequestEvent.objects.count() == report.counts["request events"] > 50
    result = verify_chain()
    assert result.ok, result.reason
    assert result.checked == total
    assert result.unsealed == 0 and result.seals >= 1
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert "intact" in out.getvalue()


def test_seeded_audit_events_are_about_seeded_requests_over_years():
    seed(SCALES["tiny"])

    seeded = AuditEvent.objects.filter(object_type="requests.informationrequest")
    ids = {int(pk) for pk in seeded.values_list("object_id", flat=True)}
    assert ids <= set(InformationRequest.objects.values_list("pk", flat=True))
    first, last = (seeded.order_by(f).values_list("occurred_at", flat=True).first() for f in ("seq", "-seq"))
    assert (last - first).days > 4 * 365

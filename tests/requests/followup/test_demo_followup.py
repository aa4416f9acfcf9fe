"""load_demo's follow-up cases (demo.followup_cases.load_followup_demo): every state of
the follow-up after the answer exists after one run, made through the services; a second run
creates nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from demo.followup_cases import FOLLOWUP_REQUEST_SLUGS, load_followup_demo
from requests.followup.workflow import ReleaseStatus, SecondaryUseStatus
from requests.models import (
    Deviation,
    DeviationKind,
    Duty,
    DutyKind,
    DutyStatus,
    Feedback,
    HoldRelease,
    InformationRequest,
    Kindcheck,
    KindcheckOutcome,
    ReverseQuestion,
    SecondaryUse,
    VeiligThuisEngagement,
)
from requests.reverse.workflow import ReverseStatus
from toolkid.models import Organisation

pytestmark = pytest.mark.django_db


def run() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = (InformationRequest, Duty, HoldRelease, Feedback, SecondaryUse, VeiligThuisEngagement, Kindcheck,
              ReverseQuestion, Deviation)
    return {model.__name__: model.objects.count() for model in models}


def test_every_follow_up_state_once():
    output = run()
    assert "Vervolg na het antwoord" in output and "overgeslagen:" not in output
    for slug in FOLLOWUP_REQUEST_SLUGS:
        assert slug in output
    assert InformationRequest.objects.filter(requester__username__in=["jeugd.kerkrade", "vt.zuidlimburg",
                                                                      "jeugd.heerlen"]).exists()
    # The path-C hold: holding, a proposal waiting, and released with "ouder informeren" open.
    assert set(HoldRelease.objects.values_list("status", flat=True)) == {ReleaseStatus.PROPOSED,
                                                                          ReleaseStatus.AGREED}
    inform = Duty.objects.get(kind=DutyKind.INFORM_PARENT)
    assert inform.status == DutyStatus.OPEN
    assert Duty.objects.filter(kind=DutyKind.REQUESTER_FEEDBACK, status=DutyStatus.OPEN).exists()
    assert Duty.objects.filter(not_discussed_with_parent=True).count() >= 2
    # R28, R2, R5
    assert set(SecondaryUse.objects.values_list("status", flat=True)) >= {SecondaryUseStatus.SUBMITTED,
                                                                           SecondaryUseStatus.SENT}
    assert VeiligThuisEngagement.objects.exists()
    assert set(Deviation.objects.values_list("kind", flat=True)) == {
        DeviationKind.DUTY_SKIPPED, DeviationKind.SECONDARY_USE_DESPITE_OBJECTION,
        DeviationKind.KINDCHECK_NO_NEXT_STEP,
    }
    # L4 and R3
    assert {k.outcome for k in Kindcheck.objects.all()} == set(KindcheckOutcome)
    assert set(ReverseQuestion.objects.values_list("status", flat=True)) == {ReverseStatus.SUBMITTED,
                                                                             ReverseStatus.ANSWERED}

    before = counts()
    again = load_followup_demo({org.name: org for org in Organisation.objects.all()})
    assert not any(row.created for row in again)
    assert {row.slug for row in again} >= set(FOLLOWUP_REQUEST_SLUGS)
    run()
    assert counts() == before

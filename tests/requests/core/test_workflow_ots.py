"""R4 (L3 i): under a supervision order the GI's request for information needed for the OTS must be
answered; a refusal says why the information is not needed for the OTS."""

from __future__ import annotations

import pytest

from requests.core.workflow import RequestStatus
from requests.handling.services import request_decide, request_take
from requests.models import Decision, LegalFramework, RequestEvent
from toolkid.models import OrganisationKind

from ..helpers import assert_refused, fresh

S = RequestStatus
pytestmark = pytest.mark.django_db
WEIGHING = "Afgewogen."


def test_r4_gi_with_ots_files_under_the_ots_framework(filed_request):
    request = filed_request("C", ots=True)
    assert request.requesting_organisation.kind == OrganisationKind.GI
    assert (request.suggested_framework, request.legal_framework) == (LegalFramework.OTS, LegalFramework.OTS)
    assert RequestEvent.objects.get(request=request, kind="submitted").data["legal_framework"] == "ots"


def test_r4_ots_refusal_needs_why_the_information_is_not_needed(filed_request, clinician_actor):
    request = request_take(actor=clinician_actor, request=filed_request("C", ots=True))
    assert_refused(
        lambda: request_decide(
            actor=clinician_actor,
            request=request,
            decision=Decision.NOT_PROVIDE,
            motivation="Niet relevant.",
            weighing=WEIGHING,
        ),
        request,
        "ots_not_needed_motivation",
        "licht toe waarom de informatie daarvoor niet nodig is.",
    )
    request = request_decide(
        actor=clinician_actor,
        request=request,
        decision=Decision.NOT_PROVIDE,
        motivation="Niet relevant.",
        weighing=WEIGHING,
        ots_not_needed_motivation="De vraag gaat over de partner, niet over de OTS.",
    )
    assert request.status == S.REFUSAL_PENDING
    assert fresh(request).ots_not_needed_motivation == "De vraag gaat over de partner, niet over de OTS."


def test_r4_providing_under_an_ots_needs_no_such_motivation(filed_request, clinician_actor):
    request = request_take(actor=clinician_actor, request=filed_request("A", ots=True))
    request = request_decide(
        actor=clinician_actor, request=request, decision=Decision.PROVIDE, motivation="OTS."
    )
    assert request.status == S.ANSWERING
    assert fresh(request).ots_not_needed_motivation == ""


def test_r4_without_ots_a_refusal_needs_no_ots_motivation(filed_request, clinician_actor):
    request = request_take(actor=clinician_actor, request=filed_request("C"))
    request = request_decide(
        actor=clinician_actor,
        request=request,
        decision=Decision.NOT_PROVIDE,
        motivation="Geen zwaarwegende omstandigheden.",
        weighing=WEIGHING,
    )
    assert request.status == S.REFUSAL_PENDING


@pytest.mark.parametrize(
    ("framework", "kind"),
    [
        (LegalFramework.RVDK, OrganisationKind.RVDK),
        (LegalFramework.VEILIG_THUIS, OrganisationKind.VEILIG_THUIS),
    ],
)
def test_l3_other_grounds_are_suggested_from_the_organisation_kind(filed_request, framework, kind):
    request = filed_request("C", framework=framework)
    assert request.requesting_organisation.kind == kind
    assert request.legal_framework == framework == request.suggested_framework
    assert request.framework_change_reason == ""


def test_l3_conflict_of_duties_is_chosen_by_hand_with_a_reason(filed_request):
    # With consent (path A) the voluntary framework is suggested; the conflict of duties is a choice.
    request = filed_request("A", framework=LegalFramework.CONFLICT_OF_DUTIES)
    assert request.suggested_framework == LegalFramework.VOLUNTARY
    assert request.legal_framework == LegalFramework.CONFLICT_OF_DUTIES
    assert request.framework_change_reason


def test_l3_without_consent_a_wijkteam_is_suggested_the_conflict_of_duties(filed_request):
    request = filed_request("C")
    assert request.suggested_framework == request.legal_framework == LegalFramework.CONFLICT_OF_DUTIES
    assert request.framework_change_reason == ""

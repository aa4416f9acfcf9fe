"""R29: path A rests on a consent that travels with the request. When the parent revokes it, an
answer can no longer be sent on it; the requester re-decides the consent path (B with the R30
explanations, C with R32–R33, or A with a new declaration). With a new declaration the answer
can go; on B or C the request goes back to the clinician, who consults the parent (R31) or
weighs (R34) and decides again before answering."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from consent.services import consent_revoke
from requests.core.workflow import RequestStatus
from requests.filing.services import request_redecide_consent_path
from requests.handling.answer import request_send_answer
from requests.handling.services import request_decide, request_take
from requests.history.timeline import timeline_for
from requests.models import ConsentPath, Decision, RequestEvent
from toolkid.errors import IllegalMove

from ..helpers import (
    ALL_CONFIRMED,
    PATH_B_FIELDS,
    PATH_C_FIELDS,
    assert_refused,
    consult_parent,
    decide,
    fill_answer,
    fresh,
    make_consent,
    snapshot,
)

S = RequestStatus
pytestmark = pytest.mark.django_db
REVOKED = "De toestemming is ingetrokken; het toestemmingspad moet opnieuw worden bepaald."
#: The clinician's words when the answer is refused (policy.may_answer).
ANSWER_REVOKED = "U kunt nu niet antwoorden: de ouder heeft de toestemming ingetrokken."
ANSWER_EXPIRED = "U kunt nu niet antwoorden: de toestemming van de ouder is verlopen."
PATH_B_ONLY = {k: v for k, v in PATH_B_FIELDS.items()}


def _assert_answer_refused(clinician_actor, request, message: str) -> None:
    """R29: sending is refused with the Dutch reason, and nothing changed."""
    before = snapshot(request)
    with pytest.raises(IllegalMove) as caught:
        request_send_answer(actor=clinician_actor, request=request, confirmations=ALL_CONFIRMED)
    assert message in str(caught.value.message)
    assert snapshot(request) == before


def _revoke(request, requester_actor):
    return consent_revoke(
        actor=requester_actor,
        declaration=request.consent_declaration,
        revoked_on=timezone.localdate(),
        note="Moeder trekt toestemming in.",
    )


@pytest.fixture
def answering(filed_request, clinician_actor):
    return fill_answer(decide(filed_request("A"), clinician_actor, provide=True), clinician_actor)


def test_r29_r31_answer_blocked_after_revocation_then_redecided_to_b_consulted_and_sent(
    answering, requester_actor, clinician_actor
):
    _revoke(fresh(answering), requester_actor)
    _assert_answer_refused(clinician_actor, answering, ANSWER_REVOKED)
    request = request_redecide_consent_path(
        actor=requester_actor, request=answering, path=ConsentPath.B, fields=PATH_B_ONLY
    )
    assert request.consent_path == ConsentPath.B and request.consent_declaration is None
    # R31: without the consent the decision to provide no longer stands; the clinician
    # consults the parent and decides again.
    request = fresh(request)
    assert request.status == S.IN_PROGRESS
    assert (request.decision, request.decision_motivation, request.decided_by, request.decided_at) == (
        "", "", None, None
    )
    event = RequestEvent.objects.get(request=request, kind="consent_path_redecided")
    assert event.data["from_path"] == "A" and event.data["to_path"] == "B"
    assert (event.from_status, event.to_status) == (S.ANSWERING, S.IN_PROGRESS)
    assert event.data["previous_consent_declaration_id"] == answering.consent_declaration_id
    # The clinician's page offers the consultation and the decision, no longer the answer.
    from requests.detail import actions as vh

    offered = vh.allowed_actions(clinician_actor, request)
    assert {vh.PARENT_CONSULTATION, vh.DECIDE} <= set(offered) and vh.ANSWER not in offered
    with pytest.raises(IllegalMove):
        request_send_answer(actor=clinician_actor, request=request, confirmations=ALL_CONFIRMED,
                            expected_status=None)
    assert_refused(
        lambda: request_decide(
            actor=clinician_actor, request=request, decision=Decision.PROVIDE, motivation="Akkoord."
        ),
        request,
        "parent_consultation",
        "Leg eerst het overleg met de ouder vast.",
    )
    consult_parent(request, clinician_actor, agrees=True)
    request = request_decide(
        actor=clinician_actor, request=request, decision=Decision.PROVIDE, motivation="Ouder akkoord (R31a)."
    )
    assert request.status == S.ANSWERING
    # The concept answer written before the revocation is still there.
    request = request_send_answer(actor=clinician_actor, request=request, confirmations=ALL_CONFIRMED)
    assert request.status == S.ANSWERED


def test_r29_revocation_shows_on_both_timelines(answering, requester_actor, clinician_actor):
    _revoke(fresh(answering), requester_actor)
    assert "consent_revoked" in {e.kind for e in timeline_for(requester_actor, answering)}
    assert "consent_revoked" in {e.kind for e in timeline_for(clinician_actor, answering)}


def test_r29_no_decision_to_provide_on_a_revoked_consent(filed_request, requester_actor, clinician_actor):
    request = request_take(actor=clinician_actor, request=filed_request("A"))
    _revoke(fresh(request), requester_actor)
    assert_refused(
        lambda: request_decide(
            actor=clinician_actor, request=request, decision=Decision.PROVIDE, motivation="x"
        ),
        request,
        "consent_path",
        REVOKED,
    )


def test_r29_revoked_by_a_plain_update_is_caught_too(answering, clinician_actor):
    from consent.models import ConsentDeclaration

    ConsentDeclaration.objects.filter(pk=answering.consent_declaration_id).update(status="ingetrokken")
    _assert_answer_refused(clinician_actor, answering, ANSWER_REVOKED)


@pytest.mark.parametrize("name", [*PATH_B_FIELDS])
def test_r30_redecided_path_b_needs_every_explanation(answering, requester_actor, name):
    _revoke(fresh(answering), requester_actor)
    fields = {**PATH_B_FIELDS, name: False if name == "b_will_inform_parent" else ""}
    assert_refused(
        lambda: request_redecide_consent_path(
            actor=requester_actor, request=answering, path=ConsentPath.B, fields=fields
        ),
        answering,
        name,
        "contact was met de zorgverlener" if name == "b_will_inform_parent" else "geen toestemming gaf",
    )


def test_r32_r33_redecided_to_path_c(answering, requester_actor, clinician_actor):
    _revoke(fresh(answering), requester_actor)
    assert_refused(
        lambda: request_redecide_consent_path(
            actor=requester_actor, request=answering, path=ConsentPath.C, fields={}
        ),
        answering,
        "c_why_not_asked",
        "Dit is verplicht als geen toestemming is gevraagd.",
    )
    request = request_redecide_consent_path(
        actor=requester_actor, request=answering, path=ConsentPath.C, fields=PATH_C_FIELDS
    )
    # R34: the clinician weighs the weighty circumstances and decides again.
    assert fresh(request).status == S.IN_PROGRESS and fresh(request).decision == ""
    assert_refused(
        lambda: request_decide(
            actor=clinician_actor, request=request, decision=Decision.PROVIDE, motivation="x"
        ),
        request,
        "weighing",
        "zwaarwegende omstandigheden",
    )
    request = request_decide(
        actor=clinician_actor,
        request=request,
        decision=Decision.PROVIDE,
        motivation="Acuut gevaar.",
        weighing="Het gevaar voor de kinderen weegt zwaarder dan het beroepsgeheim.",
    )
    assert (
        request_send_answer(actor=clinician_actor, request=request, confirmations=ALL_CONFIRMED).status
        == S.ANSWERED
    )


def test_r29_redecided_while_in_progress_stays_in_progress(
    filed_request, requester_actor, clinician_actor
):
    request = request_take(actor=clinician_actor, request=filed_request("A"))
    _revoke(fresh(request), requester_actor)
    request = request_redecide_consent_path(
        actor=requester_actor, request=request, path=ConsentPath.B, fields=PATH_B_FIELDS
    )
    assert fresh(request).status == S.IN_PROGRESS
    event = RequestEvent.objects.get(request=request, kind="consent_path_redecided")
    assert (event.from_status, event.to_status) == ("", "")


def test_redecide_from_a_stale_page_is_a_conflict_without_revealing_a_pending_refusal(
    filed_request, requester_actor, clinician_actor
):
    from toolkid.errors import Conflict

    request = request_take(actor=clinician_actor, request=filed_request("A"))
    _revoke(fresh(request), requester_actor)
    decide(fresh(request), clinician_actor, provide=False)
    assert fresh(request).status == S.REFUSAL_PENDING
    # R11: the requester's page says "in behandeling"; that is no conflict, and stays masked.
    request = request_redecide_consent_path(
        actor=requester_actor, request=request, path=ConsentPath.B, fields=PATH_B_FIELDS,
        expected_status=S.IN_PROGRESS,
    )
    assert fresh(request).consent_path == ConsentPath.B
    assert fresh(request).status == S.REFUSAL_PENDING
    with pytest.raises(Conflict):
        request_redecide_consent_path(
            actor=requester_actor, request=request, path=ConsentPath.B, fields=PATH_B_FIELDS,
            expected_status=S.SUBMITTED,
        )


def test_r29_redecided_to_a_with_a_new_declaration(answering, requester_actor, clinician_actor, mondriaan):
    _revoke(fresh(answering), requester_actor)
    renewed = make_consent(
        parent=answering.parent,
        organisation=answering.requesting_organisation,
        recipient=mondriaan,
        created_by=requester_actor.user,
    )
    request = request_redecide_consent_path(
        actor=requester_actor, request=answering, path=ConsentPath.A, fields={}, consent_declaration=renewed
    )
    assert request.consent_declaration == renewed
    assert fresh(request).status == S.ANSWERING  # the decision stands on the new consent
    assert (
        request_send_answer(actor=clinician_actor, request=request, confirmations=ALL_CONFIRMED).status
        == S.ANSWERED
    )


def test_redecide_only_after_revocation(answering, requester_actor):
    with pytest.raises(IllegalMove) as caught:
        request_redecide_consent_path(
            actor=requester_actor, request=answering, path=ConsentPath.B, fields=PATH_B_FIELDS
        )
    assert "ingetrokken" in str(caught.value)


def test_redecide_not_after_the_answer(answering, requester_actor, clinician_actor):
    request = request_send_answer(actor=clinician_actor, request=answering, confirmations=ALL_CONFIRMED)
    _revoke(fresh(request), requester_actor)
    with pytest.raises(IllegalMove):
        request_redecide_consent_path(
            actor=requester_actor, request=request, path=ConsentPath.B, fields=PATH_B_FIELDS
        )


def test_redecide_is_the_requesters_move(answering, requester_actor, clinician_actor):
    from django.core.exceptions import PermissionDenied

    _revoke(fresh(answering), requester_actor)
    with pytest.raises(PermissionDenied):
        request_redecide_consent_path(
            actor=clinician_actor, request=answering, path=ConsentPath.B, fields=PATH_B_FIELDS
        )


def test_expired_consent_blocks_the_answer_and_allows_redeciding(answering, requester_actor, clinician_actor):
    from consent.models import ConsentDeclaration

    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    ConsentDeclaration.objects.filter(pk=answering.consent_declaration_id).update(
        given_on=yesterday - datetime.timedelta(days=10), valid_until=yesterday
    )
    _assert_answer_refused(clinician_actor, answering, ANSWER_EXPIRED)
    request = request_redecide_consent_path(
        actor=requester_actor, request=answering, path=ConsentPath.B, fields=PATH_B_FIELDS
    )
    assert request.consent_path == ConsentPath.B

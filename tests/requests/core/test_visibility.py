"""Who sees a request (ARCHITECTURE "Permissions"; R9, R41, L5). Another organisation gets the
same Http404 as for a request that does not exist — from the access helper and from every
service — and the attempt is logged as denied. A beheerder sees no case content. A legal advisor
sees only what was referred to them (or a refusal waiting for a second person, R11)."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.http import Http404
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from requests.core.access import is_visible_to, request_get_for, requests_visible_to
from requests.core.workflow import RequestStatus
from requests.filing import draft as draft_services
from requests.filing import services as filing_services
from requests.filing.selectors import outgoing_for
from requests.handling import answer as answer_services
from requests.handling import selectors as handling_selectors
from requests.handling import services as handling_services
from requests.handling.selectors import inbox_for, legal_queue
from requests.handling.services import request_ask_legal_advice, request_take
from requests.history.timeline import timeline_for
from requests.models import ConsentPath, Decision, InformationRequest, ParentConsultationOutcome
from toolkid.models import Role

from ..helpers import actor_for, decide, fill_answer

S = RequestStatus
pytestmark = pytest.mark.django_db


def _denied(event: str, request=None):
    qs = AuditEvent.objects.filter(event=event, outcome="denied")
    if request is not None:
        qs = qs.filter(object_id=str(request.pk))
    return qs


# --- the access helper -----------------------------------------------------------------------


def test_another_organisations_user_gets_404_and_the_attempt_is_logged(filed_request, outsider_actor):
    request = filed_request("A")
    with pytest.raises(Http404) as forbidden:
        request_get_for(actor=outsider_actor, pk_or_public_id=request.public_id, purpose="detail")
    event = _denied("request.read", request).get()
    assert event.action == AuditAction.READ
    assert event.user == outsider_actor.user and event.organisation == outsider_actor.organisation
    assert event.parent_ref == request.parent.audit_ref
    assert event.payload == {"purpose": "detail"}
    # Exactly the same answer for a request that does not exist.
    with pytest.raises(Http404) as missing:
        request_get_for(actor=outsider_actor, pk_or_public_id=uuid.uuid4(), purpose="detail")
    assert str(missing.value) == str(forbidden.value)
    assert _denied("request.read").count() == 2


def test_allowed_read_is_logged_with_purpose_and_parent(filed_request, clinician_actor):
    request = filed_request("A")
    seen = request_get_for(actor=clinician_actor, pk_or_public_id=str(request.pk), purpose="pdf")
    assert seen.pk == request.pk
    event = AuditEvent.objects.filter(event="request.read", outcome="allowed").get()
    assert event.parent_ref == request.parent.audit_ref and event.payload == {"purpose": "pdf"}


@pytest.mark.parametrize("value", ["niet-een-id", "", None, -1, True, 3.5])
def test_garbage_ids_are_404(filed_request, clinician_actor, value):
    filed_request("A")
    with pytest.raises(Http404):
        request_get_for(actor=clinician_actor, pk_or_public_id=value, purpose="detail")


def test_beheerder_sees_no_case_content(filed_request, beheerder, mondriaan, make_user, wijkteam):
    request = filed_request("A")
    wijk_beheerder = make_user((wijkteam, Role.BEHEERDER), username="beheer.wijk")
    for actor in (actor_for(beheerder, mondriaan), actor_for(wijk_beheerder, wijkteam)):
        with pytest.raises(Http404):
            request_get_for(actor=actor, pk_or_public_id=request.pk, purpose="detail")
        assert not requests_visible_to(actor).exists()
        with pytest.raises(Http404):
            handling_services.request_take(actor=actor, request=request)


def test_functional_admin_without_role_sees_nothing(filed_request, make_user, mondriaan):
    request = filed_request("A")
    admin = make_user(username="platform", is_functional_admin=True, is_superuser=True)
    from toolkid.actors import Actor

    actor = Actor(user=admin, organisation=mondriaan, roles=frozenset(), ip_address="192.0.2.5")
    with pytest.raises(Http404):
        request_get_for(actor=actor, pk_or_public_id=request.pk, purpose="detail")


def test_a_draft_is_the_requesters_alone(
    filed_request, requester_actor, requester_colleague, wijkteam_teamleider, wijkteam, clinician_actor
):
    draft = filed_request("A", submit=False)
    assert request_get_for(actor=requester_actor, pk_or_public_id=draft.pk, purpose="edit")
    for actor in (
        actor_for(requester_colleague, wijkteam),
        actor_for(wijkteam_teamleider, wijkteam),
        clinician_actor,
    ):
        with pytest.raises(Http404):
            request_get_for(actor=actor, pk_or_public_id=draft.pk, purpose="detail")
    # Once sent, the requesting team sees it.
    request = filing_services.request_submit(actor=requester_actor, request=draft, submit_token=uuid.uuid4())
    for actor in (
        actor_for(requester_colleague, wijkteam),
        actor_for(wijkteam_teamleider, wijkteam),
        clinician_actor,
    ):
        assert request_get_for(actor=actor, pk_or_public_id=request.pk, purpose="detail")


def test_the_acting_organisation_counts_not_all_memberships(
    filed_request, make_user, mondriaan, other_wijkteam
):
    request = filed_request("A")
    both = make_user(
        (mondriaan, Role.ZORGVERLENER), (other_wijkteam, Role.JEUGDHULPVERLENER), username="dubbel"
    )
    with pytest.raises(Http404):
        request_get_for(actor=actor_for(both, other_wijkteam), pk_or_public_id=request.pk, purpose="detail")
    assert request_get_for(actor=actor_for(both, mondriaan), pk_or_public_id=request.pk, purpose="detail")


def test_legal_advisor_sees_only_referred_requests(
    filed_request, legal_actor, clinician_actor, make_user, other_provider
):
    referred = request_take(actor=clinician_actor, request=filed_request("A"))
    unreferred = filed_request("A")
    for request in (referred, unreferred):
        with pytest.raises(Http404):
            request_get_for(actor=legal_actor, pk_or_public_id=request.pk, purpose="detail")
    advice = request_ask_legal_advice(
        actor=clinician_actor, request=referred, question="Mag ik dit verstrekken?"
    )
    assert request_get_for(actor=legal_actor, pk_or_public_id=referred.pk, purpose="advice")
    with pytest.raises(Http404):
        request_get_for(actor=legal_actor, pk_or_public_id=unreferred.pk, purpose="detail")
    assert list(requests_visible_to(legal_actor)) == [referred]
    assert list(legal_queue(legal_actor)) == [advice]
    # The legal advisor of another organisation sees nothing of it.
    elsewhere = actor_for(
        make_user((other_provider, Role.JURIDISCH_ADVISEUR), username="jurist.elders"), other_provider
    )
    with pytest.raises(Http404):
        request_get_for(actor=elsewhere, pk_or_public_id=referred.pk, purpose="advice")
    with pytest.raises(Http404):
        handling_services.legal_advice_give(actor=elsewhere, advice=advice, text="x")


def test_legal_advice_asked_needs_a_question(filed_request, clinician_actor):
    from ..helpers import assert_refused

    request = request_take(actor=clinician_actor, request=filed_request("A"))
    assert_refused(
        lambda: request_ask_legal_advice(actor=clinician_actor, request=request, question=""),
        request,
        "question",
        "Stel uw vraag aan de juridisch adviseur.",
    )


def test_a_legal_advisor_does_not_decide(filed_request, clinician_actor, legal_actor):
    from django.core.exceptions import PermissionDenied

    request = request_take(actor=clinician_actor, request=filed_request("A"))
    request_ask_legal_advice(actor=clinician_actor, request=request, question="?")
    with pytest.raises(PermissionDenied):
        handling_services.request_decide(
            actor=legal_actor, request=request, decision=Decision.PROVIDE, motivation="x"
        )
    assert _denied("request.decided", request).count() == 1


# --- every service: another organisation gets Http404, logged ----------------------------------


def _prepare(filed_request, clinician_actor, teamleider_actor, requester_actor, state: str):
    path = "B" if state == "b_in_progress" else "A"
    request = filed_request(path)
    if state in ("in_progress", "b_in_progress"):
        request = request_take(actor=clinician_actor, request=request)
    elif state == "answering":
        request = fill_answer(decide(request, clinician_actor, provide=True), clinician_actor)
    elif state == "refused":
        request = request_take(actor=clinician_actor, request=filed_request("C"))
        request = decide(request, clinician_actor, provide=False)
    return request


SERVICE_CALLS = {
    "request.draft_updated": (
        "draft",
        lambda a, r, x: draft_services.request_draft_update(actor=a, request=r, fields={"reason": "x"}),
    ),
    "request.submitted": (
        "draft",
        lambda a, r, x: filing_services.request_submit(actor=a, request=r, submit_token=uuid.uuid4()),
    ),
    "request.taken": ("submitted", lambda a, r, x: handling_services.request_take(actor=a, request=r)),
    "request.assigned": (
        "submitted",
        lambda a, r, x: handling_services.request_assign(actor=a, request=r, clinician=x["clinician"]),
    ),
    "request.returned": (
        "submitted",
        lambda a, r, x: handling_services.request_return_for_reformulation(
            actor=a, request=r, suggestion="x"
        ),
    ),
    "request.resubmitted": ("submitted", lambda a, r, x: filing_services.request_resubmit(
        actor=a, request=r)
    ),
    "request.parent_consulted": (
        "b_in_progress",
        lambda a, r, x: handling_services.request_record_parent_consultation(
            actor=a, request=r, date=timezone.localdate(), outcome=ParentConsultationOutcome.AGREES
        ),
    ),
    "request.internal_consulted": (
        "in_progress",
        lambda a, r, x: handling_services.request_record_internal_consultation(
            actor=a, request=r, with_whom="x", date=timezone.localdate(), conclusion="x"
        ),
    ),
    "request.legal_advice_asked": (
        "in_progress",
        lambda a, r, x: handling_services.request_ask_legal_advice(actor=a, request=r, question="x"),
    ),
    "request.decided": (
        "in_progress",
        lambda a, r, x: handling_services.request_decide(
            actor=a, request=r, decision=Decision.PROVIDE, motivation="x"
        ),
    ),
    "request.refusal_confirmed": (
        "refused",
        lambda a, r, x: handling_services.request_confirm_refusal(actor=a, request=r),
    ),
    "request.refusal_rejected": (
        "refused",
        lambda a, r, x: handling_services.request_reject_refusal(actor=a, request=r, note="x"),
    ),
    "request.refusal_contested": (
        "refused",
        lambda a, r, x: filing_services.request_contest_refusal(actor=a, request=r, reason="x"),
    ),
    "request.reconsidered": (
        "refused",
        lambda a, r, x: handling_services.request_reconsider(actor=a, request=r, motivation="x"),
    ),
    "request.refusal_upheld": (
        "refused",
        lambda a, r, x: handling_services.request_uphold_refusal(actor=a, request=r, motivation="x"),
    ),
    "request.answer_saved": (
        "answering",
        lambda a, r, x: answer_services.request_save_answer(actor=a, request=r, topics={}),
    ),
    "request.answer_sent": (
        "answering",
        lambda a, r, x: answer_services.request_send_answer(actor=a, request=r, confirmations={}),
    ),
    "request.acknowledged": ("answering", lambda a, r, x: filing_services.request_acknowledge(
        actor=a, request=r)
    ),
    "request.withdrawn": (
        "submitted",
        lambda a, r, x: filing_services.request_withdraw(actor=a, request=r, reason="x"),
    ),
    "request.consent_path_redecided": (
        "submitted",
        lambda a, r, x: filing_services.request_redecide_consent_path(
            actor=a, request=r, path=ConsentPath.C, fields={}
        ),
    ),
}


@pytest.mark.parametrize("event", sorted(SERVICE_CALLS))
@pytest.mark.parametrize("who", ["other_provider", "other_requester"])
def test_every_service_answers_another_organisation_with_404(
    event,
    who,
    filed_request,
    clinician_actor,
    teamleider_actor,
    requester_actor,
    outsider_actor,
    outsider_requester,
    other_wijkteam,
    clinician,
    make_user,
    other_provider,
):
    state, call = SERVICE_CALLS[event]
    if state == "draft":
        request = filed_request("A", submit=False)
    else:
        request = _prepare(filed_request, clinician_actor, teamleider_actor, requester_actor, state)
    if who == "other_provider":
        # Even a team leader and clinician of another provider.
        user = make_user(
            (other_provider, Role.ZORGVERLENER),
            (other_provider, Role.TEAMLEIDER),
            (other_provider, Role.JURIDISCH_ADVISEUR),
            username="alles.elders",
        )
        actor = actor_for(user, other_provider)
    else:
        actor = actor_for(outsider_requester, other_wijkteam)
    before = (InformationRequest.objects.get(pk=request.pk).status, request.events.count())
    with pytest.raises(Http404):
        call(actor, request, {"clinician": clinician})
    after = (InformationRequest.objects.get(pk=request.pk).status, request.events.count())
    assert before == after
    denied = _denied(event, request).get()
    assert denied.user == actor.user and denied.organisation == actor.organisation


def test_legal_advice_give_by_another_organisation_is_404(filed_request, clinician_actor, outsider_actor):
    request = request_take(actor=clinician_actor, request=filed_request("A"))
    advice = request_ask_legal_advice(actor=clinician_actor, request=request, question="?")
    with pytest.raises(Http404):
        handling_services.legal_advice_give(actor=outsider_actor, advice=advice, text="x")
    assert _denied("request.legal_advice_given", request).count() == 1


def test_a_deleted_or_unknown_request_is_404_in_services(clinician_actor):
    ghost = InformationRequest(pk=987654)
    with pytest.raises(Http404):
        handling_services.request_take(actor=clinician_actor, request=ghost)
    assert AuditEvent.objects.filter(event="request.taken", outcome="denied", object_id="987654").exists()


# --- lists ----------------------------------------------------------------------------------------


def test_each_list_writes_one_search_event(
    filed_request, clinician_actor, requester_actor, teamleider_actor, legal_actor
):
    for _ in range(3):
        filed_request("A")
    # The newest number so far (numbers come from a sequence: not the count of events).
    before = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    assert len(list(inbox_for(clinician_actor))) == 3
    assert len(list(outgoing_for(requester_actor))) == 3
    list(handling_selectors.refusals_to_confirm(teamleider_actor))
    list(legal_queue(legal_actor))
    events = list(AuditEvent.objects.filter(seq__gt=before).values_list("event", "action"))
    assert events == [
        ("request.inbox_listed", AuditAction.SEARCH),
        ("request.outgoing_listed", AuditAction.SEARCH),
        ("request.refusals_listed", AuditAction.SEARCH),
        ("request.legal_queue_listed", AuditAction.SEARCH),
    ]


def test_inbox_is_for_the_provider_roles(requester_actor, legal_actor):
    from django.core.exceptions import PermissionDenied

    for actor in (requester_actor, legal_actor):
        with pytest.raises(PermissionDenied):
            inbox_for(actor)
    assert AuditEvent.objects.filter(event="request.inbox_listed", outcome="denied").count() == 2


def test_inbox_unassigned_first_then_due_date_and_filters(
    filed_request, clinician_actor, clinician, mondriaan
):
    import time_machine

    with time_machine.travel(datetime.datetime(2026, 6, 1, 10, tzinfo=datetime.UTC), tick=False):
        early = filed_request("A")
    with time_machine.travel(datetime.datetime(2026, 6, 3, 10, tzinfo=datetime.UTC), tick=False):
        late = filed_request("B")
        taken = request_take(actor=clinician_actor, request=filed_request("C"))
    assert list(inbox_for(clinician_actor)) == [early, late, taken]
    assert list(inbox_for(clinician_actor, path="B")) == [late]
    assert list(inbox_for(clinician_actor, status=S.IN_PROGRESS)) == [taken]
    assert list(inbox_for(clinician_actor, clinician=clinician)) == [taken]
    assert list(inbox_for(clinician_actor, due_before=early.due_date)) == [early]


def test_outgoing_shows_the_requesters_own_drafts_only(
    filed_request, requester_actor, requester_colleague, wijkteam
):
    mine = filed_request("A", submit=False)
    sent = filed_request("A")
    assert set(outgoing_for(requester_actor)) == {mine, sent}
    assert list(outgoing_for(actor_for(requester_colleague, wijkteam))) == [sent]


def test_timeline_is_404_for_outsiders(filed_request, outsider_actor):
    request = filed_request("A")
    with pytest.raises(Http404):
        timeline_for(outsider_actor, request)


# --- one decision, two forms: the queryset filter and the per-object check agree -------------------


def test_visibility_filter_and_per_object_check_agree(
    filed_request,
    requester_actor,
    requester_colleague,
    wijkteam_teamleider,
    wijkteam,
    clinician_actor,
    teamleider_actor,
    legal_actor,
    beheerder,
    mondriaan,
    outsider_actor,
    outsider_requester,
    other_wijkteam,
):
    requests = [
        filed_request("A", submit=False),
        filed_request("A"),
        request_take(actor=clinician_actor, request=filed_request("B")),
        decide(filed_request("C"), clinician_actor, provide=False),
    ]
    referred = request_take(actor=clinician_actor, request=filed_request("A"))
    request_ask_legal_advice(actor=clinician_actor, request=referred, question="?")
    requests.append(referred)
    actors = [
        requester_actor,
        actor_for(requester_colleague, wijkteam),
        actor_for(wijkteam_teamleider, wijkteam),
        clinician_actor,
        teamleider_actor,
        legal_actor,
        actor_for(beheerder, mondriaan),
        outsider_actor,
        actor_for(outsider_requester, other_wijkteam),
    ]
    for actor in actors:
        by_filter = set(requests_visible_to(actor).values_list("pk", flat=True))
        by_object = {r.pk for r in InformationRequest.objects.all() if is_visible_to(actor, r)}
        assert by_filter == by_object, actor
    assert {r.pk for r in requests_visible_to(legal_actor)} == {requests[3].pk, referred.pk}

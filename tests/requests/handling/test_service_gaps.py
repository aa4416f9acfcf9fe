"""Service gaps the views needed closed:

- the answer is saved and sent in one service call, under one row lock (``topics=``);
- assigning nobody is ``Incomplete``, not a crash;
- every handling service the request's page posts takes ``expected_status`` (the state the page
  showed, as the actor may see it) and answers a stale page with ``Conflict`` itself, before it
  changes anything; the views rely on that.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from requests.core.workflow import RequestStatus
from requests.detail import actions as vh
from requests.filing import services as filing_services
from requests.handling import answer as answer_services
from requests.handling import services as handling_services
from requests.models import Decision, ParentConsultationOutcome, RequestedTopic, RequestEvent
from tests.conftest import verify_client
from toolkid.errors import Conflict, Incomplete

from ..helpers import (
    ALL_CONFIRMED,
    actor_for,
    assert_refused,
    decide,
    event_kinds,
    fresh,
    snapshot,
    take,
)

S = RequestStatus
pytestmark = pytest.mark.django_db

CONFLICT = "Een collega heeft dit verzoek zojuist behandeld."
TYPED = "Vader vertelde zelf dat hij sinds april weer drinkt."


def _answer_topics(request, text: str = TYPED) -> dict[str, dict[str, str]]:
    # R17: no facts that lessen the concern are known, said explicitly.
    return {
        t.topic: {"own_observations": text, "no_weakening_facts_known": True} for t in request.topics.all()
    }


# --- (a) save and send in one call -----------------------------------------------------------


def test_send_answer_with_topics_saves_and_sends_in_one_call(filed_request, clinician_actor):
    request = decide(filed_request("A"), clinician_actor, provide=True)
    request = answer_services.request_send_answer(
        actor=clinician_actor, request=request, topics=_answer_topics(request), confirmations=ALL_CONFIRMED
    )
    assert fresh(request).status == S.ANSWERED
    assert set(RequestedTopic.objects.filter(request=request).values_list("own_observations", flat=True)) == {
        TYPED
    }
    assert event_kinds(request)[-2:] == ["answer_saved", "answer_sent"]


def test_send_answer_refused_for_the_checklist_keeps_the_saved_text(filed_request, clinician_actor):
    request = decide(filed_request("A"), clinician_actor, provide=True)
    confirmations = dict(ALL_CONFIRMED, confirmed_factual=False)
    with pytest.raises(Incomplete) as caught:
        answer_services.request_send_answer(
            actor=clinician_actor,
            request=request,
            topics=_answer_topics(request),
            confirmations=confirmations,
        )
    assert caught.value.code == answer_services.ANSWER_SAVED_NOT_SENT
    assert "confirmed_factual" in caught.value.errors
    row = fresh(request)
    assert row.status == S.ANSWERING and row.answered_at is None and not row.confirmed_weighed_criteria
    assert set(RequestedTopic.objects.filter(request=request).values_list("own_observations", flat=True)) == {
        TYPED
    }
    assert event_kinds(request)[-1] == "answer_saved"


def test_send_answer_with_a_topic_not_asked_changes_nothing(filed_request, clinician_actor):
    request = decide(filed_request("A", topics=("a",)), clinician_actor, provide=True)
    assert_refused(
        lambda: answer_services.request_send_answer(
            actor=clinician_actor,
            request=request,
            topics={"a": {"own_observations": TYPED}, "f": {"own_observations": TYPED}},
            confirmations=ALL_CONFIRMED,
        ),
        request,
        "topics-f",
        "Naar dit onderwerp is niet gevraagd.",
    )
    assert RequestedTopic.objects.get(request=request, topic="a").own_observations == ""


def test_send_answer_from_a_stale_page_saves_nothing(
    filed_request, clinician_actor, clinician2_actor, teamleider_actor
):
    request = decide(filed_request("A"), clinician_actor, provide=True)
    answer_services.request_send_answer(
        actor=clinician_actor, request=request, topics=_answer_topics(request), confirmations=ALL_CONFIRMED
    )
    before = snapshot(request)
    with pytest.raises(Conflict):
        answer_services.request_send_answer(
            actor=clinician_actor,
            request=request,
            topics=_answer_topics(request, "Een andere tekst."),
            confirmations=ALL_CONFIRMED,
        )
    assert snapshot(request) == before
    assert RequestedTopic.objects.filter(request=request, own_observations="Een andere tekst.").count() == 0


def _csrf_client(user) -> Client:
    return verify_client(Client(enforce_csrf_checks=True), user)


def _post_from_page(client: Client, request, name: str, data: dict[str, Any], *, url: str | None = None):
    html = client.get(url or reverse("requests:detail", kwargs={"public_id": request.public_id}))
    html = html.content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    shown = re.search(rf'name="{name}-expected_status" value="([^"]*)"', html)
    payload = {"csrfmiddlewaretoken": token, f"{name}-expected_status": shown.group(1) if shown else ""}
    payload.update({f"{name}-{key}": value for key, value in data.items()})
    return client.post(
        reverse("requests:action", kwargs={"public_id": request.public_id, "action": vh.ACTIONS[name].slug}),
        payload,
    )


def _answer_form_data(request, *, confirmed: dict[str, bool]) -> dict[str, str]:
    data = {"intent": "versturen"}
    for topic in request.topics.all():
        data[f"topics-{topic.topic}-own_observations"] = TYPED
        data[f"topics-{topic.topic}-no_weakening_facts_known"] = "on"
    data.update({name: "on" for name, given in confirmed.items() if given})
    return data


def test_the_answer_view_sends_with_one_service_call(filed_request, clinician, monkeypatch):
    request = decide(filed_request("A"), actor_for(clinician), provide=True)

    def no_separate_save(**kwargs):
        raise AssertionError("the view saves and sends in one call")

    monkeypatch.setattr(answer_services, "request_save_answer", no_separate_save)
    response = _post_from_page(
        _csrf_client(clinician), request, vh.ANSWER, _answer_form_data(request, confirmed=ALL_CONFIRMED)
    )
    assert response.status_code == 302
    assert fresh(request).status == S.ANSWERED


def test_the_answer_view_keeps_the_concept_when_the_send_is_refused(filed_request, clinician):
    request = decide(filed_request("A"), actor_for(clinician), provide=True)
    confirmed = dict(ALL_CONFIRMED, confirmed_recorded_in_file=False)
    response = _post_from_page(
        _csrf_client(clinician), request, vh.ANSWER, _answer_form_data(request, confirmed=confirmed)
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Het concept is opgeslagen; het antwoord is nog niet verstuurd." in html
    assert fresh(request).status == S.ANSWERING
    assert (
        RequestedTopic.objects.filter(request=request, own_observations=TYPED).count()
        == request.topics.count()
    )


# --- (b) assigning nobody ---------------------------------------------------------------------


def test_assign_without_a_clinician_is_incomplete(filed_request, teamleider_actor):
    request = filed_request("A")
    assert_refused(
        lambda: handling_services.request_assign(actor=teamleider_actor, request=request, clinician=None),
        request,
        "clinician",
        "Kies een zorgverlener.",
    )


def test_assign_without_a_clinician_in_the_view_shows_the_services_message(filed_request, teamleider):
    request = filed_request("A")
    response = _post_from_page(_csrf_client(teamleider), request, vh.ASSIGN, {"clinician": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_assign-clinician_error"' in html and "Kies een zorgverlener." in html
    assert fresh(request).status == S.SUBMITTED


# --- (c) a stale page is a Conflict in the service itself ---------------------------------------


def _submitted(filed_request, actors):
    return filed_request("A")


def _in_progress(filed_request, actors):
    return take(filed_request("A"), actors["clinician"])


def _b_in_progress(filed_request, actors):
    return take(filed_request("B"), actors["clinician"])


def _answering(filed_request, actors):
    return decide(filed_request("A"), actors["clinician"], provide=True)


def _refusal_pending(filed_request, actors):
    return decide(filed_request("C"), actors["clinician"], provide=False)


def _answered(filed_request, actors):
    request = _answering(filed_request, actors)
    return answer_services.request_send_answer(
        actor=actors["clinician"],
        request=request,
        topics=_answer_topics(request),
        confirmations=ALL_CONFIRMED,
    )


def _refused(filed_request, actors):
    request = _refusal_pending(filed_request, actors)
    return handling_services.request_confirm_refusal(actor=actors["teamleider"], request=request)


def _contested(filed_request, actors):
    request = _refusal_pending(filed_request, actors)
    handling_services.request_confirm_refusal(actor=actors["teamleider"], request=request)
    filing_services.request_contest_refusal(
        actor=actors["requester"], request=request, reason="Wij zijn het oneens."
    )
    advice = request.legal_advice.get()
    handling_services.legal_advice_give(
        actor=actors["legal"], advice=advice, text="De weigering is te verdedigen."
    )
    return fresh(request)


#: service → (who, how to get the request into a state it accepts, the call).
STALE_CASES: dict[str, tuple[str, Callable, Callable[..., Any]]] = {
    "take": (
        "clinician",
        _submitted,
        lambda a, r, e: handling_services.request_take(actor=a, request=r, expected_status=e),
    ),
    "assign": (
        "teamleider",
        _submitted,
        lambda a, r, e: handling_services.request_assign(
            actor=a,
            request=r,
            clinician=r.receiving_organisation.memberships.filter(role="zorgverlener").first().user,
            expected_status=e,
        ),
    ),
    "return": (
        "clinician",
        _submitted,
        lambda a, r, e: handling_services.request_return_for_reformulation(
            actor=a, request=r, suggestion="Vraag naar de behandeling.", expected_status=e
        ),
    ),
    "parent_consultation": (
        "clinician",
        _b_in_progress,
        lambda a, r, e: handling_services.request_record_parent_consultation(
            actor=a,
            request=r,
            date=timezone.localdate(),
            outcome=ParentConsultationOutcome.AGREES,
            expected_status=e,
        ),
    ),
    "internal_consultation": (
        "clinician",
        _in_progress,
        lambda a, r, e: handling_services.request_record_internal_consultation(
            actor=a,
            request=r,
            with_whom="Geneesheer-directeur",
            date=timezone.localdate(),
            conclusion="Verstrekken.",
            expected_status=e,
        ),
    ),
    "ask_legal_advice": (
        "clinician",
        _in_progress,
        lambda a, r, e: handling_services.request_ask_legal_advice(
            actor=a, request=r, question="Mag dit?", expected_status=e
        ),
    ),
    "decide": (
        "clinician",
        _in_progress,
        lambda a, r, e: handling_services.request_decide(
            actor=a, request=r, decision=Decision.PROVIDE, motivation="Toestemming.", expected_status=e
        ),
    ),
    "save_answer": (
        "clinician",
        _answering,
        lambda a, r, e: answer_services.request_save_answer(
            actor=a, request=r, topics=_answer_topics(r), expected_status=e
        ),
    ),
    "send_answer": (
        "clinician",
        _answering,
        lambda a, r, e: answer_services.request_send_answer(
            actor=a, request=r, topics=_answer_topics(r), confirmations=ALL_CONFIRMED, expected_status=e
        ),
    ),
    "confirm_refusal": (
        "teamleider",
        _refusal_pending,
        lambda a, r, e: handling_services.request_confirm_refusal(actor=a, request=r, expected_status=e),
    ),
    "reject_refusal": (
        "teamleider",
        _refusal_pending,
        lambda a, r, e: handling_services.request_reject_refusal(
            actor=a, request=r, note="Niet terecht.", expected_status=e
        ),
    ),
    "reconsider": (
        "clinician",
        _contested,
        lambda a, r, e: handling_services.request_reconsider(
            actor=a, request=r, motivation="Na advies.", expected_status=e
        ),
    ),
    "uphold_refusal": (
        "clinician",
        _contested,
        lambda a, r, e: handling_services.request_uphold_refusal(
            actor=a, request=r, motivation="Na advies blijft het nee.", expected_status=e
        ),
    ),
    # The requester's side: compared with the state as the requester may see it (R11).
    "withdraw": (
        "requester",
        _submitted,
        lambda a, r, e: filing_services.request_withdraw(
            actor=a, request=r, reason="De ouder gaf alsnog zelf informatie.", expected_status=e
        ),
    ),
    "acknowledge": (
        "requester",
        _answered,
        lambda a, r, e: filing_services.request_acknowledge(actor=a, request=r, expected_status=e),
    ),
    "contest_refusal": (
        "requester",
        _refused,
        lambda a, r, e: filing_services.request_contest_refusal(
            actor=a, request=r, reason="Wij zijn het oneens.", expected_status=e
        ),
    ),
}


@pytest.fixture
def actors(clinician_actor, teamleider_actor, requester_actor, legal_actor) -> dict[str, Any]:
    return {
        "clinician": clinician_actor,
        "teamleider": teamleider_actor,
        "requester": requester_actor,
        "legal": legal_actor,
    }


@pytest.mark.parametrize("name", sorted(STALE_CASES))
def test_a_stale_page_is_a_conflict_in_every_handling_service(name, filed_request, actors):
    who, prepare, call = STALE_CASES[name]
    request = prepare(filed_request, actors)
    actor = actors[who]
    current = fresh(request).status
    stale = S.SUBMITTED if current != S.SUBMITTED else S.IN_PROGRESS
    before = snapshot(request)
    with pytest.raises(Conflict) as caught:
        call(actor, fresh(request), stale)
    assert str(caught.value) == CONFLICT
    assert snapshot(request) == before
    # The page that shows the current state goes through.
    call(actor, fresh(request), current)


def test_second_person_on_a_refusal_a_colleague_just_confirmed_gets_a_conflict(
    filed_request, actors, make_user, mondriaan
):
    from toolkid.models import Role

    other_leader = actor_for(make_user((mondriaan, Role.TEAMLEIDER), username="teamleider2"))
    request = _refusal_pending(filed_request, actors)
    handling_services.request_confirm_refusal(
        actor=actors["teamleider"], request=request, expected_status=S.REFUSAL_PENDING
    )
    with pytest.raises(Conflict):
        handling_services.request_reject_refusal(
            actor=other_leader, request=request, note="Niet terecht.", expected_status=S.REFUSAL_PENDING
        )
    assert fresh(request).status == S.REFUSED
    assert RequestEvent.objects.filter(request=request, kind="refusal_rejected").count() == 0


def test_the_refusals_page_of_a_second_colleague_conflicts_in_the_browser(
    filed_request, clinician, teamleider, make_user, mondriaan
):
    from toolkid.models import Role

    other_leader = make_user((mondriaan, Role.TEAMLEIDER), username="teamleider2")
    request = decide(filed_request("C"), actor_for(clinician), provide=False)
    refusals = reverse("requests:refusals")
    colleague = _csrf_client(other_leader)
    stale_page = colleague.get(refusals).content.decode()  # rendered before the team leader acts
    assert (
        _post_from_page(_csrf_client(teamleider), request, vh.CONFIRM_REFUSAL, {}, url=refusals).status_code
        == 302
    )

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', stale_page).group(1)
    shown = re.search(r'name="reject_refusal-expected_status" value="([^"]*)"', stale_page).group(1)
    assert shown == S.REFUSAL_PENDING
    response = colleague.post(
        reverse(
            "requests:action",
            kwargs={"public_id": request.public_id, "action": vh.ACTIONS[vh.REJECT_REFUSAL].slug},
        ),
        {
            "csrfmiddlewaretoken": token,
            "reject_refusal-expected_status": shown,
            "reject_refusal-note": "Niet terecht.",
        },
    )
    assert response.status_code == 409
    assert CONFLICT in response.content.decode()
    assert fresh(request).status == S.REFUSED


def test_a_requesters_page_never_conflicts_on_a_pending_refusal(filed_request, actors, requester):
    """R11: the requester's page carries "in behandeling" while a refusal waits for a second
    person; the services compare with that, so nothing reveals the pending refusal."""
    request = _refusal_pending(filed_request, actors)
    client = verify_client(Client(), requester)
    html = client.get(reverse("requests:detail", kwargs={"public_id": request.public_id})).content.decode()
    assert S.REFUSAL_PENDING.value not in html
    withdraw_url = reverse(
        "requests:action", kwargs={"public_id": request.public_id, "action": vh.ACTIONS[vh.WITHDRAW].slug}
    )
    html = client.get(withdraw_url).content.decode()
    assert S.REFUSAL_PENDING.value not in html
    assert f'name="withdraw-expected_status" value="{S.IN_PROGRESS.value}"' in html


def test_a_requesters_withdraw_compares_with_the_masked_state(filed_request, actors):
    """R11: while a refusal waits for a second person the requester saw "in behandeling"; that
    page withdraws, and one that claims the real state is just a stale page."""
    request = _refusal_pending(filed_request, actors)
    with pytest.raises(Conflict) as caught:
        filing_services.request_withdraw(
            actor=actors["requester"], request=fresh(request), reason="Niet meer nodig.",
            expected_status=S.REFUSAL_PENDING,
        )
    assert str(caught.value) == CONFLICT
    assert fresh(request).status == S.REFUSAL_PENDING
    filing_services.request_withdraw(
        actor=actors["requester"], request=fresh(request), reason="Niet meer nodig.",
        expected_status=S.IN_PROGRESS,
    )
    assert fresh(request).status == S.WITHDRAWN


@pytest.mark.parametrize(
    ("name", "prepare", "move_on", "data"),
    [
        # The clinician picked the request up after the requester's page was rendered.
        (vh.WITHDRAW, _submitted, lambda r, a: take(r, a["clinician"]), {"reason": "Niet meer nodig."}),
        # The requester's colleague already closed it from another page.
        (
            vh.ACKNOWLEDGE,
            _answered,
            lambda r, a: filing_services.request_acknowledge(actor=a["requester"], request=r),
            {},
        ),
        # A colleague already contested the refusal.
        (
            vh.CONTEST,
            _refused,
            lambda r, a: filing_services.request_contest_refusal(
                actor=a["requester"], request=r, reason="Wij zijn het oneens."
            ),
            {"reason": "Ook wij zijn het oneens."},
        ),
    ],
)
def test_a_requesters_stale_page_conflicts_in_the_browser(
    name, prepare, move_on, data, filed_request, actors, requester
):
    request = prepare(filed_request, actors)
    client = _csrf_client(requester)
    page = client.get(
        reverse("requests:action", kwargs={"public_id": request.public_id, "action": vh.ACTIONS[name].slug})
    ).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    shown = re.search(rf'name="{name}-expected_status" value="([^"]*)"', page).group(1)
    move_on(fresh(request), actors)
    before = snapshot(request)
    response = client.post(
        reverse("requests:action", kwargs={"public_id": request.public_id, "action": vh.ACTIONS[name].slug}),
        {
            "csrfmiddlewaretoken": token,
            f"{name}-expected_status": shown,
            **{f"{name}-{key}": value for key, value in data.items()},
        },
    )
    assert response.status_code == 409
    assert CONFLICT in response.content.decode()
    after = snapshot(request)  # nothing changed (the reads of the page are logged, L5)
    assert (after.status, after.events, after.updated_at) == (before.status, before.events, before.updated_at)

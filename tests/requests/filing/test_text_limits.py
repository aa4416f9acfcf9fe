"""The requesting side's texts have a limit (toolkid/limits.py): a step of the guided form
shows the Dutch message beside the field and keeps what was typed; the services refuse an
over-long text before anything is written, also when called without a form; exactly the limit
is accepted."""

from __future__ import annotations

import html as html_lib

import pytest
from django.urls import reverse

from requests.filing.draft import request_draft_update
from requests.filing.services import request_contest_refusal, request_withdraw
from requests.models import InformationRequest, LegalAdvice, Parent
from tests.requests.helpers import actor_for, assert_refused, decide, fresh
from toolkid.limits import MOTIVATION, NAME, QUESTION
from toolkid.models import Role

pytestmark = pytest.mark.django_db

BORN = "2016-09-01"
#: A sentence of 40 characters, repeated to any length.
SENTENCE = "Noor is vaak alleen thuis en ziet er moe "


def text(length: int) -> str:
    """Readable text of exactly ``length`` characters (no space at the end for the form to strip)."""
    return (SENTENCE * (length // len(SENTENCE) + 1))[: length - 1] + "."


def too_long(limit: int) -> str:
    return f"Maximaal {limit:,} tekens (u typte er {limit + 1:,}).".replace(",", ".")


def start(client) -> InformationRequest:
    response = client.post(reverse("requests:new"))
    assert response.status_code == 302
    return InformationRequest.objects.get()


def step_url(info: InformationRequest, slug: str) -> str:
    return reverse("requests:step", kwargs={"public_id": info.public_id, "step": slug})


# --- the guided form -------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["next", "save"])
def test_a_reason_one_over_the_limit_is_refused_beside_the_field_and_kept(client, action):
    """Also "Opslaan als concept" refuses it: too long is wrong, not merely incomplete."""
    info = start(client)
    typed = text(MOTIVATION + 1)
    response = client.post(
        step_url(info, "ernst-en-reden"),
        {"severity": "twijfel_welzijn", "reason": typed, "action": action},
    )
    assert response.status_code == 200
    page = html_lib.unescape(response.content.decode())
    assert 'id="id_reason_error"' in page and 'href="#id_reason"' in page
    assert too_long(MOTIVATION) in page  # "Maximaal 4.000 tekens (u typte er 4.001)."
    assert f"{typed}</textarea>" in page  # nothing typed is lost
    assert 'maxlength="4000"' in page
    assert fresh(info).reason == ""


def test_a_reason_of_exactly_the_limit_is_saved(client):
    info = start(client)
    typed = text(MOTIVATION)
    response = client.post(
        step_url(info, "ernst-en-reden"),
        {"severity": "twijfel_welzijn", "reason": typed, "action": "next"},
    )
    assert response.status_code == 302
    assert fresh(info).reason == typed


def test_a_question_per_topic_one_over_the_limit_is_refused_beside_it(client):
    info = start(client)
    typed = text(QUESTION + 1)
    response = client.post(step_url(info, "vragen"), {
        "topics-a-selected": "on", "topics-a-question": typed,
        "no_parenting_judgement_confirmed": "on", "action": "next",
    })
    assert response.status_code == 200
    page = html_lib.unescape(response.content.decode())
    assert 'id="id_topics-a-question_error"' in page and too_long(QUESTION) in page
    assert f"{typed}</textarea>" in page
    assert fresh(info).topics.count() == 0


# --- the services, without a form ------------------------------------------------------------


@pytest.fixture
def draft(filed_request) -> InformationRequest:
    return filed_request("A", submit=False)


@pytest.fixture
def owner(requester, wijkteam):
    return actor_for(requester, wijkteam)


@pytest.mark.parametrize(
    ("arguments", "key", "limit"),
    [
        ({"fields": {"reason": "x" * (MOTIVATION + 1)}}, "reason", MOTIVATION),
        ({"fields": {"b_only_source": "x" * (MOTIVATION + 1)}}, "b_only_source", MOTIVATION),
        ({"fields": {"phone_contact_with": "x" * (NAME + 1)}}, "phone_contact_with", NAME),
        (
            {"fields": {}, "topics": [{"topic": "a", "question": "x" * (QUESTION + 1)}]},
            "topics-a-question", QUESTION,
        ),
        (
            {"fields": {}, "children": [{"name_or_initials": "x" * (NAME + 1), "date_of_birth": BORN}]},
            "children-0-name_or_initials", NAME,
        ),
        (
            {"fields": {}, "parent": {"name": "x" * (NAME + 1), "date_of_birth": "1988-04-02"}},
            "parent_name", NAME,
        ),
    ],
    ids=["reason", "path-b", "phone-contact-with", "topic-question", "child-name", "parent-name"],
)
def test_the_draft_service_refuses_an_over_long_text_and_writes_nothing(draft, owner, arguments, key, limit):
    topics = list(draft.topics.values_list("topic", "question"))
    children = list(draft.children.values_list("name_or_initials", flat=True))
    parents = Parent.objects.count()
    assert_refused(
        lambda: request_draft_update(actor=owner, request=draft, **arguments),
        draft, key, too_long(limit),
    )
    assert list(fresh(draft).topics.values_list("topic", "question")) == topics
    assert list(fresh(draft).children.values_list("name_or_initials", flat=True)) == children
    assert Parent.objects.count() == parents


def test_the_draft_service_takes_exactly_the_limit(draft, owner):
    request_draft_update(
        actor=owner, request=draft, fields={"reason": "x" * MOTIVATION},
        topics=[{"topic": "a", "question": "y" * QUESTION}],
    )
    assert len(fresh(draft).reason) == MOTIVATION
    assert fresh(draft).topics.get().question == "y" * QUESTION


def test_withdrawing_with_an_over_long_reason_changes_nothing(filed_request, owner):
    req = filed_request("A")
    assert_refused(
        lambda: request_withdraw(actor=owner, request=req, reason="x" * (MOTIVATION + 1)),
        req, "reason", too_long(MOTIVATION),
    )
    request_withdraw(actor=owner, request=req, reason="x" * MOTIVATION)
    assert fresh(req).withdrawn_reason == "x" * MOTIVATION


def test_contesting_a_refusal_with_an_over_long_reason_asks_nobody(
    filed_request, owner, make_user, mondriaan
):
    from requests.handling.services import request_confirm_refusal

    clinician = actor_for(make_user((mondriaan, Role.ZORGVERLENER), username="zorg.lim"))
    leader = actor_for(make_user((mondriaan, Role.TEAMLEIDER), username="tl.lim"))
    req = request_confirm_refusal(actor=leader, request=decide(filed_request("A"), clinician, provide=False))
    assert_refused(
        lambda: request_contest_refusal(actor=owner, request=req, reason="x" * (MOTIVATION + 1)),
        req, "reason", too_long(MOTIVATION),
    )
    assert not LegalAdvice.objects.exists()

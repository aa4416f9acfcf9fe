"""The request's page as a summary with one page per action (issue 13): the summary offers the
allowed actions as links; an action's page shows its one form; success returns to the summary
with a message; a stale page keeps what was typed and says why in Dutch; an action the policy
does not allow now is not offered, and its page explains instead of showing a form."""

from __future__ import annotations

import html as html_lib
import re

import pytest

from requests.core.workflow import RequestStatus
from requests.detail.summary import next_step
from requests.filing import actions as fa
from requests.handling import actions as ha
from requests.handling.services import request_confirm_refusal
from tests.requests.helpers import actor_for, decide, fresh, take
from tests.requests.pages import (
    action_page,
    action_url,
    csrf_client,
    csrf_token,
    detail_url,
    offered_actions,
    page,
    post_action,
    slugs,
)

pytestmark = pytest.mark.django_db

S = RequestStatus
CONFLICT = "Een collega heeft dit verzoek zojuist behandeld."


def _forms(html: str) -> list[str]:
    return re.findall(r'<form method="post" action="(/verzoeken/[^"]+/actie/[a-z-]+/)"', html)


def test_the_summary_offers_actions_as_links_not_forms(filed_request, clinician):
    req = filed_request("A")
    html = page(csrf_client(clinician), detail_url(req))
    assert offered_actions(csrf_client(clinician), req) == slugs(ha.TAKE, ha.RETURN)
    assert f'href="{action_url(req, ha.TAKE)}"' in html
    assert _forms(html) == []  # no stacked forms on the request's page
    assert "Wat gebeurt er nu?" in html
    assert next_step(S.SUBMITTED, provider=True) in html
    assert "Nog niet toegewezen" in html


def test_an_action_page_shows_its_one_form_with_context(filed_request, clinician):
    req = decide(filed_request("A"), actor_for(clinician), provide=True)
    html = html_lib.unescape(action_page(csrf_client(clinician), req, ha.ANSWER))
    assert _forms(html) == [action_url(req, ha.ANSWER)]
    assert '<h1 class="utrecht-heading-1">Antwoord opstellen</h1>' in html
    assert req.reference in html and "Antwoord in voorbereiding" in html
    for topic in req.topics.all():  # the questions being answered
        assert topic.question in html


def test_success_returns_to_the_summary_with_a_message(filed_request, clinician):
    req = filed_request("A")
    client = csrf_client(clinician)
    response = post_action(client, req, ha.TAKE)
    assert response.status_code == 302 and response.url == detail_url(req)
    html = page(client, response.url)
    assert "U hebt het verzoek opgepakt." in html
    assert "Status:</strong> In behandeling" in html
    assert ha.ACTIONS[ha.TAKE].slug not in offered_actions(client, req)


def test_a_stale_page_keeps_what_was_typed_and_says_why(filed_request, requester, clinician):
    req = filed_request("A")
    client = csrf_client(requester)
    opened = action_page(client, req, fa.WITHDRAW)  # rendered while "Ingediend"
    take(req, actor_for(clinician))  # meanwhile the clinician picks it up

    typed = "Het gezin is verhuisd naar Maastricht."
    response = client.post(action_url(req, fa.WITHDRAW), {
        "csrfmiddlewaretoken": csrf_token(opened),
        "withdraw-expected_status": S.SUBMITTED,
        "withdraw-reason": typed,
    })
    assert response.status_code == 409
    html = html_lib.unescape(response.content.decode())
    assert CONFLICT in html
    assert "Het verzoek heeft nu de status ‘In behandeling’." in html
    assert f"{typed}</textarea>" in html  # what was typed is kept
    assert fresh(req).status == S.IN_PROGRESS
    # The form now carries today's state: sending it again is a deliberate second try.
    assert f'name="withdraw-expected_status" value="{S.IN_PROGRESS}"' in response.content.decode()
    again = client.post(action_url(req, fa.WITHDRAW), {
        "csrfmiddlewaretoken": csrf_token(html), "withdraw-expected_status": S.IN_PROGRESS,
        "withdraw-reason": typed,
    })
    assert again.status_code == 302 and fresh(req).status == S.WITHDRAWN


def test_an_action_not_allowed_now_is_not_offered_and_its_page_explains(filed_request, requester, clinician):
    req = filed_request("A")
    jeugd = csrf_client(requester)
    assert ha.ACTIONS[ha.TAKE].slug not in offered_actions(jeugd, req)
    html = action_page(jeugd, req, ha.TAKE, status=403)  # the wrong side
    assert "Dit kan niet" in html and _forms(html) == []

    zorg = csrf_client(clinician)
    take(req, actor_for(clinician))
    html = html_lib.unescape(action_page(zorg, req, ha.TAKE, status=409))  # the wrong moment
    assert "Dit kan niet" in html and _forms(html) == []
    assert "Het verzoek heeft nu de status ‘In behandeling’." in html


def test_an_action_page_of_a_request_not_visible_is_not_found(filed_request, outsider_clinician):
    req = filed_request("A")
    action_page(csrf_client(outsider_clinician), req, ha.TAKE, status=404)


def test_the_refusal_reason_stands_beside_the_status(filed_request, requester, clinician, teamleider):
    req = decide(filed_request("B"), actor_for(clinician), provide=False)
    jeugd = csrf_client(requester)
    # R11: while the refusal waits for a second person the requester sees neither it nor a reason.
    html = page(jeugd, detail_url(req))
    assert "Reden van de weigering" not in html
    request_confirm_refusal(actor=actor_for(teamleider), request=fresh(req), note="Terecht.",
                            expected_status=S.REFUSAL_PENDING)
    html = html_lib.unescape(page(jeugd, detail_url(req)))
    status = html[html.index('class="request-status"'):]
    status = status[:status.index("</div>")]
    assert "Geweigerd" in status and "Reden van de weigering:" in status
    assert "Afgewogen na overleg; zie dossier." in status
    assert next_step(S.REFUSED, provider=False) in html


def test_every_state_has_a_next_step_for_both_sides():
    for status in S:
        for provider in (True, False):
            if status == S.REFUSAL_PENDING and not provider:
                continue  # R11: the requester never sees this state
            if status == S.DRAFT and provider:
                continue  # a draft is the requester's alone
            assert next_step(status, provider=provider), (status, provider)


def test_legal_advice_has_its_own_page(filed_request, clinician, legal_advisor):
    from django.urls import reverse

    from requests.models import LegalAdvice

    req = take(filed_request("A"), actor_for(clinician))
    post_action(csrf_client(clinician), req, ha.ASK_LEGAL_ADVICE, {"question": "Mag dit zonder toestemming?"})
    advice = LegalAdvice.objects.get(request=req)
    url = reverse("requests:advise", kwargs={"public_id": req.public_id, "advice_id": advice.pk})
    jurist = csrf_client(legal_advisor)
    assert f'href="{url}"' in page(jurist, detail_url(req))  # a link, not a form
    html = page(jurist, url)
    assert "Mag dit zonder toestemming?" in html and f'action="{url}"' in html
    response = jurist.post(url, {"csrfmiddlewaretoken": csrf_token(html), "advise-advice": "Het mag niet."})
    assert response.status_code == 302 and response.url == detail_url(req)
    again = page(jurist, url, status=409)  # given: the page says so, without a form
    assert f'action="{url}"' not in again
    # The clinician asked; advising is not theirs.
    assert f'action="{url}"' not in page(csrf_client(clinician), url, status=403)

"""The guided filing form *Nieuw informatieverzoek* and *Mijn verzoeken*, through the browser's
eyes (the Django test client, logged in with two factors).

The protocol itself (what a complete request needs) is tested on the services; here: every
step validates and keeps what was typed, the review page sends exactly one request, and nobody
else reaches a draft.
"""

from __future__ import annotations

import datetime
import re
import uuid

import pytest
from django.contrib.messages import SUCCESS
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone, translation

from requests.core.workflow import RequestStatus
from requests.filing.views import SESSION_SUBMIT_TOKENS
from requests.handling.services import request_return_for_reformulation, request_take
from requests.models import InformationRequest, LegalFramework, RequestEvent
from tests.requests.helpers import PATH_B_FIELDS, PATH_C_FIELDS, actor_for, make_consent
from toolkid.models import OrganisationKind, Role

S = RequestStatus
STEP_SLUGS = (
    "telefonisch-contact", "ouder-en-kinderen", "kader-en-ontvanger",
    "ernst-en-reden", "vragen", "toestemming",
)

YESTERDAY = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()

PHONE = {"phone_contact_date": YESTERDAY, "phone_contact_with": "Mevrouw J. Hermans, behandelaar"}
CHILDREN_MANAGEMENT = {
    "children-INITIAL_FORMS": "0", "children-MIN_NUM_FORMS": "0", "children-MAX_NUM_FORMS": "15",
}
PARENT = {
    "parent_name": "Sanne de Vries",
    "parent_date_of_birth": "1988-04-02",
    "parent_bsn": "111222333",
    "children-TOTAL_FORMS": "2",
    **CHILDREN_MANAGEMENT,
    "children-0-name_or_initials": "N.",
    "children-0-date_of_birth": "2016-09-01",
    "children-1-name_or_initials": "T.",
    "children-1-date_of_birth": "2019-02-14",
}
SEVERITY = {
    "severity": "twijfel_welzijn",
    "reason": "School meldt dat Noor vaak alleen thuis is en er moe uitziet.",
}
QUESTIONS = {
    "topics-a-selected": "on",
    "topics-a-question": "Welke gevolgen heeft de depressie voor de emotionele beschikbaarheid?",
    "topics-c-selected": "on",
    "topics-c-question": "Komt moeder haar afspraken na?",
    "no_parenting_judgement_confirmed": "on",
}
CONSENT_B = {"consent_path": "B", **{k: ("on" if v is True else v) for k, v in PATH_B_FIELDS.items()}}
CONSENT_C = {"consent_path": "C", **PATH_C_FIELDS}


def step_url(info: InformationRequest, slug: str) -> str:
    return reverse("requests:step", kwargs={"public_id": info.public_id, "step": slug})


def review_url(info: InformationRequest) -> str:
    return reverse("requests:review", kwargs={"public_id": info.public_id})


def submit_url(info: InformationRequest) -> str:
    return reverse("requests:submit", kwargs={"public_id": info.public_id})


def html(response) -> str:
    return response.content.decode()


def fresh(info: InformationRequest) -> InformationRequest:
    return InformationRequest.objects.get(pk=info.pk)


def start(client) -> InformationRequest:
    before = set(InformationRequest.objects.values_list("pk", flat=True))
    response = client.post(reverse("requests:new"))
    info = InformationRequest.objects.exclude(pk__in=before).get()
    assert response.status_code == 302
    assert response.url == step_url(info, "telefonisch-contact")
    return info


def post_step(client, info, slug, data, action="next"):
    return client.post(step_url(info, slug), {**data, "action": action})


def fill_steps_1_to_5(client, info, framework):
    for slug, data, following in (
        ("telefonisch-contact", PHONE, "ouder-en-kinderen"),
        ("ouder-en-kinderen", PARENT, "kader-en-ontvanger"),
        ("kader-en-ontvanger", framework, "ernst-en-reden"),
        ("ernst-en-reden", SEVERITY, "vragen"),
        ("vragen", QUESTIONS, "toestemming"),
    ):
        response = post_step(client, info, slug, data)
        assert response.status_code == 302, html(response)
        assert response.url == step_url(info, following)
        # GET shows the saved values again.
        page = html(client.get(step_url(info, slug)))
        for key, value in data.items():
            if key.startswith("children-") and key.endswith("FORMS"):
                continue
            if value not in ("on",) and not key.endswith("_organisation") and not key.endswith("clinician"):
                assert value in page, (slug, key)


def choose_the_ground_that_applies(client, info, framework) -> None:
    """L3: without consent (path B, C) the voluntary framework chosen at step 3 contradicts; the
    review step sends the requester back to choose the ground that applies."""
    review = html(client.get(review_url(info)))
    assert "Kies het kader dat wel van toepassing is" in review
    assert "Verzoek versturen" not in review
    page = html(client.get(step_url(info, "kader-en-ontvanger")))
    assert "Conflict van plichten — voorgesteld" in page  # the suggestion follows the consent path
    response = post_step(client, info, "kader-en-ontvanger",
                         {**framework, "legal_framework": LegalFramework.CONFLICT_OF_DUTIES})
    assert response.status_code == 302, html(response)


def submit_token_of(client, info) -> str:
    return client.session[SESSION_SUBMIT_TOKENS][str(info.public_id)]


def due_text(info: InformationRequest) -> str:
    with translation.override("nl"):
        return formats.date_format(info.due_date, "l j F Y")


# --------------------------------------------------------------------------------------------
# The whole way, once per path
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["A", "B", "C"])
def test_happy_path_files_exactly_one_request_and_shows_the_due_date(
    path, client, framework, wijkteam, mondriaan, requester
):
    intro = client.get(reverse("requests:new"))
    assert intro.status_code == 200
    assert "Spreken gaat voor schrijven" in html(intro)

    info = start(client)
    fill_steps_1_to_5(client, info, framework)

    if path == "A":
        declaration = make_consent(parent=fresh(info).parent, organisation=wijkteam, recipient=mondriaan,
                                   created_by=requester)
        page = html(client.get(step_url(info, "toestemming")))
        assert f'value="{declaration.pk}"' in page
        consent = {"consent_path": "A", "consent_declaration": str(declaration.pk)}
    else:
        consent = CONSENT_B if path == "B" else CONSENT_C
    response = post_step(client, info, "toestemming", consent)
    assert response.status_code == 302, html(response)
    assert response.url == review_url(info)
    if path != "A":
        choose_the_ground_that_applies(client, info, framework)

    review = client.get(review_url(info))
    page = html(review)
    assert review.status_code == 200
    assert "Nog niet compleet" not in page
    assert "Sanne de Vries" in page and "Mondriaan" in page
    assert page.count(">Wijzigen<") == 6
    token = submit_token_of(client, info)
    assert f'value="{token}"' in page

    response = client.post(submit_url(info), {"submit_token": token}, follow=True)
    assert response.status_code == 200
    # After sending: the request's own page.
    assert response.redirect_chain[-1][0] == reverse("requests:detail", kwargs={"public_id": info.public_id})
    sent = fresh(info)
    assert sent.status == S.SUBMITTED
    assert sent.consent_path == path
    assert sent.reference and sent.due_date
    assert InformationRequest.objects.count() == 1
    page = html(response)
    assert sent.reference in page
    assert due_text(sent) in page
    assert "Hoe is deze datum berekend?" in page
    assert sent.children.count() == 2
    assert sorted(sent.topics.values_list("topic", flat=True)) == ["a", "c"]
    # Only the chosen path's explanations travel with the request.
    if path != "B":
        assert sent.b_risk_of_serious_harm == "" and not sent.b_will_inform_parent
    if path != "C":
        assert sent.c_why_not_asked == ""


def test_double_submit_with_the_same_token_files_one_request(client, framework):
    info = start(client)
    fill_steps_1_to_5(client, info, framework)
    post_step(client, info, "toestemming", CONSENT_C)
    choose_the_ground_that_applies(client, info, framework)
    client.get(review_url(info))
    token = submit_token_of(client, info)

    first = client.post(submit_url(info), {"submit_token": token})
    sent = fresh(info)
    second = client.post(submit_url(info), {"submit_token": token})

    assert first.status_code == second.status_code == 302
    assert first.url == second.url == reverse("requests:detail", kwargs={"public_id": info.public_id})
    assert InformationRequest.objects.filter(status=S.SUBMITTED).count() == 1
    assert RequestEvent.objects.filter(request=info, kind="submitted").count() == 1
    # What request_submit's token guarantees beyond the state machine: the second call returns
    # the request that token sent, unchanged and without an error — so the second POST gets the
    # very same "verstuurd" answer, not the view's fallback for a move that was refused.
    again = fresh(info)
    assert again.submit_token == uuid.UUID(token)
    assert (again.reference, again.submitted_at, again.due_date, again.due_explanation) == (
        sent.reference, sent.submitted_at, sent.due_date, sent.due_explanation
    )
    first_messages = [(m.level, str(m)) for m in first.wsgi_request._messages]
    second_messages = [(m.level, str(m)) for m in second.wsgi_request._messages]
    # (not followed, so the first POST's message is still queued before the second's)
    assert second_messages == first_messages * 2
    assert {level for level, _text in second_messages} == {SUCCESS}
    assert f"Uw informatieverzoek {sent.reference} is verstuurd" in second_messages[-1][1]


def test_double_post_of_the_start_form_opens_one_draft(client):
    intro = html(client.get(reverse("requests:new")))
    token = re.search(r'name="start_token" value="([0-9a-f-]{36})"', intro).group(1)
    assert token not in str(dict(client.session))  # kept nowhere but the form

    first = client.post(reverse("requests:new"), {"start_token": token})
    second = client.post(reverse("requests:new"), {"start_token": token})

    info = InformationRequest.objects.get()
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == step_url(info, "telefonisch-contact")
    assert RequestEvent.objects.filter(request=info, kind="created").count() == 1

    # A fresh intro page (a new token) starts a new draft.
    other = re.search(r'name="start_token" value="([0-9a-f-]{36})"',
                      html(client.get(reverse("requests:new")))).group(1)
    assert other != token
    client.post(reverse("requests:new"), {"start_token": other})
    assert InformationRequest.objects.count() == 2


def test_the_review_page_lists_what_is_missing_with_links_and_offers_no_submit(client):
    info = start(client)
    post_step(client, info, "telefonisch-contact", PHONE)
    page = html(client.get(review_url(info)))
    assert "Nog niet compleet" in page
    assert "Vul de naam van de ouder in." in page
    assert f'href="{step_url(info, "ouder-en-kinderen")}#id_parent_name"' in page
    assert f'href="{step_url(info, "toestemming")}#id_consent_path_0"' in page
    assert "Verzoek versturen" not in page


def test_submitting_an_incomplete_request_changes_nothing(client):
    info = start(client)
    response = client.post(submit_url(info), {"submit_token": str(uuid.uuid4())}, follow=True)
    assert fresh(info).status == S.DRAFT
    assert "nog niet compleet" in html(response)


# --------------------------------------------------------------------------------------------
# Each step: Dutch errors beside the fields and on top, what was typed kept
# --------------------------------------------------------------------------------------------


def assert_refused_with(response, *texts, field_error=True):
    page = html(response)
    assert response.status_code == 200
    assert 'class="error-summary"' in page
    if field_error:
        assert 'aria-invalid="true"' in page
    for text in texts:
        assert text in page, text
    return page


def test_step_1_requires_date_and_person_and_keeps_what_was_typed(client):
    info = start(client)
    response = post_step(client, info, "telefonisch-contact", {"phone_contact_with": "Meneer P. Smeets"})
    assert_refused_with(
        response,
        "Vul de datum van het telefonisch contact in",
        'value="Meneer P. Smeets"',
        'href="#id_phone_contact_date"',
        'aria-describedby="id_phone_contact_date_helptext id_phone_contact_date_error"',
    )
    assert fresh(info).phone_contact_with == ""

    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = post_step(client, info, "telefonisch-contact", {"phone_contact_date": tomorrow})
    assert_refused_with(response, "ligt in de toekomst", f'value="{tomorrow}"',
                        "Vul in met wie u telefonisch contact had.")


def test_step_2_requires_parent_and_a_child_and_keeps_what_was_typed(client):
    info = start(client)
    data = {
        "parent_name": "Sanne de Vries",
        "parent_bsn": "111 222 333",
        "parent_is_incapacitated": "on",
        "children-TOTAL_FORMS": "1",
        **CHILDREN_MANAGEMENT,
        "children-0-name_or_initials": "N.",
        "children-0-date_of_birth": "",
    }
    response = post_step(client, info, "ouder-en-kinderen", data)
    assert_refused_with(
        response,
        "Vul de geboortedatum van de ouder in.",
        "Vul de geboortedatum van het kind in.",
        "Vul de naam van de vertegenwoordiger van de ouder in.",
        "Kies wie de ouder vertegenwoordigt.",
        'value="Sanne de Vries"',
        'value="111 222 333"',
        'value="N."',
        'href="#id_children-0-date_of_birth"',
    )
    assert fresh(info).parent is None

    empty = {"children-TOTAL_FORMS": "1", **CHILDREN_MANAGEMENT,
             "parent_name": "Sanne de Vries", "parent_date_of_birth": "1988-04-02"}
    response = post_step(client, info, "ouder-en-kinderen", empty)
    page = assert_refused_with(response, "Voeg ten minste één kind toe.", field_error=False)
    assert 'aria-describedby="kinderen-hint kinderen-fout"' in page


def test_step_2_bsn_must_pass_the_elfproef(client):
    info = start(client)
    data = {**PARENT, "parent_bsn": "123456789"}
    response = post_step(client, info, "ouder-en-kinderen", data)
    page = assert_refused_with(response, "Dit is geen geldig BSN", 'value="123456789"')
    assert 'inputmode="numeric"' in page and 'autocomplete="off"' in page
    assert fresh(info).parent is None


def test_step_2_shows_the_childrens_age_on_redisplay(client):
    info = start(client)
    post_step(client, info, "ouder-en-kinderen", PARENT)
    page = html(client.get(step_url(info, "ouder-en-kinderen")))
    today = timezone.localdate()
    born = datetime.date(2016, 9, 1)
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    assert f"Leeftijd: {age} jaar" in page


def test_add_a_child_without_javascript_keeps_everything_typed(client):
    info = start(client)
    data = {
        "parent_name": "Sanne de Vries",
        "parent_date_of_birth": "1988-04-02",
        "parent_bsn": "12345",  # not valid, but nothing is validated yet
        "children-TOTAL_FORMS": "1",
        **CHILDREN_MANAGEMENT,
        "children-0-name_or_initials": "N.",
        "children-0-date_of_birth": "2016-09-01",
    }
    response = post_step(client, info, "ouder-en-kinderen", data, action="add_child")
    page = html(response)
    assert response.status_code == 200
    assert 'class="error-summary"' not in page
    typed = ('value="Sanne de Vries"', 'value="1988-04-02"', 'value="12345"',
             'value="N."', 'value="2016-09-01"')
    for text in typed:
        assert text in page, text
    assert 'name="children-1-name_or_initials"' in page
    assert re.search(r'name="children-TOTAL_FORMS" value="2"', page)
    assert fresh(info).parent is None  # nothing saved yet

    # The new row is filled in and everything is saved in one go.
    data.update({"children-TOTAL_FORMS": "2", "parent_bsn": "111222333",
                 "children-1-name_or_initials": "T.", "children-1-date_of_birth": "2019-02-14"})
    response = post_step(client, info, "ouder-en-kinderen", data)
    assert response.status_code == 302, html(response)
    assert list(fresh(info).children.values_list("name_or_initials", flat=True)) == ["N.", "T."]


def test_step_3_another_framework_needs_a_reason(client, framework):
    info = start(client)
    data = {**framework, "legal_framework": LegalFramework.CONFLICT_OF_DUTIES}
    response = post_step(client, info, "kader-en-ontvanger", data)
    assert_refused_with(response, "U kiest een ander kader dan voorgesteld; licht toe waarom.")
    assert fresh(info).legal_framework == ""  # L3: empty until chosen
    assert fresh(info).receiving_organisation is None

    data["framework_change_reason"] = "Acuut gevaar."
    response = post_step(client, info, "kader-en-ontvanger", data)
    assert response.status_code == 302
    assert fresh(info).legal_framework == LegalFramework.CONFLICT_OF_DUTIES


def test_step_3_marks_the_suggestion_and_requires_a_receiver(client):
    info = start(client)
    page = html(client.get(step_url(info, "kader-en-ontvanger")))
    assert "— voorgesteld" in page
    assert re.search(r'value="vrijwillig"[^>]*checked', page)
    response = post_step(client, info, "kader-en-ontvanger",
                         {"legal_framework": "vrijwillig", "framework_change_reason": "Mijn getypte tekst"})
    assert_refused_with(response, "Kies de organisatie voor volwassenenzorg die u om informatie vraagt.")


def test_step_3_the_clinician_must_work_at_the_chosen_organisation(
    client, framework, make_organisation, make_user
):
    elsewhere = make_organisation("GGZ Oostrand", OrganisationKind.VOLWASSENENZORG, "Kerkrade")
    stranger = make_user((elsewhere, Role.ZORGVERLENER), first_name="Karel", last_name="Elders")
    youth = make_organisation("Koraal", OrganisationKind.JEUGDHULP, "Heerlen")
    make_user((youth, Role.ZORGVERLENER), first_name="Niet", last_name="Volwassenenzorg")
    info = start(client)
    page = html(client.get(step_url(info, "kader-en-ontvanger")))
    assert "Karel Elders" in page and "Koraal" not in page and "Niet Volwassenenzorg" not in page
    data = {**framework, "intended_clinician": str(stranger.pk)}
    response = post_step(client, info, "kader-en-ontvanger", data)
    assert_refused_with(response, "Deze zorgverlener werkt niet bij Mondriaan")
    assert fresh(info).intended_clinician is None


def test_step_4_requires_severity_and_keeps_the_reason(client):
    info = start(client)
    response = post_step(client, info, "ernst-en-reden", {"reason": "Mijn uitleg over de zorgen."})
    assert_refused_with(response, "Kies de ernst van de situatie.", "Mijn uitleg over de zorgen.",
                        'href="#id_severity_0"', "<fieldset")


def test_step_5_requires_a_topic_with_its_question_and_the_confirmation(client):
    info = start(client)
    response = post_step(client, info, "vragen", {})
    assert_refused_with(response, "Kies ten minste één onderwerp en stel uw vraag.",
                        "Bevestig dat u de zorgverlener niet vraagt te oordelen over het ouderschap.")

    response = post_step(client, info, "vragen", {
        "topics-b-selected": "on", "topics-b-question": "Wat ziet u aan klachten?",
        "topics-d-selected": "on",
        "topics-e-question": "Een vraag zonder vinkje",
    })
    assert_refused_with(response, "Stel uw vraag bij dit onderwerp.", "Wat ziet u aan klachten?",
                        "Bevestig dat u de zorgverlener niet vraagt te oordelen over het ouderschap.")
    # The question of an unticked topic is kept in the page (its box hidden), not asked.
    page = html(response)
    assert "Een vraag zonder vinkje" in page and "Vink dit onderwerp aan" not in page
    assert fresh(info).topics.count() == 0


def test_step_6_path_b_needs_every_r30_explanation(client):
    info = start(client)
    data = {**CONSENT_B, "b_only_source": ""}
    response = post_step(client, info, "toestemming", data)
    page = assert_refused_with(response, "Dit is verplicht als de ouder geen toestemming gaf.",
                               'href="#id_b_only_source"')
    for key, value in data.items():
        if key.startswith("b_") and value not in ("", "on"):
            assert value in page
    assert fresh(info).consent_path == ""


def test_step_6_path_c_needs_both_explanations_and_only_the_chosen_path_is_checked(client):
    info = start(client)
    # B's fields are left empty: they do not count when C is chosen.
    data = {"consent_path": "C", "c_why_not_asked": "Acuut gevaar."}
    response = post_step(client, info, "toestemming", data)
    assert_refused_with(response, "Dit is verplicht als geen toestemming is gevraagd.",
                        "Acuut gevaar.")
    assert "Dit is verplicht als de ouder geen toestemming gaf" not in html(response)


def test_step_6_path_a_needs_a_declaration(client, wijkteam, mondriaan, requester, framework):
    info = start(client)
    post_step(client, info, "ouder-en-kinderen", PARENT)
    post_step(client, info, "kader-en-ontvanger", framework)
    response = post_step(client, info, "toestemming", {"consent_path": "A"})
    page = assert_refused_with(response, "Voeg de toestemmingsverklaring toe.",
                               'href="#id_consent_declaration_0"', 'id="id_consent_declaration_0"',
                               field_error=False)
    assert "Nieuwe toestemmingsverklaring vastleggen" in page

    # Recording a new declaration first saves the page, then goes to the consent form.
    response = post_step(client, info, "toestemming", {"consent_path": "A"}, action="new_consent")
    parent = fresh(info).parent
    assert response.status_code == 302
    assert response.url == (reverse("consent:create", kwargs={"parent_public_id": parent.public_id})
                            + f"?verzoek={info.public_id}")
    assert fresh(info).consent_path == "A"

    # Back from the consent form: the new declaration is proposed.
    declaration = make_consent(parent=parent, organisation=wijkteam, recipient=mondriaan,
                               created_by=requester)
    page = html(client.get(step_url(info, "toestemming") + f"?toestemming={declaration.public_id}"))
    assert re.search(rf'value="{declaration.pk}"[^>]*checked', page)


def test_save_as_draft_keeps_incomplete_data_and_returns_to_the_list(client):
    info = start(client)
    response = post_step(client, info, "ernst-en-reden", {"reason": "Nog niet af."}, action="save")
    assert response.status_code == 302
    assert response.url == reverse("requests:outgoing")
    saved = fresh(info)
    assert saved.reason == "Nog niet af." and saved.draft_step == "ernst-en-reden"

    # "Vorige" saves too and goes back one step; malformed input is still refused.
    response = post_step(client, info, "ernst-en-reden", {"reason": "Anders."}, action="previous")
    assert response.url == step_url(info, "kader-en-ontvanger")
    assert fresh(info).reason == "Anders."
    response = post_step(client, info, "telefonisch-contact", {"phone_contact_date": "31-02-2026"},
                         action="save")
    assert_refused_with(response, "Vul een geldige datum in", 'value="31-02-2026"')


# --------------------------------------------------------------------------------------------
# Who may, and when
# --------------------------------------------------------------------------------------------


def test_another_organisation_gets_404_on_every_page_of_a_draft(
    client, verified_client, make_organisation, make_user, clinician
):
    info = start(client)
    other = make_organisation("Wijkteam Kerkrade", OrganisationKind.WIJKTEAM, "Kerkrade")
    outsiders = [verified_client(make_user((other, Role.JEUGDHULPVERLENER))), verified_client(clinician)]
    for outsider in outsiders:
        for slug in (*STEP_SLUGS, "controleren"):
            assert outsider.get(step_url(info, slug)).status_code == 404, slug
            assert outsider.post(step_url(info, slug), {"action": "next", **PHONE}).status_code == 404, slug
        assert outsider.get(review_url(info)).status_code == 404
        assert outsider.post(submit_url(info), {"submit_token": str(uuid.uuid4())}).status_code == 404
    assert fresh(info).phone_contact_with == ""


def test_unknown_step_is_404(client):
    info = start(client)
    assert client.get(step_url(info, "iets-anders")).status_code == 404


def test_a_clinician_cannot_start_a_request(verified_client, clinician):
    assert verified_client(clinician).get(reverse("requests:new")).status_code == 403
    assert verified_client(clinician).post(reverse("requests:new")).status_code == 403
    assert InformationRequest.objects.count() == 0


def test_a_submitted_request_cannot_be_edited_through_the_steps(client, filed_request):
    info = filed_request("C")
    before = fresh(info).reason
    data = {**SEVERITY, "reason": "Gewijzigd", "action": "next"}
    response = client.post(step_url(info, "ernst-en-reden"), data, follow=True)
    assert "kan niet meer worden gewijzigd" in html(response)
    assert fresh(info).reason == before
    response = client.get(review_url(info), follow=True)
    assert "kan niet meer worden gewijzigd" in html(response)


def test_a_returned_request_is_edited_and_resubmitted(client, filed_request, clinician, mondriaan):
    info = filed_request("C")
    clinician_actor = actor_for(clinician, mondriaan)
    info = request_take(actor=clinician_actor, request=info)
    suggestion = "Vraag naar het verloop van de behandeling, niet naar de opvoeding."
    request_return_for_reformulation(actor=clinician_actor, request=info, suggestion=suggestion)

    page = html(client.get(step_url(info, "vragen")))
    assert suggestion in page
    listing = html(client.get(reverse("requests:outgoing")))
    assert "Herformuleren" in listing and "termijn staat stil" in listing
    assert review_url(info) in listing
    # The receiving organisation stays the same (R7).
    page = html(client.get(step_url(info, "kader-en-ontvanger")))
    assert re.search(r'<select name="receiving_organisation"[^>]*disabled', page)

    response = post_step(client, info, "vragen", {
        "topics-c-selected": "on", "topics-c-question": "Hoe verloopt de behandeling?",
        "no_parenting_judgement_confirmed": "on",
    })
    assert response.status_code == 302, html(response)
    review = client.get(review_url(info))
    assert "Opnieuw versturen" in html(review)
    token = submit_token_of(client, info)
    response = client.post(submit_url(info), {"submit_token": token}, follow=True)
    sent = fresh(info)
    assert sent.status == S.SUBMITTED
    assert list(sent.topics.values_list("topic", flat=True)) == ["c"]
    assert due_text(sent) in html(response)
    # A second click on the same button: the same answer, nothing moves.
    again = client.post(submit_url(info), {"submit_token": token})
    assert again.status_code == 302
    assert RequestEvent.objects.filter(request=info, kind="resubmitted").count() == 1


# --------------------------------------------------------------------------------------------
# Mijn verzoeken
# --------------------------------------------------------------------------------------------


def test_outgoing_shows_initials_and_birth_year_path_status_and_due_chip(client, filed_request):
    sent = filed_request("B")
    draft = start(client)
    post_step(client, draft, "telefonisch-contact", PHONE)  # typed in: a draft worth listing
    page = html(client.get(reverse("requests:outgoing")))
    assert "S.D.V. (1988)" in page
    assert "Sanne de Vries" not in page
    assert sent.reference in page
    assert "De ouder is om toestemming gevraagd en heeft geweigerd" in page
    assert "Ingediend" in page
    assert "nog 5 werkdagen" in page
    assert "Concept" in page
    assert f"/verzoeken/{draft.public_id}/stap/" in page  # "Verder invullen" where it was left


def test_outgoing_due_chip_today_and_overdue(client, filed_request):
    today = timezone.localdate()
    on_time = filed_request("C")
    late = filed_request("C")
    InformationRequest.objects.filter(pk=on_time.pk).update(due_date=today)
    # Ten calendar days back always spans at least six working days.
    InformationRequest.objects.filter(pk=late.pk).update(due_date=today - datetime.timedelta(days=10))
    page = html(client.get(reverse("requests:outgoing")))
    assert "vandaag" in page
    assert re.search(r"\d+ werkdagen te laat", page)


def test_outgoing_query_count_does_not_grow_with_rows(client, filed_request, make_organisation):
    filed_request("C")
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("requests:outgoing")).status_code == 200
    other = make_organisation("GGZ Oostrand", OrganisationKind.VOLWASSENENZORG, "Kerkrade")
    filed_request("B")
    filed_request("C", receiving=other)
    filed_request("A")
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("requests:outgoing")).status_code == 200
    assert len(many) == len(one)


def test_outgoing_empty_state_points_to_a_new_request(client):
    page = html(client.get(reverse("requests:outgoing")))
    assert "Nog geen verzoeken." in page
    assert reverse("requests:new") in page

"""The request's page through the browser (requests/detail, with handling's and the answer
clock's actions): what each side sees and may do, the refusals to confirm (R11) and contested
(R8), errors beside the fields, conflicts, 404s. The inbox and the legal advisor's queue are in
``tests/requests/handling/test_views.py``.

Every step goes through the Django test client as a POST from the rendered page, with CSRF
checks on; the services behind them are tested in test_workflow_*.py.
"""

from __future__ import annotations

import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consent.services import consent_revoke
from requests.core.workflow import RequestStatus
from requests.deadlines import actions as deadline_actions
from requests.detail import actions as page_actions
from requests.filing import actions as fa
from requests.handling import actions as ha
from requests.models import (
    ConsentPath,
    Decision,
    InformationRequest,
    LegalAdvice,
    ParentConsultationOutcome,
    RequestedTopic,
    RequestEvent,
)
from tests.conftest import verify_client
from tests.requests.helpers import ALL_CONFIRMED, actor_for, decide, fill_answer, fresh, take
from tests.requests.pages import (
    action_forms,
    action_page,
    action_url,
    csrf_client,
    csrf_token,
    detail_url,
    page,
    post_action,
    slugs,
)
from toolkid.models import Role

S = RequestStatus
pytestmark = pytest.mark.django_db

CONFLICT = "Een collega heeft dit verzoek zojuist behandeld."
VEILIG_THUIS = "Dan kan Veilig Thuis worden ingeschakeld."
OWN_OBSERVATION = "Moeder kwam op 3 juni onverzorgd naar het gesprek en sliep slecht."
REFUSAL_MOTIVATION = "Na intern overleg: de gevraagde informatie is niet nodig voor de veiligheid."


def answer_data(req: InformationRequest, *, text: str = OWN_OBSERVATION, intent: str = "opslaan",
                confirmations: dict | None = None) -> dict:
    data = {"intent": intent}
    for topic in req.topics.all():
        data[f"topics-{topic.topic}-own_observations"] = text
        data[f"topics-{topic.topic}-weakening_facts"] = "Sinds mei komt zij alle afspraken na."
    for name, given in (confirmations or {}).items():
        if given:
            data[name] = "on"
    return data


@pytest.fixture
def clinician_leader(make_user, mondriaan):
    """A clinician who is also team leader: may decide and, for others' refusals, confirm."""
    return make_user((mondriaan, Role.ZORGVERLENER), (mondriaan, Role.TEAMLEIDER), username="zorg.tl")


# --- only the actions allowed now ------------------------------------------------------------


def test_detail_shows_only_the_actions_allowed_now(filed_request, requester, clinician, teamleider):
    req = filed_request("A")
    requester_page = page(csrf_client(requester), detail_url(req))
    clinician_page = page(csrf_client(clinician), detail_url(req))
    leader_page = page(csrf_client(teamleider), detail_url(req))

    # A clinician of the receiving organisation may pick up a submitted request (or send it back).
    assert action_forms(clinician_page) == slugs(ha.TAKE, ha.RETURN)
    assert ">Oppakken</a>" in clinician_page  # a link to the action's own page
    assert ">Oppakken</button>" in action_page(csrf_client(clinician), req, ha.TAKE)
    # The team leader assigns; the requester may only withdraw.
    assert action_forms(leader_page) == slugs(ha.ASSIGN, ha.RETURN)
    assert action_forms(requester_page) == slugs(fa.WITHDRAW)
    assert "Besluit vastleggen" not in requester_page
    assert "Oppakken" not in requester_page

    take(req, actor_for(clinician))
    requester_page = page(csrf_client(requester), detail_url(req))
    clinician_page = page(csrf_client(clinician), detail_url(req))
    assert "Besluit vastleggen" not in requester_page
    assert action_forms(requester_page) == slugs(fa.WITHDRAW)
    assert action_forms(clinician_page) == slugs(
        ha.RETURN, ha.INTERNAL_CONSULTATION, ha.ASK_LEGAL_ADVICE, ha.DECIDE,
        deadline_actions.EXTEND,  # R26: "Verlenging aanvragen" while handling (UI.md)
    )
    assert "Besluit vastleggen" in clinician_page
    # A colleague who is not the handling clinician sees no handling actions.
    assert action_forms(page(csrf_client(teamleider), detail_url(req))) == slugs(ha.ASSIGN, ha.RETURN)


def test_detail_summary_for_the_case_page(filed_request, clinician):
    req = filed_request("B")
    html = page(csrf_client(clinician), detail_url(req))
    assert req.reference in html
    assert "Sanne de Vries" in html  # the full name on the case page
    assert "De ouder is om toestemming gevraagd en heeft geweigerd" in html  # the path in words
    assert "Alleen de behandelaar weet hoe het verloop van de behandeling is." in html  # R30
    assert "<summary>Hoe is deze datum berekend?</summary>" in html
    assert "Vijf werkdagen geteld" in html
    assert re.search(r"N\., \d+ jaar", html)  # children with ages
    assert "Welke klachten en belemmeringen ziet u, en wat gaat goed?" in html


# --- path A end to end -----------------------------------------------------------------------


def test_path_a_answered_end_to_end_and_acknowledged(filed_request, requester, clinician):
    req = filed_request("A")
    zorg = csrf_client(clinician)
    jeugd = csrf_client(requester)

    response = post_action(zorg, req, ha.TAKE)
    assert response.status_code == 302 and response.url == detail_url(req)
    assert fresh(req).status == S.IN_PROGRESS

    response = post_action(zorg, req, ha.DECIDE, {
        "decision": Decision.PROVIDE, "decision_motivation": "Moeder gaf toestemming voor a en b.",
    })
    assert response.status_code == 302
    assert fresh(req).status == S.ANSWERING
    html = action_page(zorg, req, ha.ANSWER)
    assert "Eigen waarneming" in html and "Bron van de waarneming van anderen" in html
    assert "Feiten die de zorg versterken" in html and "Toelichting vanuit deskundigheid" in html

    # The concept is saved; the requester does not see a draft answer.
    response = post_action(zorg, req, ha.ANSWER, answer_data(req))
    assert response.status_code == 302
    assert fresh(req).status == S.ANSWERING
    assert OWN_OBSERVATION not in page(jeugd, detail_url(req))
    assert OWN_OBSERVATION in action_page(zorg, req, ha.ANSWER)  # the concept, to go on with

    response = post_action(zorg, req, ha.ANSWER, answer_data(req, intent="versturen",
                                                            confirmations=ALL_CONFIRMED))
    assert response.status_code == 302
    assert fresh(req).status == S.ANSWERED

    html = page(jeugd, detail_url(req))
    assert OWN_OBSERVATION in html
    assert "Sinds mei komt zij alle afspraken na." in html
    assert action_forms(html) == slugs(fa.ACKNOWLEDGE)

    response = post_action(jeugd, req, fa.ACKNOWLEDGE)
    assert response.status_code == 302
    assert fresh(req).status == S.CLOSED
    html = page(jeugd, detail_url(req))
    assert "<strong>Status:</strong> Afgesloten" in html
    assert "Gelezen en afgesloten" in html  # on the timeline
    assert action_forms(html) == set()


# --- path B outcome c: the refusal is checked before the requester learns of it (R11) --------


def test_path_b_refusal_hidden_from_requester_until_confirmed(
    filed_request, requester, clinician, teamleider, legal_advisor
):
    req = filed_request("B")
    zorg = csrf_client(clinician)
    jeugd = csrf_client(requester)
    today = timezone.localdate().isoformat()

    assert post_action(zorg, req, ha.TAKE).status_code == 302
    assert "Overleg met ouder vastleggen" in page(zorg, detail_url(req))
    response = post_action(zorg, req, ha.PARENT_CONSULTATION, {
        "date": today, "outcome": ParentConsultationOutcome.DISAGREES,
        "note": "Moeder wil niet dat er informatie wordt gedeeld.",
    })
    assert response.status_code == 302
    response = post_action(zorg, req, ha.INTERNAL_CONSULTATION, {
        "with_whom": "Geneesheer-directeur", "date": today,
        "conclusion": "Niet verstrekken: de vraag gaat verder dan nodig.",
    })
    assert response.status_code == 302
    response = post_action(zorg, req, ha.ASK_LEGAL_ADVICE, {
        "question": "Mogen wij zonder toestemming iets delen over het verloop van de behandeling?",
    })
    assert response.status_code == 302

    # The legal advisor sees the referral and advises; the decision stays with the clinician.
    jurist = csrf_client(legal_advisor)
    queue = page(jurist, reverse("requests:legal_queue"))
    assert "Het besluit blijft bij de zorgverlener." in queue
    assert req.reference in queue
    advice = LegalAdvice.objects.get(request=req)
    response = jurist.post(
        reverse("requests:advise", kwargs={"public_id": req.public_id, "advice_id": advice.pk}),
        {"csrfmiddlewaretoken": csrf_token(queue), "from": "queue",
         "advise-advice": "Alleen delen wat strikt nodig is; hier is dat niet aangetoond."},
    )
    assert response.status_code == 302 and response.url == reverse("requests:legal_queue")
    assert "Er wachten geen adviesvragen op u." in page(jurist, reverse("requests:legal_queue"))
    assert "hier is dat niet aangetoond" in page(zorg, detail_url(req))

    response = post_action(zorg, req, ha.DECIDE, {
        "decision": Decision.NOT_PROVIDE, "decision_motivation": REFUSAL_MOTIVATION,
    })
    assert response.status_code == 302
    assert fresh(req).status == S.REFUSAL_PENDING

    # R11: the requester sees "in behandeling", no decision, no motivation, no R2 sentence.
    html = page(jeugd, detail_url(req))
    assert "<strong>Status:</strong> In behandeling" in html
    assert REFUSAL_MOTIVATION not in html
    assert VEILIG_THUIS not in html
    assert "eigering" not in html  # neither "Weigering" nor "weigering"
    assert "niet verstrekken" not in html.lower()
    assert "Juridisch advies" not in html and "Intern overleg" not in html
    assert action_forms(html) == slugs(fa.WITHDRAW)

    # The provider sees it is waiting for a second person.
    assert "Weigering ter bevestiging" in page(zorg, detail_url(req))

    leider = csrf_client(teamleider)
    refusals_page = page(leider, reverse("requests:refusals"))
    assert req.reference in refusals_page and REFUSAL_MOTIVATION in refusals_page
    response = post_action(leider, req, ha.CONFIRM_REFUSAL, {"note": "Terecht nee."},
                           from_page=reverse("requests:refusals"))
    assert response.status_code == 302
    assert fresh(req).status == S.REFUSED
    assert "Er wachten geen weigeringen op uw bevestiging." in page(leider, reverse("requests:refusals"))

    html = page(jeugd, detail_url(req))
    assert "<strong>Status:</strong> Geweigerd" in html
    assert REFUSAL_MOTIVATION in html
    assert VEILIG_THUIS in html
    assert "Terecht nee." not in html  # the second person's note stays with the provider
    assert action_forms(html) == slugs(fa.CONTEST, fa.ACKNOWLEDGE)


def test_decider_cannot_confirm_their_own_refusal(filed_request, clinician_leader):
    req = filed_request("A")
    decider = actor_for(clinician_leader)
    decide(req, decider, provide=False)
    client = csrf_client(clinician_leader)

    html = page(client, detail_url(req))
    assert page_actions.ACTIONS[ha.CONFIRM_REFUSAL].slug not in action_forms(html)
    assert "wie besloot, kan dat niet zelf" in html

    before = RequestEvent.objects.filter(request=req).count()
    response = post_action(client, req, ha.CONFIRM_REFUSAL, {"note": "Zelf bevestigd."})
    assert response.status_code == 409
    assert "Een weigering moet door een tweede persoon worden bevestigd." in response.content.decode()
    assert fresh(req).status == S.REFUSAL_PENDING
    assert RequestEvent.objects.filter(request=req).count() == before


def test_contested_refusal_advised_and_upheld(filed_request, requester, clinician, teamleider,
                                              legal_advisor):
    req = filed_request("A")
    decide(req, actor_for(clinician), provide=False)
    leider = csrf_client(teamleider)
    assert post_action(leider, req, ha.CONFIRM_REFUSAL).status_code == 302

    jeugd = csrf_client(requester)
    response = post_action(jeugd, req, fa.CONTEST, {"reason": ""})
    assert response.status_code == 400
    assert "Licht toe waarom u bezwaar maakt tegen de weigering." in response.content.decode()
    response = post_action(jeugd, req, fa.CONTEST, {"reason": "De veiligheid van Noor is in het geding."})
    assert response.status_code == 302
    assert fresh(req).status == S.CONTESTED

    zorg = csrf_client(clinician)
    html = page(zorg, detail_url(req))
    assert page_actions.ACTIONS[ha.UPHOLD_REFUSAL].slug not in action_forms(html)  # advice first (R8)
    assert "Het juridisch advies over het bezwaar is nog niet gegeven" in html

    jurist = csrf_client(legal_advisor)
    advice = LegalAdvice.objects.get(request=req)
    html = page(jurist, detail_url(req))
    response = jurist.post(
        reverse("requests:advise", kwargs={"public_id": req.public_id, "advice_id": advice.pk}),
        {"csrfmiddlewaretoken": csrf_token(html), "advise-advice": "De weigering is houdbaar."},
    )
    assert response.status_code == 302

    assert slugs(ha.RECONSIDER, ha.UPHOLD_REFUSAL) <= action_forms(page(zorg, detail_url(req)))
    response = post_action(zorg, req, ha.UPHOLD_REFUSAL, {"motivation": "Na advies blijft het nee."})
    assert response.status_code == 302
    # R11: the upheld "no" waits for a second person; the upholder cannot confirm it.
    assert fresh(req).status == S.REFUSAL_PENDING
    assert page_actions.ACTIONS[ha.CONFIRM_REFUSAL].slug not in action_forms(page(zorg, detail_url(req)))
    html = page(jeugd, detail_url(req))
    assert "Na advies blijft het nee." not in html and "In behandeling" in html
    assert post_action(leider, req, ha.CONFIRM_REFUSAL).status_code == 302
    assert fresh(req).status == S.REFUSED
    html = page(jeugd, detail_url(req))
    assert "Na advies blijft het nee." in html and VEILIG_THUIS in html


# --- errors beside the fields, typed values kept ---------------------------------------------


def test_answer_with_a_missing_confirmation_keeps_the_typed_text(filed_request, clinician):
    req = decide(filed_request("A"), actor_for(clinician), provide=True)
    client = csrf_client(clinician)
    confirmations = dict(ALL_CONFIRMED, confirmed_recorded_in_file=False)
    typed = "Vader vertelde zelf dat hij sinds april weer drinkt."

    response = post_action(client, req, ha.ANSWER, answer_data(
        req, text=typed, intent="versturen", confirmations=confirmations))

    assert response.status_code == 400
    html = response.content.decode()
    message = "Bevestig dat u het contact en wat u verstrekt vastlegt in het ouderdossier."
    assert message in html
    assert 'class="error-summary"' in html and 'href="#id_answer-confirmed_recorded_in_file"' in html
    assert 'id="id_answer-confirmed_recorded_in_file_error"' in html  # beside the field
    assert f"{typed}</textarea>" in html  # what was typed is kept
    assert re.search(r'name="answer-confirmed_factual"[^>]*checked', html)  # and what was ticked
    assert fresh(req).status == S.ANSWERING


def test_decision_without_motivation_shows_the_error_beside_the_field(filed_request, clinician):
    req = take(filed_request("A"), actor_for(clinician))
    response = post_action(csrf_client(clinician), req, ha.DECIDE, {"decision": Decision.PROVIDE})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_decide-decision_motivation_error"' in html
    assert "Motiveer uw besluit." in html
    assert fresh(req).status == S.IN_PROGRESS


def test_decision_form_fits_the_path_and_framework(filed_request, make_user):
    ots = filed_request("B", "ots")
    gi_clinician = make_user((ots.receiving_organisation, Role.ZORGVERLENER), username="zorg.ots")
    take(ots, actor_for(gi_clinician))
    html = action_page(csrf_client(gi_clinician), ots, ha.DECIDE)
    assert "waarom is de informatie niet nodig voor de uitvoering van de OTS?" in html
    assert "Afweging zwaarwegende omstandigheden" not in html

    path_c = filed_request("C")
    take(path_c, actor_for(gi_clinician))
    html = action_page(csrf_client(gi_clinician), path_c, ha.DECIDE)
    assert "Afweging zwaarwegende omstandigheden" in html
    assert "uitvoering van de OTS?" not in html


def test_withdraw_needs_a_reason(filed_request, requester):
    req = filed_request("A")
    client = csrf_client(requester)
    response = post_action(client, req, fa.WITHDRAW, {"reason": "  "})
    assert response.status_code == 400
    assert "Geef aan waarom u het verzoek intrekt." in response.content.decode()
    response = post_action(client, req, fa.WITHDRAW, {"reason": "Gezin is verhuisd."})
    assert response.status_code == 302
    html = page(client, detail_url(req))
    assert "Dit verzoek is ingetrokken." in html and "Gezin is verhuisd." in html


# --- R7 reformulation ------------------------------------------------------------------------


def test_reformulation_suggestion_is_shown_to_the_requester(filed_request, requester, clinician):
    req = filed_request("A")
    suggestion = "Vraag naar het verloop van de behandeling sinds maart, niet naar het ouderschap."
    response = post_action(csrf_client(clinician), req, ha.RETURN, {"suggestion": suggestion})
    assert response.status_code == 302
    assert fresh(req).status == S.RETURNED

    html = page(csrf_client(requester), detail_url(req))
    assert "Teruggestuurd ter herformulering" in html
    assert suggestion in html
    edit = reverse("requests:step", kwargs={"public_id": req.public_id, "step": "telefonisch-contact"})
    assert f'href="{edit}"' in html
    assert action_forms(html) == slugs(fa.WITHDRAW)


# --- concurrency -----------------------------------------------------------------------------


def test_a_stale_second_answer_post_conflicts_and_changes_nothing(filed_request, clinician):
    req = decide(filed_request("A"), actor_for(clinician), provide=True)
    client = csrf_client(clinician)
    assert post_action(client, req, ha.ANSWER, answer_data(
        req, intent="versturen", confirmations=ALL_CONFIRMED)).status_code == 302
    assert fresh(req).status == S.ANSWERED
    events = RequestEvent.objects.filter(request=req).count()

    # The same form, rendered while the request was still being answered, sent again.
    response = post_action(client, req, ha.ANSWER, answer_data(
        req, text="Een andere tekst.", intent="versturen", confirmations=ALL_CONFIRMED),
        expected=S.ANSWERING)

    assert response.status_code == 409
    html = response.content.decode()
    assert CONFLICT in html
    assert "Het verzoek heeft nu de status ‘Beantwoord’." in html
    assert "Wat u had ingevuld" in html and "Een andere tekst." in html  # nothing typed is lost
    assert "Antwoord versturen</button>" not in html  # no form that can only fail
    assert fresh(req).status == S.ANSWERED
    assert set(RequestedTopic.objects.filter(request=req).values_list("own_observations", flat=True)) == {
        OWN_OBSERVATION
    }
    assert RequestEvent.objects.filter(request=req).count() == events


def test_taking_a_request_a_colleague_just_took_is_a_conflict(filed_request, clinician, clinician2):
    req = filed_request("A")
    first, second = csrf_client(clinician), csrf_client(clinician2)
    html = page(second, detail_url(req))  # the second clinician's page, rendered first
    assert post_action(first, req, ha.TAKE).status_code == 302

    response = second.post(action_url(req, ha.TAKE), {
        "csrfmiddlewaretoken": csrf_token(html), "take-expected_status": S.SUBMITTED,
    })
    assert response.status_code == 409
    html = response.content.decode()
    assert CONFLICT in html and "‘In behandeling’" in html
    assert fresh(req).assigned_clinician == clinician


# --- 404 for everyone else -------------------------------------------------------------------


def test_other_organisations_get_404_on_detail_and_every_action(
    filed_request, outsider_clinician, outsider_requester, clinician
):
    req = decide(filed_request("A"), actor_for(clinician), provide=False)
    advice = LegalAdvice.objects.create(request=req, origin="twijfel", question="?", asked_by=clinician)
    before = (fresh(req).status, RequestEvent.objects.filter(request=req).count())
    for outsider in (outsider_clinician, outsider_requester):
        client = verify_client(Client(), outsider)
        assert client.get(detail_url(req)).status_code == 404
        for name in ha.ACTIONS:
            response = client.post(action_url(req, name), {f"{name}-expected_status": req.status})
            assert response.status_code == 404, name
        response = client.post(reverse("requests:advise", kwargs={
            "public_id": req.public_id, "advice_id": advice.pk}), {"advise-advice": "x"})
        assert response.status_code == 404
    # A request that does not exist looks the same.
    client = verify_client(Client(), outsider_clinician)
    missing = reverse("requests:detail", kwargs={"public_id": uuid.uuid4()})
    assert client.get(missing).status_code == 404
    assert (fresh(req).status, RequestEvent.objects.filter(request=req).count()) == before


# --- consent revoked -------------------------------------------------------------------------


def test_revoked_consent_is_a_clear_warning_and_the_requester_redecides(
    filed_request, requester, clinician
):
    req = filed_request("A")
    consent_revoke(actor=actor_for(requester), declaration=req.consent_declaration,
                   revoked_on=timezone.localdate(), note="Moeder trekt in.")
    for user in (requester, clinician):
        assert "Toestemming ingetrokken" in page(csrf_client(user), detail_url(req))

    client = csrf_client(requester)
    assert page_actions.ACTIONS[fa.REDECIDE_CONSENT].slug in action_forms(page(client, detail_url(req)))
    response = post_action(client, req, fa.REDECIDE_CONSENT, {"consent_path": ConsentPath.C})
    assert response.status_code == 400
    assert "Dit is verplicht als geen toestemming is gevraagd." in response.content.decode()
    response = post_action(client, req, fa.REDECIDE_CONSENT, {
        "consent_path": ConsentPath.C,
        "c_why_not_asked": "Vader dreigde moeder na de intrekking.",
        "c_why_necessary": "Acuut gevaar voor de kinderen.",
    })
    assert response.status_code == 302
    assert fresh(req).consent_path == ConsentPath.C
    assert "Geen toestemming gevraagd" in page(client, detail_url(req))


# --- allowed_actions mirrors the services ----------------------------------------------------


def test_allowed_actions_for_a_requester_never_include_provider_actions(
    filed_request, requester, clinician
):
    req = filed_request("B")
    requester_actor = actor_for(requester)
    provider_only = {ha.TAKE, ha.ASSIGN, ha.RETURN, ha.DECIDE, ha.ANSWER, ha.PARENT_CONSULTATION,
                     ha.INTERNAL_CONSULTATION, ha.ASK_LEGAL_ADVICE, ha.CONFIRM_REFUSAL,
                     ha.REJECT_REFUSAL, ha.RECONSIDER, ha.UPHOLD_REFUSAL}
    assert not provider_only & set(page_actions.allowed_actions(requester_actor, req))
    req = decide(req, actor_for(clinician), provide=False)
    assert page_actions.allowed_actions(requester_actor, fresh(req)) == [fa.WITHDRAW]
    assert page_actions.allowed_actions(actor_for(clinician), fresh(req)) == []


def test_provide_decision_and_draft_answer_stay_with_the_provider(filed_request, requester, clinician):
    req = decide(filed_request("A"), actor_for(clinician), provide=True)
    fill_answer(req, actor_for(clinician))
    html = page(csrf_client(requester), detail_url(req))
    assert "Afgewogen na overleg; zie dossier." not in html  # the decision's motivation
    assert "Moeder komt haar afspraken na" not in html  # the concept answer
    assert "<strong>Status:</strong> Antwoord in voorbereiding" in html

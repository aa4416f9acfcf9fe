"""Handling a request through the browser (requests/views_handling.py): the request's page for
both sides, the inbox, the refusals to confirm (R11) and the legal advisor's referrals (R8).

Every step goes through the Django test client as a POST from the rendered page, with CSRF
checks on; the services behind them are tested in test_workflow_*.py.
"""

from __future__ import annotations

import datetime
import re
import uuid
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consent.services import consent_revoke
from requests import views_handling as vh
from requests.models import (
    Child,
    ConsentPath,
    Decision,
    InformationRequest,
    LegalAdvice,
    ParentConsultationOutcome,
    RequestedTopic,
    RequestEvent,
)
from requests.workflow import RequestStatus
from tests.conftest import verify_client
from toolkid.models import Role

from .helpers import ALL_CONFIRMED, actor_for, decide, fill_answer, fresh, take

S = RequestStatus
pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
CONFLICT = "Een collega heeft dit verzoek zojuist behandeld."
VEILIG_THUIS = "Dan kan Veilig Thuis worden ingeschakeld (R2)."
OWN_OBSERVATION = "Moeder kwam op 3 juni onverzorgd naar het gesprek en sliep slecht."
REFUSAL_MOTIVATION = "Na intern overleg: de gevraagde informatie is niet nodig voor de veiligheid."


# --- helpers ---------------------------------------------------------------------------------


def csrf_client(user) -> Client:
    """A logged-in client that enforces CSRF like a browser: every POST below must carry the
    token from the rendered page."""
    return verify_client(Client(enforce_csrf_checks=True), user)


def detail_url(req: InformationRequest) -> str:
    return reverse("requests:detail", kwargs={"public_id": req.public_id})


def action_url(req: InformationRequest, name: str) -> str:
    return reverse("requests:action", kwargs={"public_id": req.public_id,
                                              "action": vh.ACTIONS[name].slug})


def page(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.status_code
    return response.content.decode()


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def post_action(client: Client, req: InformationRequest, name: str, data: dict | None = None,
                *, expected: str | None = None, from_page: str | None = None):
    """POST one action as the page's form would: CSRF token, the prefixed fields and the state
    the page was rendered in."""
    html = page(client, from_page or detail_url(req))
    payload = {"csrfmiddlewaretoken": csrf_token(html)}
    if expected is None:
        # The state the page's form carries, as a browser would send it (fallback: the state
        # as the provider knows it, for a POST the page does not offer).
        shown = re.search(rf'name="{name}-expected_status" value="([^"]*)"', html)
        expected = shown.group(1) if shown else fresh(req).status
    payload[f"{name}-expected_status"] = expected
    for key, value in (data or {}).items():
        payload[f"{name}-{key}"] = value
    return client.post(action_url(req, name), payload)


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


def action_forms(html: str) -> set[str]:
    """The action URLs (slugs) the page offers as forms."""
    return set(re.findall(r'action="/verzoeken/[0-9a-f-]+/actie/([a-z-]+)/"', html))


def slugs(*names: str) -> set[str]:
    return {vh.ACTIONS[name].slug for name in names}


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
    assert action_forms(clinician_page) == slugs(vh.TAKE, vh.RETURN)
    assert ">Oppakken</button>" in clinician_page
    # The team leader assigns; the requester may only withdraw.
    assert action_forms(leader_page) == slugs(vh.ASSIGN, vh.RETURN)
    assert action_forms(requester_page) == slugs(vh.WITHDRAW)
    assert "Besluit vastleggen" not in requester_page
    assert "Oppakken" not in requester_page

    take(req, actor_for(clinician))
    requester_page = page(csrf_client(requester), detail_url(req))
    clinician_page = page(csrf_client(clinician), detail_url(req))
    assert "Besluit vastleggen" not in requester_page
    assert action_forms(requester_page) == slugs(vh.WITHDRAW)
    assert action_forms(clinician_page) == slugs(
        vh.RETURN, vh.INTERNAL_CONSULTATION, vh.ASK_LEGAL_ADVICE, vh.DECIDE,
        vh.EXTEND,  # issue 5: "Verlenging aanvragen" while handling (UI.md)
    )
    assert "Besluit vastleggen" in clinician_page
    # A colleague who is not the handling clinician sees no handling actions.
    assert action_forms(page(csrf_client(teamleider), detail_url(req))) == slugs(vh.ASSIGN, vh.RETURN)


def test_detail_summary_for_the_case_page(filed_request, clinician):
    req = filed_request("B")
    html = page(csrf_client(clinician), detail_url(req))
    assert req.reference in html
    assert "Sanne de Vries" in html  # the full name on the case page
    assert "Toestemming geweigerd" in html  # the path in words
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

    response = post_action(zorg, req, vh.TAKE)
    assert response.status_code == 302 and response.url == detail_url(req)
    assert fresh(req).status == S.IN_PROGRESS

    response = post_action(zorg, req, vh.DECIDE, {
        "decision": Decision.PROVIDE, "decision_motivation": "Moeder gaf toestemming voor a en b.",
    })
    assert response.status_code == 302
    assert fresh(req).status == S.ANSWERING
    html = page(zorg, detail_url(req))
    assert "Eigen waarneming (R15)" in html and "Bron van de waarneming van anderen (R16)" in html
    assert "Feiten die de zorg versterken (R17)" in html and "Toelichting vanuit deskundigheid (R18)" in html

    # The concept is saved; the requester does not see a draft answer.
    response = post_action(zorg, req, vh.ANSWER, answer_data(req))
    assert response.status_code == 302
    assert fresh(req).status == S.ANSWERING
    assert OWN_OBSERVATION not in page(jeugd, detail_url(req))
    assert OWN_OBSERVATION in page(zorg, detail_url(req))

    response = post_action(zorg, req, vh.ANSWER, answer_data(req, intent="versturen",
                                                            confirmations=ALL_CONFIRMED))
    assert response.status_code == 302
    assert fresh(req).status == S.ANSWERED

    html = page(jeugd, detail_url(req))
    assert OWN_OBSERVATION in html
    assert "Sinds mei komt zij alle afspraken na." in html
    assert action_forms(html) == slugs(vh.ACKNOWLEDGE)

    response = post_action(jeugd, req, vh.ACKNOWLEDGE)
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

    assert post_action(zorg, req, vh.TAKE).status_code == 302
    assert "Overleg met ouder vastleggen" in page(zorg, detail_url(req))
    response = post_action(zorg, req, vh.PARENT_CONSULTATION, {
        "date": today, "outcome": ParentConsultationOutcome.DISAGREES,
        "note": "Moeder wil niet dat er informatie wordt gedeeld.",
    })
    assert response.status_code == 302
    response = post_action(zorg, req, vh.INTERNAL_CONSULTATION, {
        "with_whom": "Geneesheer-directeur", "date": today,
        "conclusion": "Niet verstrekken: de vraag gaat verder dan nodig.",
    })
    assert response.status_code == 302
    response = post_action(zorg, req, vh.ASK_LEGAL_ADVICE, {
        "question": "Mogen wij zonder toestemming iets delen over het verloop van de behandeling?",
    })
    assert response.status_code == 302

    # The legal advisor sees the referral and advises; the decision stays with the clinician.
    jurist = csrf_client(legal_advisor)
    queue = page(jurist, reverse("requests:legal_queue"))
    assert "Het besluit blijft bij de zorgverlener (R8)." in queue
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

    response = post_action(zorg, req, vh.DECIDE, {
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
    assert action_forms(html) == slugs(vh.WITHDRAW)

    # The provider sees it is waiting for a second person.
    assert "Weigering ter bevestiging" in page(zorg, detail_url(req))

    leider = csrf_client(teamleider)
    refusals_page = page(leider, reverse("requests:refusals"))
    assert req.reference in refusals_page and REFUSAL_MOTIVATION in refusals_page
    response = post_action(leider, req, vh.CONFIRM_REFUSAL, {"note": "Terecht nee."},
                           from_page=reverse("requests:refusals"))
    assert response.status_code == 302
    assert fresh(req).status == S.REFUSED
    assert "Er wachten geen weigeringen op uw bevestiging." in page(leider, reverse("requests:refusals"))

    html = page(jeugd, detail_url(req))
    assert "<strong>Status:</strong> Geweigerd" in html
    assert REFUSAL_MOTIVATION in html
    assert VEILIG_THUIS in html
    assert "Terecht nee." not in html  # the second person's note stays with the provider
    assert action_forms(html) == slugs(vh.CONTEST, vh.ACKNOWLEDGE)


def test_decider_cannot_confirm_their_own_refusal(filed_request, clinician_leader):
    req = filed_request("A")
    decider = actor_for(clinician_leader)
    decide(req, decider, provide=False)
    client = csrf_client(clinician_leader)

    html = page(client, detail_url(req))
    assert vh.ACTIONS[vh.CONFIRM_REFUSAL].slug not in action_forms(html)
    assert "wie besloot, kan dat niet zelf" in html

    before = RequestEvent.objects.filter(request=req).count()
    response = post_action(client, req, vh.CONFIRM_REFUSAL, {"note": "Zelf bevestigd."})
    assert response.status_code == 409
    assert "Een weigering moet door een tweede persoon worden bevestigd." in response.content.decode()
    assert fresh(req).status == S.REFUSAL_PENDING
    assert RequestEvent.objects.filter(request=req).count() == before


def test_contested_refusal_advised_and_upheld(filed_request, requester, clinician, teamleider,
                                              legal_advisor):
    req = filed_request("A")
    decide(req, actor_for(clinician), provide=False)
    leider = csrf_client(teamleider)
    assert post_action(leider, req, vh.CONFIRM_REFUSAL).status_code == 302

    jeugd = csrf_client(requester)
    response = post_action(jeugd, req, vh.CONTEST, {"reason": ""})
    assert response.status_code == 400
    assert "Licht toe waarom u bezwaar maakt tegen de weigering." in response.content.decode()
    response = post_action(jeugd, req, vh.CONTEST, {"reason": "De veiligheid van Noor is in het geding."})
    assert response.status_code == 302
    assert fresh(req).status == S.CONTESTED

    zorg = csrf_client(clinician)
    html = page(zorg, detail_url(req))
    assert vh.ACTIONS[vh.UPHOLD_REFUSAL].slug not in action_forms(html)  # advice first (R8)
    assert "Het juridisch advies over het bezwaar is nog niet gegeven" in html

    jurist = csrf_client(legal_advisor)
    advice = LegalAdvice.objects.get(request=req)
    html = page(jurist, detail_url(req))
    response = jurist.post(
        reverse("requests:advise", kwargs={"public_id": req.public_id, "advice_id": advice.pk}),
        {"csrfmiddlewaretoken": csrf_token(html), "advise-advice": "De weigering is houdbaar."},
    )
    assert response.status_code == 302

    assert slugs(vh.RECONSIDER, vh.UPHOLD_REFUSAL) <= action_forms(page(zorg, detail_url(req)))
    response = post_action(zorg, req, vh.UPHOLD_REFUSAL, {"motivation": "Na advies blijft het nee."})
    assert response.status_code == 302
    # R11: the upheld "no" waits for a second person; the upholder cannot confirm it.
    assert fresh(req).status == S.REFUSAL_PENDING
    assert vh.ACTIONS[vh.CONFIRM_REFUSAL].slug not in action_forms(page(zorg, detail_url(req)))
    html = page(jeugd, detail_url(req))
    assert "Na advies blijft het nee." not in html and "In behandeling" in html
    assert post_action(leider, req, vh.CONFIRM_REFUSAL).status_code == 302
    assert fresh(req).status == S.REFUSED
    html = page(jeugd, detail_url(req))
    assert "Na advies blijft het nee." in html and VEILIG_THUIS in html


# --- errors beside the fields, typed values kept ---------------------------------------------


def test_answer_with_a_missing_confirmation_keeps_the_typed_text(filed_request, clinician):
    req = decide(filed_request("A"), actor_for(clinician), provide=True)
    client = csrf_client(clinician)
    confirmations = dict(ALL_CONFIRMED, confirmed_recorded_in_file=False)
    typed = "Vader vertelde zelf dat hij sinds april weer drinkt."

    response = post_action(client, req, vh.ANSWER, answer_data(
        req, text=typed, intent="versturen", confirmations=confirmations))

    assert response.status_code == 400
    html = response.content.decode()
    message = "Bevestig dat u het contact en wat u verstrekt vastlegt in het ouderdossier (R31, R36)."
    assert message in html
    assert 'class="error-summary"' in html and 'href="#id_answer-confirmed_recorded_in_file"' in html
    assert 'id="id_answer-confirmed_recorded_in_file_error"' in html  # beside the field
    assert f"{typed}</textarea>" in html  # what was typed is kept
    assert re.search(r'name="answer-confirmed_factual"[^>]*checked', html)  # and what was ticked
    assert fresh(req).status == S.ANSWERING


def test_decision_without_motivation_shows_the_error_beside_the_field(filed_request, clinician):
    req = take(filed_request("A"), actor_for(clinician))
    response = post_action(csrf_client(clinician), req, vh.DECIDE, {"decision": Decision.PROVIDE})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_decide-decision_motivation_error"' in html
    assert "Motiveer uw besluit (R39)." in html
    assert fresh(req).status == S.IN_PROGRESS


def test_decision_form_fits_the_path_and_framework(filed_request, make_user):
    ots = filed_request("B", "ots")
    gi_clinician = make_user((ots.receiving_organisation, Role.ZORGVERLENER), username="zorg.ots")
    take(ots, actor_for(gi_clinician))
    html = page(csrf_client(gi_clinician), detail_url(ots))
    assert "waarom is de informatie niet nodig voor de uitvoering van de OTS? (R4)" in html
    assert "Afweging zwaarwegende omstandigheden (R34)" not in html

    path_c = filed_request("C")
    take(path_c, actor_for(gi_clinician))
    html = page(csrf_client(gi_clinician), detail_url(path_c))
    assert "Afweging zwaarwegende omstandigheden (R34)" in html
    assert "uitvoering van de OTS? (R4)" not in html


def test_withdraw_needs_a_reason(filed_request, requester):
    req = filed_request("A")
    client = csrf_client(requester)
    response = post_action(client, req, vh.WITHDRAW, {"reason": "  "})
    assert response.status_code == 400
    assert "Geef aan waarom u het verzoek intrekt." in response.content.decode()
    response = post_action(client, req, vh.WITHDRAW, {"reason": "Gezin is verhuisd."})
    assert response.status_code == 302
    html = page(client, detail_url(req))
    assert "Dit verzoek is ingetrokken." in html and "Gezin is verhuisd." in html


# --- R7 reformulation ------------------------------------------------------------------------


def test_reformulation_suggestion_is_shown_to_the_requester(filed_request, requester, clinician):
    req = filed_request("A")
    suggestion = "Vraag naar het verloop van de behandeling sinds maart, niet naar het ouderschap."
    response = post_action(csrf_client(clinician), req, vh.RETURN, {"suggestion": suggestion})
    assert response.status_code == 302
    assert fresh(req).status == S.RETURNED

    html = page(csrf_client(requester), detail_url(req))
    assert "Teruggestuurd ter herformulering" in html
    assert suggestion in html
    edit = reverse("requests:step", kwargs={"public_id": req.public_id, "step": "telefonisch-contact"})
    assert f'href="{edit}"' in html
    assert action_forms(html) == slugs(vh.WITHDRAW)


# --- concurrency -----------------------------------------------------------------------------


def test_a_stale_second_answer_post_conflicts_and_changes_nothing(filed_request, clinician):
    req = decide(filed_request("A"), actor_for(clinician), provide=True)
    client = csrf_client(clinician)
    assert post_action(client, req, vh.ANSWER, answer_data(
        req, intent="versturen", confirmations=ALL_CONFIRMED)).status_code == 302
    assert fresh(req).status == S.ANSWERED
    events = RequestEvent.objects.filter(request=req).count()

    # The same form, rendered while the request was still being answered, sent again.
    response = post_action(client, req, vh.ANSWER, answer_data(
        req, text="Een andere tekst.", intent="versturen", confirmations=ALL_CONFIRMED),
        expected=S.ANSWERING)

    assert response.status_code == 409
    html = response.content.decode()
    assert CONFLICT in html
    assert "Het verzoek heeft nu de status ‘Beantwoord’." in html
    assert "Er is op dit moment niets voor u te doen aan dit verzoek." in html
    assert fresh(req).status == S.ANSWERED
    assert set(RequestedTopic.objects.filter(request=req).values_list("own_observations", flat=True)) == {
        OWN_OBSERVATION
    }
    assert RequestEvent.objects.filter(request=req).count() == events


def test_taking_a_request_a_colleague_just_took_is_a_conflict(filed_request, clinician, clinician2):
    req = filed_request("A")
    first, second = csrf_client(clinician), csrf_client(clinician2)
    html = page(second, detail_url(req))  # the second clinician's page, rendered first
    assert post_action(first, req, vh.TAKE).status_code == 302

    response = second.post(action_url(req, vh.TAKE), {
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
        for name in vh.ACTIONS:
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


def test_empty_advice_from_the_queue_is_an_error_beside_the_field(filed_request, clinician,
                                                                 legal_advisor):
    req = take(filed_request("A"), actor_for(clinician))
    post_action(csrf_client(clinician), req, vh.ASK_LEGAL_ADVICE, {"question": "Mag dit?"})
    advice = LegalAdvice.objects.get(request=req)
    client = csrf_client(legal_advisor)
    queue = page(client, reverse("requests:legal_queue"))
    assert "Mag dit?" in queue
    response = client.post(
        reverse("requests:advise", kwargs={"public_id": req.public_id, "advice_id": advice.pk}),
        {"csrfmiddlewaretoken": csrf_token(queue), "from": "queue", "advise-advice": " "},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Schrijf uw advies." in html and f'id="id_advise-advice_{advice.pk}_error"' in html
    assert "Het besluit blijft bij de zorgverlener (R8)." in html


def test_legal_advisor_sees_only_referred_requests(filed_request, legal_advisor, clinician):
    req = take(filed_request("A"), actor_for(clinician))
    client = verify_client(Client(), legal_advisor)
    assert client.get(detail_url(req)).status_code == 404
    assert "Er wachten geen adviesvragen op u." in page(client, reverse("requests:legal_queue"))


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
    assert vh.ACTIONS[vh.REDECIDE_CONSENT].slug in action_forms(page(client, detail_url(req)))
    response = post_action(client, req, vh.REDECIDE_CONSENT, {"consent_path": ConsentPath.C})
    assert response.status_code == 400
    assert "Dit is verplicht als geen toestemming is gevraagd (R32, R33)." in response.content.decode()
    response = post_action(client, req, vh.REDECIDE_CONSENT, {
        "consent_path": ConsentPath.C,
        "c_why_not_asked": "Vader dreigde moeder na de intrekking.",
        "c_why_necessary": "Acuut gevaar voor de kinderen.",
    })
    assert response.status_code == 302
    assert fresh(req).consent_path == ConsentPath.C
    assert "Geen toestemming gevraagd" in page(client, detail_url(req))


# --- Binnengekomen verzoeken -----------------------------------------------------------------


def test_inbox_chips_in_words_and_overdue_highlighted(filed_request, clinician):
    with time_machine.travel(datetime.datetime(2026, 11, 2, 9, 0, tzinfo=AMSTERDAM), tick=False):
        req = filed_request("A")  # Monday 2 November → due Monday 9 November
    assert req.due_date == datetime.date(2026, 11, 9)

    cases = [
        (datetime.datetime(2026, 11, 4, 10, 0, tzinfo=AMSTERDAM), "nog 3 werkdagen", "chip--ok"),
        (datetime.datetime(2026, 11, 9, 10, 0, tzinfo=AMSTERDAM), "vandaag", "chip--today"),
        (datetime.datetime(2026, 11, 12, 10, 0, tzinfo=AMSTERDAM), "3 werkdagen te laat", "chip--overdue"),
    ]
    for moment, words, modifier in cases:
        with time_machine.travel(moment, tick=False):
            html = page(verify_client(Client(), clinician), reverse("requests:inbox"))
        assert f'<span class="chip {modifier}">{words}</span>' in html
        assert ('class="row--overdue"' in html) == (modifier == "chip--overdue")
    assert "1 verzoek is te laat." in html
    assert f"<td>{req.parent.initials_and_year}</td>" in html  # initials and birth year only
    assert "Sanne de Vries" not in html
    assert "Niet toegewezen" in html and "Toestemming gegeven" in html


def test_inbox_unassigned_first_filters_and_empty_state(filed_request, clinician, teamleider):
    assigned = take(filed_request("B"), actor_for(clinician))
    unassigned = filed_request("A")
    client = verify_client(Client(), teamleider)
    html = page(client, reverse("requests:inbox"))
    assert html.index(unassigned.reference) < html.index(assigned.reference)

    html = page(client, reverse("requests:inbox") + "?path=B")
    assert assigned.reference in html and unassigned.reference not in html
    html = page(client, reverse("requests:inbox") + f"?clinician={clinician.pk}")
    assert assigned.reference in html and unassigned.reference not in html
    html = page(client, reverse("requests:inbox") + "?status=afgesloten")
    assert "Geen verzoeken gevonden met deze filters." in html

    InformationRequest.objects.all().delete()
    html = page(client, reverse("requests:inbox"))
    assert "Er zijn geen openstaande verzoeken." in html


def test_teamleader_assigns_from_the_inbox_row(filed_request, clinician, teamleider):
    req = filed_request("A")
    client = csrf_client(teamleider)
    inbox = reverse("requests:inbox")
    html = page(client, inbox)
    assert f'name="assign-clinician" id="toewijzen-{req.pk}"' in html
    response = client.post(action_url(req, vh.ASSIGN), {
        "csrfmiddlewaretoken": csrf_token(html), "assign-expected_status": S.SUBMITTED,
        "assign-clinician": clinician.pk, "next": inbox,
    })
    assert response.status_code == 302 and response.url == inbox
    req = fresh(req)
    assert req.assigned_clinician == clinician and req.status == S.IN_PROGRESS
    assert "Het verzoek is toegewezen." in page(client, inbox)


def test_assigning_without_a_clinician_is_an_error_beside_the_field(filed_request, teamleider,
                                                                   outsider_clinician):
    req = filed_request("A")
    client = csrf_client(teamleider)
    response = post_action(client, req, vh.ASSIGN, {"clinician": ""})
    assert response.status_code == 400
    assert 'id="id_assign-clinician_error"' in response.content.decode()
    assert "Kies een zorgverlener." in response.content.decode()
    # Someone of another organisation is not a choice.
    response = post_action(client, req, vh.ASSIGN, {"clinician": outsider_clinician.pk})
    assert response.status_code == 400
    assert "Kies een actieve zorgverlener van uw organisatie." in response.content.decode()
    assert fresh(req).status == S.SUBMITTED


def test_clinician_takes_from_the_inbox_row(filed_request, clinician):
    req = filed_request("A")
    client = csrf_client(clinician)
    html = page(client, reverse("requests:inbox"))
    response = client.post(action_url(req, vh.TAKE), {
        "csrfmiddlewaretoken": csrf_token(html), "take-expected_status": S.SUBMITTED,
    })
    assert response.status_code == 302 and response.url == detail_url(req)
    assert fresh(req).assigned_clinician == clinician


def _copies(template: InformationRequest, count: int, clinician) -> None:
    """``count`` more submitted requests like ``template`` (test data only), half assigned."""
    for index in range(count):
        copy = InformationRequest.objects.get(pk=template.pk)
        copy.pk = None
        copy.id = None
        copy.public_id = uuid.uuid4()
        copy.reference = f"TK-K-{uuid.uuid4().hex[:12]}"
        copy.submit_token = None
        copy.assigned_clinician = clinician if index % 2 else None
        copy.due_date = template.due_date + datetime.timedelta(days=index % 7 - 3)
        copy.save()
        Child.objects.bulk_create(
            Child(request=copy, name_or_initials=c.name_or_initials, date_of_birth=c.date_of_birth)
            for c in template.children.all()
        )
        RequestedTopic.objects.bulk_create(
            RequestedTopic(request=copy, topic=t.topic, question=t.question)
            for t in template.topics.all()
        )


@pytest.mark.parametrize("who", ["teamleider", "clinician"])
def test_inbox_queries_do_not_grow_with_the_rows(filed_request, clinician, teamleider, who):
    user = {"teamleider": teamleider, "clinician": clinician}[who]
    template = filed_request("A")
    client = verify_client(Client(), user)
    client.get(reverse("requests:inbox"))  # warm the session

    _copies(template, 4, clinician)
    with CaptureQueriesContext(connection) as five:
        assert client.get(reverse("requests:inbox")).status_code == 200
    _copies(template, 45, clinician)
    with CaptureQueriesContext(connection) as fifty:
        response = client.get(reverse("requests:inbox"))
    assert response.content.decode().count("<tr") == 51  # header + 50 rows
    assert len(fifty.captured_queries) == len(five.captured_queries), [
        q["sql"] for q in fifty.captured_queries
    ]


def test_inbox_is_for_the_provider_side_only(requester):
    assert verify_client(Client(), requester).get(reverse("requests:inbox")).status_code == 403


# --- due chips (pure) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "today", "words", "modifier"),
    [
        (datetime.date(2026, 11, 9), datetime.date(2026, 11, 6), "nog 1 werkdag", "ok"),  # Fri → Mon
        (datetime.date(2026, 11, 9), datetime.date(2026, 11, 9), "vandaag", "today"),
        (datetime.date(2026, 11, 9), datetime.date(2026, 11, 10), "1 werkdag te laat", "overdue"),
        (datetime.date(2026, 11, 6), datetime.date(2026, 11, 7), "te laat", "overdue"),  # Saturday
        # Christmas and Boxing Day are no working days: Thursday 24 → Monday 28 December is one.
        (datetime.date(2026, 12, 24), datetime.date(2026, 12, 28), "1 werkdag te laat", "overdue"),
    ],
)
def test_due_chip_words(due, today, words, modifier):
    chip = vh.due_chip(due, today, closures=[], decree_days={})
    assert (chip.text, chip.modifier) == (words, modifier)


# --- allowed_actions mirrors the services ----------------------------------------------------


def test_allowed_actions_for_a_requester_never_include_provider_actions(
    filed_request, requester, clinician
):
    req = filed_request("B")
    requester_actor = actor_for(requester)
    provider_only = {vh.TAKE, vh.ASSIGN, vh.RETURN, vh.DECIDE, vh.ANSWER, vh.PARENT_CONSULTATION,
                     vh.INTERNAL_CONSULTATION, vh.ASK_LEGAL_ADVICE, vh.CONFIRM_REFUSAL,
                     vh.REJECT_REFUSAL, vh.RECONSIDER, vh.UPHOLD_REFUSAL}
    assert not provider_only & set(vh.allowed_actions(requester_actor, req))
    req = decide(req, actor_for(clinician), provide=False)
    assert vh.allowed_actions(requester_actor, fresh(req)) == [vh.WITHDRAW]
    assert vh.allowed_actions(actor_for(clinician), fresh(req)) == []


def test_provide_decision_and_draft_answer_stay_with_the_provider(filed_request, requester, clinician):
    req = decide(filed_request("A"), actor_for(clinician), provide=True)
    fill_answer(req, actor_for(clinician))
    html = page(csrf_client(requester), detail_url(req))
    assert "Afgewogen na overleg; zie dossier." not in html  # the decision's motivation
    assert "Moeder komt haar afspraken na" not in html  # the concept answer
    assert "<strong>Status:</strong> Antwoord in voorbereiding" in html

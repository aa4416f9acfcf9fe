"""The follow-up through the browser (requests/followup/views.py and its panel on the request's
page): CSRF-checked POSTs from the rendered pages, the Dutch messages, the path-C hold on the
page, Mijn taken, the teamleider's pages and the menu. The Kindcheck and the reverse direction
are in ``tests/requests/kindcheck/test_views.py``."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from requests.followup.hold import hold_release_propose
from requests.followup.services import duty_skip
from requests.followup.workflow import ReleaseStatus
from requests.models import Duty, DutyKind, DutyStatus, HoldRelease
from tests.conftest import verify_client
from tests.requests.helpers import actor_for
from tests.requests.pages import client_for, get, token
from toolkid.navigation import navigation_for

pytestmark = pytest.mark.django_db

INFORM_LABEL = "Ouder informeren over het contact"


def detail_url(req) -> str:
    return reverse("requests:detail", kwargs={"public_id": req.public_id})


def post_followup(client: Client, req, slug: str, data: dict, *, item=None, prefix: str):
    page_html = get(client, detail_url(req))
    kwargs = {"public_id": req.public_id, "action": slug}
    name = "requests:followup_action"
    if item is not None:
        kwargs["item_id"] = item.pk
        name = "requests:followup_item_action"
    payload = {"csrfmiddlewaretoken": token(page_html), **{f"{prefix}-{k}": v for k, v in data.items()}}
    return client.post(reverse(name, kwargs=kwargs), payload)


def test_path_c_on_the_page_hold_release_and_inform(answered, requester, clinician, requester_colleague):
    req = answered("C")
    requester_client, clinician_client = client_for(requester), client_for(clinician)
    for client in (requester_client, clinician_client):
        page_html = get(client, detail_url(req))
        assert "De afscherming geldt." in page_html
        assert INFORM_LABEL not in page_html
        assert "Terugkoppeling aan de ouder bij het volgende contact" not in page_html
    # The record duty on path C asks for the note of R36 (on the duty's own page).
    duty_pages = re.findall(r'href="(/verzoeken/[0-9a-f-]+/vervolg/taak-gedaan/\d+/)"',
                            get(clinician_client, detail_url(req)))
    assert duty_pages
    assert any("nog niet besproken met de ouder" in get(clinician_client, url) for url in duty_pages)

    # An empty reason: the form again, the Dutch message beside the field (400).
    response = post_followup(
        requester_client, req, "afscherming-opheffen", {"reason": ""}, prefix="release_propose"
    )
    assert response.status_code == 400
    assert "zonder risico's voor de ouder, de professional of het kind" in html_lib.unescape(
        response.content.decode()
    )
    response = post_followup(
        requester_client,
        req,
        "afscherming-opheffen",
        {"reason": "Vader is uit huis; geen gevaar meer."},
        prefix="release_propose",
    )
    assert response.status_code == 302 and response["Location"].endswith("#vervolg")
    release = HoldRelease.objects.get(request=req)

    # The same side cannot agree: 409 with the reason, nothing changed.
    colleague = client_for(requester_colleague)
    page_html = get(colleague, detail_url(req))
    assert "afscherming-akkoord" not in page_html  # not offered ...
    response = colleague.post(
        reverse(
            "requests:followup_item_action",
            kwargs={"public_id": req.public_id, "action": "afscherming-akkoord", "item_id": release.pk},
        ),
        {"csrfmiddlewaretoken": token(page_html)},
    )
    assert response.status_code == 409  # ... and refused
    assert "de andere partij moet akkoord geven" in html_lib.unescape(response.content.decode())
    assert HoldRelease.objects.get(pk=release.pk).status == ReleaseStatus.PROPOSED
    assert not Duty.objects.filter(kind=DutyKind.INFORM_PARENT).exists()

    # The other side agrees from its page.
    assert "afscherming-akkoord" in get(clinician_client, detail_url(req))
    response = post_followup(
        clinician_client, req, "afscherming-akkoord", {"note": ""}, item=release, prefix="release_agree"
    )
    assert response.status_code == 302
    page_html = get(clinician_client, detail_url(req))
    assert "De afscherming is gezamenlijk opgeheven." in page_html
    assert INFORM_LABEL in page_html
    inform = Duty.objects.get(request=req, kind=DutyKind.INFORM_PARENT)
    response = post_followup(
        clinician_client,
        req,
        "taak-gedaan",
        {"done_on": timezone.localdate().isoformat(), "note": "In het gesprek."},
        item=inform,
        prefix="duty_done",
    )
    assert response.status_code == 302
    assert Duty.objects.get(pk=inform.pk).status == DutyStatus.DONE
    # The timeline, on the requester's page: the duty, who and when.
    page_html = get(requester_client, detail_url(req))
    assert f"Taak gedaan: {INFORM_LABEL}" in page_html
    assert "Afscherming gezamenlijk opgeheven" in page_html
    assert clinician.get_username() in page_html or clinician.get_full_name() in page_html


def test_acknowledge_on_path_c_waits_for_the_feedback(answered, requester):
    req = answered("C")
    client = client_for(requester)
    page_html = get(client, detail_url(req))
    assert "verplicht voordat u het verzoek kunt afsluiten" in page_html
    response = client.post(
        reverse("requests:action", kwargs={"public_id": req.public_id, "action": "gelezen"}),
        {"csrfmiddlewaretoken": token(page_html), "acknowledge-expected_status": "beantwoord"},
    )
    assert response.status_code == 400
    assert "Geef eerst terugkoppeling aan de zorgverlener" in html_lib.unescape(response.content.decode())
    response = post_followup(
        client,
        req,
        "terugkoppeling",
        {"what_was_done": "Veiligheidsplan.", "what_follows": "Zorgoverleg."},
        prefix="feedback",
    )
    assert response.status_code == 302
    page_html = get(client, detail_url(req))
    response = client.post(
        reverse("requests:action", kwargs={"public_id": req.public_id, "action": "gelezen"}),
        {"csrfmiddlewaretoken": token(page_html), "acknowledge-expected_status": "beantwoord"},
    )
    assert response.status_code == 302


def test_secondary_use_and_filing_on_the_page(answered, requester, clinician):
    req = answered("A")
    requester_client, clinician_client = client_for(requester), client_for(clinician)
    response = post_followup(
        requester_client,
        req,
        "ander-doel",
        {"purpose": "kinderrechter", "description": "Verzoek verlenging OTS.", "text": ""},
        prefix="use_submit",
    )
    assert response.status_code == 302
    use = req.secondary_uses.get()
    page_html = get(requester_client, detail_url(req))
    assert "Wacht op de reactie van de zorgverlener" in page_html
    assert "ander-doel-verstuurd" not in page_html  # not offered before the reply
    response = post_followup(
        requester_client,
        req,
        "ander-doel-verstuurd",
        {"sent_on": timezone.localdate().isoformat()},
        item=use,
        prefix="use_sent",
    )
    assert response.status_code == 409
    response = post_followup(
        clinician_client,
        req,
        "ander-doel-reactie",
        {"reply": "akkoord", "comments": ""},
        item=use,
        prefix="use_reply",
    )
    assert response.status_code == 302
    response = post_followup(
        requester_client,
        req,
        "ander-doel-verstuurd",
        {"sent_on": timezone.localdate().isoformat()},
        item=use,
        prefix="use_sent",
    )
    assert response.status_code == 302
    response = post_followup(clinician_client, req, "goedkeuren-dossier", {"note": ""}, prefix="filing")
    assert response.status_code == 302
    assert "Goedgekeurd als informatie voor het dossier." in get(requester_client, detail_url(req))


def test_r28_filing_is_said_once_and_only_after_the_clinicians_mark(answered, requester, clinician):
    # The requester may file the text as approved information only once the clinician marked it
    # (ApprovedFiling); the page says so in one place, not also beside the answer.
    req = answered("A")
    requester_client, clinician_client = client_for(requester), client_for(clinician)
    before = get(requester_client, detail_url(req))
    assert "nog niet gemarkeerd als goedgekeurd voor het dossier" in before
    assert "Goedgekeurd als informatie voor het dossier." not in before
    assert "mag als goedgekeurde informatie in het dossier worden opgenomen" not in before

    response = post_followup(clinician_client, req, "goedkeuren-dossier", {"note": ""}, prefix="filing")
    assert response.status_code == 302
    after = get(requester_client, detail_url(req))
    assert after.count("Goedgekeurd als informatie voor het dossier.") == 1
    assert "mag als goedgekeurde informatie in het dossier worden opgenomen" not in after
    assert "nog niet gemarkeerd" not in after


def test_the_page_shows_the_real_duties_of_both_sides(answered, requester, clinician):
    # The duties are the Duty rows of the follow-up, not a fixed list per path.
    req = answered("A")
    for user in (requester, clinician):
        page_html = get(client_for(user), detail_url(req))
        assert "Uw taken buiten toolKID" not in page_html
        for kind in (DutyKind.PARENT_FEEDBACK, DutyKind.PROVIDER_RECORD, DutyKind.REQUESTER_RECORD):
            assert str(kind.label) in page_html
    # The R28 duty to ask first before another use is the follow-up's own section.
    assert "Gebruik voor een ander doel" in get(client_for(requester), detail_url(req))


def test_veilig_thuis_offered_after_a_refusal(refused, requester):
    req = refused("A")
    client = client_for(requester)
    assert "Veilig Thuis ingeschakeld" in get(client, detail_url(req))
    response = post_followup(
        client,
        req,
        "veilig-thuis",
        {"engaged_on": timezone.localdate().isoformat(), "safety_concerns": "on"},
        prefix="veilig_thuis",
    )
    assert response.status_code == 302
    assert req.veilig_thuis_engagements.count() == 1


def test_outsiders_get_404(answered, outsider_clinician):
    req = answered("C")
    client = client_for(outsider_clinician)
    get(client, "/", 200)
    response = client.post(
        reverse(
            "requests:followup_action", kwargs={"public_id": req.public_id, "action": "afscherming-opheffen"}
        )
    )
    assert response.status_code in (403, 404)  # CSRF first (403), then 404 for the request
    client = verify_client(Client(), outsider_clinician)
    response = client.post(
        reverse(
            "requests:followup_action", kwargs={"public_id": req.public_id, "action": "afscherming-opheffen"}
        ),
        {"release_propose-reason": "x"},
    )
    assert response.status_code == 404


def test_tasks_page(answered, clinician, requester):
    req = answered("A")
    page_html = get(client_for(clinician), reverse("requests:tasks"))
    assert "Terugkoppeling aan de ouder bij het volgende contact" in page_html
    assert str(req) in page_html
    assert "Het contact en wat is verstrekt vastleggen in het eigen dossier" in get(
        client_for(requester), reverse("requests:tasks")
    )


def test_teamleider_pages(answered, clinician_actor, teamleider, clinician):
    req = answered("A")
    duty_skip(
        actor=clinician_actor,
        duty=Duty.objects.get(request=req, kind=DutyKind.PARENT_FEEDBACK),
        motivation="Cliënt is verhuisd naar het buitenland.",
    )
    client = client_for(teamleider)
    page_html = get(client, reverse("requests:deviations"))
    assert "Cliënt is verhuisd naar het buitenland." in page_html
    assert "Kindchecks" in get(client, reverse("requests:kindcheck_overview"))
    get(client_for(clinician), reverse("requests:deviations"), status=403)
    get(client, reverse("requests:kindcheck_list"), status=403)


def test_menu_entries(clinician, teamleider, requester, mondriaan, wijkteam):
    labels = lambda user, org: [str(item.label) for item in navigation_for(actor_for(user, org))]  # noqa: E731
    assert {"Kindcheck", "Mijn taken", "Vragen over kinderen"} <= set(labels(clinician, mondriaan))
    assert {"Afwijkingen", "Kindchecks (overzicht)"} <= set(labels(teamleider, mondriaan))
    assert "Kindcheck" not in labels(teamleider, mondriaan)
    assert "Afwijkingen" not in labels(clinician, mondriaan)
    assert {"Mijn taken", "Vragen over kinderen"} <= set(labels(requester, wijkteam))


def test_proposal_waiting_is_shown_as_a_task(answered, clinician_actor, requester):
    req = answered("C")
    hold_release_propose(actor=clinician_actor, request=req, reason="Gevaar geweken.")
    assert "Voorstellen om de afscherming op te heffen" in get(
        client_for(requester), reverse("requests:tasks")
    )


def test_r5_a_deviation_recorded_on_the_request_page_is_listed_for_the_teamleider(
    answered, clinician, clinician2, requester, teamleider, wijkteam_teamleider, outsider_clinician
):
    """R5: departing from the agreements requires a recorded motivation. "Afwijking vastleggen"
    on the request's page, for the handling clinician and the requester (those who speak for a
    side); without a motivation it is refused beside the field; the teamleider of the
    recording organisation finds it under Afwijkingen."""
    from requests.models import Deviation, DeviationKind

    req = answered("A")
    form_url = reverse("requests:followup_action", kwargs={"public_id": req.public_id, "action": "afwijking"})
    for user in (clinician, requester):
        page_html = get(client_for(user), detail_url(req))
        assert "Afwijking vastleggen" in page_html and f'href="{form_url}"' in page_html
        assert f'action="{form_url}"' in get(client_for(user), form_url)  # the step's own page
    # A colleague who does not handle the request is not offered it, and is refused.
    colleague = client_for(clinician2)
    page_html = get(colleague, detail_url(req))
    assert f'href="{form_url}"' not in page_html
    refused_page = get(colleague, form_url, status=403)  # its page says why, without a form
    assert f'action="{form_url}"' not in refused_page
    response = colleague.post(
        form_url, {"csrfmiddlewaretoken": token(page_html), "deviation-motivation": "Ik wijk af."}
    )
    assert response.status_code == 403

    requester_client = client_for(requester)
    response = post_followup(requester_client, req, "afwijking", {"motivation": " "}, prefix="deviation")
    assert response.status_code == 400
    assert "Motiveer waarom u afwijkt van de afspraken." in html_lib.unescape(response.content.decode())
    assert not Deviation.objects.exists()

    motivation = "Verzoek telefonisch toegelicht in plaats van via het formulier: spoed."
    response = post_followup(
        requester_client, req, "afwijking", {"motivation": motivation}, prefix="deviation"
    )
    assert response.status_code == 302
    deviation = Deviation.objects.get()
    assert (deviation.kind, deviation.request, deviation.organisation, deviation.recorded_by) == (
        DeviationKind.OTHER,
        req,
        req.requesting_organisation,
        requester,
    )
    assert motivation in get(client_for(wijkteam_teamleider), reverse("requests:deviations"))
    # The other organisation's teamleider lists only their own organisation's departures.
    assert motivation not in get(client_for(teamleider), reverse("requests:deviations"))
    # Someone who may not see the request gets nothing at all.
    client = verify_client(Client(), outsider_clinician)  # no CSRF check: the view answers
    assert client.post(form_url, {"deviation-motivation": "Ik wijk af."}).status_code == 404
    assert Deviation.objects.count() == 1

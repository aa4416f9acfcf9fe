"""The consent paths end to end, each user in a browser of their own: path A (consent given,
with a signed declaration uploaded on the way), path C (no consent asked: serious danger, the
parent is told nothing), and a request sent back for reformulation and filed again (R7).
Path B to outcome c, filed with the keyboard alone, is in test_filing.py."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e import flows
from tests.e2e.flows import heading, main
from tests.e2e.helpers import axe_check, shot

pytestmark = pytest.mark.e2e

#: The path-C hold as both sides see it on the request's page (R35, R40).
HOLD = "Er gaat niets naar de ouder: geen bericht, geen brief, geen taak (R35, R40)."


def test_path_a_consent_given_answered_and_read(login_as):
    f = flows.Filing(path="A", parent_name="Ria Janssen")
    requester = login_as("jeugd.heerlen")
    reference = flows.file_with_mouse(requester, f, check=True)
    expect(main(requester)).to_contain_text("Toestemming gegeven")

    clinician = login_as("zorg2.mondriaan")
    flows.open_from_inbox(clinician, reference)
    flows.take(clinician)
    expect(main(clinician)).to_contain_text("verstrekken kan op grond van de toestemmingsverklaring")
    # The declaration travels with the request (R29).
    declaration = main(clinician).get_by_role("link", name=re.compile(r"^Verklaring .* bekijken$"))
    expect(declaration).to_be_visible()
    flows.decide(clinician, "Informatie verstrekken", "De ouder gaf schriftelijk toestemming (R29).")
    expect(flows.status(clinician)).to_contain_text("Antwoord in voorbereiding")
    axe_check(clinician, "Verzoek (zorgverlener, antwoord opstellen)")
    shot(clinician, "antwoord-opstellen")
    flows.answer_and_send(clinician, {"c": "Moeder komt sinds september elke week op haar afspraak."})
    flows.done(clinician, "Het antwoord is verstuurd.")
    expect(flows.status(clinician)).to_contain_text("Beantwoord")
    expect(main(clinician)).to_contain_text("Terugkoppeling aan de ouder bij het volgende contact (R27)")

    requester.reload()
    expect(flows.status(requester)).to_contain_text("Beantwoord")
    expect(main(requester)).to_contain_text("Moeder komt sinds september elke week op haar afspraak.")
    expect(main(requester)).to_contain_text("Sinds november stabiel.")  # both ways (R17)
    axe_check(requester, "Verzoek (aanvrager, beantwoord)")
    shot(requester, "antwoord-gelezen")
    flows.action(requester, "acknowledge").get_by_role("button", name="Gelezen en afsluiten").click()
    flows.done(requester, "Het verzoek is afgesloten.")
    expect(flows.status(requester)).to_contain_text("Afgesloten")


def test_path_c_no_consent_asked_parent_not_told(login_as):
    f = flows.Filing(
        path="C",
        parent_name="Karin Vos",
        severity="(Redelijk vermoeden van) kindermishandeling / huiselijk geweld",
        reason="Buren hoorden geschreeuw; L. had blauwe plekken op school.",
    )
    requester = login_as("vt.zuidlimburg")
    reference = flows.file_with_mouse(requester, f)
    expect(main(requester)).to_contain_text("Geen toestemming gevraagd")
    expect(main(requester)).to_contain_text(HOLD)  # R35: the parent is told nothing

    clinician = login_as("zorg.mondriaan")
    flows.open_from_inbox(clinician, reference)
    expect(main(clinician)).to_contain_text("De ouder wordt in deze fase niet over het contact geïnformeerd")
    flows.take(clinician)
    flows.decide(
        clinician,
        "Informatie verstrekken",
        "Het acute risico voor L. weegt zwaarder.",
        weighing="Ernstig vermoeden van huiselijk geweld; zonder informatie geen veiligheidsplan (R34).",
    )
    flows.answer_and_send(clinician, {"c": "Moeder mist sinds oktober afspraken en meldt spanningen thuis."})
    flows.done(clinician, "Het antwoord is verstuurd.")
    provider_text = main(clinician).inner_text()
    assert HOLD in provider_text
    assert "Terugkoppeling aan de ouder" not in provider_text  # R40: no R27 duty on path C
    axe_check(clinician, "Verzoek (zorgverlener, pad C beantwoord)")
    shot(clinician, "pad-c-beantwoord")

    requester.reload()
    expect(flows.status(requester)).to_contain_text("Beantwoord")
    expect(main(requester)).to_contain_text(
        "Terugkoppeling aan de zorgverlener: wat is er met de informatie gedaan"
    )  # R38
    requester_text = main(requester).inner_text()
    assert "De ouder bij het volgende cliëntcontact vertellen" not in requester_text  # R35: no R30 duty
    # The weighing is the provider's own record; the requester sees the decision and motivation.
    assert "zonder informatie geen veiligheidsplan" not in requester_text
    shot(requester, "pad-c-aanvrager")


def test_reformulation_sent_back_and_filed_again(login_as):
    f = flows.Filing(
        path="B", parent_name="Sandra Meijer", topics={"a": "Is moeder een goede moeder voor L.?"}
    )
    requester = login_as("jeugd.kerkrade")
    reference = flows.file_with_mouse(requester, f)

    clinician = login_as("zorg2.mondriaan")
    flows.open_from_inbox(clinician, reference)
    block = flows.action(clinician, "return")
    block.get_by_label("Welke vraag kan wel beantwoord worden?").fill(
        "Over geschiktheid als ouder oordelen wij niet (R19). Vraag wel naar de gevolgen van de "
        "depressie voor de emotionele beschikbaarheid."
    )
    block.get_by_role("button", name="Terugsturen ter herformulering").click()
    flows.done(clinician, "Het verzoek is teruggestuurd ter herformulering.")
    shot(clinician, "teruggestuurd")

    requester.reload()
    expect(flows.status(requester)).to_contain_text("Teruggestuurd ter herformulering")
    expect(main(requester)).to_contain_text("Over geschiktheid als ouder oordelen wij niet")
    axe_check(requester, "Verzoek (aanvrager, teruggestuurd)")
    shot(requester, "aanvrager-teruggestuurd")
    flows.action(requester, "edit").get_by_role("link", name="Verzoek aanpassen").click()
    expect(heading(requester)).to_have_text("Telefonisch contact")
    expect(main(requester)).to_contain_text(f"Verzoek {reference} herformuleren")
    axe_check(requester, "Stap Telefonisch contact (herformuleren)")
    requester.get_by_role("navigation", name="Stappen van het verzoek").get_by_role(
        "link", name="Vragen"
    ).click()
    expect(heading(requester)).to_have_text("Vragen")
    question = main(requester).locator("#id_topics-a-question")
    expect(question).to_have_value("Is moeder een goede moeder voor L.?")
    question.fill(
        "Welke gevolgen heeft de depressie van moeder voor haar emotionele beschikbaarheid voor L.?"
    )
    flows.step_next(requester, "Toestemming")
    flows.step_next(requester, "Controleren en versturen")
    flows.review_and_send(requester, f, resubmit=True)
    expect(flows.status(requester)).not_to_contain_text("Teruggestuurd")

    flows.open_from_inbox(clinician, reference)
    expect(main(clinician)).to_contain_text("emotionele beschikbaarheid voor L.?")
    expect(flows.status(clinician)).to_contain_text("Ingediend")
    shot(clinician, "opnieuw-ingediend")

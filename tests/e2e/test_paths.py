"""The consent paths end to end, each user in a browser of their own: path A (consent given,
with a signed declaration uploaded on the way), path C (no consent asked: serious danger, the
parent is told nothing until both sides lift the hold; then the clinician informs the parent
and the requester reports back, R37, R38), and a request sent back for reformulation and
filed again with a new term (R7, R26). Path B to outcome c, filed with the keyboard alone, is
in test_filing.py."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from demo.accounts import CLOSURE_DAYS
from tests.e2e import flows
from tests.e2e.flows import heading, main
from tests.e2e.helpers import axe_check, shot
from toolkid import workdays

pytestmark = pytest.mark.e2e

#: The path-C hold as both sides see it on the request's page (R35, R40).
HOLD = "Er gaat niets naar de ouder: geen bericht, geen brief, geen taak."
#: The provider's task that exists only after the joint release of the hold (R37).
INFORM_PARENT = "Ouder informeren over het contact"
RELEASE_REASON = "Moeder werkt mee aan het veiligheidsplan; bespreken geeft geen risico meer voor L."
FEEDBACK_DONE = "Met de informatie is een veiligheidsplan gemaakt; L. blijft thuis wonen."


def test_path_a_consent_given_answered_and_read(login_as):
    f = flows.Filing(path="A", parent_name="Ria Janssen")
    requester = login_as("jeugd.heerlen")
    reference = flows.file_with_mouse(requester, f, check=True)
    expect(main(requester)).to_contain_text("De ouder heeft toestemming gegeven")

    clinician = login_as("zorg2.mondriaan")
    flows.open_from_inbox(clinician, reference)
    flows.take(clinician)
    # The declaration travels with the request (R29).
    declaration = main(clinician).get_by_role("link", name=re.compile(r"^Verklaring van "))
    expect(declaration).to_be_visible()
    decide_page = flows.action(clinician, "decide")
    expect(decide_page).to_contain_text("verstrekken kan op grond van de toestemmingsverklaring")
    flows.decide(clinician, "Informatie verstrekken", "De ouder gaf schriftelijk toestemming (R29).")
    expect(flows.status(clinician)).to_contain_text("Antwoord in voorbereiding")
    axe_check(clinician, "Verzoek (zorgverlener, antwoord opstellen)")
    shot(clinician, "antwoord-opstellen")
    flows.answer_and_send(clinician, {"c": "Moeder komt sinds september elke week op haar afspraak."})
    flows.done(clinician, "Het antwoord is verstuurd.")
    expect(flows.status(clinician)).to_contain_text("Beantwoord")
    expect(main(clinician)).to_contain_text("Terugkoppeling aan de ouder bij het volgende contact")

    requester.reload()
    expect(flows.status(requester)).to_contain_text("Beantwoord")
    expect(main(requester)).to_contain_text("Moeder komt sinds september elke week op haar afspraak.")
    expect(main(requester)).to_contain_text("Sinds november stabiel.")  # both ways (R17)
    axe_check(requester, "Verzoek (aanvrager, beantwoord)")
    shot(requester, "antwoord-gelezen")
    flows.action(requester, "acknowledge").get_by_role("button", name="Gelezen en afsluiten").click()
    flows.done(requester, "Het verzoek is afgesloten.")
    expect(flows.status(requester)).to_contain_text("Afgesloten")


def assert_nothing_about_informing_the_parent(page: Page) -> None:
    """R35, R40: while the hold holds, no task, text or prompt to inform the parent."""
    expect(flows.duty(page, INFORM_PARENT)).to_have_count(0)
    text = main(page).inner_text()
    assert not re.search(r"ouder informeren", text, re.IGNORECASE), (
        f"the hold still holds, yet {page.url} speaks of informing the parent"
    )


def test_path_c_no_consent_asked_parent_not_told(login_as):
    f = flows.Filing(
        path="C",
        parent_name="Karin Vos",
        severity="(Redelijk vermoeden van) kindermishandeling / huiselijk geweld",
        reason="Buren hoorden geschreeuw; L. had blauwe plekken op school.",
    )
    requester = login_as("vt.zuidlimburg")
    reference = flows.file_with_mouse(requester, f)
    expect(main(requester)).to_contain_text("De ouder is niet om toestemming gevraagd vanwege ernstig gevaar")
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
    flows.answer_and_send(
        clinician, {"c": "Moeder mist sinds oktober afspraken en meldt spanningen thuis."}, weakening=None
    )
    flows.done(clinician, "Het antwoord is verstuurd.")
    provider_text = main(clinician).inner_text()
    assert HOLD in provider_text
    assert "Terugkoppeling aan de ouder" not in provider_text  # R40: no R27 duty on path C
    assert_nothing_about_informing_the_parent(clinician)
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
    assert_nothing_about_informing_the_parent(requester)
    shot(requester, "pad-c-aanvrager")

    # --- R37: the hold is lifted only together: the requester proposes ------------------------
    proposal = flows.region(requester, "Voorstellen de afscherming op te heffen")
    proposal.get_by_label("Waarom geeft bespreken geen risico's meer?").fill(RELEASE_REASON)
    proposal.get_by_role("button", name="Voorstel versturen").click()
    flows.done(requester, "Uw voorstel is vastgelegd. De andere partij geeft wel of niet akkoord.")
    expect(main(requester)).to_contain_text("Wacht op de reactie van de andere partij.")
    expect(main(requester)).to_contain_text(HOLD)  # one side alone lifts nothing
    assert_nothing_about_informing_the_parent(requester)
    shot(requester, "pad-c-voorstel-opheffen")

    # ... the clinician finds the proposal in Mijn taken; before agreeing, still nothing.
    flows.go_to(clinician, "Mijn taken")
    proposals = main(clinician).locator("h2", has_text="Voorstellen om de afscherming op te heffen")
    expect(proposals).to_be_visible()
    rows_of_this_request = main(clinician).get_by_role("row").filter(has_text=reference)
    expect(rows_of_this_request.filter(has_text=INFORM_PARENT)).to_have_count(0)
    shot(clinician, "mijn-taken-voorstel")
    main(clinician).locator("li").filter(has_text="voorgesteld door").get_by_role(
        "link", name=reference, exact=True
    ).click()
    expect(heading(clinician)).to_contain_text(reference)
    expect(main(clinician)).to_contain_text(RELEASE_REASON)
    expect(main(clinician)).to_contain_text(HOLD)
    assert_nothing_about_informing_the_parent(clinician)
    shot(clinician, "pad-c-voorstel-ontvangen")

    # ... and agrees: now, and only now, the task to inform the parent (R37).
    agree = flows.region(clinician, "Akkoord met opheffen van de afscherming")
    agree.get_by_label("Toelichting (niet verplicht)").fill("Besproken met de behandelaar van moeder.")
    agree.get_by_role("button", name="Akkoord", exact=True).click()
    flows.done(clinician, "De afscherming is gezamenlijk opgeheven.")
    expect(main(clinician)).to_contain_text("De afscherming is gezamenlijk opgeheven.")
    expect(main(clinician)).not_to_contain_text(HOLD)
    expect(flows.duty(clinician, INFORM_PARENT)).to_contain_text("status: Open")
    axe_check(clinician, "Verzoek (zorgverlener, afscherming opgeheven)")
    shot(clinician, "pad-c-afscherming-opgeheven")

    flows.go_to(clinician, "Mijn taken")
    task = main(clinician).get_by_role("row").filter(has_text=reference).filter(has_text=INFORM_PARENT)
    expect(task).to_have_count(1)
    task.get_by_role("link", name=reference, exact=True).click()
    expect(heading(clinician)).to_contain_text(reference)
    flows.complete_duty(clinician, INFORM_PARENT, note="Moeder gebeld en het contact uitgelegd.")
    shot(clinician, "pad-c-ouder-geinformeerd")

    # --- R38: the requester reports back; only then the request closes ------------------------
    requester.reload()
    expect(main(requester)).to_contain_text("De afscherming is gezamenlijk opgeheven.")
    expect(main(requester)).to_contain_text("terugkoppeling verplicht voordat u het verzoek kunt afsluiten")
    flows.action(requester, "acknowledge").get_by_role("button", name="Gelezen en afsluiten").click()
    expect(main(requester)).to_contain_text("Geef eerst terugkoppeling aan de zorgverlener")
    main(requester).get_by_role("link", name=f"Terug naar verzoek {reference}").click()
    expect(flows.status(requester)).to_contain_text("Beantwoord")  # not closed without R38
    shot(requester, "pad-c-afsluiten-zonder-terugkoppeling")
    # The block's title may still carry its rule code until the request page is rewritten.
    feedback = flows.region(requester, re.compile(r"^Terugkoppeling aan de zorgverlener"))
    feedback.get_by_label("Wat is er met de informatie gedaan?").fill(FEEDBACK_DONE)
    feedback.get_by_label("Wat volgt er?").fill("Een veiligheidsplan met moeder; evaluatie over zes weken.")
    feedback.get_by_role("button", name="Terugkoppeling versturen").click()
    flows.done(requester, "Uw terugkoppeling is vastgelegd.")
    expect(main(requester)).to_contain_text(FEEDBACK_DONE)
    shot(requester, "pad-c-terugkoppeling")
    flows.action(requester, "acknowledge").get_by_role("button", name="Gelezen en afsluiten").click()
    flows.done(requester, "Het verzoek is afgesloten.")
    expect(flows.status(requester)).to_contain_text("Afgesloten")

    clinician.reload()
    expect(main(clinician)).to_contain_text(FEEDBACK_DONE)  # the feedback reached the provider
    shot(clinician, "pad-c-terugkoppeling-ontvangen")


def test_reformulation_sent_back_and_filed_again(login_as):
    f = flows.Filing(
        path="B", parent_name="Sandra Meijer", topics={"a": "Is moeder een goede moeder voor L.?"}
    )
    requester = login_as("jeugd.kerkrade")
    reference = flows.file_with_mouse(requester, f)
    first_due = flows.due_date_shown(requester)

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
    # "Aanpassen" in the summary opens the filing steps again.
    main(requester).locator('.request-actions a[data-action="edit"]').click()
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

    # R7, R26: a new term of five working days from the resubmission, in Mondriaan's working
    # days (its closure days from the demo data, the decree days), and the earlier term kept.
    today = flows.app_today()
    due = workdays.add_working_days(
        today,
        5,
        closures=[(day, reason) for org, day, reason in CLOSURE_DAYS if org == f.receiver],
        decree_days=workdays.DEFAULT_DECREE_DAYS,
    )
    expect(flows.due_date(requester)).to_contain_text(flows.long_date_nl(due))
    # Filed and resubmitted on the same day, the new term ends where the first one did; that
    # it restarted shows in how the date came about.
    assert first_due == flows.long_date_nl(due), (first_due, due)
    clock = main(requester).locator("details", has=requester.locator("summary", has_text="Hoe is deze datum"))
    clock.locator("summary").first.click()  # (the rule behind it is a disclosure inside)
    expect(clock).to_contain_text("Termijn opnieuw gestart")
    expect(clock).to_contain_text(f"Opnieuw ingediend op {flows.long_date_nl(today)}.")
    expect(clock).to_contain_text(f"Uiterste datum: {flows.long_date_nl(due)}.")
    earlier = main(requester).locator(
        "details", has=requester.locator("summary", has_text="Eerdere wijzigingen")
    )
    earlier.locator("summary").click()
    for line in ("Termijn gestart", "Ingediend op", "Termijn stilgezet", "Teruggestuurd ter herformulering"):
        expect(earlier).to_contain_text(line)
    expect(earlier).to_contain_text(f"uiterste datum was {first_due}")  # the term that stood still
    timeline = main(requester).locator("h2:text-is('Verloop') + ol.timeline")
    for line in ("Verzoek ingediend", "Teruggestuurd ter herformulering", "Opnieuw ingediend"):
        expect(timeline).to_contain_text(line)
    axe_check(requester, "Verzoek (aanvrager, opnieuw ingediend, termijn uitgelegd)")
    shot(requester, "nieuwe-termijn")

    flows.open_from_inbox(clinician, reference)
    expect(main(clinician)).to_contain_text("emotionele beschikbaarheid voor L.?")
    expect(flows.status(clinician)).to_contain_text("Ingediend")
    expect(flows.due_date(clinician)).to_contain_text(flows.long_date_nl(due))
    shot(clinician, "opnieuw-ingediend")

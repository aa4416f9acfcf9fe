"""The filing wizard: bad input (scenario 6), and a request filed with the keyboard alone that
then goes path B to outcome c (scenario 2): the parent does not agree, after internal
consultation and legal advice (the jurist in a browser of her own, R31) the provider does not
provide, a second person confirms the refusal (R11), the requester reads it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e import flows
from tests.e2e.flows import button, heading, main
from tests.e2e.helpers import assert_focus_visible, axe_check, shot, tab_to

pytestmark = pytest.mark.e2e

LEGAL_QUESTION = "Moeder weigert. Is verstrekken tegen haar wil hier noodzakelijk (R31c)?"
LEGAL_ADVICE = "Niet noodzakelijk: het wijkteam kan de veiligheid van L. met de school inschatten."


def test_bad_input_keeps_what_was_typed_and_explains_in_dutch(login_as):
    page = login_as("jeugd.mondriaan")
    flows.start_filing(page, check=True)
    m = main(page)

    # Step 1 with the date missing.
    m.get_by_label("Met wie had u telefonisch contact?").fill("de heer P. Smeets, behandelaar")
    button(page, "Opslaan en verder").click()
    expect(heading(page)).to_have_text("Telefonisch contact")  # still here
    expect(page).to_have_title(re.compile(r"^Fout: "))
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()  # toolkid.js moves focus to the summary
    expect(summary).to_contain_text("Vul de datum van het telefonisch contact in")
    expect(m.locator("#id_phone_contact_date_error")).to_contain_text(
        "Vul de datum van het telefonisch contact in (eerst bellen, dan schrijven)."
    )
    expect(m.get_by_label("Datum van het telefonisch contact")).to_have_attribute("aria-invalid", "true")
    expect(m.get_by_label("Met wie had u telefonisch contact?")).to_have_value(
        "de heer P. Smeets, behandelaar"
    )
    axe_check(page, "Stap Telefonisch contact (fout)")
    shot(page, "telefonisch-contact-fout")

    # The summary's link takes the user to the field.
    summary.get_by_role("link", name=re.compile("Vul de datum")).click()
    expect(m.get_by_label("Datum van het telefonisch contact")).to_be_focused()
    m.get_by_label("Datum van het telefonisch contact").fill(flows.days_ago(1).isoformat())
    flows.step_next(page, "Ouder en kinderen")

    # Step 2: several fields typed, required ones missing, one invalid.
    m.get_by_label("Naam van de ouder").fill("Ria Janssen")
    m.get_by_label("BSN van de ouder").fill("123456789")  # fails the elfproef
    m.get_by_role("checkbox", name=re.compile("De ouder is wilsonbekwaam")).check()
    m.get_by_label("Naam van de vertegenwoordiger").fill("M. Janssen-Bos")
    m.locator("#id_children-0-name_or_initials").fill("L.")
    button(page, "Opslaan en verder").click()

    expect(heading(page)).to_have_text("Ouder en kinderen")
    expect(page.locator(".error-summary")).to_be_focused()
    expected_errors = {
        "parent_date_of_birth": "Vul de geboortedatum van de ouder in.",
        "parent_bsn": "Dit is geen geldig BSN.",
        "parent_representative_kind": "Kies wie de ouder vertegenwoordigt.",
        "children-0-date_of_birth": "Vul de geboortedatum van het kind in.",
    }
    for name, message in expected_errors.items():
        expect(m.locator(f"#id_{name}_error")).to_contain_text(message)
        expect(page.locator(".error-summary")).to_contain_text(message)
    # Every typed value is still there.
    expect(m.get_by_label("Naam van de ouder")).to_have_value("Ria Janssen")
    expect(m.get_by_label("BSN van de ouder")).to_have_value("123456789")
    expect(m.get_by_role("checkbox", name=re.compile("De ouder is wilsonbekwaam"))).to_be_checked()
    expect(m.get_by_label("Naam van de vertegenwoordiger")).to_have_value("M. Janssen-Bos")
    expect(m.locator("#id_children-0-name_or_initials")).to_have_value("L.")
    axe_check(page, "Stap Ouder en kinderen (fout)")
    shot(page, "ouder-en-kinderen-fout")


# --------------------------------------------------------------------------------------------
# The keyboard alone
# --------------------------------------------------------------------------------------------


def key_to(page: Page, predicate: str) -> None:
    tab_to(page, predicate)


def key_to_id(page: Page, element_id: str) -> None:
    tab_to(page, f"el.id === {element_id!r}")


def key_type(page: Page, element_id: str, text: str) -> None:
    key_to_id(page, element_id)
    page.keyboard.type(text)


_DATE_ORDER: dict[str, str] = {}


def date_order(page: Page) -> str:
    """The order in which this browser's date inputs take their parts from the keyboard. It
    follows the browser's own UI language (headless Chromium: month/day/year whatever the
    page or the context locale say), so it is measured once, on a scratch page."""
    if "order" not in _DATE_ORDER:
        probe = page.context.new_page()
        probe.set_content('<input type="date" id="d">')
        probe.focus("#d")
        probe.keyboard.type("01022003")
        value = probe.input_value("#d")
        probe.close()
        _DATE_ORDER["order"] = {"2003-02-01": "%d%m%Y", "2003-01-02": "%m%d%Y"}.get(value, "%Y%m%d")
    return _DATE_ORDER["order"]


def key_date(page: Page, element_id: str, value) -> None:
    """A date input by keyboard: digits fill day, month and year in the browser's order."""
    key_to_id(page, element_id)
    page.keyboard.type(value.strftime(date_order(page)))
    expect(page.locator(f"#{element_id}")).to_have_value(value.isoformat())


def key_press_button(page: Page, name: str) -> None:
    key_to(page, f"el.tagName === 'BUTTON' && el.textContent.trim() === {name!r} && el.offsetParent !== null")
    page.keyboard.press("Enter")


def key_check(page: Page, element_id: str) -> None:
    key_to_id(page, element_id)
    page.keyboard.press("Space")
    expect(page.locator(f"#{element_id}")).to_be_checked()


def key_radio(page: Page, group_first_id: str, label: str) -> None:
    """Tab into a radio group (focus lands on its first option when none is checked), then
    arrow down until the option named ``label`` is checked."""
    key_to(page, f"el.name === document.getElementById({group_first_id!r}).name")
    for _ in range(8):
        if page.evaluate("() => document.activeElement.labels[0].textContent.trim()").startswith(label):
            page.keyboard.press("Space")
            break
        page.keyboard.press("ArrowDown")
    else:
        raise AssertionError(f"no option {label!r} in the group of {group_first_id}")
    expect(page.locator("input:focus")).to_be_checked()
    assert_focus_visible(page)


def test_keyboard_filing_then_path_b_refused_after_internal_consultation(login_as, new_context, server):
    f = flows.Filing(path="B", parent_name="Petra Wouters", reason="De leerkracht ziet dat L. vaak huilt.")
    # --- the requester, keyboard only ------------------------------------------------------
    page = login_as("jeugd.xonar")
    key_to(page, "el.tagName === 'A' && el.textContent.trim() === 'Nieuw informatieverzoek'")
    page.keyboard.press("Enter")
    expect(heading(page)).to_have_text("Nieuw informatieverzoek")
    key_press_button(page, "Verzoek starten")

    expect(heading(page)).to_have_text("Telefonisch contact")
    key_date(page, "id_phone_contact_date", flows.days_ago(1))
    key_type(page, "id_phone_contact_with", f.phone_with)
    shot(page, "toetsenbord-telefonisch-contact")
    page.keyboard.press("Enter")  # Enter in a text field: Opslaan en verder

    expect(heading(page)).to_have_text("Ouder en kinderen")
    key_type(page, "id_parent_name", f.parent_name)
    key_date(page, "id_parent_date_of_birth", f.parent_born)
    initials, born = f.children[0]
    key_type(page, "id_children-0-name_or_initials", initials)
    key_date(page, "id_children-0-date_of_birth", born)
    key_press_button(page, "Opslaan en verder")

    expect(heading(page)).to_have_text("Kader en ontvanger")
    # L3: the parent refused consent, so the voluntary framework is no ground.
    key_radio(page, "id_legal_framework_0", "Conflict van plichten")
    key_type(page, "id_framework_change_reason", flows.CONFLICT_OF_DUTIES_REASON)
    key_to_id(page, "id_receiving_organisation")
    page.keyboard.type(f.receiver)  # type-ahead in the closed select
    expect(page.locator("#id_receiving_organisation")).to_have_value(re.compile(r"\d+"))
    shot(page, "toetsenbord-kader-en-ontvanger")
    key_press_button(page, "Opslaan en verder")

    expect(heading(page)).to_have_text("Ernst en reden")
    key_radio(page, "id_severity_0", f.severity)
    key_type(page, "id_reason", f.reason)
    key_press_button(page, "Opslaan en verder")

    expect(heading(page)).to_have_text("Vragen")
    for letter, question in f.topics.items():
        key_check(page, f"id_topics-{letter}-selected")
        key_type(page, f"id_topics-{letter}-question", question)
    key_check(page, "id_no_parenting_judgement_confirmed")
    key_press_button(page, "Opslaan en verder")

    expect(heading(page)).to_have_text("Toestemming")
    key_radio(page, "id_consent_path_0", "De ouder is om toestemming gevraagd en heeft geweigerd")
    expect(page.locator("#pad-B")).to_be_visible()  # filing.js shows the chosen path only
    expect(page.locator("#pad-C")).to_be_hidden()
    for name, text in zip(
        (
            "b_risk_of_serious_harm",
            "b_only_source",
            "b_prevents_harm",
            "b_specific_information",
            "b_why_still_necessary",
        ),
        f.b_texts.values(),
        strict=True,
    ):
        key_type(page, f"id_{name}", text)
    key_check(page, "id_b_will_inform_parent")
    shot(page, "toetsenbord-toestemming")
    key_press_button(page, "Opslaan en verder")

    expect(heading(page)).to_have_text("Controleren en versturen")
    expect(main(page)).to_contain_text(f.parent_name)
    axe_check(page, "Controleren en versturen")
    key_press_button(page, "Verzoek versturen")
    message = page.locator(".messages")
    expect(message).to_contain_text(f"is verstuurd naar {f.receiver}")
    reference = re.search(r"TK-\d{4}-\d{6}", message.inner_text()).group(0)
    axe_check(page, "Verzoek (aanvrager, verstuurd)")
    shot(page, "verstuurd")

    # --- the clinician: take, consult the parent (no), consult internally, refuse --------
    clinician = login_as("zorg.mondriaan")
    flows.open_from_inbox(clinician, reference, check=True)
    axe_check(clinician, "Verzoek (zorgverlener, ingediend)")
    flows.take(clinician)
    block = flows.action(clinician, "parent_consultation")
    block.get_by_label("Datum van het overleg met de ouder").fill(flows.days_ago(0).isoformat())
    block.get_by_role("radio", name="Ouder is niet akkoord met verstrekken").check()
    block.get_by_label("Toelichting").fill(
        "Moeder wil niet dat het wijkteam iets hoort over haar behandeling."
    )
    block.get_by_role("button", name="Overleg met ouder vastleggen").click()
    flows.done(clinician, "Het overleg met de ouder is vastgelegd.")

    block = flows.action(clinician, "internal_consultation")
    block.get_by_label("Met wie overlegde u?").fill("Geneesheer-directeur")
    block.get_by_label("Datum van het intern overleg").fill(flows.days_ago(0).isoformat())
    block.get_by_label("Conclusie").fill(
        "De gevraagde informatie voegt niets toe aan wat het wijkteam al weet."
    )
    block.get_by_role("button", name="Intern overleg vastleggen").click()
    flows.done(clinician, "Het intern overleg is vastgelegd.")
    axe_check(clinician, "Verzoek (zorgverlener, in behandeling)")
    shot(clinician, "zorgverlener-in-behandeling")

    # In doubt, legal advice (R31); the decision stays with the clinician (R8).
    block = flows.action(clinician, "ask_legal_advice")
    block.get_by_label("Uw vraag aan de juridisch adviseur").fill(LEGAL_QUESTION)
    block.get_by_role("button", name="Juridisch advies vragen").click()
    flows.done(clinician, "Uw vraag is naar de juridisch adviseur gestuurd.")
    expect(main(clinician)).to_contain_text("Nog geen advies gegeven.")

    # --- the jurist, in a browser of her own, advises ----------------------------------------
    jurist = login_as("jurist.mondriaan")
    flows.go_to(jurist, "Adviesvragen")
    referral = main(jurist).get_by_role("region", name=re.compile(re.escape(reference)))
    expect(referral).to_contain_text(LEGAL_QUESTION)
    axe_check(jurist, "Adviesvragen")
    shot(jurist, "adviesvragen")
    referral.get_by_label("Uw advies").fill(LEGAL_ADVICE)
    referral.get_by_role("button", name="Advies vastleggen").click()
    flows.done(jurist, "Uw advies is vastgelegd. Het besluit blijft bij de zorgverlener.")
    expect(main(jurist).get_by_role("link", name=reference, exact=True)).to_have_count(0)  # answered

    clinician.reload()
    expect(main(clinician)).to_contain_text(LEGAL_ADVICE)
    shot(clinician, "juridisch-advies-gegeven")

    flows.decide(
        clinician,
        "Informatie niet verstrekken",
        "Na intern overleg: verstrekken tegen de wil van moeder is niet noodzakelijk (R31c).",
    )
    expect(clinician.locator("main")).to_contain_text("wacht op bevestiging door een tweede persoon")
    shot(clinician, "weigering-wacht-op-bevestiging")

    # The requester meanwhile sees "in behandeling", not the refusal (R11).
    page.reload()
    expect(flows.status(page)).not_to_contain_text("geweigerd", ignore_case=True)

    # --- the second person confirms ------------------------------------------------------
    leader = login_as("teamleider.mondriaan")
    leader.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Te bevestigen weigeringen"
    ).click()
    expect(heading(leader)).to_have_text("Te bevestigen weigeringen")
    axe_check(leader, "Te bevestigen weigeringen")
    shot(leader, "te-bevestigen-weigeringen")
    main(leader).get_by_role("link", name=reference, exact=True).click()
    block = flows.action(leader, "confirm_refusal")
    axe_check(leader, "Verzoek (teamleider, weigering te bevestigen)")
    block.get_by_label(re.compile("Toelichting bij de bevestiging")).fill(
        "Terecht nee: besproken in het MDO."
    )
    block.get_by_role("button", name="Weigering bevestigen").click()
    flows.done(leader, "De weigering is bevestigd.")

    # --- the requester reads the refusal -------------------------------------------------
    page.reload()
    expect(main(page)).to_contain_text("Informatie niet verstrekken")
    expect(main(page)).to_contain_text("verstrekken tegen de wil van moeder is niet noodzakelijk")
    expect(page.locator("#veilig-thuis")).to_contain_text("Veilig Thuis")  # R2
    expect(page.locator('.request-actions a[data-action="acknowledge"]')).to_be_visible()
    axe_check(page, "Verzoek (aanvrager, geweigerd)")
    shot(page, "aanvrager-ziet-weigering")

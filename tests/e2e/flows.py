"""Multi-page steps the scenarios share: filing a request through the wizard, the provider's
actions on a request's page, and the follow-up after the answer. Every page they pass is
checked with axe by itself (conftest.py); with ``check=True`` they also name the pages in the
axe report and screenshot them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from playwright.sync_api import Locator, Page, expect

from tests.e2e.helpers import axe_check, shot

#: A one-page PDF, enough for the upload check (signature %PDF-) and a real PDF reader.
TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def days_ago(n: int) -> dt.date:
    return dt.date.today() - dt.timedelta(days=n)


def app_today() -> dt.date:
    """Today where the app counts its terms (TIME_ZONE Europe/Amsterdam)."""
    return dt.datetime.now(ZoneInfo("Europe/Amsterdam")).date()


_WEEKDAYS_NL = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
_MONTHS_NL = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip


def long_date_nl(day: dt.date) -> str:
    """A date as the request's page writes it: "vrijdag 4 december 2026"."""
    return f"{_WEEKDAYS_NL[day.weekday()]} {day.day} {_MONTHS_NL[day.month - 1]} {day.year}"


def due_date(page: Page) -> Locator:
    """The due date in the request's summary ("Uiterste datum: ...")."""
    return main(page).locator("[data-due-date] > p").first


def due_date_shown(page: Page) -> str:
    """The due date on the request's page, as written there."""
    found = re.search(r"Uiterste datum:\s*(\w+ \d{1,2} \w+ \d{4})", due_date(page).inner_text())
    assert found, "no due date on the request's page"
    return found.group(1)


@dataclass
class Filing:
    """What a requester types into the wizard (invented people, no real BSN)."""

    path: str = "B"  # A, B or C
    phone_with: str = "mevrouw J. Hermans, behandelaar"
    parent_name: str = "Ria Janssen"
    parent_born: dt.date = dt.date(1987, 6, 14)
    children: list[tuple[str, dt.date]] = field(default_factory=lambda: [("L.", dt.date(2017, 3, 2))])
    receiver: str = "Mondriaan"
    severity: str = "Twijfel over het welzijn van het kind"
    reason: str = "School meldt dat L. vaak moe is en niet opgehaald wordt."
    topics: dict[str, str] = field(
        default_factory=lambda: {
            "c": "Hoe verloopt de behandeling van moeder; komt zij haar afspraken na?",
        }
    )
    b_texts: dict[str, str] = field(
        default_factory=lambda: {
            "kans op ernstige schade": "Zonder deze informatie is de veiligheid van L. niet in te schatten.",
            "de enige is die de gevraagde": "Alleen de behandelaar kent het verloop van de behandeling.",
            "schade aan het kind voorkomen": "Met de informatie kunnen we tijdig een veiligheidsplan maken.",
            "heel specifieke informatie": "Alleen het verloop van de behandeling sinds maart.",
            "Waarom is overleg toch": "Moeder weigert, maar de signalen van school zijn ernstig.",
        }
    )
    c_texts: dict[str, str] = field(
        default_factory=lambda: {
            "Waarom is geen toestemming gevraagd": "Vader werd eerder agressief tegen moeder en kind.",
            "Waarom is overleg zonder toestemming": "Ernstig vermoeden van huiselijk geweld.",
        }
    )


#: L3 iv: why a wijkteam asks without consent under the conflict of duties.
CONFLICT_OF_DUTIES_REASON = "Zwijgen kan ernstige schade voor het kind opleveren; er is geen andere weg."


def main(page: Page) -> Locator:
    return page.locator("main")


def button(page: Page, name: str) -> Locator:
    return main(page).get_by_role("button", name=name, exact=True)


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def step_next(page: Page, expected_heading: str) -> None:
    button(page, "Opslaan en verder").click()
    expect(heading(page)).to_have_text(expected_heading)


def start_filing(page: Page, *, check: bool = False) -> None:
    """From anywhere: the menu's Nieuw informatieverzoek, then Verzoek starten."""
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Nieuw informatieverzoek"
    ).click()
    expect(heading(page)).to_have_text("Nieuw informatieverzoek")
    if check:
        axe_check(page, "Nieuw informatieverzoek")
        shot(page, "nieuw-informatieverzoek")
    button(page, "Verzoek starten").click()
    expect(heading(page)).to_have_text("Telefonisch contact")


def file_with_mouse(page: Page, filing: Filing, *, check: bool = False) -> str:
    """The whole wizard, pointer and typing (the keyboard-only variant is in test_filing.py).
    Returns the reference the success message names. Path A records a new consent
    declaration on the way (upload of a signed PDF)."""
    start_filing(page, check=check)
    m = main(page)
    if check:
        axe_check(page, "Stap Telefonisch contact")
    m.get_by_label("Datum van het telefonisch contact").fill(days_ago(2).isoformat())
    m.get_by_label("Met wie had u telefonisch contact?").fill(filing.phone_with)
    step_next(page, "Ouder en kinderen")

    if check:
        axe_check(page, "Stap Ouder en kinderen")
    m.get_by_label("Naam van de ouder").fill(filing.parent_name)
    m.get_by_label("Geboortedatum van de ouder").fill(filing.parent_born.isoformat())
    for i, (initials, born) in enumerate(filing.children):
        if i:
            button(page, "Nog een kind toevoegen").click()
        m.locator(f"#id_children-{i}-name_or_initials").fill(initials)
        m.locator(f"#id_children-{i}-date_of_birth").fill(born.isoformat())
    step_next(page, "Kader en ontvanger")

    if check:
        axe_check(page, "Stap Kader en ontvanger")
    m.get_by_label("Ontvangende organisatie").select_option(label=filing.receiver)
    if filing.path != "A":
        # Without consent the voluntary framework is no ground (L3); a wijkteam has the conflict of duties.
        m.get_by_role("radio", name=re.compile("^Conflict van plichten")).check()
        m.get_by_label(re.compile("Waarom kiest u een ander kader")).fill(CONFLICT_OF_DUTIES_REASON)
    step_next(page, "Ernst en reden")

    if check:
        axe_check(page, "Stap Ernst en reden")
    m.get_by_role("radio", name=filing.severity).check()
    m.get_by_label("Reden van het verzoek").fill(filing.reason)
    step_next(page, "Vragen")

    if check:
        axe_check(page, "Stap Vragen")
    for letter, question in filing.topics.items():
        m.locator(f"#id_topics-{letter}-selected").check()
        m.locator(f"#id_topics-{letter}-question").fill(question)
    m.get_by_role("checkbox", name=re.compile("Geen van mijn vragen vraagt om een oordeel")).check()
    with page.expect_navigation():
        button(page, "Opslaan en verder").click()
    if heading(page).inner_text() == "Vragen":  # R10: warned once about a judgement question
        expect(m.locator(".judgement-warning:not([hidden])").first).to_be_visible()
        button(page, "Opslaan en verder").click()
    expect(heading(page)).to_have_text("Toestemming")

    if check:
        axe_check(page, "Stap Toestemming")
    fill_consent_step(page, filing, check=check)
    step_next(page, "Controleren en versturen")
    return review_and_send(page, filing, check=check)


def fill_consent_step(page: Page, filing: Filing, *, check: bool = False) -> None:
    m = main(page)
    labels = {
        "A": "De ouder heeft toestemming gegeven",
        "B": "De ouder is om toestemming gevraagd en heeft geweigerd",
        "C": "De ouder is niet om toestemming gevraagd vanwege ernstig gevaar",
    }
    m.get_by_role("radio", name=labels[filing.path]).check()
    if filing.path == "A":
        button(page, "Nieuwe toestemmingsverklaring vastleggen").click()
        record_consent_declaration(page, filing, check=check)
        expect(heading(page)).to_have_text("Toestemming")
        expect(m.get_by_role("radio", name=labels["A"])).to_be_checked()
        declaration = m.get_by_role("radio", name=re.compile("^Gegeven door de ouder zelf"))
        expect(declaration).to_be_checked()  # the new declaration is proposed
    elif filing.path == "B":
        for label, text in filing.b_texts.items():
            m.get_by_label(re.compile(re.escape(label))).fill(text)
        m.get_by_role("checkbox", name=re.compile("Ik meld de ouder")).check()
    else:
        for label, text in filing.c_texts.items():
            m.get_by_label(re.compile(re.escape(label))).fill(text)


def record_consent_declaration(page: Page, filing: Filing, *, check: bool = False) -> None:
    m = main(page)
    expect(heading(page)).to_have_text("Toestemmingsverklaring vastleggen")
    if check:
        axe_check(page, "Toestemmingsverklaring vastleggen")
        shot(page, "toestemmingsverklaring")
    m.get_by_label("Ontvangende organisatie").select_option(label=filing.receiver)
    m.get_by_role("radio", name="De ouder zelf").check()
    for letter in filing.topics:
        m.locator(f"input[name='topics'][value='{letter}']").check()
    m.get_by_label("Doel").fill("De veiligheid van L. inschatten met het wijkteam.")
    m.get_by_label("Datum waarop de toestemming is gegeven").fill(days_ago(3).isoformat())
    m.get_by_label("Geldig tot").fill((dt.date.today() + dt.timedelta(days=180)).isoformat())
    m.get_by_label("Ondertekende toestemmingsverklaring").set_input_files(
        files=[{"name": "toestemming-ria-janssen.pdf", "mimeType": "application/pdf", "buffer": TINY_PDF}]
    )
    button(page, "Toestemmingsverklaring opslaan").click()


def review_and_send(page: Page, filing: Filing, *, check: bool = False, resubmit: bool = False) -> str:
    """On Controleren en versturen: check the summary, send, and read the reference from the
    confirmation on the request's page."""
    m = main(page)
    expect(m).to_contain_text(filing.parent_name)
    expect(m.locator(".error-summary")).to_have_count(0)  # nothing missing
    if check:
        axe_check(page, "Controleren en versturen")
        shot(page, "controleren-en-versturen")
    button(page, "Opnieuw versturen" if resubmit else "Verzoek versturen").click()
    message = page.locator(".messages")
    expect(message).to_contain_text(f"is {'opnieuw ' if resubmit else ''}verstuurd naar {filing.receiver}")
    found = re.search(r"TK-\d{4}-\d{6}", message.inner_text())
    assert found, message.inner_text()
    expect(heading(page)).to_contain_text(found.group(0))
    if check:
        axe_check(page, "Verzoek (aanvrager, verstuurd)")
        shot(page, "verstuurd")
    return found.group(0)


# --------------------------------------------------------------------------------------------
# The provider's side
# --------------------------------------------------------------------------------------------


def open_from_inbox(page: Page, reference: str, *, check: bool = False) -> None:
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Binnengekomen verzoeken"
    ).click()
    expect(heading(page)).to_have_text("Binnengekomen verzoeken")
    if check:
        axe_check(page, "Binnengekomen verzoeken")
        shot(page, "binnengekomen-verzoeken")
    main(page).get_by_role("link", name=reference, exact=True).click()
    expect(heading(page)).to_contain_text(reference)


def action(page: Page, name: str) -> Locator:
    """Open one action from the request's summary (its link) and return its form's block on the
    action's own page (``#actie-<name>``); after the form is sent, the summary is shown again."""
    block = page.locator(f"#actie-{name}")
    if not block.count():  # not on the action's page yet
        main(page).locator(f'.request-actions a[data-action="{name}"]').click()
    expect(block).to_be_visible()
    return block


def done(page: Page, message: str) -> None:
    expect(page.locator(".messages")).to_contain_text(message)


def take(page: Page) -> None:
    action(page, "take").get_by_role("button", name="Oppakken").click()
    done(page, "U hebt het verzoek opgepakt.")


def status(page: Page) -> Locator:
    return page.locator(".request-status")


def decide(page: Page, decision: str, motivation: str, weighing: str = "") -> None:
    block = action(page, "decide")
    block.get_by_role("radio", name=decision).check()
    block.get_by_label(re.compile(r"^Motivering van het besluit")).fill(motivation)
    if weighing:
        block.get_by_label(re.compile(r"^Afweging zwaarwegende omstandigheden")).fill(weighing)
    block.get_by_role("button", name="Besluit vastleggen").click()
    done(page, "Het besluit is vastgelegd.")


#: R17's explicit statement per topic, instead of facts that lessen the concern.
NO_WEAKENING_FACTS = re.compile(r"^Er zijn mij geen feiten bekend die de zorg ontkrachten")


def answer_and_send(
    page: Page, answers: dict[str, str], *, weakening: str | None = "Sinds november stabiel."
) -> None:
    """Per topic (by its letter) the own observation, facts both ways (``weakening=None``: tick
    that none lessen the concern, R17); then the checklist."""
    block = action(page, "answer")
    for letter, observation in answers.items():
        topic = block.locator("fieldset.answer-topic").filter(has_text=re.compile(rf"^\s*{letter}\. "))
        topic.get_by_label(re.compile(r"^Eigen waarneming")).fill(observation)
        topic.get_by_label(re.compile(r"^Feiten die de zorg versterken")).fill(
            "Twee afspraken afgezegd in oktober."
        )
        if weakening is None:
            topic.get_by_label(NO_WEAKENING_FACTS).check()
        else:
            topic.get_by_label(re.compile(r"^Feiten die de zorg ontkrachten")).fill(weakening)
    for box in block.locator("fieldset:not(.answer-topic)").get_by_role("checkbox").all():
        box.check()
    block.get_by_role("button", name="Antwoord versturen").click()


def go_to(page: Page, menu_item: str) -> None:
    """A page of the main menu, as a user opens it."""
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name=menu_item, exact=True).click()
    expect(heading(page)).to_have_text(menu_item)


# --------------------------------------------------------------------------------------------
# After the answer: duties, the path-C hold, feedback (R27, R35-R38)
# --------------------------------------------------------------------------------------------


def region(page: Page, title: str | re.Pattern[str]) -> Locator:
    """Open a follow-up step by its link on the request's page; its own page (titled by the
    step) holds its one form."""
    main(page).get_by_role("link", name=title, exact=True).first.click()
    expect(heading(page)).to_have_text(title)
    return main(page)


def duty(page: Page, kind: str) -> Locator:
    """One task in the follow-up's task list, by its kind as the page names it."""
    return main(page).locator("li.duty").filter(has_text=kind)


def complete_duty(page: Page, kind: str, note: str = "") -> None:
    """Record a task as done (it happened outside the system): today, with a note."""
    task = duty(page, kind)
    expect(task).to_contain_text("status: Open")
    task.get_by_role("link", name="Taak vastleggen als gedaan").click()
    form = main(page)
    expect(heading(page)).to_have_text("Taak vastleggen als gedaan")
    form.get_by_label("Wanneer deed u dit?").fill(app_today().isoformat())
    if note:
        form.get_by_label("Toelichting (niet verplicht)").first.fill(note)
    form.get_by_role("button", name="Vastleggen", exact=True).click()
    done(page, "De taak is vastgelegd.")
    expect(duty(page, kind)).to_contain_text("status: Gedaan")

"""The request's page as a summary with one page per action (issue 13): at 1366 px the page is
short (no stacked forms), the allowed actions are links, an action opens its own page with one
form and returns to the summary with a message, and an action that is no longer possible says
why instead of showing a form. axe stays at zero serious or critical violations."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e import flows
from tests.e2e.flows import heading, main
from tests.e2e.helpers import axe_check, shot

pytestmark = pytest.mark.e2e

PARENT = "Petra Smeets"
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture(scope="module")
def filed(server) -> dict:
    """A submitted path-B request of Wijkteam Heerlen to Mondriaan (filing is test_filing.py's)."""
    return server.shell(
        "from tests.e2e.seed import file_request; "
        f"file_request('B', 'jeugd.heerlen', 'Mondriaan', {PARENT!r})"
    )


def test_summary_is_short_with_actions_as_links_and_an_action_round_trip(login_as, server, filed):
    clinician = login_as("zorg2.mondriaan", viewport=DESKTOP)
    clinician.goto(server.url(filed["urls"]["requests:detail"]))
    expect(heading(clinician)).to_contain_text(filed["reference"])

    # The summary: status, due date, who handles it, what happens next, the actions as links.
    summary = main(clinician).locator(".request-summary")
    expect(summary).to_contain_text("Status: Ingediend")
    expect(summary).to_contain_text("Uiterste datum:")
    expect(summary).to_contain_text("Nog niet toegewezen")
    expect(summary).to_contain_text("Wat gebeurt er nu?")
    links = summary.locator(".request-actions a")
    expect(links.filter(has_text="Oppakken")).to_be_visible()
    assert main(clinician).locator("form[action*='/actie/']").count() == 0  # no stacked forms
    actions = summary.locator(".request-actions").bounding_box()
    assert actions and actions["y"] + actions["height"] < DESKTOP["height"]  # on the first screen
    page_box = main(clinician).bounding_box()
    assert page_box and page_box["height"] < 3000, f"the request's page is {page_box} at 1366 px"
    axe_check(clinician, "Verzoek: samenvatting (zorgverlener)")
    shot(clinician, "verzoek-samenvatting")

    # One action, one page: its form only, then back to the summary with a message.
    take = flows.action(clinician, "take")
    expect(heading(clinician)).to_have_text("Oppakken")
    assert main(clinician).locator("form[action*='/actie/']").count() == 1
    axe_check(clinician, "Actie: oppakken")
    take.get_by_role("button", name="Oppakken").click()
    flows.done(clinician, "U hebt het verzoek opgepakt.")
    expect(flows.status(clinician)).to_contain_text("In behandeling")
    expect(main(clinician).locator(".request-summary")).to_contain_text("Thijs Ubachs")

    # The action that was just done is not offered any more; its page says why, without a form.
    expect(main(clinician).locator('.request-actions a[data-action="take"]')).to_have_count(0)
    clinician.go_back()
    clinician.reload()
    expect(main(clinician)).to_contain_text("Dit kan niet")
    assert main(clinician).locator("form[action*='/actie/']").count() == 0
    axe_check(clinician, "Actie: niet meer mogelijk")

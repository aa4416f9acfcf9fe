"""The clock on the request's page (extension, contest, "hoe is deze datum berekend?") and the
deadline overview for teamleiders (R26)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from audit.models import AuditEvent
from requests.deadlines.services import request_extend_deadline
from requests.models import ClockEventKind, DueDateChange, LegalAdvice, LegalAdviceOrigin

from ..helpers import ALL_CONFIRMED, decide, fill_answer, fresh, take
from .support import at

D = dt.date
REASON = "Het behandelteam overlegt pas volgende week."


def detail_url(request) -> str:
    return f"/verzoeken/{request.public_id}/"


def action_url(request, slug: str) -> str:
    return f"/verzoeken/{request.public_id}/actie/{slug}/"


@pytest.fixture
def taken(filed_request, clinician_actor):
    with at(2026, 5, 11, 10):
        request = filed_request("A")
        return take(request, clinician_actor)


def test_the_clinician_extends_from_the_request_page(taken, clinician, requester, verified_client):
    client = verified_client(clinician)
    with at(2026, 5, 12):
        page = client.get(detail_url(taken)).content.decode()
        assert 'data-action="extend"' in page and "Verlenging aanvragen" in page
        response = client.post(action_url(taken, "verlengen"), {
            "extend-expected_status": "in_behandeling",
            "extend-new_due_date": "2026-05-27",
            "extend-reason": REASON,
        })
    assert response.status_code == 302
    assert fresh(taken).due_date == D(2026, 5, 27)

    # The requester reads it, with the reason, and may contest it.
    with at(2026, 5, 12, 11):
        page = verified_client(requester).get(detail_url(taken)).content.decode()
    assert "De termijn is verlengd." in page
    assert REASON in page
    assert "Verlengd van woensdag 20 mei 2026 tot woensdag 27 mei 2026: 4 werkdagen erbij." in page
    assert "Hoe is deze datum berekend?" in page
    assert 'data-action="contest_extension"' in page
    assert 'data-action="extend"' not in page


def test_an_incomplete_extension_explains_beside_the_field(taken, clinician, verified_client):
    with at(2026, 5, 12):
        response = verified_client(clinician).post(action_url(taken, "verlengen"), {
            "extend-expected_status": "in_behandeling",
            "extend-new_due_date": "2026-05-25",
            "extend-reason": "",
        })
    assert response.status_code == 400
    page = response.content.decode()
    assert "Kies een werkdag van uw organisatie." in page
    assert "Geef aan waarom u meer tijd nodig hebt." in page
    assert fresh(taken).due_date == D(2026, 5, 20)


def test_the_requester_contests_from_the_request_page(taken, clinician_actor, requester, verified_client):
    with at(2026, 5, 12):
        request_extend_deadline(
            actor=clinician_actor, request=taken, new_due_date=D(2026, 5, 27), reason=REASON
        )
        response = verified_client(requester).post(action_url(taken, "bezwaar-verlenging"), {
            "contest_extension-expected_status": "in_behandeling",
            "contest_extension-reason": "Dit kan niet wachten.",
        })
    assert response.status_code == 302
    advice = LegalAdvice.objects.get(request=taken)
    assert advice.origin == LegalAdviceOrigin.CONTESTED_EXTENSION
    with at(2026, 5, 12, 11):
        page = verified_client(requester).get(detail_url(taken)).content.decode()
    assert "Bezwaar gemaakt tegen de verlenging" in page  # the timeline
    assert 'data-action="contest_extension"' not in page


def test_a_clinician_not_handling_the_request_is_not_offered_the_extension(
    taken, clinician2, verified_client
):
    with at(2026, 5, 12):
        page = verified_client(clinician2).get(detail_url(taken)).content.decode()
        response = verified_client(clinician2).post(action_url(taken, "verlengen"), {
            "extend-expected_status": "in_behandeling",
            "extend-new_due_date": "2026-05-27",
            "extend-reason": REASON,
        })
    assert 'data-action="extend"' not in page
    assert response.status_code == 403
    assert not DueDateChange.objects.filter(request=taken, kind=ClockEventKind.EXTENDED).exists()


# --- overdue: the requester is told of Veilig Thuis, and led to where it is recorded (R2) -------


VT_OPTION = (
    "Zijn er zorgen over de veiligheid van het kind? Dan kunt u Veilig Thuis inschakelen en "
    "dat vastleggen bij het verzoek, onder ‘Veilig Thuis’."
)


def test_the_overdue_notice_offers_veilig_thuis_and_leads_to_where_it_is_recorded(
    filed_request, requester, verified_client
):
    from requests.deadlines.services import VEILIG_THUIS_ANCHOR, deadline_sweep
    from toolkid.models import Notification, NotificationKind
    from toolkid.notifications import text_for

    with at(2026, 5, 11, 10):
        request = filed_request("A")
    after = fresh(request).due_date + dt.timedelta(days=1)
    client = verified_client(requester)
    with at(after.year, after.month, after.day, 10):
        deadline_sweep()
        note = Notification.objects.get(recipient=requester, kind=NotificationKind.DEADLINE_OVERDUE_REQUESTER)
        assert text_for(note).endswith(VT_OPTION)
        assert note.target_url == detail_url(request) + VEILIG_THUIS_ANCHOR == (
            f"/verzoeken/{request.public_id}/#veilig-thuis-ingeschakeld"
        )
        assert "Veilig Thuis inschakelen" in client.get(f"/meldingen/{note.public_id}/").content.decode()
        response = client.post(f"/meldingen/{note.public_id}/gelezen/", {"open": "1"})
        assert (response.status_code, response["Location"]) == (302, note.target_url)

        # The anchor is on the request's page, with the form to record the engagement.
        page = client.get(detail_url(request)).content.decode()
        assert 'id="veilig-thuis-ingeschakeld"' in page
        form_url = f"/verzoeken/{request.public_id}/vervolg/veilig-thuis/"
        assert f'href="{form_url}"' in page  # a link to the step's own page, with its form
        assert f'action="{form_url}"' in client.get(form_url).content.decode()
        response = client.post(form_url, {
            "veilig_thuis-expected_status": "ingediend",
            "veilig_thuis-engaged_on": after.isoformat(),
            "veilig_thuis-safety_concerns": "on",
        })
    assert response.status_code == 302
    assert fresh(request).veilig_thuis_engagements.get().engaged_on == after


def test_before_the_due_date_the_page_offers_no_veilig_thuis(filed_request, requester, verified_client):
    with at(2026, 5, 12, 10):
        request = filed_request("A")
        page = verified_client(requester).get(detail_url(request)).content.decode()
    assert 'id="veilig-thuis-ingeschakeld"' not in page and "/vervolg/veilig-thuis/" not in page


def test_veilig_thuis_itself_is_not_offered_to_engage_veilig_thuis(filed_request):
    from requests.deadlines.services import VEILIG_THUIS_ANCHOR, deadline_sweep
    from toolkid.models import Notification, NotificationKind
    from toolkid.notifications import text_for

    with at(2026, 5, 11, 10):
        request = filed_request("A", framework="veilig_thuis")
    after = fresh(request).due_date + dt.timedelta(days=1)
    with at(after.year, after.month, after.day, 10):
        deadline_sweep()
    note = Notification.objects.get(kind=NotificationKind.DEADLINE_OVERDUE_REQUESTER)
    assert "Veilig Thuis" not in text_for(note)
    assert note.target_url == detail_url(request) and VEILIG_THUIS_ANCHOR not in note.target_url


# --- the overview ------------------------------------------------------------------------------


@pytest.fixture
def mixed(filed_request, clinician_actor, make_organisation, make_user):
    """At Mondriaan: one request answered in time (2 working days), one answered late (6), one
    overdue, one due soon — from two requesting organisations. And one answered in time on the
    day it was filed, 24 February: 91 days before 26 May, outside the overview's window."""
    from requests.handling.answer import request_send_answer

    def answer(request):
        request = fill_answer(decide(request, clinician_actor, provide=True), clinician_actor)
        return request_send_answer(actor=clinician_actor, request=request, confirmations=ALL_CONFIRMED)

    with at(2026, 2, 24, 9):
        old = filed_request("A")
    with at(2026, 2, 24, 10):
        answer(old)  # 0 working days, in time: were it counted, Wijkteam's median would be 2,0
    with at(2026, 5, 11, 10):
        in_time = filed_request("A")
        late = filed_request("A")
        overdue = filed_request("A", framework="ots")  # from a GI
    with at(2026, 5, 13, 10):
        answer(in_time)  # 11 → 13 May: 2 working days
    with at(2026, 5, 21, 10):
        answer(late)  # due 20 May; answered 21 May: 6 working days after the 11th
    with at(2026, 5, 20, 10):
        soon = filed_request("A")  # due Thu 28 May (Whit Monday skipped)
    return {"in_time": in_time, "late": late, "overdue": overdue, "soon": soon, "old": old}


def test_the_overview_counts_per_organisation(mixed, teamleider, verified_client):
    with at(2026, 5, 26, 10):  # the 'soon' request is due Thu 28 May: 2 working days left
        response = verified_client(teamleider).get("/verzoeken/overzicht/")
    assert response.status_code == 200
    page = response.content.decode()
    row = r'<th scope="row"[^>]*>([^<]+)</th>\s*((?:<td class="num[^"]*"[^>]*>[^<]*</td>\s*){5})'
    rows = dict(re.findall(row, page))
    number = r'<td class="num[^"]*"[^>]*>([^<]*)</td>'
    numbers = {org: re.findall(number, cells) for org, cells in rows.items()}
    assert numbers["Wijkteam Heerlen"] == ["1", "0", "1", "1", "4,0"]  # median of 2 and 6
    assert numbers["Bureau Jeugdzorg Limburg"] == ["0", "1", "0", "0", "—"]
    assert numbers["Totaal"] == ["1", "1", "1", "1", "4,0"]
    # The chart is accessible: a title, a description with the numbers; the table carries them too.
    assert '<svg class="chart" role="img" aria-labelledby="grafiek-titel grafiek-uitleg"' in page
    assert "<title id=\"grafiek-titel\">" in page and "Wijkteam Heerlen: 4,0." in page
    # The overdue request, linked for the teamleider.
    assert f'href="/verzoeken/{mixed["overdue"].public_id}/"' in page
    assert AuditEvent.objects.filter(event="request.overview_listed").exists()


def test_the_overview_counts_only_the_last_90_days(mixed, teamleider_actor):
    """The request answered 91 days ago is in no count and not in the median; one day earlier
    (90 days after its answer) it still is — the window, not something else, leaves it out."""
    from requests.deadlines.selectors import OVERVIEW_DAYS, overview_for

    assert OVERVIEW_DAYS == 90
    old = fresh(mixed["old"])
    assert old.answered_at.date() == D(2026, 2, 24) and old.due_date >= D(2026, 2, 24)

    with at(2026, 5, 26, 10):
        overview = overview_for(teamleider_actor, today=D(2026, 5, 26))
    assert overview.since == D(2026, 2, 25)
    wijkteam = next(r for r in overview.rows if r.organisation_name == "Wijkteam Heerlen")
    assert (wijkteam.answered_in_time, wijkteam.answered_late) == (1, 1)
    assert sorted(wijkteam.answer_days) == [2, 6] and wijkteam.median_days == 4
    assert (overview.total.answered_in_time, overview.total.median_days) == (1, 4)
    assert old.reference not in {item.reference for item in overview.overdue_items}

    with at(2026, 5, 25, 10):
        earlier = overview_for(teamleider_actor, today=D(2026, 5, 25))
    wijkteam = next(r for r in earlier.rows if r.organisation_name == "Wijkteam Heerlen")
    assert (wijkteam.answered_in_time, sorted(wijkteam.answer_days)) == (2, [0, 2, 6])
    assert wijkteam.median_days == 2


def test_the_beheerder_sees_counts_and_references_but_no_links(mixed, beheerder, verified_client):
    with at(2026, 5, 25, 10):
        page = verified_client(beheerder).get("/verzoeken/overzicht/").content.decode()
    assert mixed["overdue"].reference in page
    assert f'href="/verzoeken/{mixed["overdue"].public_id}/"' not in page
    assert "Als beheerder ziet u geen inhoud van verzoeken." in page
    # And nothing of the case.
    parent = fresh(mixed["overdue"]).parent
    assert parent.name not in page and parent.initials_and_year not in page


def test_a_clinician_has_no_overview(clinician, verified_client, db):
    response = verified_client(clinician).get("/verzoeken/overzicht/")
    assert response.status_code == 403
    assert AuditEvent.objects.filter(event="request.overview_listed", outcome="denied").exists()


def test_the_requesting_side_sees_how_providers_answer(mixed, wijkteam_teamleider, verified_client):
    with at(2026, 5, 25, 10):
        page = verified_client(wijkteam_teamleider).get("/verzoeken/overzicht/").content.decode()
    assert "Verzoeken van Wijkteam Heerlen, per ontvangende organisatie." in page
    assert re.search(r'<th scope="row"[^>]*>Mondriaan</th>', page)


def test_the_teamleider_finds_the_overview_in_the_navigation(teamleider, verified_client, db):
    page = verified_client(teamleider).get("/").content.decode()
    nav = re.search(r'<nav class="site-nav".*?</nav>', page, re.DOTALL).group(0)
    assert ">Overzicht termijnen</a>" in nav
    # Meldingen is in the header, once, with its unread count; not in the menu as well (issue 13).
    assert ">Meldingen</a>" not in nav and page.count(">Meldingen") == 1

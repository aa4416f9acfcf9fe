"""The overview for the parent (AVG art. 15, R41): what a beheerder hands to a parent who asks
who used their data, for demo parents on every consent path; and its deferral while the path-C
hold applies (R35, R40)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from audit.events import record, record_denied
from audit.grounds import Ground, GroundValue
from audit.models import AuditAction, AuditEvent
from audit.parents import ParentMatch
from audit.right_of_access import access_letter
from demo.followup_cases import FOLLOWUP_CASES
from demo.request_cases import CASES
from requests.followup.selectors import hold_active
from requests.models import ConsentPath, InformationRequest, Parent
from tests.conftest import verify_client
from toolkid.models import Organisation, User

from .test_reports import pdf_text

pytestmark = pytest.mark.django_db

CODE = "audit.parent_access_letter_exported"
#: One demo request per path, by its case slug; the overview is made for its parent.
PATH_CASES = {
    "A": "pad-a-beantwoord",
    "B": "pad-b-akkoord",
    "C-released": "vervolg-c-opgeheven",
    "C-held": "vervolg-c-afscherming",
}
#: The ground each path's lines name, in words (audit.grounds).
PATH_GROUNDS = {
    "A": "Toestemming van de ouder (verklaring",
    "B": "Toestemming gevraagd en geweigerd (ouder akkoord met verstrekken)",
    "C-released": "Niet om toestemming gevraagd vanwege ernstig gevaar",
}
DEFERRAL = "Dit overzicht kunnen wij u nu nog niet geven"


@pytest.fixture
def demo(settings, tmp_path):
    settings.DOCUMENTS_DIR = tmp_path / "documents"
    call_command("load_demo", stdout=StringIO())


def demo_request(slug: str) -> InformationRequest:
    case = next(c for c in (*CASES, *FOLLOWUP_CASES) if c.slug == slug)
    return InformationRequest.objects.select_related("parent", "receiving_organisation").get(
        submit_token=case.key
    )


def client_of(client, username: str):
    return verify_client(client, User.objects.get(username=username))


def letter(client, parent: Parent):
    return client.get(reverse("audit:parent_access_letter"), {"ouder": parent.audit_ref})


def flat(content: bytes) -> str:
    return " ".join(pdf_text(content).split())


def professional_names(organisation: Organisation, parent: Parent) -> set[str]:
    """The full names of the professionals whose access to this parent is in the log."""
    users = AuditEvent.objects.filter(
        organisation=organisation, parent_ref=parent.audit_ref, user__isnull=False
    ).values_list("user__first_name", "user__last_name")
    return {f"{first} {last}" for first, last in users if first or last}


def assert_overview(client, path: str) -> str:
    """The overview of the parent of demo case ``slug``, made by Mondriaan's beheerder, lists
    organisation and role, what, the purpose and what was provided to whom; no names."""
    req = demo_request(PATH_CASES[path])
    assert not hold_active(req)
    before = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    response = letter(client, req.parent)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = flat(response.content)
    assert "Overzicht: wie heeft uw gegevens gebruikt?" in text
    # For whom, by name and birth date; never the BSN.
    assert req.parent.name in text and req.parent.date_of_birth.strftime("%d-%m-%Y") in text
    assert not req.parent.bsn or req.parent.bsn not in text
    # Grouped per organisation and role, with what happened and the purpose in words.
    assert "Mondriaan — zorgverlener" in text
    assert "Antwoord verstuurd" in text
    assert "Behandelen informatieverzoek" in text
    # On which ground: the request's consent path.
    assert PATH_GROUNDS[path] in text
    # What was provided to whom: the answer, to the requesting organisation, with its topics.
    assert "Wat is aan wie verstrekt" in text
    assert "Antwoord op een informatieverzoek" in text
    assert f"Mondriaan {req.requesting_organisation.name} Antwoord op een informatieverzoek" in text
    assert "Onderwerpen:" in text
    # No professional by name: the organisation did not choose so.
    names = professional_names(req.receiving_organisation, req.parent)
    assert names and not any(name in text for name in names)
    assert DEFERRAL not in text
    # The export itself is logged, once, with its purpose and the document id.
    made = AuditEvent.objects.filter(seq__gt=before, event=CODE)
    assert made.count() == 1
    event = made.get()
    assert (event.action, event.purpose, event.parent_ref) == ("export", "inzagerecht", req.parent.audit_ref)
    assert event.payload["deferred"] is False
    assert event.payload["document_id"] in text
    assert event.ground == "inzagerecht"
    return text


def test_the_overview_on_every_path_and_its_deferral_under_the_path_c_hold(client, demo):
    client = client_of(client, "beheer.mondriaan")
    for path in ("A", "B", "C-released"):
        assert_overview(client, path)

    # Path C, hold on: nothing is listed; it says why in general terms and when to ask again.
    req = demo_request(PATH_CASES["C-held"])
    assert req.consent_path == ConsentPath.C and hold_active(req)
    response = letter(client, req.parent)
    assert response.status_code == 200
    text = flat(response.content)
    assert DEFERRAL in text and "artikel 23" in text and "Vraagt u het overzicht na" in text
    assert req.parent.name in text
    # Nothing that gives the request away: no organisation or role lines, no reference, no
    # other organisation, no period.
    for hidden in ("Mondriaan — ", "zorgverlener", req.reference, req.requesting_organisation.name,
                   "Wat is aan wie verstrekt", "Periode", "Informatieverzoek", "Antwoord"):
        assert hidden not in text, hidden
    deferred = AuditEvent.objects.filter(event=CODE).order_by("-seq").first()
    assert (deferred.parent_ref, deferred.payload["deferred"]) == (req.parent.audit_ref, True)
    assert (deferred.purpose, deferred.ground) == ("inzagerecht", "inzagerecht")

    # The organisation may choose to name its professionals.
    answered = demo_request(PATH_CASES["A"])
    Organisation.objects.filter(pk=answered.receiving_organisation_id).update(
        access_report_names_professionals=True
    )
    text = flat(letter(client, answered.parent).content)
    names = professional_names(answered.receiving_organisation, answered.parent)
    assert names and all(name in text for name in names)
    assert "Medewerker" in text
    # The overview made earlier is in it too, under the parent's right of access.
    assert "Mondriaan — beheerder" in text and "Inzageoverzicht voor de ouder gemaakt" in text
    assert "Recht op inzage van de ouder" in text


def test_the_page_links_the_overview_and_only_the_own_organisations_parents(client, demo):
    beheerder = client_of(client, "beheer.mondriaan")
    held = demo_request(PATH_CASES["C-held"])
    page = beheerder.get(reverse("audit:parent_access"), {"ouder": held.parent.audit_ref}).content.decode()
    assert "Overzicht voor de ouder (PDF)" in page
    # The beheerder learns that the overview waits, not which case or why in detail (the
    # notice; the beheerder's own table of accesses further up names the references as ever).
    notice = page[page.index('id="voor-de-ouder"') : page.index(reverse("audit:parent_access_letter"))]
    assert "wordt nu uitgesteld" in notice
    assert held.reference not in notice and held.requesting_organisation.name not in notice
    free = demo_request(PATH_CASES["C-released"])
    page = beheerder.get(reverse("audit:parent_access"), {"ouder": free.parent.audit_ref}).content.decode()
    assert "Overzicht voor de ouder (PDF)" in page and "wordt nu uitgesteld" not in page
    assert reverse("audit:parent_access_letter") in page

    # Another organisation's parent is a logged 404 (Jeugdteam Kerkrade's request to Mondriaan;
    # Wijkteam Heerlen has nothing to do with it).
    elsewhere = demo_request("pad-a-afgesloten")
    assert "Heerlen" not in elsewhere.requesting_organisation.name
    beheerder.logout()
    response = letter(client_of(client, "beheer.heerlen"), elsewhere.parent)
    assert response.status_code == 404
    denied = AuditEvent.objects.filter(event=CODE).get()
    assert (denied.outcome, denied.parent_ref) == ("denied", elsewhere.parent.audit_ref)

    # A clinician is no beheerder: 404, logged too.
    client.logout()
    response = letter(client_of(client, "zorg.mondriaan"), elsewhere.parent)
    assert response.status_code == 404
    assert AuditEvent.objects.filter(event=CODE, outcome="denied").count() == 2


def test_the_overview_renders_for_every_demo_parent(client, demo):
    """The functional administrator makes it for each demo parent; a parent with a request under
    the path-C hold gets the deferral, every other one the overview."""
    client = client_of(client, "functioneel.beheer")
    parents = list(Parent.objects.all())
    assert parents
    for parent in parents:
        response = letter(client, parent)
        assert response.status_code == 200, parent.pk
        text = flat(response.content)
        held = any(hold_active(req) for req in InformationRequest.objects.filter(parent=parent))
        assert parent.name in text
        assert (DEFERRAL in text) is held, parent.pk
        assert ("Wie heeft uw gegevens gebruikt" in text) is not held
    assert AuditEvent.objects.filter(event=CODE).count() == len(parents)


# --- the arrangement, without the demo -------------------------------------------------------


def test_many_reads_on_one_day_become_one_line_with_a_count_and_denials_are_left_out(actor):
    ref = "ouder:00000000-0000-0000-0000-00000000000a"
    consent = GroundValue(Ground.CONSENT, "", "verklaring:3")
    for _ in range(5):
        record(actor=actor, event="request.read", action=AuditAction.READ,
               object_type="requests.informationrequest", object_id="1", parent_ref=ref, ground=consent)
    record(actor=actor, event="test.request_answered", action=AuditAction.TRANSFER,
           object_type="requests.informationrequest", object_id="1", parent_ref=ref, ground=consent)
    record_denied(actor=actor, event="request.read", action=AuditAction.READ,
                  object_type="requests.informationrequest", object_id="2", parent_ref=ref)
    parent = ParentMatch(parent_ref=ref, name="Test Ouder", date_of_birth=dt.date(1980, 1, 1), references=())
    made = access_letter(AuditEvent.objects.filter(parent_ref=ref), parent=parent, deferred=False)
    [group] = made.groups
    assert group.heading == "Mondriaan (audit) — zorgverlener"
    reads, answered = group.lines
    assert (reads.what, reads.count, reads.time) == ("Informatieverzoek ingezien", 5, None)
    assert reads.ground == "Toestemming van de ouder (verklaring 3)"
    assert (answered.what, answered.count) == ("Testverzoek beantwoord", 1) and answered.time is not None
    assert made.events == 6  # the denied attempt saw nothing
    [transfer] = made.transfers
    assert (transfer.sender, transfer.kind) == ("Mondriaan (audit)", "Testverzoek beantwoord")
    assert not access_letter(AuditEvent.objects.filter(parent_ref=ref), parent=parent, deferred=True).groups

"""Letters as PDF (requests/letters/documents.py and views.py): the request letter
(R22–R24 and the path's explanations), the answer letter (R15–R21; a confirmed refusal with R2),
and the consent declaration form (R24, L2). Each renders on every path, carries the letterhead,
"Vertrouwelijk", a document id and page numbers; each download is an EXPORT audit event; another
organisation gets a logged 404; an unconfirmed refusal never shows (R11)."""

from __future__ import annotations

import io
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from audit.models import AuditAction, AuditEvent, AuditOutcome
from requests.core.workflow import RequestStatus
from requests.handling.answer import request_send_answer
from requests.handling.services import request_confirm_refusal
from requests.letters import documents as letters
from requests.letters.documents import LetterKind
from requests.models import InformationRequest
from tests.conftest import verify_client
from tests.requests.helpers import (
    ALL_CONFIRMED,
    PATH_B_FIELDS,
    PATH_C_FIELDS,
    QUESTIONS,
    decide,
    fill_answer,
    fresh,
)

S = RequestStatus
pytestmark = pytest.mark.django_db

OWN_OBSERVATION = "Moeder komt haar afspraken na en is in gesprekken betrokken."
REFUSAL_MOTIVATION = "Afgewogen na overleg; zie dossier."
OTS_MOTIVATION = "De gevraagde informatie is niet nodig voor de uitvoering van de OTS."
VEILIG_THUIS = "Dan kan Veilig Thuis worden ingeschakeld."
PATHS = {
    # label: (filed_request args, kwargs, a sentence only that path's request letter holds)
    "A": (("A",), {}, "De toestemmingsverklaring gaat met dit verzoek mee"),
    "B": (("B",), {}, PATH_B_FIELDS["b_risk_of_serious_harm"]),
    "C": (("C",), {}, PATH_C_FIELDS["c_why_not_asked"]),
    "OTS": (("A",), {"ots": True}, "Er is een ondertoezichtstelling"),
}
URLS = {
    LetterKind.REQUEST: "requests:letter_request",
    LetterKind.ANSWER: "requests:letter_answer",
    LetterKind.CONSENT_FORM: "requests:consent_form",
}


class PdfText:
    """A PDF's text, searched without regard to whitespace: lines wrap wherever the layout puts
    them ("mogelijkheden/" at the end of one line, "gezonde kant" on the next)."""

    def __init__(self, content: bytes):
        reader = PdfReader(io.BytesIO(content))
        self.raw = " ".join(page.extract_text() for page in reader.pages)
        self.pages = len(reader.pages)
        self._squashed = squash(self.raw)

    def __contains__(self, needle: str) -> bool:
        return squash(needle) in self._squashed

    def count(self, needle: str) -> int:
        return self._squashed.count(squash(needle))


def squash(text: str) -> str:
    return "".join(str(text).split())


def pdf_text(content: bytes) -> PdfText:
    return PdfText(content)


def url(kind: LetterKind, req) -> str:
    return reverse(URLS[kind], kwargs={"public_id": req.public_id})


def download(user, kind: LetterKind, req, status: int = 200):
    response = verify_client(Client(), user).get(url(kind, req))
    assert response.status_code == status, response.status_code
    return response


def answered(req, clinician_actor):
    req = decide(req, clinician_actor, provide=True)
    req = fill_answer(req, clinician_actor)
    return request_send_answer(actor=clinician_actor, request=req, confirmations=ALL_CONFIRMED)


def letter_events(req, event: str):
    return AuditEvent.objects.filter(event=event, object_id=str(req.pk)).order_by("seq")


# --- the request letter ----------------------------------------------------------------------


@pytest.mark.parametrize("path", list(PATHS))
def test_the_request_letter_holds_r22_to_r24_and_the_paths_explanation(filed_request, path):
    args, kwargs, path_sentence = PATHS[path]
    req = filed_request(*args, topics=("a", "c", "f"), **kwargs)
    user = req.requester
    response = download(user, LetterKind.REQUEST, req)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="verzoek-om-informatie-{req.reference}-'
    )
    assert response["Cache-Control"] == "private, no-store"
    text = pdf_text(response.content)

    assert req.reference in text
    assert req.requesting_organisation.name in text  # the letterhead
    assert req.receiving_organisation.name in text  # the addressee
    assert "Vertrouwelijk" in text
    assert f"Pagina 1 van {text.pages}" in text
    assert "Sanne de Vries" in text and "2 april 1988" in text  # the parent
    assert "N., " in text and "T., " in text  # the children
    assert req.reason in text  # R23
    assert str(req.get_severity_display()) in text
    assert "Dhr. P. Smeets, behandelaar" in text  # R6, R22: the phone call first
    assert str(req.get_legal_framework_display()) in text  # L3
    for letter in ("a", "c", "f"):
        assert QUESTIONS[letter] in text  # R14
    assert str(req.get_consent_path_display()) in text  # R24
    assert path_sentence in text
    # The document id printed on the letter is the one in the audit trail.
    event = letter_events(req, "letter.request_downloaded").get()
    assert event.payload["document_id"] in text


def test_path_b_and_c_letters_hold_every_explanation(filed_request):
    b = pdf_text(download((req := filed_request("B")).requester, LetterKind.REQUEST, req).content)
    for name in (
        "b_risk_of_serious_harm",
        "b_only_source",
        "b_prevents_harm",
        "b_specific_information",
        "b_why_still_necessary",
    ):
        assert PATH_B_FIELDS[name] in b, name  # R30
    assert "vertelt de aanvrager de ouder" in b
    c = pdf_text(download((req := filed_request("C")).requester, LetterKind.REQUEST, req).content)
    for name in ("c_why_not_asked", "c_why_necessary"):
        assert PATH_C_FIELDS[name] in c, name  # R32, R33
    assert "niet over het contact geïnformeerd" in c


def test_path_a_names_the_consent_declaration(filed_request):
    req = filed_request("A")
    text = pdf_text(download(req.requester, LetterKind.REQUEST, req).content)
    declaration = req.consent_declaration
    assert f"Verklaring van {declaration.parent.name}" in text  # named, not an id
    assert "De ouder zelf" in text


def test_the_provider_may_download_the_request_letter_too(filed_request, clinician):
    req = filed_request("B")
    text = pdf_text(download(clinician, LetterKind.REQUEST, req).content)
    assert req.reference in text
    assert letter_events(req, "letter.request_downloaded").get().username == clinician.username


def test_a_draft_has_no_request_letter_yet(filed_request):
    req = filed_request("A", submit=False)
    download(req.requester, LetterKind.REQUEST, req, status=404)
    refused = letter_events(req, "letter.request_downloaded").get()
    assert refused.outcome == AuditOutcome.DENIED and refused.payload["reason"] == "not_available"


# --- the answer letter -----------------------------------------------------------------------


@pytest.mark.parametrize("path", list(PATHS))
def test_the_answer_letter_per_topic_with_the_careful_provision_statements(
    filed_request, clinician_actor, path
):
    args, kwargs, _sentence = PATHS[path]
    req = answered(filed_request(*args, **kwargs), clinician_actor)
    response = download(req.requester, LetterKind.ANSWER, req)
    text = pdf_text(response.content)
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="antwoord-op-verzoek-{req.reference}-'
    )

    assert req.receiving_organisation.name in text  # the answering organisation's letterhead
    assert req.reference in text and "Sanne de Vries" in text
    assert "Vertrouwelijk" in text and f"Pagina 1 van {text.pages}" in text
    for topic in req.topics.all():
        assert topic.get_topic_display() in text
        assert topic.question in text
    assert OWN_OBSERVATION in text  # R15
    assert "Twee keer afspraak afgezegd in april." in text and "Sinds mei stabiel." in text  # R17
    # The fixed closing paragraph (R15–R21).
    for sentence in (
        "De informatie in deze brief is feitelijk",
        "noemen wij de bron",
        "zowel de feiten die de zorg versterken als de feiten die de zorg ontkrachten",
        "geen oordeel over de geschiktheid als ouder",
        "dat oordeel laten wij aan de bevoegde instanties",
        "doelmatigheid, noodzakelijkheid, proportionaliteit en subsidiariteit gewogen",
    ):
        assert sentence in text, sentence
    # The decision's motivation and the provider's internal work stay out (R11, selectors).
    assert REFUSAL_MOTIVATION not in text
    assert "Besproken tijdens het behandelgesprek." not in text
    if path == "C":
        assert "nog niet over dit contact geïnformeerd" in text
    event = letter_events(req, "letter.answer_downloaded").get()
    assert event.action == AuditAction.EXPORT and event.outcome == AuditOutcome.ALLOWED
    assert event.payload["document_id"] in text


@pytest.fixture
def pending_ots_refusal(filed_request, clinician_actor):
    """A GI's request under an OTS, refused by the clinician, not yet confirmed (R11, R4)."""
    req = decide(filed_request("C", ots=True), clinician_actor, provide=False)
    assert req.status == S.REFUSAL_PENDING
    return req


def test_an_unconfirmed_refusal_has_no_answer_letter_for_anyone(
    pending_ots_refusal, clinician, verified_client
):
    req = pending_ots_refusal
    # The requester: a 404 like any request not yet answered, and no link on the page (R11).
    download(req.requester, LetterKind.ANSWER, req, status=404)
    html = verified_client(req.requester).get(reverse("requests:detail", kwargs={"public_id": req.public_id}))
    assert url(LetterKind.ANSWER, req) not in html.content.decode()
    assert url(LetterKind.REQUEST, req) in html.content.decode()
    # Nor the provider: the letter is what the requester receives, once a second person agreed.
    download(clinician, LetterKind.ANSWER, req, status=404)
    refused = list(letter_events(req, "letter.answer_downloaded"))
    assert [e.outcome for e in refused] == [AuditOutcome.DENIED, AuditOutcome.DENIED]
    # The same reason as "not answered yet": the log does not tell a refusal either.
    assert {e.payload["reason"] for e in refused} == {"not_available"}


def test_a_confirmed_refusal_letter_has_the_motivation_and_veilig_thuis(
    pending_ots_refusal, teamleider_actor
):
    req = request_confirm_refusal(
        actor=teamleider_actor, request=pending_ots_refusal, note="Terecht, intern getoetst."
    )
    req = fresh(req)
    assert req.status == S.REFUSED
    text = pdf_text(download(req.requester, LetterKind.ANSWER, req).content)
    assert "Wij verstrekken de gevraagde informatie niet." in text
    assert REFUSAL_MOTIVATION in text  # R39
    assert OTS_MOTIVATION in text  # R4
    assert VEILIG_THUIS in text  # R2
    assert "Ieder blijft verantwoordelijk voor het eigen besluit" in text  # R8
    assert "door een tweede persoon getoetst" in text  # R11
    assert req.receiving_organisation.name in text
    # Provider-internal: the weighing (R34), the second person's note and name (R11).
    assert "Het acute risico voor de kinderen" not in text
    assert "Terecht, intern getoetst." not in text
    assert teamleider_actor.user.username not in text
    # No careful-provision paragraph: nothing was provided.
    assert "De informatie in deze brief is feitelijk" not in text


# --- the consent form ------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["A", "B", "OTS"])
def test_the_consent_form_is_pre_filled_for_the_parent(filed_request, path):
    args, kwargs, _sentence = PATHS[path]
    req = filed_request(*args, topics=("b", "d"), **kwargs)
    response = download(req.requester, LetterKind.CONSENT_FORM, req)
    text = pdf_text(response.content)
    assert req.requesting_organisation.name in text  # letterhead and recipient
    assert req.receiving_organisation.name in text  # who gives the information
    assert "Vertrouwelijk" in text and f"Pagina 1 van {text.pages}" in text
    assert "Sanne de Vries" in text and "2 april 1988" in text  # whose data
    assert "b. Beschrijvende diagnose" in text and "d. Het ziektebesef" in text  # R14 descriptions
    assert "a. Gevolgen van het ziektebeeld" not in text  # only the requested topics
    assert letters.consent_purpose(req) in text  # the purpose, neutral
    assert req.reason not in text  # no case free text for the parent to sign
    assert QUESTIONS["b"] not in text
    assert "geldt tot en met" in text
    assert "Handtekening ouder" in text
    assert "Handtekening vertegenwoordiger" in text and "Curator of mentor" in text  # L2, blank
    event = letter_events(req, "letter.consent_form_downloaded").get()
    assert event.action == AuditAction.EXPORT and set(event.payload) == {"letter", "document_id"}
    assert event.payload["document_id"] in text


def test_the_consent_form_of_a_draft_and_an_incapacitated_parent(filed_request):
    req = filed_request("A", submit=False, incapacitated=True)
    text = pdf_text(download(req.requester, LetterKind.CONSENT_FORM, req).content)
    assert "M. Jansen" in text  # the representative the request records (L2)
    assert "☒ Curator of mentor" in text


def test_no_consent_form_on_path_c(filed_request):
    """R35, R40: on path C nothing may reach the parent."""
    req = filed_request("C")
    download(req.requester, LetterKind.CONSENT_FORM, req, status=404)
    event = letter_events(req, "letter.consent_form_downloaded").get()
    assert event.outcome == AuditOutcome.DENIED and event.payload["reason"] == "not_available"


def test_the_consent_form_is_the_requester_sides(filed_request, clinician):
    req = filed_request("B")
    download(clinician, LetterKind.CONSENT_FORM, req, status=404)
    event = letter_events(req, "letter.consent_form_downloaded").get()
    assert event.outcome == AuditOutcome.DENIED and event.payload["reason"] == "not_permitted"


# --- access and the audit trail --------------------------------------------------------------


@pytest.mark.parametrize("kind", list(LetterKind))
def test_another_organisation_gets_404_and_the_attempt_is_logged(
    filed_request, clinician_actor, outsider_clinician, outsider_requester, kind
):
    req = answered(filed_request("A"), clinician_actor)
    for outsider in (outsider_clinician, outsider_requester):
        response = download(outsider, kind, req, status=404)
        assert b"%PDF" not in response.content
        read = AuditEvent.objects.filter(event="request.read", username=outsider.username).get()
        assert read.outcome == AuditOutcome.DENIED and read.payload == {"purpose": "letter"}
        refused = AuditEvent.objects.filter(event=letters.SPECS[kind].event, username=outsider.username).get()
        assert refused.outcome == AuditOutcome.DENIED and refused.action == AuditAction.EXPORT
        assert refused.object_id == str(req.pk) and refused.parent_ref == req.audit_ref
        assert refused.payload == {"letter": kind.value, "reason": "not_found"}
    assert not AuditEvent.objects.filter(
        event=letters.SPECS[kind].event, outcome=AuditOutcome.ALLOWED
    ).exists()


def test_an_unknown_request_is_the_same_404(requester):
    missing = uuid.uuid4()
    response = verify_client(Client(), requester).get(
        reverse("requests:letter_request", kwargs={"public_id": missing})
    )
    assert response.status_code == 404
    refused = AuditEvent.objects.get(event="letter.request_downloaded")
    assert refused.object_id == str(missing) and refused.outcome == AuditOutcome.DENIED


def test_each_download_is_its_own_document_and_event(filed_request):
    req = filed_request("B")
    first = pdf_text(download(req.requester, LetterKind.REQUEST, req).content)
    second = pdf_text(download(req.requester, LetterKind.REQUEST, req).content)
    events = list(letter_events(req, "letter.request_downloaded"))
    assert len(events) == 2
    ids = [e.payload["document_id"] for e in events]
    assert ids[0] != ids[1] and ids[0] in first and ids[1] in second
    for event in events:
        assert event.action == AuditAction.EXPORT and event.outcome == AuditOutcome.ALLOWED
        assert event.parent_ref == req.audit_ref and event.organisation_id == req.requesting_organisation_id
        # Identifiers only: no name, no question, no reason.
        assert set(event.payload) == {"letter", "document_id"}
    reads = AuditEvent.objects.filter(event="request.read", object_id=str(req.pk), payload__purpose="letter")
    assert reads.count() == 2


def test_unauthenticated_users_are_sent_to_the_login(filed_request):
    req = filed_request("A")
    response = Client().get(url(LetterKind.REQUEST, req))
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(event="letter.request_downloaded").exists()


def test_the_documents_section_links_what_each_side_may_have(
    filed_request, clinician_actor, clinician, verified_client
):
    req = answered(filed_request("B"), clinician_actor)
    detail = reverse("requests:detail", kwargs={"public_id": req.public_id})
    requester_html = verified_client(req.requester).get(detail).content.decode()
    assert "Documenten" in requester_html
    for kind in LetterKind:
        assert url(kind, req) in requester_html
    provider_html = verified_client(clinician).get(detail).content.decode()
    assert url(LetterKind.REQUEST, req) in provider_html and url(LetterKind.ANSWER, req) in provider_html
    assert url(LetterKind.CONSENT_FORM, req) not in provider_html
    # Showing the links exports nothing.
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_a_long_request_runs_over_pages_with_page_numbers(filed_request):
    # Just under the limit of a reason (toolkid.limits.MOTIVATION): 54 × 73 characters.
    long_reason = " ".join(["Signalen van school over verzuim, vermoeidheid en onverzorgd uiterlijk."] * 54)
    req = filed_request("B", topics=("a", "b", "c", "d", "e", "f"), fields={"reason": long_reason})
    text = pdf_text(download(req.requester, LetterKind.REQUEST, req).content)
    pages = text.pages
    assert pages >= 2
    for number in range(1, pages + 1):
        assert f"Pagina {number} van {pages}" in text
    assert text.count("Vertrouwelijk") >= pages  # in every page header


# --- the demo cases --------------------------------------------------------------------------

DEMO_CASES = {
    # slug: (the answer letter is there for the requester, a sentence it holds)
    "pad-a-beantwoord": (True, "dat oordeel laten wij aan de bevoegde instanties"),
    "pad-a-afgesloten": (True, "dat oordeel laten wij aan de bevoegde instanties"),
    "pad-b-akkoord": (True, "dat oordeel laten wij aan de bevoegde instanties"),
    "pad-b-weigering": (False, None),  # R11: waits for a second person
    "pad-b-geweigerd": (True, VEILIG_THUIS),
    "pad-c-verstrekt": (True, "nog niet over dit contact geïnformeerd"),
    "pad-c-geweigerd": (True, VEILIG_THUIS),
    "ots": (True, "Ondertoezichtstelling"),
}


def test_every_letter_renders_for_the_demo_cases_on_every_path():
    from django.core.management import call_command

    from demo.request_cases import CASES
    from tests.requests.helpers import actor_for

    call_command("load_demo", stdout=io.StringIO())
    for slug, (has_answer, sentence) in DEMO_CASES.items():
        case = next(c for c in CASES if c.slug == slug)
        req = InformationRequest.objects.get(submit_token=case.key)
        actor = actor_for(req.requester, req.requesting_organisation)
        kinds = {spec.kind for spec in letters.available_letters(actor, req)}
        assert (LetterKind.ANSWER in kinds) == has_answer, slug
        assert (LetterKind.CONSENT_FORM in kinds) == (req.consent_path != "C"), slug
        for kind in kinds:
            document_id = uuid.uuid4()
            text = pdf_text(letters.render_letter(actor, req, kind, document_id=document_id))
            assert "Vertrouwelijk" in text and str(document_id) in text, (slug, kind)
            assert f"Pagina 1 van {text.pages}" in text, (slug, kind)
            assert req.parent.name in text, (slug, kind)
            if kind is not LetterKind.CONSENT_FORM:
                assert req.reference in text, (slug, kind)
                for topic in req.topics.all():
                    assert topic.question in text, (slug, kind)
            if kind is LetterKind.ANSWER:
                assert sentence in text, slug
                assert req.receiving_organisation.name in text
            else:
                assert req.requesting_organisation.name in text

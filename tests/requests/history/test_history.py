"""The earlier versions of edited fields on the request's timeline (R41,
requests/history/selectors.py; django-simple-history): who changed which field, when, from what
to what — and each side sees only what it may (R11: never a provider-internal field or an
unconfirmed refusal for the requester; never the requester's drafting for the provider)."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent, AuditOutcome
from requests.core.workflow import RequestStatus
from requests.filing.draft import request_draft_update
from requests.filing.services import request_contest_refusal, request_resubmit, request_submit
from requests.handling.answer import request_save_answer, request_send_answer
from requests.handling.services import (
    request_confirm_refusal,
    request_reconsider,
    request_record_internal_consultation,
    request_reject_refusal,
    request_return_for_reformulation,
)
from requests.history.selectors import history_for

from ..helpers import ALL_CONFIRMED, QUESTIONS, decide, fill_answer, fresh, take

S = RequestStatus
pytestmark = pytest.mark.django_db

NEW_REASON = "De mentor meldt dat Noor drie keer zonder ontbijt op school kwam."
OLD_REASON = "School meldt dat Noor vaak alleen thuis is en er moe uitziet."


def changes(entries, subject=None):
    """``{(subject, label): (before, after)}`` of all entries (the last one per key wins)."""
    return {
        (entry.subject, change.label): (change.before, change.after)
        for entry in entries
        for change in entry.changes
        if subject is None or entry.subject == subject
    }


def labels(entries) -> set[str]:
    return {change.label for entry in entries for change in entry.changes}


def all_text(entries) -> str:
    return " ".join(f"{c.label} {c.before} {c.after}" for e in entries for c in e.changes)


# --- the requester's own edits ---------------------------------------------------------------


def test_a_freshly_filed_request_has_no_earlier_versions(filed_request, requester_actor, clinician_actor):
    """Filling in a field for the first time leaves no earlier version, and submitting is on the
    timeline, not here."""
    req = filed_request("B")
    assert history_for(requester_actor, req) == []
    assert history_for(clinician_actor, req) == []


def test_an_edited_draft_field_shows_before_and_after_with_who_and_when(filed_request, requester_actor):
    req = filed_request("A", submit=False)
    before = timezone.now()
    request_draft_update(
        actor=requester_actor,
        request=req,
        fields={"reason": NEW_REASON, "phone_contact_with": "Mevr. L. Hendriks"},
    )
    entries = history_for(requester_actor, fresh(req))
    assert len(entries) == 1
    entry = entries[0]
    assert entry.subject == "Verzoek"
    assert entry.who == "jeugd" and entry.organisation_name == "Wijkteam Heerlen"
    assert before <= entry.occurred_at <= timezone.now()
    found = changes(entries)
    assert found[("Verzoek", "Reden van het verzoek")] == (OLD_REASON, NEW_REASON)
    assert found[("Verzoek", "Telefonisch contact met")] == (
        "Dhr. P. Smeets, behandelaar",
        "Mevr. L. Hendriks",
    )


def test_the_request_page_shows_the_earlier_version(filed_request, requester_actor, verified_client):
    req = filed_request("B", submit=False)
    request_draft_update(actor=requester_actor, request=req, fields={"reason": NEW_REASON})
    html = verified_client(req.requester).get(reverse("requests:detail", kwargs={"public_id": req.public_id}))
    content = html.content.decode()
    assert "Eerdere versies" in content
    section = content[content.index("Eerdere versies") :]
    assert "Reden van het verzoek" in section
    assert f"<del>{OLD_REASON}</del>" in section and f"<ins>{NEW_REASON}</ins>" in section


def test_choices_dates_and_related_rows_in_words(filed_request, requester_actor, make_user, mondriaan):
    other = make_user((mondriaan, "zorgverlener"), username="zorg.b", first_name="Bas", last_name="Kuipers")
    req = filed_request("A", submit=False)
    request_draft_update(actor=requester_actor, request=req, fields={"intended_clinician": other})
    request_draft_update(
        actor=requester_actor,
        request=req,
        fields={
            "severity": "vermoeden_kindermishandeling",
            "phone_contact_date": datetime.date(2026, 3, 2),
            "intended_clinician": None,
        },
    )
    found = changes(history_for(requester_actor, fresh(req)))
    assert found[("Verzoek", "Ernst")] == (
        "Twijfel over het welzijn van het kind",
        "(Redelijk vermoeden van) kindermishandeling / huiselijk geweld",
    )
    assert found[("Verzoek", "Datum telefonisch contact")][1] == "2 maart 2026"
    assert found[("Verzoek", "Beoogde zorgverlener")] == ("Bas Kuipers", "")


def test_edited_topics_children_and_parent(filed_request, requester_actor):
    req = filed_request("A", submit=False, topics=("a", "b"))
    request_draft_update(
        actor=requester_actor,
        request=req,
        fields={},
        parent={"name": "Sanne de Vries-Jansen"},
        children=[
            {"name_or_initials": "N.", "date_of_birth": datetime.date(2016, 9, 1)},
            {"name_or_initials": "T.", "date_of_birth": datetime.date(2018, 2, 14)},
        ],
        topics=[{"topic": "a", "question": "Hoe beschikbaar is moeder voor de kinderen?"}],
    )
    entries = history_for(requester_actor, fresh(req))
    found = changes(entries)
    assert found[("Ouder", "Naam")] == ("Sanne de Vries", "Sanne de Vries-Jansen")
    assert found[("Kinderen", "Kinderen")] == (
        "N. (1-9-2016); T. (14-2-2019)",
        "N. (1-9-2016); T. (14-2-2018)",
    )
    topic_a = (
        "a. Gevolgen van het ziektebeeld voor de sensitiviteit en emotionele beschikbaarheid voor het kind"
    )
    assert found[(topic_a, "Vraag")] == (QUESTIONS["a"], "Hoe beschikbaar is moeder voor de kinderen?")
    topic_b = "b. Beschrijvende diagnose: klachten, belemmeringen, gedrag en mogelijkheden/gezonde kant"
    assert found[(topic_b, "Vraag")] == (QUESTIONS["b"], "(onderwerp niet meer gevraagd)")
    # Who: the draft_updated event of the replacement (bulk writes carry no history user).
    assert {e.who for e in entries} == {"jeugd"}
    assert {e.organisation_name for e in entries} == {"Wijkteam Heerlen"}


def test_saving_the_same_lists_again_is_no_change(filed_request, requester_actor):
    req = filed_request("A", submit=False, topics=("a",))
    request_draft_update(
        actor=requester_actor,
        request=req,
        fields={},
        children=[
            {"name_or_initials": "N.", "date_of_birth": datetime.date(2016, 9, 1)},
            {"name_or_initials": "T.", "date_of_birth": datetime.date(2019, 2, 14)},
        ],
        topics=[{"topic": "a", "question": QUESTIONS["a"]}],
    )
    assert history_for(requester_actor, fresh(req)) == []


def test_a_list_emptied_and_filled_again(filed_request, requester_actor):
    req = filed_request("A", submit=False, topics=("a",))
    request_draft_update(actor=requester_actor, request=req, fields={}, children=[])
    request_draft_update(
        actor=requester_actor,
        request=req,
        fields={},
        children=[{"name_or_initials": "J.", "date_of_birth": datetime.date(2020, 1, 5)}],
    )
    kids = [e for e in history_for(requester_actor, fresh(req)) if e.subject == "Kinderen"]
    # The emptied list is a version of its own; the list had children before, so J. is an edit.
    assert [(c.before, c.after) for e in kids for c in e.changes] == [
        ("N. (1-9-2016); T. (14-2-2019)", ""),
        ("", "J. (5-1-2020)"),
    ]


def test_a_checkbox_ticked_while_drafting_is_a_fill_in_unticking_an_edit(filed_request, requester_actor):
    req = filed_request("B", submit=False)  # b_will_inform_parent was ticked while filling in
    request_draft_update(actor=requester_actor, request=req, fields={"b_will_inform_parent": False})
    found = changes(history_for(requester_actor, fresh(req)))
    assert found == {("Verzoek", "De ouder wordt geïnformeerd"): ("Ja", "Nee")}


# --- the provider's view ---------------------------------------------------------------------


def test_the_provider_does_not_see_the_requesters_drafting(filed_request, requester_actor, clinician_actor):
    req = filed_request("A", submit=False)
    request_draft_update(actor=requester_actor, request=req, fields={"reason": NEW_REASON})
    req = request_submit(actor=requester_actor, request=req, submit_token=uuid.uuid4())
    assert changes(history_for(requester_actor, req))[("Verzoek", "Reden van het verzoek")]
    assert history_for(clinician_actor, req) == []


def test_the_provider_sees_what_changed_after_a_return(filed_request, requester_actor, clinician_actor):
    req = filed_request("B", topics=("a",))
    req = request_return_for_reformulation(
        actor=clinician_actor, request=req, suggestion="Vraag naar het verloop van de behandeling."
    )
    request_draft_update(
        actor=requester_actor,
        request=req,
        fields={"reason": NEW_REASON},
        topics=[{"topic": "c", "question": QUESTIONS["c"]}],
    )
    req = request_resubmit(actor=requester_actor, request=fresh(req))
    for actor in (clinician_actor, requester_actor):
        entries = history_for(actor, fresh(req))
        found = changes(entries)
        assert found[("Verzoek", "Reden van het verzoek")] == (OLD_REASON, NEW_REASON)
        topic_a = next(key for key in found if key[0].startswith("a. "))
        assert found[topic_a] == (QUESTIONS["a"], "(onderwerp niet meer gevraagd)")
        assert {(e.who, e.organisation_name) for e in entries} == {("jeugd", "Wijkteam Heerlen")}


def test_provider_internal_fields_are_hidden_from_the_requester(
    filed_request, requester_actor, clinician_actor, verified_client
):
    req = take(filed_request("C"), clinician_actor)
    first = "Eerst: geen aanleiding om te verstrekken."
    second = "Na tweede overleg: verstrekken is noodzakelijk."
    for conclusion in (first, second):
        req = request_record_internal_consultation(
            actor=clinician_actor,
            request=req,
            with_whom="Geneesheer-directeur",
            date=timezone.localdate(),
            conclusion=conclusion,
        )
    provider = changes(history_for(clinician_actor, fresh(req)))
    assert provider[("Verzoek", "Conclusie intern overleg")] == (first, second)
    requester_entries = history_for(requester_actor, fresh(req))
    assert "Conclusie intern overleg" not in labels(requester_entries)
    assert first not in all_text(requester_entries)
    html = verified_client(req.requester).get(reverse("requests:detail", kwargs={"public_id": req.public_id}))
    assert first not in html.content.decode()
    clinician_html = verified_client(clinician_actor.user).get(
        reverse("requests:detail", kwargs={"public_id": req.public_id})
    )
    assert f"<del>{first}</del>" in clinician_html.content.decode()


def test_r11_a_rejected_refusal_leaves_no_trace_for_the_requester(
    filed_request, requester_actor, clinician_actor, teamleider_actor
):
    req = decide(filed_request("C"), clinician_actor, provide=False)
    req = request_reject_refusal(actor=teamleider_actor, request=req, note="Niet terecht: wel verstrekken.")
    provider = changes(history_for(clinician_actor, fresh(req)))
    assert provider[("Verzoek", "Besluit")] == ("Informatie niet verstrekken", "")
    assert provider[("Verzoek", "Motivering besluit")] == ("Afgewogen na overleg; zie dossier.", "")
    assert provider[("Verzoek", "Besloten door")] == ("zorg", "")
    requester_entries = history_for(requester_actor, fresh(req))
    assert requester_entries == []
    assert "niet verstrekken" not in all_text(requester_entries).lower()


def test_a_reconsidered_confirmed_refusal_stays_hidden_where_it_was_not_visible(
    filed_request, requester_actor, clinician_actor, teamleider_actor
):
    """Known to the requester while refused; cleared on reconsideration, the new state is not
    theirs to see: the change shows only where both versions were visible (both: not here)."""
    req = decide(filed_request("C"), clinician_actor, provide=False)
    req = request_confirm_refusal(actor=teamleider_actor, request=req)
    request_contest_refusal(actor=requester_actor, request=fresh(req), reason="Wij zien dit anders.")
    req = request_reconsider(
        actor=clinician_actor, request=fresh(req), motivation="Na advies opnieuw bekijken."
    )
    assert fresh(req).status == S.IN_PROGRESS
    assert "Besluit" not in labels(history_for(requester_actor, fresh(req)))
    assert "Besluit" in labels(history_for(clinician_actor, fresh(req)))


def test_answer_drafts_are_the_providers(filed_request, requester_actor, clinician_actor):
    req = decide(filed_request("A", topics=("a",)), clinician_actor, provide=True)
    req = fill_answer(req, clinician_actor)
    req = request_save_answer(
        actor=clinician_actor,
        request=req,
        topics={"a": {"own_observations": "Moeder kwam op tijd en was alert."}},
    )
    req = request_send_answer(actor=clinician_actor, request=req, confirmations=ALL_CONFIRMED)
    provider = history_for(clinician_actor, fresh(req))
    found = changes(provider)
    key = next(k for k in found if k[0].startswith("a. ") and k[1] == "Eigen waarneming")
    assert found[key] == (
        "Moeder komt haar afspraken na en is in gesprekken betrokken.",
        "Moeder kwam op tijd en was alert.",
    )
    assert next(e for e in provider if e.subject.startswith("a. ")).who == "zorg"
    # The requester reads the answer as sent, not its earlier drafts.
    assert "Eigen waarneming" not in labels(history_for(requester_actor, fresh(req)))


# --- access ----------------------------------------------------------------------------------


def test_another_organisation_gets_404_and_it_is_logged(filed_request, outsider_actor):
    req = filed_request("A")
    with pytest.raises(Http404):
        history_for(outsider_actor, req)
    event = AuditEvent.objects.get(event="request.history_read")
    assert event.outcome == AuditOutcome.DENIED and event.object_id == str(req.pk)
    assert event.username == outsider_actor.user.username


def test_the_number_of_queries_does_not_grow_with_the_versions(filed_request, requester_actor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_after(edits: int) -> int:
        req = filed_request("A", submit=False)
        for n in range(edits):
            request_draft_update(
                actor=requester_actor,
                request=req,
                fields={"reason": f"Reden {n}"},
                children=[{"name_or_initials": f"K{n}.", "date_of_birth": datetime.date(2017, 1, 1)}],
                topics=[{"topic": "a", "question": f"Vraag {n}"}],
            )
        req = fresh(req)
        with CaptureQueriesContext(connection) as captured:
            entries = history_for(requester_actor, req)
        assert len(entries) == 3 * edits + 1  # the first edit also drops topic b
        return len(captured)

    assert queries_after(2) == queries_after(6)

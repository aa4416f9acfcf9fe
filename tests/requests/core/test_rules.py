"""The protocol's checks as pure functions (requests.core.rules): what forms and services share.

Service-level refusals (state and events unchanged) are in the workflow test files; these tests
pin the rules themselves.
"""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.utils import timezone

from consent.models import ConsentDeclaration
from requests.core import rules
from requests.filing.draft import request_draft_create, request_draft_update
from requests.filing.services import request_submit
from requests.models import (
    Child,
    ConsentPath,
    Decision,
    InformationRequest,
    LegalFramework,
    Parent,
    ParentConsultationOutcome,
    RequestedTopic,
)
from toolkid.errors import Incomplete
from toolkid.models import OrganisationKind

from ..helpers import PATH_B_FIELDS, PATH_C_FIELDS, assert_refused, fresh

pytestmark = pytest.mark.django_db
K = OrganisationKind


# --- L3: the suggested framework -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "has_ots", "expected"),
    [
        (K.GI, True, LegalFramework.OTS),
        (K.GI, False, LegalFramework.VOLUNTARY),
        (K.RVDK, False, LegalFramework.RVDK),
        (K.RVDK, True, LegalFramework.RVDK),
        (K.VEILIG_THUIS, False, LegalFramework.VEILIG_THUIS),
        (K.WIJKTEAM, False, LegalFramework.VOLUNTARY),
        (K.WIJKTEAM, True, LegalFramework.VOLUNTARY),
        (K.JEUGDHULP, False, LegalFramework.VOLUNTARY),
        (K.JEUGD_GGZ, False, LegalFramework.VOLUNTARY),
    ],
)
def test_l3_suggest_framework(kind, has_ots, expected):
    assert rules.suggest_framework(kind, has_ots) == expected


def test_l3_conflict_of_duties_is_not_suggested_where_consent_may_be_the_ground():
    for kind in K.values:
        for has_ots in (True, False):
            for path in ("", "A"):
                assert rules.suggest_framework(kind, has_ots, path) != LegalFramework.CONFLICT_OF_DUTIES


# --- filing: a complete request has nothing missing ------------------------------------------------


@pytest.mark.parametrize("path", ["A", "B", "C"])
def test_a_complete_draft_has_nothing_missing(filed_request, path):
    assert rules.missing_for_submit(filed_request(path, submit=False)) == {}


def test_draft_update_keeps_the_suggested_framework_and_defaults_to_it(filed_request, requester_actor):
    request = filed_request("A", submit=False)
    assert request.suggested_framework == LegalFramework.VOLUNTARY
    assert request.legal_framework == LegalFramework.VOLUNTARY


def test_gi_framework_follows_the_ots_until_chosen_by_hand(filed_request):
    request = filed_request("C", ots=True, submit=False)
    assert (request.suggested_framework, request.legal_framework) == (LegalFramework.OTS, LegalFramework.OTS)
    actor = filed_request.requester_of(request)
    request = request_draft_update(actor=actor, request=request, fields={"has_ots": False})
    # Without the OTS and without consent (path C) only the conflict of duties is left (L3 iv).
    assert (request.suggested_framework, request.legal_framework) == (
        LegalFramework.CONFLICT_OF_DUTIES,
        LegalFramework.CONFLICT_OF_DUTIES,
    )


def test_l3_another_framework_than_suggested_needs_a_reason(filed_request):
    request = _edit(filed_request("A", submit=False), legal_framework=LegalFramework.CONFLICT_OF_DUTIES)
    _refuse_submit(
        request, "framework_change_reason", "U kiest een ander kader dan voorgesteld; licht toe waarom."
    )


@pytest.mark.parametrize(
    ("kind", "has_ots", "path", "expected"),
    [
        (K.WIJKTEAM, False, "B", LegalFramework.CONFLICT_OF_DUTIES),
        (K.WIJKTEAM, False, "C", LegalFramework.CONFLICT_OF_DUTIES),
        (K.WIJKTEAM, False, "A", LegalFramework.VOLUNTARY),
        (K.GI, False, "B", LegalFramework.CONFLICT_OF_DUTIES),
        (K.GI, True, "B", LegalFramework.OTS),
        (K.RVDK, False, "C", LegalFramework.RVDK),
        (K.VEILIG_THUIS, False, "B", LegalFramework.VEILIG_THUIS),
    ],
)
def test_l3_the_suggestion_takes_the_consent_path_into_account(kind, has_ots, path, expected):
    assert rules.suggest_framework(kind, has_ots, path) == expected


@pytest.mark.parametrize(
    ("framework", "path", "contradicts"),
    [
        (LegalFramework.VOLUNTARY, "B", True),
        (LegalFramework.VOLUNTARY, "C", True),
        (LegalFramework.VOLUNTARY, "A", False),
        (LegalFramework.VOLUNTARY, "", False),
        (LegalFramework.CONFLICT_OF_DUTIES, "B", False),
        (LegalFramework.OTS, "C", False),
        ("", "C", False),
    ],
)
def test_l3_framework_contradiction(framework, path, contradicts):
    found = rules.framework_contradiction(InformationRequest(legal_framework=framework, consent_path=path))
    assert bool(found) is contradicts
    if contradicts:
        assert "Kies het kader dat wel van toepassing is" in found


def test_l3_a_new_draft_has_no_framework_until_chosen(requester_actor):
    draft = request_draft_create(actor=requester_actor)
    assert draft.legal_framework == ""
    draft = request_draft_update(
        actor=requester_actor, request=draft, fields={"phone_contact_with": "Dhr. P."}
    )
    assert draft.legal_framework == "" and draft.suggested_framework == LegalFramework.VOLUNTARY
    draft = request_draft_update(actor=requester_actor, request=draft, fields={"consent_path": "C"})
    assert draft.legal_framework == "" and draft.suggested_framework == LegalFramework.CONFLICT_OF_DUTIES
    assert "Kies het kader" in rules.missing_for_submit(draft)["legal_framework"]


def _refuse_submit(request, key, message):
    actor = _requester(request)
    return assert_refused(
        lambda: request_submit(actor=actor, request=request, submit_token=uuid.uuid4()), request, key, message
    )


def _requester(request):
    from ..helpers import actor_for

    return actor_for(request.requester, request.requesting_organisation)


def _edit(request, **fields):
    return request_draft_update(actor=_requester(request), request=request, fields=fields)


# R6 R22 R23 R10 R1: one missing item at a time → refused with its Dutch message, nothing changed.
SUBMIT_CASES = [
    ({"phone_contact_date": None}, "phone_contact_date", "Vul de datum van het telefonisch contact in"),
    (
        {"phone_contact_date": timezone.localdate() + datetime.timedelta(days=3)},
        "phone_contact_date",
        "De datum van het telefonisch contact ligt in de toekomst.",
    ),
    ({"phone_contact_with": "  "}, "phone_contact_with", "Vul in met wie u telefonisch contact had."),
    ({"severity": ""}, "severity", "Kies de ernst van de situatie."),
    ({"reason": ""}, "reason", "Beschrijf de reden van het verzoek."),
    (
        {"no_parenting_judgement_confirmed": False},
        "no_parenting_judgement_confirmed",
        "Bevestig dat u de zorgverlener niet vraagt te oordelen over het ouderschap.",
    ),
    (
        {"receiving_organisation": None},
        "receiving_organisation",
        "Kies de organisatie voor volwassenenzorg die u om informatie vraagt.",
    ),
    (
        # L3: path C goes out without consent; the voluntary framework rests on it.
        {"legal_framework": LegalFramework.VOLUNTARY},
        "legal_framework",
        "U vraagt om informatie zonder toestemming van de ouder, maar als kader staat ‘vrijwillig",
    ),
    (
        {"legal_framework": LegalFramework.RVDK, "framework_change_reason": "x"},
        "legal_framework",
        "Dit kader geldt alleen voor verzoeken van een Raad voor de Kinderbescherming.",
    ),
    ({"consent_path": ""}, "consent_path", "Geef aan wat de situatie rond toestemming van de ouder is."),
]


@pytest.mark.parametrize(("fields", "key", "message"), SUBMIT_CASES)
def test_r6_r22_r23_r10_submit_refused_when_missing(filed_request, fields, key, message):
    request = _edit(filed_request("C", submit=False), **fields)
    _refuse_submit(request, key, message)


def test_r1_receiving_organisation_is_adult_care(filed_request, other_wijkteam):
    request = _edit(filed_request("C", submit=False), receiving_organisation=other_wijkteam)
    _refuse_submit(
        request,
        "receiving_organisation",
        "Informatie wordt gevraagd aan een organisatie voor volwassenenzorg.",
    )


def test_intended_clinician_works_at_the_receiving_organisation(filed_request, outsider_clinician, clinician):
    request = _edit(filed_request("C", submit=False), intended_clinician=outsider_clinician)
    _refuse_submit(
        request, "intended_clinician", "Deze zorgverlener werkt niet (meer) bij de gekozen organisatie."
    )
    request = _edit(request, intended_clinician=clinician)
    assert rules.missing_for_submit(fresh(request)) == {}


def test_l3_ots_framework_needs_a_running_ots(filed_request):
    request = filed_request("C", ots=True, submit=False)
    request = _edit(request, has_ots=False, legal_framework=LegalFramework.OTS, framework_change_reason="x")
    _refuse_submit(
        request, "legal_framework", "Het kader ondertoezichtstelling vereist een lopende OTS."
    )


def test_l3_a_changed_framework_with_a_reason_is_accepted(filed_request):
    request = _edit(
        filed_request("C", submit=False),
        legal_framework=LegalFramework.CONFLICT_OF_DUTIES,
        framework_change_reason="Ernstig gevaar; geen andere weg.",
    )
    assert rules.missing_for_submit(request) == {}


@pytest.mark.parametrize("name", [*rules.PATH_B_EXPLANATIONS, "b_will_inform_parent"])
def test_r30_path_b_needs_every_explanation(filed_request, name):
    request = _edit(
        filed_request("B", submit=False), **{name: False if name == "b_will_inform_parent" else ""}
    )
    message = (
        "vertelt dat er contact was"
        if name == "b_will_inform_parent"
        else "Dit is verplicht als de ouder geen toestemming gaf."
    )
    _refuse_submit(request, name, message)


@pytest.mark.parametrize("name", rules.PATH_C_EXPLANATIONS)
def test_r32_r33_path_c_needs_both_explanations(filed_request, name):
    request = _edit(filed_request("C", submit=False), **{name: ""})
    _refuse_submit(request, name, "Dit is verplicht als geen toestemming is gevraagd.")


def test_r24_path_a_needs_the_declaration(filed_request):
    request = _edit(filed_request("A", submit=False), consent_declaration=None)
    _refuse_submit(request, "consent_declaration", "Voeg de toestemmingsverklaring toe.")


def test_r29_path_a_revoked_declaration(filed_request):
    request = filed_request("A", submit=False)
    ConsentDeclaration.objects.filter(pk=request.consent_declaration_id).update(status="ingetrokken")
    _refuse_submit(
        request,
        "consent_declaration",
        "De toestemming is ingetrokken; het toestemmingspad moet opnieuw worden bepaald.",
    )


def test_r29_path_a_expired_declaration(filed_request):
    request = filed_request("A", submit=False)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    ConsentDeclaration.objects.filter(pk=request.consent_declaration_id).update(
        given_on=yesterday - datetime.timedelta(days=30), valid_until=yesterday
    )
    _refuse_submit(request, "consent_declaration", "De toestemming is verlopen.")


def test_r29_path_a_declaration_for_another_recipient(filed_request, other_provider):
    request = filed_request("A", submit=False)
    ConsentDeclaration.objects.filter(pk=request.consent_declaration_id).update(recipient=other_provider)
    _refuse_submit(
        request,
        "consent_declaration",
        "De toestemming geldt niet voor de organisatie die u om informatie vraagt.",
    )


def test_r29_path_a_declaration_must_cover_the_topics(filed_request):
    request = filed_request("A", topics=("a", "d", "f"), submit=False)
    ConsentDeclaration.objects.filter(pk=request.consent_declaration_id).update(topics=["a", "b"])
    _refuse_submit(request, "consent_declaration", "De toestemming geldt niet voor onderwerp(en) d, f.")


def test_r24_only_the_requesting_organisations_own_declaration_can_be_attached(
    filed_request, other_wijkteam, outsider_requester, mondriaan
):
    request = filed_request("A", submit=False)
    foreign_parent = Parent.objects.create(
        organisation=other_wijkteam, name="X", date_of_birth=datetime.date(1980, 1, 1)
    )
    foreign = ConsentDeclaration.objects.create(
        parent=foreign_parent,
        organisation=other_wijkteam,
        topics=["a"],
        recipient=mondriaan,
        purpose="x",
        given_on=timezone.localdate(),
        valid_until=timezone.localdate(),
        created_by=outsider_requester,
    )
    actor = _requester(request)
    assert_refused(
        lambda: request_draft_update(
            actor=actor, request=request, fields={"consent_declaration": foreign.pk}
        ),
        request,
        "consent_declaration",
        "Onbekende toestemmingsverklaring.",
    )


def test_l2_incapacitated_parent_needs_a_representative(filed_request):
    request = filed_request("C", submit=False)
    actor = _requester(request)
    request = request_draft_update(actor=actor, request=request, fields={}, parent={"is_incapacitated": True})
    errors = rules.missing_for_submit(fresh(request))
    assert errors["parent_representative_name"] == "Vul de naam van de vertegenwoordiger van de ouder in."
    assert errors["parent_representative_kind"] == "Kies wie de ouder vertegenwoordigt."
    _refuse_submit(request, "parent_representative_name", "Vul de naam van de vertegenwoordiger")


def test_l2_consent_of_an_incapacitated_parent_comes_from_the_representative(filed_request):
    request = filed_request("A", incapacitated=True, submit=False)
    assert rules.missing_for_submit(request) == {}
    ConsentDeclaration.objects.filter(pk=request.consent_declaration_id).update(given_by="ouder")
    _refuse_submit(
        request,
        "consent_declaration",
        "De ouder is wilsonbekwaam; de toestemming moet door de vertegenwoordiger zijn gegeven.",
    )


def test_bsn_is_checked_with_the_elfproef_when_given(filed_request):
    request = filed_request("C", submit=False)
    assert_refused(
        lambda: request_draft_update(
            actor=_requester(request), request=request, fields={}, parent={"bsn": "123456789"}
        ),
        request,
        "parent_bsn",
        "Dit is geen geldig BSN (negen cijfers, elfproef).",
    )
    # A BSN that reached the database some other way is still caught at submit.
    Parent.objects.filter(pk=request.parent_id).update(bsn="123456789")
    _refuse_submit(request, "parent_bsn", "Dit is geen geldig BSN")


def test_bsn_is_optional(filed_request):
    request = filed_request("C", submit=False)
    Parent.objects.filter(pk=request.parent_id).update(bsn="")
    assert rules.missing_for_submit(fresh(request)) == {}


def test_at_least_one_child_with_initials_and_date_of_birth(filed_request):
    request = filed_request("C", submit=False)
    request = request_draft_update(actor=_requester(request), request=request, fields={}, children=[])
    _refuse_submit(request, "children", "Voeg ten minste één kind toe.")
    assert_refused(
        lambda: request_draft_update(
            actor=_requester(request), request=request, fields={}, children=[{"name_or_initials": "N."}]
        ),
        request,
        "children-0-date_of_birth",
        "Vul de geboortedatum van het kind in.",
    )


def test_r14_at_least_one_topic_with_a_question(filed_request):
    request = filed_request("C", submit=False)
    actor = _requester(request)
    request = request_draft_update(actor=actor, request=request, fields={}, topics=[])
    _refuse_submit(request, "topics", "Kies ten minste één onderwerp en stel uw vraag.")
    request = request_draft_update(
        actor=actor, request=request, fields={}, topics=[{"topic": "c", "question": ""}]
    )
    _refuse_submit(request, "topics-c-question", "Stel uw vraag bij dit onderwerp.")


def test_r14_each_topic_once(filed_request):
    request = filed_request("C", submit=False)
    assert_refused(
        lambda: request_draft_update(
            actor=_requester(request),
            request=request,
            fields={},
            topics=[{"topic": "a", "question": "x"}, {"topic": "a", "question": "y"}],
        ),
        request,
        "topics",
        "Kies elk onderwerp (a–f) hooguit één keer.",
    )


def test_draft_fields_are_an_allow_list(filed_request):
    request = filed_request("C", submit=False)
    with pytest.raises(ValueError):
        request_draft_update(actor=_requester(request), request=request, fields={"status": "ingediend"})
    with pytest.raises(ValueError):
        request_draft_update(actor=_requester(request), request=request, fields={"decision": "verstrekken"})
    assert fresh(request).status == "concept"


def test_one_parent_record_per_bsn_per_organisation(filed_request):
    first = filed_request("C", submit=False)
    second = filed_request("C", submit=False)
    assert first.parent_id == second.parent_id


def test_a_changed_bsn_means_another_person_not_an_edit(filed_request):
    request = filed_request("C", submit=False)
    original = request.parent_id
    request = request_draft_update(
        actor=_requester(request),
        request=request,
        fields={},
        parent={"bsn": "123456782", "name": "Kim Jacobs", "date_of_birth": datetime.date(1990, 6, 6)},
    )
    assert request.parent_id != original
    assert Parent.objects.get(pk=original).name == "Sanne de Vries"


def test_draft_step_is_recorded(filed_request):
    request = _edit(filed_request("C", submit=False), draft_step="onderwerpen")
    assert fresh(request).draft_step == "onderwerpen"


def test_a_new_draft_belongs_to_a_youth_care_organisation(clinician_actor, requester_actor):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        request_draft_create(actor=clinician_actor)
    draft = request_draft_create(actor=requester_actor)
    assert draft.status == "concept" and draft.requesting_organisation == requester_actor.organisation


# --- decision rules (pure) --------------------------------------------------------------------


def _unsaved(path: str, **fields) -> InformationRequest:
    fields.setdefault("legal_framework", LegalFramework.VOLUNTARY)
    return InformationRequest(consent_path=path, **fields)


def test_r39_motivation_always():
    errors = rules.missing_for_decision(_unsaved("C"), Decision.PROVIDE, "", weighing="x")
    assert errors == {"decision_motivation": "Motiveer uw besluit."}


def test_unknown_decision():
    assert "decision" in rules.missing_for_decision(_unsaved("C"), "misschien", "x")


def test_r31_path_b_needs_the_parent_consultation_first():
    errors = rules.missing_for_decision(_unsaved("B"), Decision.PROVIDE, "x")
    assert errors == {"parent_consultation": "Leg eerst het overleg met de ouder vast."}


def test_r31a_parent_agrees_only_provide():
    request = _unsaved(
        "B",
        parent_consultation_date=datetime.date(2026, 5, 1),
        parent_consultation_outcome=ParentConsultationOutcome.AGREES,
    )
    assert rules.missing_for_decision(request, Decision.PROVIDE, "x") == {}
    assert rules.missing_for_decision(request, Decision.NOT_PROVIDE, "x") == {
        "decision": "De ouder is akkoord; de informatie wordt dan verstrekt."
    }


@pytest.mark.parametrize("decision", [Decision.PROVIDE, Decision.NOT_PROVIDE])
def test_r31bc_parent_disagrees_internal_consultation_before_any_decision(decision):
    request = _unsaved(
        "B",
        parent_consultation_date=datetime.date(2026, 5, 1),
        parent_consultation_outcome=ParentConsultationOutcome.DISAGREES,
        internal_consultation_with="Teamleider",
        internal_consultation_date=None,
        internal_consultation_conclusion="Verstrekken",
    )
    assert "internal_consultation" in rules.missing_for_decision(request, decision, "x")
    request.internal_consultation_date = datetime.date(2026, 5, 2)
    assert rules.missing_for_decision(request, decision, "x") == {}


def test_r34_path_c_needs_the_weighing():
    assert "weighing" in rules.missing_for_decision(_unsaved("C"), Decision.PROVIDE, "x")
    assert rules.missing_for_decision(_unsaved("C"), Decision.PROVIDE, "x", weighing="Acuut gevaar") == {}


def test_r4_ots_refusal_needs_why_not_needed():
    request = _unsaved("C", legal_framework=LegalFramework.OTS)
    errors = rules.missing_for_decision(request, Decision.NOT_PROVIDE, "x", weighing="w")
    assert list(errors) == ["ots_not_needed_motivation"]
    assert rules.missing_for_decision(request, Decision.PROVIDE, "x", weighing="w") == {}


# --- answer rules (pure, on saved rows) ---------------------------------------------------------


def test_missing_for_answer_lists_topics_and_confirmations(filed_request):
    request = filed_request("C", topics=("b",), submit=False)
    errors = rules.missing_for_answer(request)
    assert set(errors) == {
        "topics-b-own_observations", "topics-b-weakening_facts", *rules.ANSWER_CONFIRMATIONS
    }
    RequestedTopic.objects.filter(request=request).update(
        own_observations="Gezien op 2 mei.", no_weakening_facts_known=True
    )
    InformationRequest.objects.filter(pk=request.pk).update(
        confirmed_factual=True,
        confirmed_no_parenting_judgement=True,
        confirmed_weighed_criteria=True,
        confirmed_recorded_in_file=True,
    )
    assert rules.missing_for_answer(fresh(request)) == {}


def test_incomplete_carries_the_errors_dict():
    error = Incomplete({"reason": "x"})
    assert error.errors == {"reason": "x"} and str(error) == "Niet alle verplichte gegevens zijn ingevuld."


def test_child_in_the_future_is_refused(filed_request):
    request = filed_request("C", submit=False)
    Child.objects.filter(request=request).update(
        date_of_birth=timezone.localdate() + datetime.timedelta(days=30)
    )
    errors = rules.missing_for_submit(fresh(request))
    assert errors["children-0-date_of_birth"] == "De geboortedatum van het kind ligt in de toekomst."


def test_path_b_c_fields_are_known_to_the_helpers():
    assert set(PATH_B_FIELDS) == {*rules.PATH_B_EXPLANATIONS, "b_will_inform_parent"}
    assert set(PATH_C_FIELDS) == set(rules.PATH_C_EXPLANATIONS)
    assert ConsentPath.values == ["A", "B", "C"]

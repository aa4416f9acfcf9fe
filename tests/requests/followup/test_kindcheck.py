"""L4, the Kindcheck: for an adult client, minor children (or pregnancy), their ages, concerns
about their safety; with concerns the next steps are offered and what was chosen recorded;
no step despite concerns is a deviation (R5). The teamleider sees counts and outcomes only."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from audit.models import AuditEvent
from requests.kindcheck.selectors import kindcheck_get_for, kindcheck_overview, kindchecks_for
from requests.kindcheck.services import kindcheck_choose_next_steps, kindcheck_record
from requests.models import Deviation, DeviationKind, Kindcheck, KindcheckNextStep, KindcheckOutcome
from requests.reverse.services import reverse_question_submit
from toolkid.errors import IllegalMove, Incomplete

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
CLIENT = {"name": "Karin Vos", "date_of_birth": datetime.date(1990, 5, 1)}
N = KindcheckNextStep


def check(actor, **values):
    arguments = dict(
        parent=dict(CLIENT),
        checked_on=TODAY(),
        cares_for_minors=True,
        children_ages=[4, 9],
        safety_concerns=False,
    )
    arguments.update(values)
    return kindcheck_record(actor=actor, **arguments)


def test_without_children(clinician_actor):
    kc = check(clinician_actor, cares_for_minors=False, children_ages=[], safety_concerns=None)
    assert kc.outcome == KindcheckOutcome.NO_CHILDREN
    assert kc.parent.organisation == clinician_actor.organisation
    event = AuditEvent.objects.get(event="kindcheck.recorded")
    assert event.parent_ref == kc.parent.audit_ref and event.payload == {"kindcheck_id": kc.pk}


def test_with_children_and_without_concerns(clinician_actor):
    kc = check(clinician_actor)
    assert (kc.children_ages, kc.outcome) == ([4, 9], KindcheckOutcome.NO_CONCERNS)
    with pytest.raises(IllegalMove):  # no next steps without concerns
        kindcheck_choose_next_steps(actor=clinician_actor, kindcheck=kc, steps=[N.COLLEAGUE])


def test_the_answers_must_fit_together(clinician_actor):
    cases = [
        (dict(cares_for_minors=None), "cares_for_minors"),
        (dict(children_ages=[]), "children_ages"),
        (dict(children_ages=[4, 18]), "children_ages"),
        (dict(cares_for_minors=False, children_ages=[3]), "children_ages"),
        (dict(safety_concerns=None), "safety_concerns"),
        (dict(safety_concerns=True, concerns_note=""), "concerns_note"),
        (
            dict(cares_for_minors=False, children_ages=[], safety_concerns=True, concerns_note="x"),
            "safety_concerns",
        ),
        (dict(checked_on=TODAY() + datetime.timedelta(days=1)), "checked_on"),
        (dict(parent={"name": "", "date_of_birth": None}), "parent_name"),
    ]
    for values, key in cases:
        with pytest.raises(Incomplete) as caught:
            check(clinician_actor, **values)
        assert key in caught.value.errors, (values, caught.value.errors)
    assert not Kindcheck.objects.exists()


def test_pregnancy_counts_as_a_child(clinician_actor):
    kc = check(
        clinician_actor,
        cares_for_minors=False,
        children_ages=[],
        is_pregnant=True,
        safety_concerns=True,
        concerns_note="Partner is gewelddadig; cliënte is 20 weken zwanger.",
    )
    assert kc.outcome == KindcheckOutcome.CONCERNS_OPEN


def test_with_concerns_the_next_steps_are_recorded(clinician_actor, wijkteam):
    kc = check(
        clinician_actor, safety_concerns=True, concerns_note="Cliënt drinkt en is alleen met de kinderen."
    )
    assert kc.outcome == KindcheckOutcome.CONCERNS_OPEN
    for steps, key in (
        ([], "steps"),
        ([N.NONE, N.COLLEAGUE], "steps"),
        (["raden"], "steps"),
        ([N.NONE], "note"),
    ):
        with pytest.raises(Incomplete) as caught:
            kindcheck_choose_next_steps(actor=clinician_actor, kindcheck=kc, steps=steps)
        assert key in caught.value.errors
    kc = kindcheck_choose_next_steps(
        actor=clinician_actor, kindcheck=kc, steps=[N.COLLEAGUE, N.VEILIG_THUIS, N.REVERSE_QUESTION]
    )
    assert kc.outcome == KindcheckOutcome.CONCERNS_FOLLOWED
    assert kc.next_steps == [N.COLLEAGUE, N.VEILIG_THUIS, N.REVERSE_QUESTION]
    assert (
        AuditEvent.objects.get(event="kindcheck.next_steps_recorded").payload["next_steps"] == kc.next_steps
    )
    # The chosen reverse question (R3) starts from the Kindcheck, for the same client.
    question = reverse_question_submit(
        actor=clinician_actor,
        receiving_organisation=wijkteam,
        parent=kc.parent,
        kindcheck=kc,
        child_name_or_initials="J.",
        child_date_of_birth=TODAY() - datetime.timedelta(days=9 * 366),
        phone_contact_date=TODAY(),
        phone_contact_with="Wijkteam Heerlen",
        asks_interventions=True,
        asks_kopp_kvo=False,
        consent_parents=True,
        consent_note="Moeder gaf toestemming.",
    )
    assert question.kindcheck == kc and question.parent == kc.parent
    assert not Deviation.objects.exists()


def test_r5_no_next_step_despite_concerns_is_a_deviation(clinician_actor, teamleider_actor):
    kc = check(clinician_actor, safety_concerns=True, concerns_note="Zorgen over toezicht.")
    kc = kindcheck_choose_next_steps(
        actor=clinician_actor,
        kindcheck=kc,
        steps=[N.NONE],
        note="De kinderen zijn deze week uit huis geplaatst door de GI.",
    )
    assert kc.outcome == KindcheckOutcome.CONCERNS_NO_STEP
    deviation = Deviation.objects.get()
    assert (deviation.kind, deviation.kindcheck) == (DeviationKind.KINDCHECK_NO_NEXT_STEP, kc)


def test_only_clinicians_of_the_organisation_see_a_kindcheck(
    clinician_actor, clinician2_actor, teamleider_actor, outsider_actor, requester_actor
):
    kc = check(clinician_actor)
    assert kindcheck_get_for(actor=clinician2_actor, public_id=kc.public_id, purpose="detail") == kc
    for other in (teamleider_actor, outsider_actor, requester_actor):
        with pytest.raises(Http404):
            kindcheck_get_for(actor=other, public_id=kc.public_id, purpose="detail")
    with pytest.raises(PermissionDenied):
        kindchecks_for(teamleider_actor)
    with pytest.raises(PermissionDenied):
        check(requester_actor)


def test_the_teamleider_sees_counts_and_outcomes(
    clinician_actor, clinician2_actor, teamleider_actor, outsider_actor, make_user, other_provider
):
    check(clinician_actor, cares_for_minors=False, children_ages=[], safety_concerns=None)
    check(clinician_actor)
    followed = check(clinician2_actor, safety_concerns=True, concerns_note="x")
    kindcheck_choose_next_steps(
        actor=clinician2_actor, kindcheck=followed, steps=[N.COLLEAGUE, N.VEILIG_THUIS]
    )
    check(clinician2_actor, safety_concerns=True, concerns_note="y")
    check(clinician_actor, checked_on=TODAY() - datetime.timedelta(days=400))  # outside the period
    check(outsider_actor)  # another organisation

    overview = kindcheck_overview(teamleider_actor, start=TODAY() - datetime.timedelta(days=30), end=TODAY())
    assert overview.total == 4
    outcomes = {code: count for code, _label, count in overview.outcomes}
    assert outcomes == {
        "geen_kinderen": 1,
        "geen_zorgen": 1,
        "zorgen_open": 1,
        "zorgen_vervolg": 1,
        "zorgen_geen_stap": 0,
    }
    steps = {code: count for code, _label, count in overview.next_steps}
    assert steps["collega"] == 1 and steps["veilig_thuis"] == 1 and steps["vraag_jeugdhulp"] == 0
    assert sorted(total for _name, total, _c in overview.per_clinician) == [2, 2]
    assert kindcheck_overview(teamleider_actor).total == 5
    with pytest.raises(PermissionDenied):
        kindcheck_overview(clinician_actor)


def _copies(template: Kindcheck, variants: list[dict]) -> None:
    """Kindchecks like ``template`` with these fields changed, written in bulk."""
    Kindcheck.objects.bulk_create([
        Kindcheck(organisation_id=template.organisation_id, clinician_id=template.clinician_id,
                  parent_id=template.parent_id, checked_on=template.checked_on, **variant)
        for variant in variants
    ])


#: Every outcome, and steps alone, together and "geen" (R5).
VARIANTS = [
    dict(cares_for_minors=False),
    dict(is_pregnant=True),
    dict(cares_for_minors=True, safety_concerns=True),
    dict(cares_for_minors=True, safety_concerns=True, next_steps=[N.NONE]),
    dict(cares_for_minors=True, safety_concerns=True, next_steps=[N.COLLEAGUE, N.VEILIG_THUIS]),
    dict(is_pregnant=True, safety_concerns=True, next_steps=[N.REVERSE_QUESTION]),
    dict(cares_for_minors=True, next_steps=[N.COLLEAGUE]),  # steps left from before, no concerns
]


def test_the_overview_counts_in_sql_the_numbers_a_recount_gives(
    clinician_actor, clinician2_actor, teamleider_actor, django_assert_max_num_queries, monkeypatch
):
    """The overview's counts are one GROUP BY per clinician; they equal a count of every row
    through ``Kindcheck.outcome``; the queries do not grow with the Kindchecks, and no Kindcheck
    is loaded to count it."""
    from collections import Counter

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    mine, theirs = check(clinician_actor), check(clinician2_actor)
    _copies(mine, VARIANTS)
    _copies(theirs, VARIANTS[2:5])
    with CaptureQueriesContext(connection) as few:
        overview = kindcheck_overview(teamleider_actor)
    rows = list(Kindcheck.objects.filter(organisation=teamleider_actor.organisation))
    assert overview.total == len(rows) == 2 + len(VARIANTS) + 3
    assert {code: count for code, _l, count in overview.outcomes} == {
        o.value: sum(row.outcome == o for row in rows) for o in KindcheckOutcome
    }
    recount = Counter(step for row in rows if row.safety_concerns for step in row.next_steps)
    assert {code: count for code, _l, count in overview.next_steps} == {s.value: recount[s.value] for s in N}
    assert sorted((t, c) for _n, t, c in overview.per_clinician) == sorted([
        (sum(r.clinician_id == who.user.pk for r in rows),
         sum(r.clinician_id == who.user.pk and r.safety_concerns for r in rows))
        for who in (clinician_actor, clinician2_actor)
    ])
    _copies(mine, VARIANTS * 20)
    loaded: list[int] = []
    real_from_db = Kindcheck.from_db.__func__
    monkeypatch.setattr(Kindcheck, "from_db", classmethod(
        lambda cls, *args: loaded.append(1) or real_from_db(cls, *args)
    ))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert kindcheck_overview(teamleider_actor).total == overview.total + 20 * len(VARIANTS)
    assert loaded == []

"""The demo cases are data and the runner plays them: each case names real demo people, has its
own key, and is made whole or not at all (a case whose people are not all there is skipped
before anything is written)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from audit.models import AuditEvent
from consent.models import ConsentDeclaration
from demo import accounts
from demo.filing import Client, Filing
from demo.followup_cases import FOLLOWUP_CASES, KINDCHECK_CASES
from demo.request_cases import CASES
from demo.runner import RequestCase, people, play_request_cases
from demo.steps import Take
from requests.models import ConsentPath, InformationRequest, Parent
from toolkid.models import Membership, Organisation

ALL_CASES = (*CASES, *FOLLOWUP_CASES, *KINDCHECK_CASES)


def test_every_case_is_frozen_data_down_to_its_steps():
    for case in ALL_CASES:
        for item in (case, *case.happenings()):
            assert dataclasses.is_dataclass(item) and item.__dataclass_params__.frozen, (case.slug, item)
            with pytest.raises(dataclasses.FrozenInstanceError):
                item.by = accounts.ZORG  # type: ignore[misc]


def test_slugs_and_keys_are_unique():
    slugs = [case.slug for case in ALL_CASES]
    assert len(slugs) == len(set(slugs))
    keys = [case.key for case in (*CASES, *FOLLOWUP_CASES)]
    assert len(keys) == len(set(keys))


def test_every_person_in_a_case_is_a_demo_user_with_a_membership_there():
    memberships = {(spec.username, org) for spec in accounts.USERS for org, _role in spec.memberships}
    organisations = {org.name for org in accounts.ORGANISATIONS}
    for case in ALL_CASES:
        for who in people(case):
            assert who in memberships, (case.slug, who)
    assert accounts.PROVIDER in organisations
    asked = {step.to for case in KINDCHECK_CASES for step in case.steps if hasattr(step, "to")}
    assert asked and asked <= organisations


def test_the_table_lists_the_path_of_each_case():
    paths = {case.slug: case.path for case in CASES}
    assert paths["concept"] == "A" and paths["ots"] == "B (OTS)" and paths["pad-c-verstrekt"] == "C"


@pytest.mark.django_db
def test_a_case_whose_people_are_not_all_there_is_skipped_before_anything_is_written(settings, tmp_path):
    settings.DOCUMENTS_DIR = tmp_path / "documents"
    call_command("load_demo", stdout=StringIO())
    Membership.objects.filter(user__username="zorg2.mondriaan").update(is_active=False)
    # Path A: the requester's filing would store a consent PDF before zorg2 ever acts.
    case = RequestCase(
        "proef-overgeslagen",
        "-",
        "-",
        Filing(
            by=accounts.HEERLEN,
            path=ConsentPath.A,
            parent=Client("Proef Persoon", dt.date(1990, 1, 1)),
            children=(("P.P.", dt.date(2015, 1, 1)),),
            questions={"c": "Hoe verloopt de behandeling?"},
            reason="Alleen voor deze test.",
        ),
        steps=(Take(accounts.ZORG2),),
    )
    models = (InformationRequest, Parent, ConsentDeclaration, AuditEvent)
    before = {model: model.objects.count() for model in models}
    documents = sorted(p for p in settings.DOCUMENTS_DIR.rglob("*") if p.is_file())

    organisations = {org.name: org for org in Organisation.objects.all()}
    [row] = play_request_cases(organisations, [case])

    assert row.request is None and not row.created
    assert row.skipped == "zorg2.mondriaan werkt niet (meer) bij Mondriaan"
    assert {model: model.objects.count() for model in models} == before
    assert sorted(p for p in settings.DOCUMENTS_DIR.rglob("*") if p.is_file()) == documents

"""The Kindcheck's texts have a limit (toolkid/limits.py): the page shows the Dutch message
beside the field and keeps what was typed; the services refuse an over-long text before anything
is written (no Kindcheck, no audit event) and take exactly the limit."""

from __future__ import annotations

import datetime
import html as html_lib

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from requests.kindcheck.services import kindcheck_choose_next_steps, kindcheck_record
from requests.models import Deviation, Kindcheck, KindcheckNextStep
from tests.requests.pages import client_for, get, token
from toolkid.errors import Incomplete
from toolkid.limits import MOTIVATION, NAME

pytestmark = pytest.mark.django_db

CLIENT = {"name": "Karin Vos", "date_of_birth": datetime.date(1990, 5, 1)}


def too_long(limit: int) -> str:
    return f"Maximaal {limit:,} tekens (u typte er {limit + 1:,}).".replace(",", ".")


def record(actor, **overrides):
    arguments = dict(
        parent=dict(CLIENT), checked_on=timezone.localdate(), cares_for_minors=True, children_ages=[4, 9],
        safety_concerns=True, concerns_note="Partner is agressief.",
    )
    arguments.update(overrides)
    return kindcheck_record(actor=actor, **arguments)


def test_concerns_one_over_the_limit_are_refused_beside_the_field_and_kept(clinician):
    client = client_for(clinician)
    page_html = get(client, reverse("requests:kindcheck_new"))
    typed = ("Partner is agressief. " * 200)[:MOTIVATION] + "!"  # one character over
    response = client.post(reverse("requests:kindcheck_new"), {
        "csrfmiddlewaretoken": token(page_html),
        "parent_name": "Karin Vos", "parent_date_of_birth": "1990-05-01",
        "checked_on": timezone.localdate().isoformat(), "cares_for_minors": "ja", "children_ages": "4, 9",
        "safety_concerns": "ja", "concerns_note": typed,
    })
    assert response.status_code == 400
    html = html_lib.unescape(response.content.decode())
    assert 'id="id_concerns_note_error"' in html
    assert "Maximaal 4.000 tekens (u typte er 4.001)." in html
    assert f"{typed}</textarea>" in html and 'value="Karin Vos"' in html
    assert not Kindcheck.objects.exists()


def test_the_kindcheck_service_refuses_over_long_texts_and_writes_nothing(clinician_actor):
    with pytest.raises(Incomplete) as caught:
        record(
            clinician_actor,
            concerns_note="x" * (MOTIVATION + 1),
            parent={**CLIENT, "name": "K" * (NAME + 1)},
        )
    assert caught.value.errors == {"concerns_note": too_long(MOTIVATION), "parent_name": too_long(NAME)}
    assert not Kindcheck.objects.exists()
    assert not AuditEvent.objects.filter(event="kindcheck.recorded").exists()
    assert record(clinician_actor, concerns_note="x" * MOTIVATION).concerns_note == "x" * MOTIVATION


def test_a_motivation_for_no_next_step_over_the_limit_records_no_deviation(clinician_actor):
    check = record(clinician_actor)
    with pytest.raises(Incomplete) as caught:
        kindcheck_choose_next_steps(
            actor=clinician_actor, kindcheck=check, steps=[KindcheckNextStep.NONE],
            note="x" * (MOTIVATION + 1),
        )
    assert caught.value.errors == {"note": too_long(MOTIVATION)}
    assert Kindcheck.objects.get().next_steps == [] and not Deviation.objects.exists()

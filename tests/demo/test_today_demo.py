"""The demo data fills every demo user's Vandaag, and its "vandaag" request is due today on
whatever day the demo is loaded."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from demo import accounts
from demo.request_cases import CASES
from requests.core.workflow import RequestStatus
from requests.models import InformationRequest
from tests.conftest import verify_client
from tests.requests.today.pages import blocks
from toolkid import working_calendar
from toolkid.models import Membership, Organisation, User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _documents(settings, tmp_path):
    settings.DOCUMENTS_DIR = tmp_path / "documents"


def load_demo() -> None:
    call_command("load_demo", stdout=StringIO())


def due_today_case() -> InformationRequest:
    case = next(c for c in CASES if c.slug == "vandaag")
    return InformationRequest.objects.get(submit_token=case.key)


def test_every_demo_user_with_an_organisation_sees_a_filled_block(client):
    load_demo()
    for spec in accounts.USERS:
        if spec.is_functional_admin:
            continue
        user = User.objects.get(username=spec.username)
        for membership in Membership.objects.filter(user=user, is_active=True):
            verified = verify_client(client, user)
            verified.post("/organisatie/kiezen/", {"organisation": membership.organisation_id})
            page = blocks(verified.get("/").content.decode())
            assert any(block.count for block in page.values()), (spec.username, membership.organisation)
            verified.logout()


def test_the_clinician_has_a_request_due_today_on_every_load():
    load_demo()
    req = due_today_case()
    assert req.status == RequestStatus.IN_PROGRESS and req.assigned_clinician.username == "zorg.mondriaan"
    first_due = req.due_date
    assert first_due >= timezone.localdate()
    later = next(day for day in (first_due + dt.timedelta(days=n) for n in range(3, 30)) if working(day))
    morning = dt.datetime.combine(later, dt.time(9, 0), tzinfo=timezone.get_current_timezone())
    with time_machine.travel(morning):
        load_demo()
        again = due_today_case()
        assert again.due_date == later == timezone.localdate()
        assert again.due_explanation["due"] == later.isoformat()


def working(day: dt.date) -> bool:
    """A working day at Mondriaan, where the demo requests go."""
    mondriaan = Organisation.objects.get(name=accounts.PROVIDER)
    closed = {closure for closure, _name in working_calendar.closures_for(mondriaan)}
    return day.weekday() < 5 and day not in closed and day not in working_calendar.decree_days()

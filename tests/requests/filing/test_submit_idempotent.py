"""A double submit (double click, resent form) makes one request and one event: the filing form
carries a submit token and the service returns the request already sent with it."""

from __future__ import annotations

import re
import uuid

import pytest
from django.http import Http404

from requests.core.workflow import RequestStatus
from requests.filing.services import request_submit
from requests.models import InformationRequest, RequestEvent
from toolkid.errors import IllegalMove

from ..helpers import actor_for, audit_events_for

pytestmark = pytest.mark.django_db


def test_same_token_twice_gives_one_request_and_one_event(filed_request):
    draft = filed_request("A", submit=False)
    actor = filed_request.requester_of(draft)
    token = uuid.uuid4()
    first = request_submit(actor=actor, request=draft, submit_token=token)
    second = request_submit(actor=actor, request=draft, submit_token=token)
    assert first.pk == second.pk and second.reference == first.reference
    assert second.status == RequestStatus.SUBMITTED
    assert InformationRequest.objects.filter(submit_token=token).count() == 1
    assert RequestEvent.objects.filter(request=draft, kind="submitted").count() == 1
    assert audit_events_for(draft, event="request.submitted").count() == 1


def test_reference_is_tk_year_and_six_digits(filed_request):
    request = filed_request("B")
    year = request.submitted_at.year
    assert re.fullmatch(rf"TK-{year}-\d{{6}}", request.reference)
    assert request.reference.endswith(f"{request.pk:06d}")


def test_a_second_submit_with_another_token_is_an_illegal_move(filed_request):
    request = filed_request("A")
    with pytest.raises(IllegalMove):
        request_submit(actor=filed_request.requester_of(request), request=request, submit_token=uuid.uuid4())
    assert RequestEvent.objects.filter(request=request, kind="submitted").count() == 1


def test_the_token_does_not_reveal_another_organisations_request(
    filed_request, outsider_requester, other_wijkteam
):
    draft = filed_request("A", submit=False)
    token = uuid.uuid4()
    request_submit(actor=filed_request.requester_of(draft), request=draft, submit_token=token)
    with pytest.raises(Http404):
        request_submit(actor=actor_for(outsider_requester, other_wijkteam), request=draft, submit_token=token)

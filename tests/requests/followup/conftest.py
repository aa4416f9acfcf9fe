"""Fixtures for the follow-up tests: requests brought to an answer or a confirmed
refusal through the services, on each consent path."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from requests.handling.answer import request_send_answer
from requests.handling.services import request_confirm_refusal
from requests.models import InformationRequest
from toolkid.actors import Actor

from ..helpers import ALL_CONFIRMED, decide, fill_answer


@pytest.fixture
def answered(filed_request, clinician_actor) -> Callable[..., InformationRequest]:
    """``answered(path)``: a request filed on ``path`` and answered by ``clinician``."""

    def make(path: str = "A", **kwargs) -> InformationRequest:
        request = decide(filed_request(path, **kwargs), clinician_actor, provide=True)
        request = fill_answer(request, clinician_actor)
        return request_send_answer(actor=clinician_actor, request=request, confirmations=ALL_CONFIRMED)

    return make


@pytest.fixture
def refused(filed_request, clinician_actor, teamleider_actor) -> Callable[..., InformationRequest]:
    """``refused(path)``: a request refused by ``clinician`` and confirmed by the teamleider."""

    def make(path: str = "A", **kwargs) -> InformationRequest:
        request = decide(filed_request(path, **kwargs), clinician_actor, provide=False)
        return request_confirm_refusal(actor=teamleider_actor, request=request)

    return make


@pytest.fixture
def requester_teamleider_actor(wijkteam_teamleider, wijkteam) -> Actor:
    from ..helpers import actor_for

    return actor_for(wijkteam_teamleider, wijkteam)


@pytest.fixture
def requester_colleague_actor(requester_colleague, wijkteam) -> Actor:
    from ..helpers import actor_for

    return actor_for(requester_colleague, wijkteam)

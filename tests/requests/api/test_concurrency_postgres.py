"""Two clinicians answer at once through the API: exactly one wins, the other gets 412 (its
``If-Match`` is stale by the time it holds the row lock) and nothing of it is kept. The row
lock is PostgreSQL's (SELECT … FOR UPDATE): needs PostgreSQL, real threads, real connections."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from guardian.shortcuts import assign_perm

from requests.core.workflow import RequestStatus
from requests.models import RequestEvent

from ..helpers import decide, fill_answer, fresh
from .conftest import act

THREADS = 2
CONFIRMED = {"feitelijk": True, "geenOordeelOverOuderschap": True, "criteriaGewogen": True,
             "vastgelegdInDossier": True}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_clinicians_answer_at_once_through_the_api_exactly_one_wins(
    filed_request, clinician_actor, clinician2_actor, client_for, mondriaan
):
    request = fill_answer(decide(filed_request("A"), clinician_actor, provide=True), clinician_actor)
    assign_perm("requests.handle_request", clinician2_actor.user, request)  # a delegated colleague (R31)
    clients = [client_for(mondriaan, "zorg"), client_for(mondriaan, "zorg2")]

    start = threading.Barrier(THREADS)
    statuses: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def send(client) -> None:
        try:
            start.wait(timeout=10)
            body = {"versturen": True, "bevestigingen": CONFIRMED}
            response = act(client, request.public_id, "answer", body, etag='W/"antwoord_in_voorbereiding"')
            with lock:
                statuses.append(response.status_code)
        except BaseException as exc:  # reported to the main thread below
            errors.append(exc)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    assert sorted(statuses) == [200, 412]
    assert fresh(request).status == RequestStatus.ANSWERED
    assert RequestEvent.objects.filter(request=request, kind="answer_sent").count() == 1

"""Two clinicians send the answer at the same moment: exactly one wins; the other gets Conflict
("Een collega heeft dit verzoek zojuist behandeld."). The row lock (SELECT ... FOR UPDATE) makes
the second wait; it then finds the request no longer in ANSWERING. Needs PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from guardian.shortcuts import assign_perm

from requests.core.workflow import RequestStatus
from requests.handling.answer import request_send_answer
from requests.models import RequestEvent
from toolkid.errors import Conflict

from ..helpers import ALL_CONFIRMED, decide, fill_answer, fresh

THREADS = 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_clinicians_send_at_once_exactly_one_wins(filed_request, clinician_actor, clinician2_actor):
    request = fill_answer(decide(filed_request("A"), clinician_actor, provide=True), clinician_actor)
    # A delegated colleague (ARCHITECTURE: guardian per-object permission) may send it too.
    assign_perm("requests.handle_request", clinician2_actor.user, request)

    start = threading.Barrier(THREADS)
    results: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def send(actor) -> None:
        try:
            start.wait(timeout=10)
            request_send_answer(actor=actor, request=request, confirmations=ALL_CONFIRMED)
            outcome = "sent"
        except Conflict as exc:
            outcome = f"conflict:{exc}"
        except BaseException as exc:  # reported to the main thread below
            errors.append(exc)
            return
        finally:
            connection.close()  # this thread's own connection
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=send, args=(a,)) for a in (clinician_actor, clinician2_actor)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    assert sorted(results) == ["conflict:Een collega heeft dit verzoek zojuist behandeld.", "sent"]
    assert fresh(request).status == RequestStatus.ANSWERED
    assert RequestEvent.objects.filter(request=request, kind="answer_sent").count() == 1

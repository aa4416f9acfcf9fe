"""Starting a draft happens once per start form, however the posts arrive (a double click, two
tabs, two at the same moment), and a draft nobody typed anything in neither clutters the list nor
stays (issue 12, item 2)."""

from __future__ import annotations

import datetime as dt
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest
import time_machine
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from requests.filing.draft import request_draft_create, request_draft_update
from requests.filing.selectors import outgoing_for
from requests.models import InformationRequest
from requests.tasks import remove_empty_drafts
from tests.conftest import verify_client
from tests.requests.helpers import actor_for

TOKEN = r'name="start_token" value="([0-9a-f-]{36})"'


def _token(client: Client) -> str:
    return re.search(TOKEN, client.get(reverse("requests:new")).content.decode()).group(1)


def test_the_same_start_form_posted_from_two_sessions_opens_one_draft(verified_client, requester):
    # Two tabs of one user after the session was renewed: nothing in a session can tell them apart.
    first, second = verified_client(requester), verified_client(requester)
    token = _token(first)
    one = first.post(reverse("requests:new"), {"start_token": token})
    other = second.post(reverse("requests:new"), {"start_token": token})
    assert one.status_code == other.status_code == 302
    assert one.url == other.url
    assert InformationRequest.objects.count() == 1


def test_a_draft_nobody_typed_in_is_not_listed_until_something_is_saved(requester):
    actor = actor_for(requester)
    draft = request_draft_create(actor=actor, start_token=uuid.uuid4())
    assert draft not in outgoing_for(actor)
    request_draft_update(actor=actor, request=draft, fields={"phone_contact_with": "Mw. Hermans"})
    assert draft in outgoing_for(actor)


def test_the_nightly_task_removes_empty_drafts_a_day_after_they_were_started(requester):
    actor = actor_for(requester)
    start = timezone.now()
    with time_machine.travel(start - dt.timedelta(days=2), tick=False):
        empty = request_draft_create(actor=actor, start_token=uuid.uuid4())
        typed = request_draft_create(actor=actor, start_token=uuid.uuid4())
        request_draft_update(actor=actor, request=typed, fields={"phone_contact_with": "Mw. Hermans"})
    fresh = request_draft_create(actor=actor, start_token=uuid.uuid4())  # started just now

    assert remove_empty_drafts() == 1

    assert set(InformationRequest.objects.values_list("pk", flat=True)) == {typed.pk, fresh.pk}
    event = AuditEvent.objects.get(event="request.empty_draft_removed")
    assert (event.action, event.object_id) == (AuditAction.DELETE, str(empty.pk))
    assert remove_empty_drafts() == 0  # nothing twice


@pytest.fixture
def http_app(transactional_db, settings):
    """The app behind a real threaded HTTP server (Django's own, as ``runserver`` uses; not the
    live-server test case, which needs a media URL the app deliberately does not have)."""
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    server = ThreadedWSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    server.set_app(WSGIHandler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.mark.postgres
def test_two_start_posts_at_the_same_moment_over_http_open_one_draft(http_app, requester):
    """Real HTTP against the running app on PostgreSQL: both posts pass every check before
    either has saved, so only the database can refuse the second draft."""
    session = verify_client(Client(), requester).cookies["sessionid"].value
    url = http_app + reverse("requests:new")
    first_visit = urllib.request.Request(url, headers={"Cookie": f"sessionid={session}"})
    with urllib.request.urlopen(first_visit) as page:
        html = page.read().decode()
        csrf_cookie = re.search(r"csrftoken=([^;]+)", page.headers["Set-Cookie"]).group(1)
    cookies = f"sessionid={session}; csrftoken={csrf_cookie}"
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    token = re.search(TOKEN, html).group(1)
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, "start_token": token})

    barrier, statuses = threading.Barrier(2), []

    def post():
        request = urllib.request.Request(url, data=body.encode(), headers={"Cookie": cookies})
        barrier.wait()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                statuses.append(response.status)
        except urllib.error.HTTPError as error:  # pragma: no cover - shown in the assertion
            statuses.append(error.code)

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert statuses == [200, 200]  # each redirected to the draft's first step and followed
    assert InformationRequest.objects.count() == 1

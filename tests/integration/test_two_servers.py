"""Beyond one machine (issue 11, item 7): two gunicorn servers, two Celery workers and one beat
on one PostgreSQL database and one Redis, and people using both servers at the same moment.

A load balancer may send the two clicks of one person to different servers, and two colleagues
may act on the same request from different servers. Nothing may be lost or doubled:
- a filing form posted twice at once (the same start token, the same submit token), once to
  each server, makes one draft and files one request;
- two clinicians taking the same request at once, one on each server: one takes it, the other
  gets the plain Dutch conflict message (409), never an error page;
- one clinician sending the same answer from two devices at once: one answer, one conflict;
- pages are read on both servers all the while (every read writes its audit line);
- meanwhile beat and both workers run the deadline sweep (every second) over requests whose
  moments have passed: every notice goes out once, and every e-mail once.
Afterwards the audit chain verifies, holds each action once, and neither server logged a 5xx.

Everything goes over HTTP (urllib; no test client), with the session cookies of users who
logged in with both factors. Runs in CI's PostgreSQL/Redis pass; skipped otherwise."""

from __future__ import annotations

import datetime as dt
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from audit.chain import verify_chain
from audit.models import AuditEvent, AuditOutcome
from requests.core.workflow import RequestStatus
from requests.models import DeadlineNotice, DeadlineNoticeKind, DeadlineNoticeStatus, InformationRequest
from tests.conftest import verify_client
from tests.requests.helpers import ALL_CONFIRMED, actor_for, audit_events_for, decide
from toolkid.models import DecreeDay, EmailStatus, Notification, User
from toolkid.workdays import DEFAULT_DECREE_DAYS

# The request fixtures (filed_request and the people around it) live in tests/requests.
from ..requests.conftest import (  # noqa: F401
    beheerder,
    clinician2,
    filed_request,
    teamleider,
)

TIMEOUT_SECONDS = 90
DUE = 12  # requests whose every deadline moment has passed
CONTESTED_TAKES = 4
CONTESTED_ANSWERS = 3
FILINGS = 4
READS_PER_SERVER = 12
CONFLICT = "Een collega heeft dit verzoek zojuist behandeld."
S = RequestStatus
N = DeadlineNoticeKind
NS = DeadlineNoticeStatus
MAIL_SETTINGS = "tests.integration.mail_settings"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- a browser over plain HTTP ----------------------------------------------------------------


@dataclass
class Response:
    status: int
    body: str
    location: str = ""
    #: The cookies this response set (the messages shown on the page it redirects to).
    set_cookies: dict[str, str] = field(default_factory=dict)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # a 302 is an answer to look at, not to follow
        return None


@dataclass
class Browser:
    """One person's browser: its cookies (the session of a login with both factors, the CSRF
    cookie) go to whichever server it talks to, as behind a load balancer (cookies do not
    depend on the port)."""

    session_key: str
    cookies: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self):
        self.cookies["sessionid"] = self.session_key
        self.opener = urllib.request.build_opener(_NoRedirect)

    def _send(self, request: urllib.request.Request, cookies: dict[str, str] | None = None) -> Response:
        with self.lock:
            sent = {**self.cookies, **(cookies or {})}
            request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in sent.items()))
        try:
            with self.opener.open(request, timeout=60) as answer:
                status, headers, body = answer.status, answer.headers, answer.read()
        except urllib.error.HTTPError as error:  # 3xx (not followed), 4xx, 5xx
            status, headers, body = error.code, error.headers, error.read()
        set_cookies = {}
        for header in headers.get_all("Set-Cookie") or []:
            set_cookies.update({name: morsel.value for name, morsel in SimpleCookie(header).items()})
        with self.lock:
            self.cookies.update(set_cookies)
        text = body.decode("utf-8", errors="replace")
        return Response(status, text, headers.get("Location", ""), set_cookies)

    def get(self, base: str, path: str, cookies: dict[str, str] | None = None) -> Response:
        return self._send(urllib.request.Request(base + path), cookies)

    def follow(self, base: str, response: Response) -> str:
        """The page a redirect leads to, with the messages that very response set (two answers
        at once each carry their own)."""
        assert response.status == 302, response.status
        messages = response.set_cookies.get("messages", "")
        return self.get(base, response.location, cookies={"messages": messages}).body

    def post(self, base: str, path: str, data: dict[str, str]) -> Response:
        body = urllib.parse.urlencode(data).encode()
        return self._send(urllib.request.Request(base + path, data=body, method="POST"))


def browser_for(user: User) -> Browser:
    """A fresh session of ``user``, logged in with both factors (stored in the shared
    database, so both servers know it)."""
    return Browser(verify_client(Client(), user).cookies["sessionid"].value)


def form_value(html: str, name: str) -> str:
    found = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', html)
    assert found, f"no {name} on the page"
    return found.group(1)


def action_path(req: InformationRequest, slug: str) -> str:
    return f"/verzoeken/{req.public_id}/actie/{slug}/"


# --- what the servers and the workers leave behind ---------------------------------------------


def mail_message_ids(mail_dir: Path) -> Counter:
    found: Counter = Counter()
    for path in mail_dir.glob("*.log"):
        found.update(re.findall(r"^Message-ID: <(melding-[^@>]+)@", path.read_text(), re.MULTILINE))
    return found


def server_errors(log: str) -> list[str]:
    """Access-log lines with a 5xx status, and tracebacks."""
    lines = log.splitlines()
    return [line for line in lines if re.search(r'" 5\d\d ', line)] + [
        line for line in lines if line.startswith("Traceback")
    ]


# --- setting the scene through the services ------------------------------------------------------


@pytest.fixture
def people(requester, clinician, clinician2, teamleider, beheerder, db):  # noqa: F811
    for day, description in DEFAULT_DECREE_DAYS.items():
        DecreeDay.objects.get_or_create(date=day, defaults={"description": description})
    # Everyone gets e-mail, so every notification is mailed (and can be counted once).
    for user in (requester, clinician, clinician2, teamleider, beheerder):
        User.objects.filter(pk=user.pk).update(email=f"{user.username}@example.test")
    return requester, clinician, clinician2


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_two_servers_two_workers_one_beat_lose_and_double_nothing(
    celery_processes, filed_request, people, tmp_path  # noqa: F811
):
    requester, clinician, colleague = people
    past = timezone.now() - dt.timedelta(days=30)
    with time_machine.travel(past.replace(hour=10), tick=False):
        due = [filed_request("A") for _ in range(DUE)]
    to_take = [filed_request("A") for _ in range(CONTESTED_TAKES)]
    to_answer = [decide(filed_request("A"), actor_for(clinician), provide=True)
                 for _ in range(CONTESTED_ANSWERS)]
    drafts = [filed_request("A", submit=False) for _ in range(FILINGS)]
    due_notices = DeadlineNotice.objects.filter(request__in=due).count()
    assert due_notices == 4 * DUE
    requests_before = InformationRequest.objects.count()

    youth_worker = browser_for(requester)
    # Two colleagues, and one of them on a second device.
    clinician_browser, colleague_browser = browser_for(clinician), browser_for(colleague)
    second_device = browser_for(clinician)

    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    # One notice per sweep transaction: the sweeps take a while, beside the posts below.
    env = {"DJANGO_SETTINGS_MODULE": MAIL_SETTINGS, "TOOLKID_TEST_MAIL_DIR": str(mail_dir),
           "TOOLKID_SWEEP_BATCH_SIZE": "1"}
    ports = [free_port(), free_port()]
    servers = [celery_processes.web(port, env=env) for port in ports]
    for port in ports:
        celery_processes.wait_for_web(port)
    a, b = (f"http://127.0.0.1:{port}" for port in ports)

    # The forms as each person's page showed them (CSRF token, state, idempotency tokens).
    new_page = youth_worker.get(a, "/verzoeken/nieuw/").body
    start = {"csrfmiddlewaretoken": form_value(new_page, "csrfmiddlewaretoken"),
             "start_token": form_value(new_page, "start_token")}
    filings = []
    for draft in drafts:
        review = youth_worker.get(a, f"/verzoeken/{draft.public_id}/controleren/").body
        filings.append((draft, {"csrfmiddlewaretoken": form_value(review, "csrfmiddlewaretoken"),
                                "submit_token": form_value(review, "submit_token")}))

    def action_form(browser: Browser, base: str, req: InformationRequest, slug: str, name: str) -> dict:
        html = browser.get(base, action_path(req, slug)).body
        return {"csrfmiddlewaretoken": form_value(html, "csrfmiddlewaretoken"),
                f"{name}-expected_status": form_value(html, f"{name}-expected_status")}

    takes = [(req, action_form(clinician_browser, a, req, "oppakken", "take"),
              action_form(colleague_browser, b, req, "oppakken", "take")) for req in to_take]
    answer_fields = {"answer-intent": "versturen", **{f"answer-{name}": "on" for name in ALL_CONFIRMED}}

    def answer_form(browser: Browser, base: str, req: InformationRequest) -> dict:
        fields = {**action_form(browser, base, req, "antwoord", "answer"), **answer_fields}
        for topic in req.topics.all():
            fields[f"answer-topics-{topic.topic}-own_observations"] = "Moeder komt haar afspraken na."
            fields[f"answer-topics-{topic.topic}-weakening_facts"] = "Sinds mei stabiel."
        return fields

    answers = [(req, answer_form(clinician_browser, a, req), answer_form(second_device, b, req))
               for req in to_answer]

    # The sweeps begin now (beat every second, both workers), while the posts below go out.
    celery_processes.worker(env=env)
    celery_processes.worker(env=env)
    celery_processes.beat(env=env)

    # --- all at once: each pair meets at a barrier, then posts, one to each server -------------
    def pair(first, second) -> tuple[Response, Response]:
        barrier = threading.Barrier(2)

        def go(call):
            barrier.wait(timeout=30)
            return call()

        with ThreadPoolExecutor(2) as both:
            one, two = both.submit(go, first), both.submit(go, second)
            return one.result(), two.result()

    def reads(browser: Browser, base: str, reqs: list[InformationRequest]) -> list[int]:
        statuses = []
        for number in range(READS_PER_SERVER):
            path = "/verzoeken/binnengekomen/" if number % 3 == 0 else (
                f"/verzoeken/{reqs[number % len(reqs)].public_id}/")
            statuses.append(browser.get(base, path).status)
        return statuses

    with ThreadPoolExecutor(12) as pool:
        readers = [pool.submit(reads, colleague_browser, a, to_take + to_answer),
                   pool.submit(reads, clinician_browser, b, to_take + to_answer)]
        started_twice = pool.submit(pair, lambda: youth_worker.post(a, "/verzoeken/nieuw/", start),
                                    lambda: youth_worker.post(b, "/verzoeken/nieuw/", start))
        filed = [(draft, pool.submit(
            pair, lambda d=draft, f=form: youth_worker.post(a, f"/verzoeken/{d.public_id}/versturen/", f),
            lambda d=draft, f=form: youth_worker.post(b, f"/verzoeken/{d.public_id}/versturen/", f)))
            for draft, form in filings]
        taken = [(req, pool.submit(
            pair, lambda r=req, f=form: clinician_browser.post(a, action_path(r, "oppakken"), f),
            lambda r=req, f=other: colleague_browser.post(b, action_path(r, "oppakken"), f)))
            for req, form, other in takes]
        answered = [(req, pool.submit(
            pair, lambda r=req, f=form: clinician_browser.post(a, action_path(r, "antwoord"), f),
            lambda r=req, f=other: second_device.post(b, action_path(r, "antwoord"), f)))
            for req, form, other in answers]
        read_statuses = [status for reader in readers for status in reader.result()]
        started_twice = started_twice.result()
        filed = [(draft, future.result()) for draft, future in filed]
        taken = [(req, future.result()) for req, future in taken]
        answered = [(req, future.result()) for req, future in answered]

    # What each filing click showed: the page its redirect leads to, with its own message.
    filed_pages = {draft.pk: [youth_worker.follow(base, response) if response.status == 302 else response.body
                              for base, response in zip((a, b), responses, strict=True)]
                   for draft, responses in filed}
    # --- the sweep catches up: every due notice, every e-mail ---------------------------------
    def swept() -> bool:
        done = DeadlineNotice.objects.filter(request__in=due).exclude(status=NS.PLANNED).count()
        return done == due_notices and not Notification.objects.exclude(
            email_status__in=[EmailStatus.SENT, EmailStatus.SKIPPED]).exists()

    celery_processes.wait_for(swept, TIMEOUT_SECONDS, "every due notice and e-mail sent")
    time.sleep(3)  # a few more sweeps by both workers: they must add nothing
    logs = [server.log() for server in servers]
    celery_processes.stop_all()

    # Reads on both servers, during all of it.
    assert read_statuses == [200] * (2 * READS_PER_SERVER)

    # One start form posted to both servers: one draft, both clicks lead to it.
    assert [r.status for r in started_twice] == [302, 302]
    assert started_twice[0].location == started_twice[1].location
    assert InformationRequest.objects.filter(start_token=uuid.UUID(start["start_token"])).count() == 1

    # Each filing form posted to both servers: filed once; both clicks say it was sent.
    for draft, responses in filed:
        req = InformationRequest.objects.get(pk=draft.pk)
        assert req.status == S.SUBMITTED and req.reference
        assert [r.location for r in responses] == [f"/verzoeken/{req.public_id}/"] * 2
        for shown in filed_pages[req.pk]:
            assert f"Uw informatieverzoek {req.reference} is verstuurd" in shown
        assert audit_events_for(req, event="request.submitted", outcome=AuditOutcome.ALLOWED).count() == 1
    assert InformationRequest.objects.count() == requests_before + 1  # the one new draft

    # Contested take and answer: one winner; the other sees the plain conflict message.
    for contested, event, winner_status in ((taken, "request.taken", S.IN_PROGRESS),
                                            (answered, "request.answer_sent", S.ANSWERED)):
        for req, responses in contested:
            assert sorted(r.status for r in responses) == [302, 409], [r.status for r in responses]
            loser = next(r for r in responses if r.status == 409)
            assert CONFLICT in loser.body
            winner = next(r for r in responses if r.status == 302)
            assert winner.location == f"/verzoeken/{req.public_id}/"
            assert InformationRequest.objects.get(pk=req.pk).status == winner_status
            assert audit_events_for(req, event=event, outcome=AuditOutcome.ALLOWED).count() == 1
    for req, responses in taken:
        winner = clinician if responses[0].status == 302 else colleague
        assert InformationRequest.objects.get(pk=req.pk).assigned_clinician_id == winner.pk

    # Every due notice once, and what it says it sent exists once; every e-mail once.
    for req in due:
        statuses = Counter(DeadlineNotice.objects.filter(request=req).values_list("kind", "status"))
        assert statuses == Counter({(N.REMINDER, NS.SUPERSEDED): 1, (N.DUE, NS.SENT): 1,
                                    (N.OVERDUE, NS.SENT): 1, (N.ESCALATION, NS.SENT): 1}), req.reference
    for notice in DeadlineNotice.objects.filter(status=NS.SENT):
        made = Notification.objects.filter(source_key__startswith=f"deadline_notice:{notice.pk}:").count()
        assert made == notice.recipients
    assert max(Counter(Notification.objects.values_list("recipient_id", "source_key")).values()) == 1
    mailed = mail_message_ids(mail_dir)
    expected = {f"melding-{public_id}" for public_id in Notification.objects.filter(
        email_status=EmailStatus.SENT).values_list("public_id", flat=True)}
    assert set(mailed) == expected
    assert max(mailed.values()) == 1, [m for m, times in mailed.items() if times > 1]

    # The audit chain is whole, written by four processes and this one.
    result = verify_chain()
    assert result.ok, result
    seqs = list(AuditEvent.objects.values_list("seq", flat=True))
    assert len(seqs) == len(set(seqs))

    for number, log in enumerate(logs):
        assert not server_errors(log), f"server {number}:\n" + "\n".join(server_errors(log))
    assert all(log.count('"POST ') >= FILINGS for log in logs)  # both servers did the work

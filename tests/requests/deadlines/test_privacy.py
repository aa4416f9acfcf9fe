"""What the deadline notices (R26) may carry, and to whom.

- No e-mail subject or body contains personal data of the cases: names, dates of birth, BSN,
  the free text of the request, the organisations or the consent path — only a link and a
  neutral sentence.
- Nothing is parent-facing (R40): every notification kind is for professionals, every
  recipient is a member of one of the request's two organisations, and a path C request gets
  exactly the notices a path A request gets (the provider's and the requester's).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest
from django.core import mail
from django.utils import timezone

from requests.deadlines.services import (
    deadline_sweep,
    request_contest_extension,
    request_extend_deadline,
)
from requests.models import ConsentPath, InformationRequest
from toolkid.models import Membership, Notification, NotificationKind
from toolkid.notifications import KIND_AUDIENCE, PROFESSIONAL, text_for

from ..helpers import PATH_B_FIELDS, fresh, take
from .support import at, notification_texts, sweep_at, tells_to_contact_parent

D = dt.date

#: The invented people of the cases filed below (DOMAIN.md: never a real name or BSN).
PARENTS = {
    ConsentPath.A: {"name": "Marieke Brouwers-Kessels", "date_of_birth": D(1987, 3, 14), "bsn": "123456782"},
    ConsentPath.B: {"name": "Ruud Hendriksen", "date_of_birth": D(1979, 11, 2), "bsn": ""},
    ConsentPath.C: {"name": "Yasmina El Amrani", "date_of_birth": D(1992, 7, 30), "bsn": ""},
}


def _date_forms(day: dt.date) -> list[str]:
    months = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
              "oktober", "november", "december"]
    return [day.isoformat(), day.strftime("%d-%m-%Y"), f"{day.day}-{day.month}-{day.year}",
            f"{day.day} {months[day.month - 1]} {day.year}", day.strftime("%d/%m/%Y")]


def _personal_data(request: InformationRequest) -> list[str]:
    """Every piece of the case a mailbox must never see."""
    request = fresh(request)
    values: list[str] = []
    parent = request.parent
    values += [parent.name, *[p for p in parent.name.split() if len(p) > 3]]
    values += _date_forms(parent.date_of_birth)
    if parent.bsn:
        values.append(parent.bsn)
    for child in request.children.all():
        values += _date_forms(child.date_of_birth)
    for topic in request.topics.all():
        values.append(topic.question)
    values += [request.reason, request.phone_contact_with, request.reference,
               request.requesting_organisation.name, request.receiving_organisation.name,
               request.get_consent_path_display(), str(request.public_id)]
    values += [request.c_why_not_asked, request.c_why_necessary]
    values += [getattr(request, f) for f in PATH_B_FIELDS if isinstance(getattr(request, f), str)]
    return [v for v in values if v]


def _file(filed_request, path: str) -> InformationRequest:
    request = filed_request(path)
    parent = request.parent
    for name, value in PARENTS[path].items():
        setattr(parent, name, value)
    parent.save()
    return request


def test_no_email_carries_personal_data_of_the_cases(
    filed_request, clinician_actor, requester_actor, with_emails, settings
):
    with at(2026, 5, 11, 10):
        requests_ = [_file(filed_request, path) for path in (ConsentPath.A, ConsentPath.B, ConsentPath.C)]
        take(requests_[0], clinician_actor)
    with at(2026, 5, 12, 10):
        request_extend_deadline(actor=clinician_actor, request=fresh(requests_[0]),
                                new_due_date=D(2026, 5, 22),
                                reason="Wacht op overleg met de psychiater over Marieke.")
        request_contest_extension(actor=requester_actor, request=fresh(requests_[0]),
                                  reason="Yasmina en de kinderen lopen gevaar.")
    for day in (D(2026, 5, 18), D(2026, 5, 20), D(2026, 5, 21), D(2026, 5, 26), D(2026, 5, 29)):
        sweep_at(day)

    assert len(mail.outbox) >= 15  # reminders, due, overdue, escalation, extension and contest
    forbidden = [value for request in requests_ for value in _personal_data(request)]
    forbidden += ["Wacht op overleg", "lopen gevaar", "Toestemming", "Mondriaan", "Wijkteam", "pad"]
    for message in mail.outbox:
        text = f"{message.subject}\n{message.body}"
        for value in forbidden:
            assert value.lower() not in text.lower(), f"{value!r} in e-mail to {message.to}"
        # Only a link to a notification, nothing else that looks like an identifier.
        links = re.findall(r"https?://\S+", message.body)
        assert len(links) == 1
        assert re.fullmatch(re.escape(settings.SITE_URL) + r"/meldingen/[0-9a-f-]{36}/", links[0])
        assert not re.search(r"\bTK-\d{4}-\d+", text)


def test_no_notification_kind_tells_anyone_to_inform_the_parent(filed_request, requester, wijkteam):
    """R35, R40: render every notification kind, as it would be for a path C request (every
    parameter set, the Veilig Thuis option on), in Dutch and in English — its title, its
    sentence and its e-mail — and find no text that tells anyone to inform or contact the
    parent. A kind (or a wording) added later that does so fails here."""
    request = filed_request(ConsentPath.C)
    assert request.consent_path == ConsentPath.C
    params = {"reference": request.reference, "due_date": "2026-05-20",
              "previous_due_date": "2026-05-13", "veilig_thuis": True}
    checked = set()
    for kind in NotificationKind.values:
        note = Notification(recipient=requester, organisation=wijkteam, kind=kind, params=params,
                            target_url=f"/verzoeken/{request.public_id}/", source_key=f"test:{kind}")
        texts = notification_texts(note)
        assert text_for(note) in texts and str(note.get_kind_display()) in texts
        for text in texts:
            assert not tells_to_contact_parent(text), (kind, text)
        checked.add(kind)
    assert checked == set(NotificationKind.values) and len(checked) >= 7
    # And the check itself bites: the phrases R40 forbids are found.
    for phrase in ("U kunt nu de ouder informeren.", "Informeer de ouder over het contact.",
                   "Breng de ouder op de hoogte van het verzoek.", "Neem contact op met de ouder.",
                   "Ouder informeren over het contact", "Please inform the parent."):
        assert tells_to_contact_parent(phrase), phrase


def test_every_notification_kind_is_for_professionals(mondriaan, make_user, monkeypatch):
    """R40: ``notify`` sends only the kinds meant for professionals; a kind marked otherwise (a
    parent-facing kind, before R37's joint release exists for it) is refused."""
    from toolkid import notifications
    from toolkid.notifications import Recipient, notify

    assert set(KIND_AUDIENCE) == set(NotificationKind.values)
    assert set(KIND_AUDIENCE.values()) == {PROFESSIONAL}
    member = make_user((mondriaan, "zorgverlener"), username="lid")
    monkeypatch.setitem(notifications.KIND_AUDIENCE, NotificationKind.DEADLINE_DUE, "ouder")
    with pytest.raises(ValueError):
        notify(kind=NotificationKind.DEADLINE_DUE, recipients=[Recipient(member, mondriaan)],
               source_key="test:ouder", params={})
    assert not Notification.objects.exists()


def _walk(filed_request, *paths: str) -> list[InformationRequest]:
    with at(2026, 5, 11, 10):
        requests_ = [filed_request(path) for path in paths]
    for day in (D(2026, 5, 18), D(2026, 5, 20), D(2026, 5, 21), D(2026, 5, 26)):
        sweep_at(day)
    return requests_


def test_path_c_gets_only_the_provider_and_requester_notices(filed_request, with_emails):
    (path_c,) = _walk(filed_request, ConsentPath.C)
    notes = Notification.objects.filter(params__reference=path_c.reference).select_related("recipient")
    assert notes.count() == 9  # intake ×3 twice, teamleider, requester, beheerder
    organisations = {path_c.requesting_organisation_id, path_c.receiving_organisation_id}
    for note in notes:
        # A member of one of the request's two organisations, acting for that organisation.
        assert note.organisation_id in organisations
        assert Membership.objects.filter(user=note.recipient, organisation_id=note.organisation_id,
                                         is_active=True).exists()
        # No prompt to inform the parent (R35, R40).
        text = text_for(note).lower()
        assert "ouder" not in text, text
    member_addresses = {u.email for u in with_emails.values()}
    assert {a for m in mail.outbox for a in m.to} <= member_addresses


def test_path_c_notices_equal_path_a_notices(filed_request, with_emails):
    """The sweep does not look at the path: C gets no more (and no fewer) than A."""
    path_a, path_c = _walk(filed_request, ConsentPath.A, ConsentPath.C)

    def shape(request):
        return Counter(Notification.objects.filter(params__reference=request.reference)
                       .values_list("recipient__username", "kind"))

    assert shape(path_c) == shape(path_a) != Counter()
    assert shape(path_c)[("jeugd", NotificationKind.DEADLINE_OVERDUE_REQUESTER)] == 1


def test_notify_refuses_anyone_who_is_not_an_active_member(make_user, mondriaan, wijkteam, db):
    from toolkid.notifications import Recipient, notify

    outsider = make_user(username="buitenstaander")  # no membership: like a parent, who has no account
    member = make_user((mondriaan, "zorgverlener"), username="lid")
    created = notify(
        kind=NotificationKind.DEADLINE_REMINDER,
        recipients=[
            Recipient(outsider, mondriaan), Recipient(member, wijkteam), Recipient(member, mondriaan)
        ],
        source_key="test:1",
        params={"reference": "TK-2026-000001"},
    )
    assert created == 1
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["lid"]
    with pytest.raises(ValueError):
        notify(kind=NotificationKind.DEADLINE_REMINDER, recipients=[Recipient(member, mondriaan)],
               source_key="test:2", params={"reason": "Een lange vrije tekst over de ouder " * 3})


def test_no_email_carries_personal_data_of_the_demo_cases(db, settings):
    """The demo's own cases (``load_demo``), every moment caught up a month later, every demo
    user with an address: not one e-mail names a parent, a child's or parent's date of birth,
    a BSN or any free text of a request."""
    from io import StringIO

    from django.core.management import call_command

    from requests.models import Child, Parent, RequestedTopic
    from toolkid.models import User

    call_command("load_demo", stdout=StringIO())
    User.objects.filter(email="").update(email="demo@example.test")
    result = deadline_sweep(now=timezone.now() + dt.timedelta(days=40))
    assert result.sent and mail.outbox

    forbidden: set[str] = set()
    for parent in Parent.objects.all():
        forbidden.update([parent.name, *_date_forms(parent.date_of_birth)])
        forbidden.update(part for part in parent.name.split() if len(part) > 3)
        if parent.bsn:
            forbidden.add(parent.bsn)
        if parent.representative_name:
            forbidden.add(parent.representative_name)
    for child in Child.objects.all():
        forbidden.update(_date_forms(child.date_of_birth))
        if len(child.name_or_initials) > 3:
            forbidden.add(child.name_or_initials)
    for request in InformationRequest.objects.all():
        forbidden.update(v for v in (request.reason, request.reference, request.phone_contact_with,
                                     request.c_why_not_asked, request.b_risk_of_serious_harm) if v)
        forbidden.update([request.requesting_organisation.name, request.get_consent_path_display()])
    forbidden.update(RequestedTopic.objects.values_list("question", flat=True))
    for message in mail.outbox:
        text = f"{message.subject}\n{message.body}".lower()
        leaked = [value for value in forbidden if value and value.lower() in text]
        assert not leaked, (leaked, message.to)

"""Meldingen, the notification centre: one's own notifications only, the unread count
in the header, marking read by POST, the e-mail preference, and the neutral e-mail."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core.mail import EmailMessage
from django.utils import timezone

from toolkid.models import EmailStatus, Notification, NotificationKind, NotificationPreference, Role
from toolkid.notifications import (
    Recipient,
    _claim_one,
    deliver_emails_by_id,
    deliver_pending_emails,
    email_for,
    message_id_for,
    notify,
    unread_count,
)


@pytest.fixture
def zorg(make_user, mondriaan):
    return make_user((mondriaan, Role.ZORGVERLENER), username="zorg.melding", email="zorg@example.test")


@pytest.fixture
def collega(make_user, mondriaan):
    return make_user((mondriaan, Role.ZORGVERLENER), username="collega", email="collega@example.test")


def send(user, organisation, kind=NotificationKind.DEADLINE_REMINDER, key="test:1", url="/verzoeken/"):
    notify(kind=kind, recipients=[Recipient(user, organisation, url)], source_key=key,
           params={"reference": "TK-2026-000042", "due_date": "2026-05-20"})
    return Notification.objects.get(recipient=user, source_key=key)


def header(html: str) -> str:
    return re.search(r'<header class="site-header">.*?</header>', html, re.DOTALL).group(0)


def test_the_header_shows_the_unread_count(zorg, mondriaan, verified_client):
    client = verified_client(zorg)
    assert 'class="badge"' not in header(client.get("/").content.decode())
    send(zorg, mondriaan, key="a")
    send(zorg, mondriaan, key="b")
    html = header(client.get("/").content.decode())
    assert '<a href="/meldingen/">Meldingen <span class="badge" data-unread="2">2' in html
    assert "ongelezen" in html  # the number is said in words for a screen reader


def test_the_centre_lists_ones_own_notifications_only(zorg, collega, mondriaan, verified_client):
    send(zorg, mondriaan, key="mine")
    send(collega, mondriaan, kind=NotificationKind.DEADLINE_OVERDUE, key="theirs")
    page = verified_client(zorg).get("/meldingen/").content.decode()
    assert "Verzoek TK-2026-000042 moet uiterlijk woensdag 20 mei 2026 beantwoord zijn" in page
    assert "niet binnen de termijn" not in page
    assert "U hebt 1 ongelezen melding." in page


def test_marking_read_is_a_post_of_the_recipient(zorg, collega, mondriaan, verified_client):
    mine = send(zorg, mondriaan)
    client = verified_client(zorg)
    assert client.get(f"/meldingen/{mine.public_id}/gelezen/").status_code == 405
    theirs = send(collega, mondriaan, key="other")
    assert client.post(f"/meldingen/{theirs.public_id}/gelezen/").status_code == 404
    response = client.post(f"/meldingen/{mine.public_id}/gelezen/")
    assert response.status_code == 302 and response["Location"] == "/meldingen/"
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None
    assert unread_count(zorg) == 0


def test_opening_marks_read_and_goes_to_the_request(zorg, mondriaan, verified_client):
    mine = send(zorg, mondriaan, url="/verzoeken/binnengekomen/")
    client = verified_client(zorg)
    detail = client.get(f"/meldingen/{mine.public_id}/").content.decode()
    assert "Gelezen, naar het verzoek" in detail
    response = client.post(f"/meldingen/{mine.public_id}/gelezen/", {"open": "1"})
    assert response["Location"] == "/verzoeken/binnengekomen/"


def test_an_offsite_target_is_never_followed(zorg, mondriaan, verified_client):
    mine = send(zorg, mondriaan, url="https://evil.example/")
    response = verified_client(zorg).post(f"/meldingen/{mine.public_id}/gelezen/", {"open": "1"})
    assert response["Location"] == "/meldingen/"


def test_mark_all_read(zorg, mondriaan, verified_client):
    send(zorg, mondriaan, key="a")
    send(zorg, mondriaan, key="b")
    verified_client(zorg).post("/meldingen/alles-gelezen/")
    assert unread_count(zorg) == 0


def test_the_link_in_an_email_needs_a_login(zorg, mondriaan, client):
    mine = send(zorg, mondriaan)
    response = client.get(f"/meldingen/{mine.public_id}/")
    assert response.status_code == 302 and "/meldingen/" not in response["Location"].split("?")[0]


def test_switching_reminder_email_off_and_on(zorg, mondriaan, verified_client, mailoutbox):
    client = verified_client(zorg)
    client.post("/meldingen/voorkeuren/", {})
    assert NotificationPreference.objects.get(user=zorg).email_reminders is False
    reminder = send(zorg, mondriaan, key="reminder")
    escalation = send(zorg, mondriaan, kind=NotificationKind.DEADLINE_OVERDUE, key="escalation")
    deliver_pending_emails()
    reminder.refresh_from_db()
    escalation.refresh_from_db()
    assert (reminder.email_status, escalation.email_status) == (EmailStatus.SKIPPED, EmailStatus.SENT)
    assert len(mailoutbox) == 1
    client.post("/meldingen/voorkeuren/", {"email_reminders": "on"})
    assert NotificationPreference.objects.get(user=zorg).email_reminders is True
    page = client.get("/meldingen/").content.decode()
    assert re.search(r'<input type="checkbox" name="email_reminders"[^>]*checked', page)


def test_the_email_is_the_same_neutral_text_for_every_kind(zorg, mondriaan, settings):
    texts = set()
    for number, kind in enumerate(NotificationKind.values):
        note = send(zorg, mondriaan, kind=kind, key=f"k{number}")
        subject, body = email_for(note)
        texts.add((subject, body.replace(str(note.public_id), "<id>")))
        assert "TK-2026-000042" not in subject + body and "20 mei" not in body and "2026-05-20" not in body
    assert len(texts) == 1


def test_a_user_without_an_address_is_skipped(make_user, mondriaan, mailoutbox):
    user = make_user((mondriaan, Role.TEAMLEIDER), username="zonder.adres")
    note = send(user, mondriaan, kind=NotificationKind.DEADLINE_OVERDUE)
    assert deliver_pending_emails() == {"sent": 0, "skipped": 1, "failed": 0}
    note.refresh_from_db()
    assert note.email_status == EmailStatus.SKIPPED and mailoutbox == []


def test_notify_twice_for_the_same_source_creates_one(zorg, mondriaan):
    def once() -> int:
        return notify(kind=NotificationKind.DEADLINE_DUE, recipients=[Recipient(zorg, mondriaan)],
                      source_key="x")

    assert (once(), once()) == (1, 0)
    assert Notification.objects.count() == 1


# --- each e-mail sent once, even when a run dies mid-send (issue 12, item 1) -----------------


def test_each_email_carries_a_message_id_of_its_own_notification(zorg, mondriaan, mailoutbox):
    first = send(zorg, mondriaan, kind=NotificationKind.DEADLINE_OVERDUE, key="a")
    second = send(zorg, mondriaan, kind=NotificationKind.DEADLINE_OVERDUE, key="b")
    assert deliver_pending_emails() == {"sent": 2, "skipped": 0, "failed": 0}
    ids = [message.extra_headers["Message-ID"] for message in mailoutbox]
    assert ids == [message_id_for(first), message_id_for(second)]
    assert str(first.public_id) in ids[0] and ids[0] != ids[1]


def test_an_email_claimed_by_a_run_that_died_is_sent_again_only_after_the_timeout(
    zorg, mondriaan, mailoutbox, settings
):
    note = send(zorg, mondriaan, kind=NotificationKind.DEADLINE_OVERDUE)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        claimed = _claim_one()  # a run claims it and dies before confirming
    assert claimed.pk == note.pk
    note.refresh_from_db()
    assert note.email_status == EmailStatus.SENDING

    with time_machine.travel(start + dt.timedelta(seconds=settings.TOOLKID_EMAIL_CLAIM_TIMEOUT - 1)):
        assert deliver_pending_emails() == {"sent": 0, "skipped": 0, "failed": 0}
    assert mailoutbox == []  # another run leaves it alone while the first may still be sending

    with time_machine.travel(start + dt.timedelta(seconds=settings.TOOLKID_EMAIL_CLAIM_TIMEOUT + 1)):
        assert deliver_pending_emails() == {"sent": 1, "skipped": 0, "failed": 0}
    note.refresh_from_db()
    assert (note.email_status, note.email_attempts, len(mailoutbox)) == (EmailStatus.SENT, 2, 1)
    assert mailoutbox[0].extra_headers["Message-ID"] == message_id_for(note)


def test_a_run_sends_each_waiting_email_in_its_own_committed_step(zorg, mondriaan, mailoutbox, monkeypatch):
    """A failure on the third send leaves the first two confirmed: nothing of them is redone."""
    for key in "abcd":
        send(zorg, mondriaan, kind=NotificationKind.DEADLINE_OVERDUE, key=key)
    real_send, calls = EmailMessage.send, []

    def third_fails(message, *args, **kwargs):
        calls.append(message)
        if len(calls) == 3:
            raise OSError("connection refused")
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", third_fails)
    assert deliver_pending_emails() == {"sent": 2, "skipped": 0, "failed": 1}
    statuses = list(Notification.objects.order_by("source_key").values_list("email_status", flat=True))
    assert statuses == [EmailStatus.SENT, EmailStatus.SENT, EmailStatus.PENDING, EmailStatus.PENDING]
    monkeypatch.undo()
    assert deliver_pending_emails() == {"sent": 2, "skipped": 0, "failed": 0}
    assert len(mailoutbox) == 4


# --- the sweep's e-mails by id (issue 11, item 6) ------------------------------------------------


def test_emails_by_id_send_those_ids_once_and_leave_the_others(zorg, collega, mondriaan, mailoutbox):
    """A delivery task handed ids sends exactly those that still wait; run again (a retry, a
    second worker) it sends nothing; a reminder the recipient switched off is skipped as ever."""
    mine = [send(zorg, mondriaan, kind=NotificationKind.DEADLINE_OVERDUE, key=f"m{i}") for i in range(3)]
    other = send(collega, mondriaan, kind=NotificationKind.DEADLINE_OVERDUE, key="other")
    NotificationPreference.objects.create(user=zorg, email_reminders=False)
    reminder = send(zorg, mondriaan, key="reminder")
    ids = [n.pk for n in mine] + [reminder.pk]
    assert deliver_emails_by_id(ids) == {"sent": 3, "skipped": 1, "failed": 0}
    assert deliver_emails_by_id(ids) == {"sent": 0, "skipped": 0, "failed": 0}
    assert [m.extra_headers["Message-ID"] for m in mailoutbox] == [message_id_for(n) for n in mine]
    other.refresh_from_db()
    assert other.email_status == EmailStatus.PENDING


def test_emails_by_id_stop_at_a_failing_server_and_give_the_rest_back(
    zorg, mondriaan, mailoutbox, monkeypatch
):
    notes = [send(zorg, mondriaan, kind=NotificationKind.DEADLINE_OVERDUE, key=key) for key in "abcd"]
    real_send, calls = EmailMessage.send, []

    def second_fails(message, *args, **kwargs):
        calls.append(message)
        if len(calls) == 2:
            raise OSError("connection refused")
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", second_fails)
    assert deliver_emails_by_id([n.pk for n in notes]) == {"sent": 1, "skipped": 0, "failed": 1}
    rows = list(Notification.objects.order_by("source_key").values_list("email_status", "email_attempts"))
    # The rest waits again at once (not after the claim timeout), with no attempt spent.
    assert rows == [(EmailStatus.SENT, 1), (EmailStatus.PENDING, 1), (EmailStatus.PENDING, 0),
                    (EmailStatus.PENDING, 0)]
    monkeypatch.undo()
    assert deliver_pending_emails() == {"sent": 3, "skipped": 0, "failed": 0}
    assert len(mailoutbox) == 4


def test_emails_by_id_are_claimed_a_few_at_a_time(zorg, mondriaan, mailoutbox, monkeypatch):
    """A task handed 500 ids claims them in small batches: the last e-mail of a claim goes out long
    before the claim looks abandoned, so no other run sends it a second time."""
    from toolkid import notifications

    monkeypatch.setattr(notifications, "EMAIL_CLAIM_BATCH", 2)
    notes = [send(zorg, mondriaan, kind=NotificationKind.DEADLINE_OVERDUE, key=key) for key in "abcde"]
    real_send, claimed_while_sending = EmailMessage.send, []

    def watch(message, *args, **kwargs):
        claimed_while_sending.append(Notification.objects.filter(email_status=EmailStatus.SENDING).count())
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", watch)
    assert deliver_emails_by_id([n.pk for n in notes]) == {"sent": 5, "skipped": 0, "failed": 0}
    # Never more than one claim's worth in flight.
    assert max(claimed_while_sending) <= 2
    assert len(mailoutbox) == 5

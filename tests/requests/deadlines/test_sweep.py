"""The sweep's moments with a frozen clock (R26, L1): the reminder two working days
before the due date and on it (to the clinician, or the intake), the overdue alert (teamleider
and requester, R2), the second escalation three working days after (beheerder) — across
Ascension Thursday + the decree Friday 2026, Easter 2026, King's Day 2026 and 5 May 2026.
Running the sweep twice sends nothing twice; a missed sweep is caught up."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.core import mail

from requests.core import clock
from requests.models import DeadlineNotice, DeadlineNoticeKind, DeadlineNoticeStatus, InformationRequest
from toolkid.models import EmailStatus, Notification, NotificationKind
from toolkid.notifications import notification_preference_set

from ..helpers import fresh, take
from .support import at, received, sent, statuses, sweep_at

N = DeadlineNoticeKind
K = NotificationKind
D = dt.date


# submitted on → (due date, reminder, overdue alert, second escalation); worked out by hand
# from DOMAIN.md L1 (five working days, R26), so a wrong calendar cannot agree with itself.
SCENARIOS = {
    # Thu 14 May Ascension, Fri 15 May decree day, Mon 25 May Whit Monday.
    "ascension_and_whit_monday": (
        D(2026, 5, 11), D(2026, 5, 20), D(2026, 5, 18), D(2026, 5, 21), D(2026, 5, 26)
    ),
    # The reminder jumps back over the long weekend: due Mon 18 May, reminded Tue 12 May.
    "ascension_before_the_due_date": (
        D(2026, 5, 7), D(2026, 5, 18), D(2026, 5, 12), D(2026, 5, 19), D(2026, 5, 21)
    ),
    # Good Friday 3 April, Easter Monday 6 April.
    "easter": (
        D(2026, 3, 30), D(2026, 4, 8), D(2026, 4, 2), D(2026, 4, 9), D(2026, 4, 13)
    ),
    # King's Day Mon 27 April; 5 May (Tuesday) every year, not only in lustrum years.
    "kings_day_and_5_may": (
        D(2026, 4, 23), D(2026, 5, 1), D(2026, 4, 29), D(2026, 5, 4), D(2026, 5, 7)
    ),
    # 5 May between the reminder and the due date: due Wed 6 May, reminded Fri 1 May.
    "5_may_before_the_due_date": (
        D(2026, 4, 28), D(2026, 5, 6), D(2026, 5, 1), D(2026, 5, 7), D(2026, 5, 11)
    ),
}


def file_on(filed_request, day: dt.date, path: str = "A", hour: int = 10):
    with at(day.year, day.month, day.day, hour):
        return filed_request(path)


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_each_moment_goes_on_its_working_day_and_only_then(
    scenario, filed_request, clinician_actor, with_emails
):
    submitted, due, reminder, overdue, escalation = SCENARIOS[scenario]
    request = file_on(filed_request, submitted)
    with at(submitted.year, submitted.month, submitted.day, 11):
        take(request, clinician_actor)
    assert request.due_date == due

    planned = {n.kind: n.send_on for n in DeadlineNotice.objects.filter(request=request)}
    assert planned == {N.REMINDER: reminder, N.DUE: due, N.OVERDUE: overdue, N.ESCALATION: escalation}

    expected = {reminder: [N.REMINDER], due: [N.DUE], overdue: [N.OVERDUE], escalation: [N.ESCALATION]}
    day = submitted
    while day <= escalation + dt.timedelta(days=3):
        before = sent(request)
        sweep_at(day, hour=9)
        new = sent(request)[len(before):]
        assert new == expected.get(day, []), f"{day:%a %d %b}: {new}"
        day += dt.timedelta(days=1)

    assert received(request) == Counter({
        ("zorg", K.DEADLINE_REMINDER): 1,
        ("zorg", K.DEADLINE_DUE): 1,
        ("teamleider", K.DEADLINE_OVERDUE): 1,
        ("jeugd", K.DEADLINE_OVERDUE_REQUESTER): 1,
        ("beheer", K.DEADLINE_ESCALATION): 1,
    })


def test_nothing_goes_before_the_notice_hour(filed_request, clinician_actor, with_emails, settings):
    settings.TOOLKID_DEADLINE_NOTICE_HOUR = 7
    request = file_on(filed_request, D(2026, 5, 11))
    sweep_at(D(2026, 5, 18), hour=6)
    assert sent(request) == []
    sweep_at(D(2026, 5, 18), hour=7)
    assert sent(request) == [N.REMINDER]


def test_unassigned_request_reminds_the_intake(filed_request, with_emails):
    """No clinician yet: the receiving organisation's teamleiders and zorgverleners."""
    request = file_on(filed_request, D(2026, 5, 11))
    sweep_at(D(2026, 5, 18))
    assert received(request) == Counter({
        ("teamleider", K.DEADLINE_REMINDER): 1,
        ("zorg", K.DEADLINE_REMINDER): 1,
        ("zorg2", K.DEADLINE_REMINDER): 1,
    })


def test_reassignment_counts_when_the_notice_goes(filed_request, clinician_actor, teamleider_actor,
                                                  clinician2, with_emails):
    from requests.handling.services import request_assign

    request = file_on(filed_request, D(2026, 5, 11))
    with at(2026, 5, 12):
        take(request, clinician_actor)
        request_assign(actor=teamleider_actor, request=fresh(request), clinician=clinician2)
    sweep_at(D(2026, 5, 18))
    assert received(request) == Counter({("zorg2", K.DEADLINE_REMINDER): 1})


def test_running_the_sweep_twice_sends_nothing_twice(filed_request, clinician_actor, with_emails):
    request = file_on(filed_request, D(2026, 5, 11))
    for day in (D(2026, 5, 18), D(2026, 5, 20), D(2026, 5, 21), D(2026, 5, 26)):
        sweep_at(day)
        notifications, mails = Notification.objects.count(), len(mail.outbox)
        second = sweep_at(day)
        assert (second.sent, second.notifications) == (0, 0)
        assert Notification.objects.count() == notifications
        assert len(mail.outbox) == mails
    assert sorted(Counter(sent(request)).values()) == [1, 1, 1, 1]


def test_a_missed_sweep_is_caught_up_once(filed_request, with_emails):
    """Beat was down for a week: the next sweep sends what is due as of now. The reminder is
    superseded by the due-day notice to the same people; the others go once each."""
    request = file_on(filed_request, D(2026, 5, 11))
    result = sweep_at(D(2026, 5, 27))
    assert statuses(request) == {
        (N.REMINDER, D(2026, 5, 20)): DeadlineNoticeStatus.SUPERSEDED,
        (N.DUE, D(2026, 5, 20)): DeadlineNoticeStatus.SENT,
        (N.OVERDUE, D(2026, 5, 20)): DeadlineNoticeStatus.SENT,
        (N.ESCALATION, D(2026, 5, 20)): DeadlineNoticeStatus.SENT,
    }
    assert (result.sent, result.superseded) == (3, 1)
    assert sweep_at(D(2026, 5, 27)).sent == 0


def test_an_hour_of_downtime_on_the_reminder_day_is_caught_up(filed_request, with_emails):
    request = file_on(filed_request, D(2026, 5, 11))
    sweep_at(D(2026, 5, 18), hour=6)  # before the notice hour: nothing yet
    assert sent(request) == []
    sweep_at(D(2026, 5, 18), hour=11)  # the 7–11 o'clock sweeps were missed
    assert sent(request) == [N.REMINDER]


def test_an_answered_request_gets_no_further_notices(filed_request, clinician_actor, with_emails):
    from requests.handling.answer import request_send_answer

    from ..helpers import ALL_CONFIRMED, decide, fill_answer

    request = file_on(filed_request, D(2026, 5, 11))
    sweep_at(D(2026, 5, 18))
    with at(2026, 5, 19):
        request = fill_answer(decide(request, clinician_actor, provide=True), clinician_actor)
        request_send_answer(actor=clinician_actor, request=request, confirmations=ALL_CONFIRMED)
    sweep_at(D(2026, 5, 27))
    assert sent(request) == [N.REMINDER]
    assert set(statuses(request).values()) == {DeadlineNoticeStatus.SENT, DeadlineNoticeStatus.CANCELLED}


def test_a_request_without_notice_rows_is_planned_by_the_sweep(filed_request, with_emails):
    """A due date set some other way (data from before this feature): the sweep plans it."""
    request = file_on(filed_request, D(2026, 5, 11))
    DeadlineNotice.objects.filter(request=request).delete()
    InformationRequest.objects.filter(pk=request.pk).update(notices_planned_for=None)
    result = sweep_at(D(2026, 5, 18))
    assert result.planned == 1
    assert sent(request) == [N.REMINDER]


def test_no_overdue_teamleider_falls_back_to_beheerder(filed_request, teamleider, with_emails):
    from toolkid.models import Membership

    Membership.objects.filter(user=teamleider).update(is_active=False)
    request = file_on(filed_request, D(2026, 5, 11))
    sweep_at(D(2026, 5, 21))
    got = received(request)
    assert got[("beheer", K.DEADLINE_OVERDUE)] == 1
    assert got[("jeugd", K.DEADLINE_OVERDUE_REQUESTER)] == 1
    assert not any(user == "teamleider" for user, _kind in got)


# --- e-mail ------------------------------------------------------------------------------------


def test_email_follows_the_preference_for_reminders_but_escalations_always_go(
    filed_request, clinician_actor, with_emails
):
    notification_preference_set(user=with_emails["clinician"], email_reminders=False)
    notification_preference_set(user=with_emails["teamleider"], email_reminders=False)
    request = file_on(filed_request, D(2026, 5, 11))
    with at(2026, 5, 11, 11):
        take(request, clinician_actor)
    sweep_at(D(2026, 5, 18))
    reminder = Notification.objects.get(kind=K.DEADLINE_REMINDER)
    assert reminder.email_status == EmailStatus.SKIPPED  # still in the centre, no e-mail
    assert mail.outbox == []
    sweep_at(D(2026, 5, 21))
    to = sorted(address for m in mail.outbox for address in m.to)
    assert to == ["requester@example.test", "teamleider@example.test"]


def test_the_email_carries_a_link_to_the_notification_and_nothing_else(filed_request, with_emails, settings):
    settings.SITE_URL = "https://toolkid.example.nl"
    request = file_on(filed_request, D(2026, 5, 11))
    sweep_at(D(2026, 5, 21))
    message = next(m for m in mail.outbox if m.to == ["requester@example.test"])
    notification = Notification.objects.get(recipient=with_emails["requester"])
    assert f"https://toolkid.example.nl/meldingen/{notification.public_id}/" in message.body
    assert str(request.public_id) not in message.body
    assert request.reference not in message.body + message.subject
    assert message.subject == "toolKID: er staat een melding voor u klaar"


def test_a_failing_mail_server_is_retried_by_the_next_sweep(filed_request, with_emails, monkeypatch):
    from toolkid import notifications

    request = file_on(filed_request, D(2026, 5, 11))

    def down(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr(notifications.EmailMessage, "send", down)
    result = sweep_at(D(2026, 5, 21))
    assert result.emails == {"sent": 0, "skipped": 0, "failed": 1}
    assert mail.outbox == []
    assert sent(request) == [N.DUE, N.OVERDUE]  # the notifications exist regardless
    monkeypatch.undo()
    sweep_at(D(2026, 5, 21))
    assert len(mail.outbox) == Notification.objects.count() == 5
    assert set(Notification.objects.values_list("email_status", flat=True)) == {EmailStatus.SENT}


def test_schedule_is_computed_in_the_receiving_organisations_calendar(mondriaan, decree_days):
    from toolkid.models import ClosureDay

    ClosureDay.objects.create(organisation=mondriaan, date=D(2026, 5, 19), reason="Teamdag")
    days = clock.schedule(D(2026, 5, 20), clock.Calendar(mondriaan))
    # 2 working days before Wed 20 May: Tue 19 closed, Mon 18 (1), Fri 15 decree, Thu 14
    # Ascension, Wed 13 (2).
    assert days[N.REMINDER] == D(2026, 5, 13)
    assert days[N.ESCALATION] == D(2026, 5, 26)

"""Each notification's e-mail is sent once, also when the worker is killed while it sends them
(issue 12, item 1): a real Celery worker and beat on Redis and PostgreSQL, the default batch
size, e-mails written to files so they can be counted per notification.

Before the fix a worker killed mid-batch rolled back the marks of up to a hundred e-mails it had
already sent, and the next run sent them all again (17–31 doubles per kill). Now each e-mail is
claimed and confirmed in its own committed step: a kill doubles at most the one in flight."""

from __future__ import annotations

import re
import time
from collections import Counter
from pathlib import Path

import pytest

from toolkid.models import EmailStatus, Notification, NotificationKind, Role

TIMEOUT_SECONDS = 120
COUNT = 300


def _sent(mail_dir: Path) -> Counter:
    """Message-IDs of the e-mails written so far (a file may hold one message)."""
    found: Counter = Counter()
    for path in mail_dir.glob("*.log"):
        found.update(re.findall(r"^Message-ID: (<melding-[^>]+>)", path.read_text(), re.MULTILINE))
    return found


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_while_it_sends_emails_doubles_at_most_one(
    celery_processes, make_user, mondriaan, tmp_path
):
    user = make_user((mondriaan, Role.TEAMLEIDER), username="veel.post", email="teamleider@example.test")
    Notification.objects.bulk_create(
        Notification(recipient=user, organisation=mondriaan, kind=NotificationKind.DEADLINE_OVERDUE,
                     source_key=f"test:{number}", target_url="/verzoeken/")
        for number in range(COUNT)
    )
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {"DJANGO_SETTINGS_MODULE": "tests.integration.mail_settings",
           "TOOLKID_TEST_MAIL_DIR": str(mail_dir)}
    try:
        worker = celery_processes.worker(env=env)
        celery_processes.beat(env=env)
        deadline = time.monotonic() + TIMEOUT_SECONDS
        # Killed well into a run: with batches that commit their marks at the end, dozens of
        # sent e-mails would lose their mark here.
        while not COUNT // 10 <= sum(_sent(mail_dir).values()) < COUNT // 2:
            assert time.monotonic() < deadline, f"no e-mail went out\n{celery_processes.logs()}"
            assert sum(_sent(mail_dir).values()) < COUNT, "all sent before the worker could be killed"
            time.sleep(0.01)
        worker.kill()  # SIGKILL to the whole process group: a crash in the middle of sending
        at_kill = sum(_sent(mail_dir).values())
        assert COUNT // 10 <= at_kill < COUNT

        restarted = celery_processes.worker(env=env)
        deadline = time.monotonic() + TIMEOUT_SECONDS
        while Notification.objects.exclude(email_status=EmailStatus.SENT).exists():
            assert restarted.alive(), f"the new worker died\n{celery_processes.logs()}"
            assert time.monotonic() < deadline, f"not all sent after the restart\n{celery_processes.logs()}"
            time.sleep(0.25)
    finally:
        celery_processes.stop_all()

    sent = _sent(mail_dir)
    public_ids = Notification.objects.values_list("public_id", flat=True)
    expected = {f"<melding-{public_id}@" for public_id in public_ids}
    assert {message_id.split("@")[0] + "@" for message_id in sent} == expected  # every one went out
    doubles = sum(times - 1 for times in sent.values())
    assert doubles <= 1, f"{doubles} e-mails sent twice"

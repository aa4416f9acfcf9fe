"""Celery beat's scheduler (``CELERY_BEAT_SCHEDULER``): Celery's own ``PersistentScheduler``,
except that a due task that cannot reach the broker is logged in one line.

While Redis is away, every due entry fails to send. Celery logs each failure with the stack
and the chained traceback, about 150 lines a tick; here it is one line without a traceback::

    beat: could not send deadline-sweep: OperationalError: Error 111 connecting to ... refused.

Nothing is lost by skipping a send: beat already moved the entry to its next run, the next
tick tries again, and the work itself is rows in the database that the next sweep picks up.
Any other error when sending keeps Celery's message with its traceback.
"""

from __future__ import annotations

import traceback

from celery.beat import PersistentScheduler, ScheduleEntry
from celery.utils.log import get_logger
from kombu.exceptions import OperationalError

logger = get_logger(__name__)

#: Longest message text kept in the one line.
MAX_MESSAGE = 200


def broker_error(exc: BaseException, connection_errors: tuple[type[BaseException], ...] = ()):
    """The broker connection error behind ``exc`` (``exc`` itself or an exception it was raised
    from or during), or None when the failure is something else."""
    kinds = (OperationalError, ConnectionError, TimeoutError, *connection_errors)
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, kinds):
            return current
        current = current.__cause__ or current.__context__
    return None


def one_line(exc: BaseException) -> str:
    """``ExceptionClass: first line of its message``, at most MAX_MESSAGE characters."""
    lines = str(exc).strip().splitlines()
    text = f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


class QuietScheduler(PersistentScheduler):
    """``PersistentScheduler`` that logs an unreachable broker in one line per due entry."""

    def _connection_errors(self) -> tuple[type[BaseException], ...]:
        try:
            return tuple(self.connection.connection_errors)
        except Exception:  # the transport could not even be loaded: fall back to the generic ones
            return ()

    def apply_entry(self, entry: ScheduleEntry, producer=None) -> None:
        # Celery's Scheduler.apply_entry, with the broker case split off.
        logger.info("Scheduler: Sending due task %s (%s)", entry.name, entry.task)
        try:
            result = self.apply_async(entry, producer=producer, advance=False)
        except Exception as exc:
            cause = broker_error(exc, self._connection_errors())
            if cause is not None:
                logger.error("beat: could not send %s: %s", entry.name, one_line(cause))
            else:
                logger.error(
                    "Message Error: %s\n%s", exc, traceback.format_stack(), exc_info=True
                )
        else:
            if result is not None and hasattr(result, "id"):
                logger.debug("%s sent. id->%s", entry.task, result.id)
            else:
                logger.debug("%s sent.", entry.task)

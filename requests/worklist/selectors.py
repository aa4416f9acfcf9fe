"""*Mijn taken*: what waits for the actor across the sub-domains, composed from their selectors:
the open follow-up duties, release proposals of the path-C hold (R37), secondary uses waiting
for the clinician (R28) and reverse questions waiting for youth care (R3). One SEARCH event."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from requests.core import access
from requests.core.audit_codes import RequestAuditCode
from requests.followup import selectors as followup_selectors
from requests.followup.models import HoldRelease, SecondaryUse
from requests.reverse import selectors as reverse_selectors
from requests.reverse.models import ReverseQuestion
from toolkid.actors import Actor


@dataclass
class TaskList:
    """What waits for the actor: their duties, and replies the other side waits for."""

    #: Paged by the view (``followup_selectors.DUTY_ORDER``): the list that grows with the work.
    duties: Any = field(default_factory=list)
    releases: list[HoldRelease] = field(default_factory=list)
    secondary_uses: list[SecondaryUse] = field(default_factory=list)
    reverse_questions: list[ReverseQuestion] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.duties or self.releases or self.secondary_uses or self.reverse_questions)


def tasks_for(actor: Actor) -> TaskList:
    """*Mijn taken* for ``actor`` (who must act for an organisation), logged as one SEARCH."""
    if not access.is_acting(actor):
        raise access.deny_list(actor, RequestAuditCode.TASKS_LISTED, {})
    tasks = TaskList(
        duties=followup_selectors.open_duties_queryset(actor),
        releases=followup_selectors.releases_awaiting(actor),
        secondary_uses=followup_selectors.secondary_uses_awaiting(actor),
        reverse_questions=reverse_selectors.reverse_questions_awaiting(actor),
    )
    access.record_list(actor, RequestAuditCode.TASKS_LISTED, {})
    return tasks
